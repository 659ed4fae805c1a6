/**
 * Query safety limits, enforced before execution (a refused query never touches the store). The
 * numbers, and why:
 * - depth 12: the deepest real query (enterprise → section → connection → edges → node → person →
 *   roles → nodes → enterprise → …) needs 9–10 levels; 12 leaves room and stops recursive walks.
 * - aliases 30: the bench and batch lookups alias up to ~20 enterprises in one request; 1,000 is abuse.
 *   Aliases of `__typename` count too (Armor leaves them out by default: 10,000 of them are free to send).
 * - directives 20: the hub's queries use a handful of @include/@skip.
 * - tokens 4,000: a full enterprise profile with every section is ~1,200 tokens. Counted by graphql-js's
 *   own parser (`parseOptions`), so a document over it, or malformed, is a parse failure (400), not a
 *   plugin crash (500).
 * - cost 100,000,000 (Armor's formula: object 2, scalar 1, ×1.5 per level, × the page size `first:`):
 *   it counts potential result objects, about 50 per object. The page size is the literal, the variable's
 *   value, or the argument's default (the schema's, else the resolvers' 20): a `first: $n` or an omitted
 *   `first` is no cheaper than the same page size written out. The widest query the hub serves on purpose — 100 enterprises live
 *   with every section at page size 500, up to a million records — costs ~52 million; a profile screen
 *   (bench scenario) ~7,000 at literal page sizes; nesting pages of 500 three deep (125 million objects)
 *   ~6.9 billion, refused before it runs.
 * Field suggestions ("did you mean …") are blocked in production, as is introspection (app.ts).
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import {
  GraphQLError,
  Kind,
  getNamedType,
  isInterfaceType,
  isObjectType,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { DEFAULT_PAGE_SIZE } from '../kernel/validate.js';

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

/** graphql-js parse options: the token limit is applied while parsing. */
export const PARSE_OPTIONS = { maxTokens: QUERY_LIMITS.maxTokens } as const;

export function queryArmor(production: boolean) {
  return new ApolloArmor({
    maxDepth: { n: QUERY_LIMITS.maxDepth, exposeLimits: true, flattenFragments: true },
    maxAliases: { n: QUERY_LIMITS.maxAliases, exposeLimits: true, allowList: [] },
    maxDirectives: { n: QUERY_LIMITS.maxDirectives, exposeLimits: true },
    // PARSE_OPTIONS and queryCostPlugin below replace these two
    maxTokens: { enabled: false },
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: production },
  }).protect();
}

type Variables = Readonly<Record<string, unknown>> | undefined;

/** The page size a field asks for: `first`/`last` as a literal, a variable (or its default), or the argument's schema default. */
function pageSize(
  node: FieldNode,
  argDefaults: ReadonlyMap<string, unknown>,
  variables: Variables,
  varDefaults: ReadonlyMap<string, ValueNode>,
): number {
  const intOf = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : 1);
  for (const name of ['first', 'last']) {
    const arg = node.arguments?.find((a) => a.name.value === name);
    if (!arg) {
      if (argDefaults.has(name)) return intOf(argDefaults.get(name));
      continue;
    }
    const value = arg.value;
    if (value.kind === Kind.INT) return intOf(Number.parseInt(value.value, 10));
    if (value.kind === Kind.VARIABLE) {
      const v = variables?.[value.name.value];
      if (v !== undefined && v !== null) return intOf(v);
      const d = varDefaults.get(value.name.value);
      if (d?.kind === Kind.INT) return intOf(Number.parseInt(d.value, 10));
      if (argDefaults.has(name)) return intOf(argDefaults.get(name));
    }
    return 1;
  }
  return 1;
}

/** Federation `_entities`: one entity per representation, so the list is as long as the argument (literal or variable). */
function representationCount(node: FieldNode, variables: Variables): number {
  const value = node.arguments?.find((a) => a.name.value === 'representations')?.value;
  if (value?.kind === Kind.LIST) return Math.max(1, value.values.length);
  const v = value?.kind === Kind.VARIABLE ? variables?.[value.name.value] : undefined;
  return Array.isArray(v) ? Math.max(1, v.length) : 1;
}

