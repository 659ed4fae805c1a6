/**
 * The executable schema: every .graphql file under schema/ (one per domain) and each registered department
 * package's section (connectors/<id>/section.graphql, in registry order) merged, with the
 * resolvers of every capability module listed in one array, built as an Apollo Federation 2 subgraph
 * (schema/federation.graphql links the spec; Enterprise and Person carry @key): the same schema serves
 * clients directly and a gateway through `_entities`, both under the one access policy (authorize.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { mergeResolvers } from '@graphql-tools/merge';
import { MapperKind, mapSchema } from '@graphql-tools/utils';
import {
  isInterfaceType,
  isObjectType,
  Kind,
  parse,
  type DefinitionNode,
  type DocumentNode,
  type EnumValueDefinitionNode,
  type GraphQLScalarType,
  type GraphQLSchema,
} from 'graphql';
import { DEPARTMENT_PACKAGES } from '../../connectors/registry.js';
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
import { provenanceResolvers } from '../kernel/provenance.js';
import { DateScalar, DateTimeScalar, JsonScalar } from '../kernel/scalars.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const schemaDir = path.join(root, 'schema');

/** A scalar's behaviour without its (empty) description, so the SDL's description stays. */
function sdlDescribed(s: GraphQLScalarType): Pick<GraphQLScalarType, 'serialize' | 'parseValue' | 'parseLiteral'> {
  return { serialize: s.serialize, parseValue: s.parseValue, parseLiteral: s.parseLiteral };
}

/**
 * The scalars' behaviour, apart from MODULES: the generated Resolvers type wants whole GraphQLScalarType
 * objects there, and a whole one would replace the SDL's description with its own empty one.
 */
const SCALARS = { Date: sdlDescribed(DateScalar), DateTime: sdlDescribed(DateTimeScalar), JSON: sdlDescribed(JsonScalar) };

