/**
 * The department's schema section against the shared schema: it parses, merges with schema/*.graphql
 * into a valid subgraph schema, NaturalResourcesSection keeps the DepartmentSection contract, everything
 * it adds is described, and its resolvers name only what it defines. (The hub merging it is wired outside
 * this folder.)
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { mergeTypeDefs } from '@graphql-tools/merge';
import {
  parse,
  validateSchema,
  type GraphQLEnumType,
  type GraphQLInterfaceType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEPARTMENT_PACKAGES } from '../registry.js';
import { naturalResourcesResolvers } from './resolvers.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
/** The hub's schema files: schema/*.graphql and every registered package's section (as src/server/schema.ts loads them). */
const loadTypeDefs = () =>
  [
    ...fs
      .readdirSync(path.join(root, 'schema'))
      .filter((f) => f.endsWith('.graphql'))
      .sort()
      .map((f) => path.join(root, 'schema', f)),
    ...DEPARTMENT_PACKAGES.map((d) => path.join(root, 'connectors', d.id, 'section.graphql')),
  ].map((f) => fs.readFileSync(f, 'utf8'));
const section = fs.readFileSync(path.join(here, 'section.graphql'), 'utf8');

describe('natural-resources schema section', () => {
  let schema: GraphQLSchema;
  beforeAll(() => {
    // merged first: the subgraph builder drops descriptions of values given in `extend enum`
    // once the hub loads the section itself, it is not added a second time
    const shared = loadTypeDefs();
    const defs = shared.some((d) => d.includes('type NaturalResourcesSection')) ? shared : [...shared, section];
    schema = buildSubgraphSchema({ typeDefs: mergeTypeDefs(defs.map((s) => parse(s))) });
  });

  it('merges with the shared schema into a valid schema', () => {
    expect(validateSchema(schema).map((e) => e.message)).toEqual([]);
  });

  it('NaturalResourcesSection implements DepartmentSection with the same fields as every section, and Enterprise.naturalResources returns it', () => {
    const type = schema.getType('NaturalResourcesSection') as GraphQLObjectType;
    const iface = schema.getType('DepartmentSection') as GraphQLInterfaceType;
    expect(type.getInterfaces().map((i) => i.name)).toEqual(['DepartmentSection']);
    const fire = (schema.getType('FireSection') as GraphQLObjectType).getFields();
    for (const [name, f] of Object.entries(iface.getFields())) {
      expect(String(type.getFields()[name]?.type), name).toBe(String(f.type));
      expect(String(type.getFields()[name]?.type), name).toBe(String(fire[name]!.type));
    }
    expect(Object.keys(type.getFields())).toEqual(
      expect.arrayContaining(['miningLicences', 'geologicalHazards', 'penalties', 'listEntries']),
    );
    const field = (schema.getType('Enterprise') as GraphQLObjectType).getFields().naturalResources!;
    expect(String(field.type)).toBe('NaturalResourcesSection!');
    expect(field.args.map((a) => `${a.name}: ${String(a.type)}`)).toEqual(['freshness: Freshness']);
  });

  it('the enums it extends keep their values and gain the ones its records carry, described in Chinese', () => {
    const values = (name: string) => (schema.getType(name) as GraphQLEnumType).getValues();
    expect(values('Department').map((v) => v.name)).toEqual(
      expect.arrayContaining(['MARKET', 'HOUSING', 'EMERGENCY', 'TRANSPORT', 'FIRE', 'NATURAL_RESOURCES']),
    );
    expect(values('CredentialKind').map((v) => v.name)).toEqual(
      expect.arrayContaining(['SAFETY_PRODUCTION_LICENCE', 'ROAD_TRANSPORT_LICENCE', 'MINING_LICENCE']),
    );
    expect(values('ListKind').map((v) => v.name)).toEqual(
      expect.arrayContaining(['SAFETY_DISHONEST', 'PRINCIPAL_BAN', 'NATURAL_RESOURCES_DISHONEST']),
    );
    for (const [e, v] of [
      ['Department', 'NATURAL_RESOURCES'],
      ['CredentialKind', 'MINING_LICENCE'],
      ['ListKind', 'NATURAL_RESOURCES_DISHONEST'],
    ]) {
      expect(values(e!).find((x) => x.name === v)?.description, `${e}.${v}`).toMatch(/[\u4e00-\u9fa5]/);
    }
    const type = schema.getType('NaturalResourcesSection') as GraphQLObjectType;
    expect(type.description).toMatch(/^自然资源/);
    for (const f of Object.values(type.getFields())) expect(f.description, f.name).toMatch(/[\u4e00-\u9fa5]/);
  });

  it('its resolvers name only fields the section defines', () => {
    for (const [typeName, fields] of Object.entries(naturalResourcesResolvers)) {
      const known = (schema.getType(typeName) as GraphQLObjectType).getFields();
      for (const f of Object.keys(fields as object)) expect(known[f], `${typeName}.${f}`).toBeDefined();
    }
    expect(Object.keys(naturalResourcesResolvers.NaturalResourcesSection as object).sort()).toEqual(
      Object.keys((schema.getType('NaturalResourcesSection') as GraphQLObjectType).getFields()).sort(),
    );
  });
});
