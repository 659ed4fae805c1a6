/**
 * The hub as a Federation 2 subgraph, seen from outside: its SDL for composition, and the rule that
 * keeps `_service` (the schema as SDL) where introspection is kept (never in production).
 */
import { GraphQLError, type ValidationRule } from 'graphql';
import { loadTypeDefs } from './schema.js';

/** The hub's subgraph SDL: the schema files, as `_service { sdl }` would give them (composition reads this). */
export function hubSubgraphSdl(): string {
  return loadTypeDefs().join('\n');
}

/** `_service` refused like introspection is (Apollo's NoIntrospection rule): the same schema, by another door. */
export const NoServiceSdl: ValidationRule = (context) => ({
  Field(node) {
    if (node.name.value !== '_service' || context.getParentType() !== context.getSchema().getQueryType()) return;
    context.reportError(new GraphQLError('the subgraph schema (_service) is not served where introspection is off', { nodes: [node] }));
  },
});
