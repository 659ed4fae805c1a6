/**
 * Issue 19.4: the `where` filters have one source, src/analytics/filters.ts. The SDL inputs are rendered from it
 * (schema/analytics-where.generated.graphql) and the compiler reads it; these tests hold the two sides together:
 * - the checked-in SDL is what the table renders;
 * - the filters the served schema declares and the ones the table gives SQL for are the same, path by path and
 *   operator by operator (a field added by hand to the SDL, by an `extend input` elsewhere, or to the table
 *   without regenerating shows up here by name);
 * - every filter path and operator the schema declares compiles and runs in PostgreSQL (each SQL builder names
 *   real columns and functions), and every operator it does not declare is refused as BAD_USER_INPUT (the CSV
 *   export's JSON `where` meets no GraphQL validation, only the compiler).
 */
import fs from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse, type GraphQLSchema } from 'graphql';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FILTER_SDL_FILE, renderFilterSdl } from '../src/analytics/filter-sdl.js';
import { COMPARISONS, COUNT_OPS, ENTERPRISE_FILTER } from '../src/analytics/filters.js';
import { compileWhere, SqlParams } from '../src/analytics/where.js';
import { makeCreditCode } from '../src/domain/codes.js';
import { buildSchema, loadTypeDefs } from '../src/server/schema.js';
import { openStore } from '../src/store/data-source.js';
import { createTestDatabase } from './support/db.js';

type W = Record<string, unknown>;
type Field = { name: string; type: unknown };
type Fielded = { getFields(): Record<string, Field> };

/** every operator a comparison may have, written here rather than taken from the code under test */
const ALL_OPS = ['_eq', '_neq', '_in', '_nin', '_gt', '_gte', '_lt', '_lte', '_like', '_isNull'];
const BOOL = ['_and', '_or', '_not'];
const LIMITS = { maxDepth: 10, maxConditions: 1000 };
const TODAY = '2026-06-15';
const CODE = makeCreditCode('9', '1', '420106', '7A1B2C3D');

/** a filter path as the schema reaches it: e.g. ['hiddenDangers', 'level'] (through `_some`), ['risk', 'tier'] */
interface Leaf {
  path: string[];
  /** the EnterpriseWhere field is a relation (reached through `_some`) */
  viaRelation: boolean;
  comparison: string;
  value: string;
  ops: string[];
}

// duck-typed: vitest may load graphql's CJS and ESM builds side by side, so instanceof checks fail
const named = (f: Field) => String(f.type).replace(/[[\]!]/g, '');
const fieldsOf = (schema: GraphQLSchema, type: string): Field[] => Object.values((schema.getType(type) as unknown as Fielded).getFields());

/** The filters a schema declares from EnterpriseWhere down, as lines to compare, and its leaves to exercise. */
function schemaFilters(schema: GraphQLSchema): { lines: string[]; leaves: Leaf[] } {
  const lines: string[] = [];
  const leaves: Leaf[] = [];
  const walk = (type: string, prefix: string[], viaRelation: boolean) => {
    for (const f of fieldsOf(schema, type)) {
      const t = named(f);
      const path = [...prefix, f.name];
      if (BOOL.includes(f.name)) {
        lines.push(`${path.join('.')}: ${t}`);
      } else if (t.endsWith('Comparison')) {
        const ops = fieldsOf(schema, t)
          .map((o) => o.name)
          .sort();
        const eq = fieldsOf(schema, t).find((o) => o.name === '_eq');
        lines.push(`${path.join('.')}: ${t} ${ops.join(' ')}`);
        leaves.push({ path, viaRelation, comparison: t, value: eq ? named(eq) : '?', ops });
      } else if (t.endsWith('Relation') && prefix.length === 0) {
        const rel = fieldsOf(schema, t);
        lines.push(
          `${path.join('.')}: relation ${rel
            .map((r) => `${r.name}:${named(r)}`)
            .sort()
            .join(' ')}`,
        );
        const count = rel.find((r) => r.name === '_count');
        if (count)
          lines.push(
            `${path.join('.')}._count: ${fieldsOf(schema, named(count))
              .map((c) => `${c.name}:${named(c)}`)
              .sort()
              .join(' ')}`,
          );
        const some = rel.find((r) => r.name === '_some');
        if (some) walk(named(some), path, true);
      } else if (t.endsWith('Where') && prefix.length === 0) {
        lines.push(`${path.join('.')}: one ${t}`);
        walk(t, path, false);
      } else {
        lines.push(`${path.join('.')}: ${t} (not a kind of filter the compiler knows)`);
      }
    }
  };
  walk('EnterpriseWhere', [], false);
  return { lines: lines.sort(), leaves };
}

