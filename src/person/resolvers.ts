/** Person lookup: by the keyed hash of the ID number; answered masked (see disclosure.ts). */
import type { Resolvers } from '../generated/graphql.js';
import { idNumberArg } from '../server/validate.js';

export const personResolvers: Resolvers = {
  Query: {
    person: (_p, { idNumber }, ctx) => ctx.loaders.person.load(ctx.vault.personKey(idNumberArg('idNumber', idNumber))),
  },
};