/** The capability modules' resolvers: adding a capability means adding it here. */
const MODULES: Resolvers[] = [
  { Provenance: provenanceResolvers, Mutation: { _noop: () => null } },
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

interface TypeDefsFile {
  sdl: string;
  /** the registry position of the department package it belongs to (-1: a core file) */
  rank: number;
}

/** The schema files, core and the registered packages' sections, sorted by name (a section as `<id>.graphql`). */
function typeDefsFiles(dir: string): TypeDefsFile[] {
  const core = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.graphql'))
    .map((f) => ({ name: f, file: path.join(dir, f), rank: -1 }));
  const sections = DEPARTMENT_PACKAGES.map((d, rank) => ({
    name: `${d.id}.graphql`,
    file: path.join(root, 'connectors', d.id, 'section.graphql'),
    rank,
  }));
  return [...core, ...sections]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((f) => ({ sdl: fs.readFileSync(f.file, 'utf8'), rank: f.rank }));
}

export function loadTypeDefs(dir = schemaDir): string[] {
  return typeDefsFiles(dir).map((f) => f.sdl);
}

/**
 * The type definitions as one document, each `extend enum` folded into its enum's definition: the department
 * packages add their Department (and CredentialKind, ListKind) values that way, and the subgraph build would
 * drop the descriptions of values that come by extension. Values added by packages follow the registry order.
 */
export function typeDefsDocument(dir = schemaDir): DocumentNode {
  const files = typeDefsFiles(dir).map((f) => ({ doc: parse(f.sdl), rank: f.rank }));
  const definitions = files.flatMap((f) => f.doc.definitions);
  const added = new Map<string, { rank: number; values: readonly EnumValueDefinitionNode[] }[]>();
  for (const f of files) {
    for (const d of f.doc.definitions) {
      if (d.kind !== Kind.ENUM_TYPE_EXTENSION || d.directives?.length) continue;
      added.set(d.name.value, [...(added.get(d.name.value) ?? []), { rank: f.rank, values: d.values ?? [] }]);
    }
  }
  const defined = new Set(definitions.flatMap((d) => (d.kind === Kind.ENUM_TYPE_DEFINITION ? [d.name.value] : [])));
  return {
    kind: Kind.DOCUMENT,
    definitions: definitions.flatMap((d): DefinitionNode[] => {
      if (d.kind === Kind.ENUM_TYPE_EXTENSION && defined.has(d.name.value) && !d.directives?.length) return [];
      if (d.kind !== Kind.ENUM_TYPE_DEFINITION || !added.has(d.name.value)) return [d];
      const more = [...added.get(d.name.value)!].sort((a, b) => a.rank - b.rank).flatMap((x) => x.values);
      return [{ ...d, values: [...(d.values ?? []), ...more] }];
    }),
  };
}

/** What the subgraph library adds, described like every other part of the contract. */
const FEDERATION_DESCRIPTIONS: Record<string, string> = {
  _Service: "联邦服务 Federation: this subgraph's schema, for a gateway composing a supergraph.",
  '_Service.sdl': 'The subgraph schema (SDL) with its federation directives.',
  _Any: '联邦实体引用 Federation: an entity representation, `__typename` and its key fields (e.g. `{ "__typename": "Enterprise", "creditCode": "…" }`).',
  _Entity: '联邦实体 Federation: every type with a @key (Enterprise, Person).',
  'Query._entities':
    '联邦实体查询 Federation: entities by their keys, for a gateway. Each representation is checked like the root field that looks its type up (`enterprise`, `person`), and every field then obeys the access policy as anywhere else.',
  'Query._service': '联邦服务 Federation: the subgraph schema, for a gateway; not served where introspection is off (production).',
  link__Import: 'Federation @link: a name imported from a linked specification.',
  link__Purpose: 'Federation @link: why a specification is linked.',
  FieldSet: 'Federation: a selection of fields (the argument of @key).',
  federation__FieldSet: 'Federation: a selection of fields (the argument of @key).',
  federation__Scope: "Federation @requiresScopes: an authorisation scope (unused: the hub's own policy applies).",
  federation__Policy: "Federation @policy: an authorisation policy name (unused: the hub's own policy applies).",
};

function describeFederation(schema: GraphQLSchema): GraphQLSchema {
  const d = (name: string, given: string | null | undefined) => given || FEDERATION_DESCRIPTIONS[name] || given;
  return mapSchema(schema, {
    [MapperKind.TYPE]: (type) => {
      if (type.description || !FEDERATION_DESCRIPTIONS[type.name]) return type;
      const config = type.toConfig();
      const Ctor = type.constructor as new (c: typeof config) => typeof type;
      return new Ctor({ ...config, description: FEDERATION_DESCRIPTIONS[type.name] });
    },
    [MapperKind.OBJECT_FIELD]: (config, fieldName, typeName) => ({
      ...config,
      description: d(`${typeName}.${fieldName}`, config.description),
    }),
  });
}

/** Every resolver names a type and field of the schema (what requireResolversToMatchSchema checked before the subgraph build). */
function assertResolversMatch(schema: GraphQLSchema, resolvers: Record<string, Record<string, unknown>>): void {
  const wrong: string[] = [];
  for (const [typeName, fields] of Object.entries(resolvers)) {
    const type = schema.getType(typeName);
    if (!type) {
      wrong.push(typeName);
      continue;
    }
    if (!isObjectType(type) && !isInterfaceType(type)) continue;
    const known = type.getFields();
    for (const f of Object.keys(fields)) if (!f.startsWith('__') && !known[f]) wrong.push(`${typeName}.${f}`);
  }
  if (wrong.length) throw new Error(`resolvers for what the schema does not define: ${wrong.join(', ')}`);
}

export function buildSchema(): GraphQLSchema {
  const resolvers = mergeResolvers([SCALARS, ...MODULES]) as Record<string, Record<string, unknown>>;
  const schema = buildSubgraphSchema({ typeDefs: typeDefsDocument(), resolvers } as Parameters<typeof buildSubgraphSchema>[0]);
  assertResolversMatch(schema, resolvers);
  return describeFederation(schema);
}