/** The same lines read from the filter table. */
function tableFilters(): string[] {
  const lines: string[] = [];
  const ops = (value: keyof typeof COMPARISONS) => [...COMPARISONS[value].ops].sort().join(' ');
  const entity = (prefix: string, e: { type: string; fields: Record<string, { value: keyof typeof COMPARISONS }> }) => {
    for (const b of BOOL) lines.push(`${prefix}${b}: ${e.type}Where`);
    for (const [name, f] of Object.entries(e.fields)) lines.push(`${prefix}${name}: ${f.value}Comparison ${ops(f.value)}`);
  };
  entity('', ENTERPRISE_FILTER);
  for (const [name, l] of Object.entries(ENTERPRISE_FILTER.one)) {
    lines.push(`${name}: one ${l.entity.type}Where`);
    entity(`${name}.`, l.entity);
  }
  for (const [name, l] of Object.entries(ENTERPRISE_FILTER.many)) {
    const t = l.entity.type;
    lines.push(`${name}: relation _count:${t}Count _none:${t}Where _some:${t}Where`);
    lines.push(`${name}._count: ${[...COUNT_OPS.map((o) => `${o}:Int`), `where:${t}Where`].sort().join(' ')}`);
    entity(`${name}.`, l.entity);
  }
  return lines.sort();
}

/** A value of the schema type `value` for operator `op`. */
function valueFor(schema: GraphQLSchema, value: string, op: string): unknown {
  if (op === '_isNull') return false;
  if (op === '_like') return '9%';
  const enumType = schema.getType(value) as unknown as { getValues?: () => { name: string }[] };
  const one = enumType.getValues
    ? enumType.getValues()[0]!.name
    : (
        {
          // a credit code is a string too, and the one string every text field takes (creditCode wants a valid one)
          String: CODE,
          Float: 1.5,
          Int: 2,
          Date: TODAY,
          DateTime: `${TODAY}T08:00:00+08:00`,
          Boolean: true,
        } as Record<string, unknown>
      )[value];
  if (one === undefined) throw new Error(`no test value for ${value}`);
  return op === '_in' || op === '_nin' ? [one] : one;
}

function whereAt(leaf: Leaf, comparison: W): W {
  const [first, ...rest] = leaf.path;
  if (rest.length === 0) return { [first!]: comparison };
  const inner = { [rest[0]!]: comparison };
  return { [first!]: leaf.viaRelation ? { _some: inner } : inner };
}

function compile(where: W): { sql: string; params: unknown[] } {
  const params = new SqlParams();
  const today = params.add(TODAY, 'date');
  const predicate = compileWhere(where, params, LIMITS, today);
  return { sql: `SELECT count(*)::int AS n FROM enterprise e WHERE ${today} IS NOT NULL AND ${predicate}`, params: params.values };
}

