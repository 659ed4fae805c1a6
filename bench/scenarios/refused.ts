import type { Scenario } from './types.js';

/**
 * Issue 7: requests the hub must refuse before doing work (GraphQL Armor limits, the body limit).
 * Each is judged by how cheaply it is refused: throughput and latency against `{ __typename }`.
 */
const refused = (name: string, description: string, body: Scenario['body']): Scenario => ({
  name,
  description,
  body,
  baseline: 'typename',
  expect: 'refused',
  group: 'Refused queries (issue 7)',
});

export const REFUSED_SCENARIOS: Scenario[] = [
  refused('refuse-over-depth', 'a query 14 levels deep (limit 12): 400, depth error', (w) => ({
    query: `query($c: ID!) { enterprise(creditCode: $c) { ${'persons { nodes { person { roles { nodes { enterprise { '.repeat(2)} name ${'} } } } } } '.repeat(2)} } }`,
    variables: { c: w.richEnterprises[0] },
  })),
  refused('refuse-1000-aliases', '1,000 aliases of `ping` (limit 30): 400, alias error', () => ({
    query: `{ ${Array.from({ length: 1000 }, (_, i) => `a${i}: ping`).join(' ')} }`,
  })),
  refused('refuse-1mb-body', 'a body just over 1 MB: 413 before parsing', () =>
    JSON.stringify({ query: `{ ping } # ${'x'.repeat(1024 * 1024)}` }),
  ),
  refused('refuse-over-cost', 'pages of 500 nested three deep (static cost ~6.9 billion, limit 100 million): 400, cost error', () => ({
    query: '{ enterprises(first: 500) { nodes { persons(first: 500) { nodes { person { roles(first: 500) { nodes { role } } } } } } } }',
  })),
];
