/**
 * The one authorisation layer: a schema transform that puts the rule of POLICY (policy.ts) in front
 * of every field's resolver. Fields open to every authenticated caller are left untouched (the HTTP
 * layer already refused anonymous requests), so ordinary reads pay nothing.
 */
import { MapperKind, mapSchema } from '@graphql-tools/utils';
import { GraphQLError, defaultFieldResolver, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { rolesAllow, ruleFor, type PolicyCaller, type Rule } from './policy.js';

export function forbidden(message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'FORBIDDEN', ...extra } });
}

function callerOf(ctx: unknown): PolicyCaller | null {
  return (ctx as { caller?: PolicyCaller } | null)?.caller ?? null;
}

function guard(typeName: string, fieldName: string, rule: Rule | null, resolve: GraphQLFieldResolver<unknown, unknown>): GraphQLFieldResolver<unknown, unknown> {
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

/** The schema with every field guarded by its policy rule. */
export function applyPolicy(schema: GraphQLSchema): GraphQLSchema {
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (config, fieldName, typeName) => {
      const rule = ruleFor(typeName, fieldName);
      if (rule && rule.roles === 'any' && !rule.record) return config;
      return { ...config, resolve: guard(typeName, fieldName, rule, config.resolve ?? defaultFieldResolver) };
    },
  });
}
