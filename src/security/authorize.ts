/**
 * The one authorisation layer: a schema transform that puts the rule of POLICY (policy.ts) in front
 * of every field's resolver. Fields open to every authenticated caller are left untouched (the HTTP
 * layer already refused anonymous requests), so ordinary reads pay nothing.
 */
import { MapperKind, mapSchema } from '@graphql-tools/utils';
import { GraphQLError, defaultFieldResolver, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { ENTITY_LOOKUP, rolesAllow, ruleFor, type PolicyCaller, type Rule } from './policy.js';

export function forbidden(message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'FORBIDDEN', ...extra } });
}

function callerOf(ctx: unknown): PolicyCaller | null {
  return (ctx as { caller?: PolicyCaller } | null)?.caller ?? null;
}

function guard(
  typeName: string,
  fieldName: string,
  rule: Rule | null,
  resolve: GraphQLFieldResolver<unknown, unknown>,
): GraphQLFieldResolver<unknown, unknown> {
  const field = `${typeName}.${fieldName}`;
  return (parent, args, ctx, info) => {
    if (!rule) throw forbidden(`${field} has no access rule (add one to POLICY in src/security/policy.ts)`, { field });
    const caller = callerOf(ctx);
    if (!caller) throw new GraphQLError('authentication required', { extensions: { code: 'UNAUTHENTICATED' } });
    if (!rolesAllow(rule, caller)) {
      throw forbidden(`${field} is not available to role ${caller.roles.join(', ')}`, { field, requires: rule.roles });
    }
    if (rule.record && !rule.record(caller, parent, ctx)) {
      throw forbidden(`${field} of this record is not available to this caller${rule.note ? ` (${rule.note})` : ''}`, { field });
    }
    return resolve(parent, args, ctx, info);
  };
}

/**
 * Federation `_entities`: each representation must pass the rule of its type's lookup (ENTITY_LOOKUP);
 * those that do not answer null with FORBIDDEN at their index, the others resolve as usual.
 */
function guardEntities(resolve: GraphQLFieldResolver<unknown, unknown>): GraphQLFieldResolver<unknown, unknown> {
  return (parent, args, ctx, info) => {
    const caller = callerOf(ctx);
    if (!caller) throw new GraphQLError('authentication required', { extensions: { code: 'UNAUTHENTICATED' } });
    const reps = ((args as { representations?: unknown[] }).representations ?? []) as { __typename?: unknown }[];
    const refusal = reps.map((r) => {
      const type = typeof r?.__typename === 'string' ? r.__typename : '?';
      const rule = Object.hasOwn(ENTITY_LOOKUP, type) ? ENTITY_LOOKUP[type]! : null;
      if (!rule) return forbidden(`${type} is not an entity of this subgraph`, { field: 'Query._entities', entity: type });
      if (!rolesAllow(rule, caller) || (rule.record && !rule.record(caller, parent, ctx))) {
        return forbidden(`${type} entities are not available to role ${caller.roles.join(', ')}`, {
          field: 'Query._entities',
          entity: type,
          requires: rule.roles,
        });
      }
      return null;
    });
    if (refusal.every((x) => x === null)) return resolve(parent, args, ctx, info);
    const allowed = reps.filter((_r, i) => refusal[i] === null);
    const resolved = (allowed.length ? resolve(parent, { ...args, representations: allowed }, ctx, info) : []) as unknown[];
    let next = 0;
    // an Error in a list answers null at its index with that error (graphql-js completes list items so)
    return refusal.map((err) => err ?? resolved[next++]);
  };
}

/** The schema with every field guarded by its policy rule. */
export function applyPolicy(schema: GraphQLSchema): GraphQLSchema {
  const queryType = schema.getQueryType()?.name;
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (config, fieldName, typeName) => {
      const rule = ruleFor(typeName, fieldName);
      if (typeName === queryType && fieldName === '_entities' && rule) {
        return { ...config, resolve: guard(typeName, fieldName, rule, guardEntities(config.resolve ?? defaultFieldResolver)) };
      }
      if (rule && rule.roles === 'any' && !rule.record) return config;
      return { ...config, resolve: guard(typeName, fieldName, rule, config.resolve ?? defaultFieldResolver) };
    },
  });
}