/**
 * Armor's cost formula over a validated operation, with the page sizes the request really asks for
 * (variables and schema defaults included). Fragments are flattened; a fragment's cost is computed once.
 */
export function operationCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Readonly<Record<string, FragmentDefinitionNode>>,
  variables: Variables,
): number {
  const L = QUERY_LIMITS;
  const varDefaults = new Map<string, ValueNode>();
  for (const d of operation.variableDefinitions ?? []) if (d.defaultValue) varDefaults.set(d.variable.name.value, d.defaultValue);
  const fragmentCost = new Map<string, number>();

  const selections = (set: SelectionSetNode, parent: GraphQLNamedType | undefined): number => {
    let cost = 0;
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) cost += L.depthCostFactor * field(s, parent);
      else if (s.kind === Kind.INLINE_FRAGMENT) {
        cost += selections(s.selectionSet, s.typeCondition ? (schema.getType(s.typeCondition.name.value) ?? undefined) : parent);
      } else {
        const name = s.name.value;
        if (!fragmentCost.has(name)) {
          const f = fragments[name];
          // validation refuses cycles and unknown fragments before this runs; 0 guards a re-entry anyway
          fragmentCost.set(name, 0);
          fragmentCost.set(name, f ? selections(f.selectionSet, schema.getType(f.typeCondition.name.value) ?? undefined) : 0);
        }
        cost += fragmentCost.get(name)!;
      }
    }
    return cost;
  };

  const field = (node: FieldNode, parent: GraphQLNamedType | undefined): number => {
    // introspection is not counted (Armor's default; it is off in production)
    if (node.name.value === '__schema') return 0;
    if (!node.selectionSet) return L.scalarCost;
    const def = parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[node.name.value] : undefined;
    const argDefaults = new Map<string, unknown>();
    // a `first` without a schema default pages by the resolvers' default (pageSizeArg)
    for (const a of def?.args ?? [])
      if (a.defaultValue !== undefined || a.name === 'first') argDefaults.set(a.name, a.defaultValue ?? DEFAULT_PAGE_SIZE);
    const n = node.name.value === '_entities' ? representationCount(node, variables) : pageSize(node, argDefaults, variables, varDefaults);
    return (L.objectCost + selections(node.selectionSet, def ? getNamedType(def.type) : undefined)) * n;
  };

  const root =
    operation.operation === 'mutation'
      ? schema.getMutationType()
      : operation.operation === 'subscription'
        ? schema.getSubscriptionType()
        : schema.getQueryType();
  let total = 0;
  for (const s of operation.selectionSet.selections) {
    // the operation's own selections are not multiplied by the depth factor (as in Armor)
    if (s.kind === Kind.FIELD) total += field(s, root ?? undefined);
    else total += selections({ kind: Kind.SELECTION_SET, selections: [s] }, root ?? undefined);
  }
  return total;
}

/**
 * Refuses an operation over the cost limit once its variables are known (validation runs before them),
 * with 400 and GRAPHQL_VALIDATION_FAILED like the other limits.
 */
export function queryCostPlugin<C extends object>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, request, schema }) {
          if (!operation) return;
          const fragments: Record<string, FragmentDefinitionNode> = {};
          for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
          const cost = operationCost(schema, operation, fragments, request.variables);
          if (cost > QUERY_LIMITS.maxCost) {
            throw new GraphQLError(
              `Query Cost limit of ${QUERY_LIMITS.maxCost} exceeded, found ${Math.round(cost)} (page sizes from literals, variables and argument defaults).`,
              {
                extensions: {
                  code: 'GRAPHQL_VALIDATION_FAILED',
                  reason: 'COST_LIMIT',
                  maxCost: QUERY_LIMITS.maxCost,
                  cost: Math.round(cost),
                  http: { status: 400 },
                },
              },
            );
          }
        },
      };
    },
  };
}
