/**
 * The executable schema: every .graphql file under schema/ (one per domain) merged, with the
 * resolvers of every capability module listed in one array.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mergeResolvers } from '@graphql-tools/merge';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLScalarType, GraphQLSchema } from 'graphql';
import { analyticsResolvers } from '../analytics/resolvers.js';
import { complianceResolvers } from '../compliance/resolvers.js';
import { creditResolvers } from '../credit/resolvers.js';
import { DEPARTMENT_MODULES } from '../departments/index.js';
import { enterpriseResolvers } from '../enterprise/resolvers.js';
import type { Resolvers } from '../generated/graphql.js';
import { opsResolvers } from '../ops/resolvers.js';
import { personResolvers } from '../person/resolvers.js';
import { recordResolvers } from '../records/resolvers.js';
import { riskResolvers } from '../risk/resolvers.js';
import { securityResolvers } from '../security/resolvers.js';
import { provenanceResolvers } from './provenance.js';
import { DateScalar, DateTimeScalar, JsonScalar } from './scalars.js';

const schemaDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../schema');

/** A scalar's behaviour without its (empty) description, so the SDL's description stays. */
function sdlDescribed(s: GraphQLScalarType): Pick<GraphQLScalarType, 'serialize' | 'parseValue' | 'parseLiteral'> {
  return { serialize: s.serialize, parseValue: s.parseValue, parseLiteral: s.parseLiteral };
}

/** The capability modules' resolvers: adding a capability means adding it here. */
const MODULES: Resolvers[] = [
  { Date: sdlDescribed(DateScalar), DateTime: sdlDescribed(DateTimeScalar), JSON: sdlDescribed(JsonScalar), Provenance: provenanceResolvers, Mutation: { _noop: () => null } } as unknown as Resolvers,
  enterpriseResolvers,
  personResolvers,
  recordResolvers,
  ...DEPARTMENT_MODULES,
  opsResolvers,
  creditResolvers,
  riskResolvers,
  analyticsResolvers,
  securityResolvers,
  complianceResolvers,
];

export function loadTypeDefs(dir = schemaDir): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.graphql'))
    .sort()
    .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'));
}

export function buildSchema(): GraphQLSchema {
  return makeExecutableSchema({
    typeDefs: loadTypeDefs(),
    resolvers: mergeResolvers(MODULES as never[]),
    resolverValidationOptions: { requireResolversToMatchSchema: 'error' },
  });
}
