import type { Scenario } from './types.js';

/** The floor: the same server, HTTP and GraphQL layers, no resolver work. */
export const typename: Scenario = {
  name: 'typename',
  description: '`{ __typename }`: HTTP + GraphQL parse/validate/execute with no data access',
  body: () => ({ query: '{ __typename }' }),
};