describe('where filters: one table, the SDL rendered from it, the compiler reading it', () => {
  const served = buildSchema();
  const { lines, leaves } = schemaFilters(served);
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('filters');
    ds = await openStore(db.url);
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('the checked-in SDL is what the table renders (`npm run codegen` writes it)', () => {
    expect(fs.readFileSync(FILTER_SDL_FILE, 'utf8')).toBe(renderFilterSdl());
  });

  it('the served schema declares exactly the filters the table has SQL for, operator by operator', () => {
    const table = tableFilters();
    expect({ onlyInSchema: lines.filter((l) => !table.includes(l)), onlyInTable: table.filter((l) => !lines.includes(l)) }).toEqual({
      onlyInSchema: [],
      onlyInTable: [],
    });
    // not vacuous: the enterprise's own fields, its risk and all seven kinds of records
    expect(leaves.length).toBeGreaterThanOrEqual(45);
    expect(lines).toContain('hiddenDangers.overdue: BooleanComparison _eq _isNull _neq');
  });

  it('notices a filter declared in the schema only (an `extend input` beside the generated file)', () => {
    const extra = buildSubgraphSchema({
      typeDefs: parse([...loadTypeDefs(), 'extend input HiddenDangerWhere { """举报人""" reporter: StringComparison }'].join('\n')),
    });
    const got = schemaFilters(extra).lines.filter((l) => !tableFilters().includes(l));
    expect(got).toEqual(['hiddenDangers.reporter: StringComparison _eq _gt _gte _in _isNull _like _lt _lte _neq _nin']);
  });

  it('every declared filter path, with all its operators, compiles and runs in PostgreSQL', async () => {
    const failed: string[] = [];
    for (const leaf of leaves) {
      const cmp = Object.fromEntries(leaf.ops.map((op) => [op, valueFor(served, leaf.value, op)]));
      try {
        const { sql, params } = compile(whereAt(leaf, cmp));
        const [row] = await ds.query(sql, params);
        if (row.n !== 0) failed.push(`${leaf.path.join('.')}: ${row.n} rows in an empty store`);
      } catch (err) {
        failed.push(`${leaf.path.join('.')}: ${(err as Error).message}`);
      }
    }
    expect(failed).toEqual([]);
  });

  it('every relation counts with every declared count operator', async () => {
    for (const name of Object.keys(ENTERPRISE_FILTER.many)) {
      const count = fieldsOf(
        served,
        named(fieldsOf(served, `${ENTERPRISE_FILTER.many[name]!.entity.type}Relation`).find((f) => f.name === '_count')!),
      );
      const ops = Object.fromEntries(count.filter((c) => c.name !== 'where').map((c) => [c.name, 0]));
      const { sql, params } = compile({ [name]: { _count: { where: {}, ...ops } } });
      // in an empty store every enterprise (none) has 0 records: the statement runs and counts nothing
      expect((await ds.query(sql, params))[0].n, name).toBe(0);
    }
  });

  it('an operator the schema does not declare for a field is BAD_USER_INPUT, naming it', () => {
    let refused = 0;
    for (const leaf of leaves) {
      for (const op of ALL_OPS.filter((o) => !leaf.ops.includes(o))) {
        const value =
          op === '_isNull' ? true : op === '_like' ? '9%' : valueFor(served, leaf.value === 'Boolean' ? 'String' : leaf.value, op);
        const at = `where.${leaf.path[0]}${leaf.viaRelation ? '._some' : ''}${leaf.path.length > 1 ? `.${leaf.path[1]}` : ''}.${op}`;
        expect(() => compile(whereAt(leaf, { [op]: value })), at).toThrow(
          expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: at }) }),
        );
        refused++;
      }
    }
    // enums refuse ordering and _like, Boolean _in/_nin and ordering, DateTime _in/_nin, numbers and dates _like
    expect(refused).toBeGreaterThan(100);
  });

  it("refuses what GraphQL would refuse before the compiler: names of Object's own properties, fractional Ints", () => {
    const bad = (where: W, field: string) =>
      expect(() => compile(where)).toThrow(
        expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field }) }),
      );
    bad({ constructor: { _eq: 1 } }, 'where.constructor');
    bad({ hiddenDangers: { _some: { toString: { _eq: 'x' } } } }, 'where.hiddenDangers._some.toString');
    bad({ status: { hasOwnProperty: 'ACTIVE' } }, 'where.status.hasOwnProperty');
    bad({ accidents: { _some: { deaths: { _gte: 1.5 } } } }, 'where.accidents._some.deaths._gte');
    bad({ risk: { version: { _in: [1, 2 ** 40] } } }, 'where.risk.version._in');
    bad({ accidents: { _count: { _gt: 2.5 } } }, 'where.accidents._count._gt');
  });
});
