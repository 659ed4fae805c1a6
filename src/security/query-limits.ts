/**
 * Query safety limits, enforced by GraphQL Armor before execution (a refused query never touches the
 * store). The numbers, and why:
 * - depth 12: the deepest real query (enterprise → section → connection → edges → node → person →
 *   roles → nodes → enterprise → …) needs 9–10 levels; 12 leaves room and stops recursive walks.
 * - aliases 30: the bench and batch lookups alias up to ~20 enterprises in one request; 1,000 is abuse.
 * - directives 20: the hub's queries use a handful of @include/@skip.
 * - tokens 4,000: a full enterprise profile with every section is ~1,200 tokens.
 * - cost 100,000,000 (Armor's static estimate: object 2, scalar 1, ×1.5 per level, × a literal
 *   `first:` page size): it counts potential result objects, about 50 per object. The widest query the
 *   hub serves on purpose — 100 enterprises live with every section at page size 500, up to a million
 *   records — costs ~52 million; a profile screen (bench scenario) ~7,000; nesting pages of 500 three
 *   deep (125 million objects) ~6.9 billion, refused before it runs.
 * Field suggestions ("did you mean …") are blocked in production, as is introspection (app.ts).
 */
import { ApolloArmor } from '@escape.tech/graphql-armor';

export const QUERY_LIMITS = {
  maxDepth: 12,
  maxAliases: 30,
  maxDirectives: 20,
  maxTokens: 4000,
  maxCost: 100_000_000,
  objectCost: 2,
  scalarCost: 1,
  depthCostFactor: 1.5,
} as const;

export function queryArmor(production: boolean) {
  return new ApolloArmor({
    maxDepth: { n: QUERY_LIMITS.maxDepth, exposeLimits: true, flattenFragments: true },
    maxAliases: { n: QUERY_LIMITS.maxAliases, exposeLimits: true },
    maxDirectives: { n: QUERY_LIMITS.maxDirectives, exposeLimits: true },
    maxTokens: { n: QUERY_LIMITS.maxTokens, exposeLimits: true },
    costLimit: {
      maxCost: QUERY_LIMITS.maxCost, objectCost: QUERY_LIMITS.objectCost, scalarCost: QUERY_LIMITS.scalarCost,
      depthCostFactor: QUERY_LIMITS.depthCostFactor, exposeLimits: true, flattenFragments: true,
    },
    blockFieldSuggestion: { enabled: production },
  }).protect();
}
