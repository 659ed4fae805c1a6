/**
 * The `where` compiler: a Hasura-style boolean expression over enterprises, their stored risk and every
 * department's records, compiled to ONE parameterised SQL predicate over `enterprise e`. Values only ever
 * travel as bind parameters; identifiers come from the filter table (filters.ts), never from the input.
 *
 * Semantics (also documented in schema/analytics.graphql): a comparison on a null column is false (except
 * `_isNull`), so `_not` is a plain complement; `_and: []` is true, `_or: []` false. Relationship filters:
 * `_some` → EXISTS, `_none` → NOT EXISTS, `_count` → the enterprise's number of (matching) records compared,
 * compiled as a grouped semi-join (IN / NOT IN) rather than a correlated count per enterprise.
 */
import { badInput } from '../kernel/errors.js';
import { isCalendarDate } from '../kernel/scalars.js';
import { creditCodeArg } from '../kernel/validate.js';

import {
  COMPARISONS,
  COUNT_OPS,
  ENTERPRISE_FILTER,
  type ColType,
  type ComparisonOp,
  type FilterEntity,
  type FilterField,
} from './filters.js';

const CAST: Record<ColType, string> = {
  text: 'text',
  numeric: 'numeric',
  int: 'int',
  date: 'date',
  timestamptz: 'timestamptz',
  bool: 'boolean',
};
const SCALAR_OPS: Record<string, string> = { _eq: '=', _neq: '<>', _gt: '>', _gte: '>=', _lt: '<', _lte: '<=' };
const MAX_IN = 1000;

export interface WhereLimits {
  maxDepth: number;
  maxConditions: number;
}

export interface CompiledWhere {
  sql: string;
  params: unknown[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
/** a table entry by an input key: own entries only, so `{"constructor": …}` is an unknown field, not Object's */
const own = <T>(table: Record<string, T>, key: string): T | undefined => (Object.hasOwn(table, key) ? table[key] : undefined);

/** Builds SQL with positional parameters; shared by the whole statement so numbering stays consistent. */
export class SqlParams {
  readonly values: unknown[] = [];
  constructor(start: unknown[] = []) {
    this.values.push(...start);
  }
  add(v: unknown, cast: string): string {
    this.values.push(v);
    return `$${this.values.length}::${cast}`;
  }
}

class Compiler {
  private conditions = 0;
  private aliasN = 0;
  /** @param today SQL of the evaluation date (a parameter placeholder) */
  constructor(
    private readonly p: SqlParams,
    private readonly limits: WhereLimits,
    private readonly today: string,
  ) {}

  enterprise(w: Obj, path: string, depth: number): string {
    return this.boolExpr(w, path, depth, (key, value, at, d) => {
      const field = own(ENTERPRISE_FILTER.fields, key);
      if (field) return this.comparison(field, 'e', value, at);
      const one = own(ENTERPRISE_FILTER.one, key);
      if (one) {
        const ent = one.entity;
        const r = this.nextAlias('r');
        if (!isObj(value)) throw badInput(at, 'must be an object');
        const inner = this.entityWhere(ent, key, r, value, at, d + 1);
        return `EXISTS (SELECT 1 FROM ${ent.table} ${r} WHERE ${r}.${ent.fk} = e.credit_code AND ${inner})`;
      }
      const many = own(ENTERPRISE_FILTER.many, key);
      if (many) return this.relation(many.entity, key, value, at, d);
      throw badInput(at, 'unknown field');
    });
  }

  /** @param name the EnterpriseWhere field that reached the records (for messages) */
  private entityWhere(ent: FilterEntity, name: string, alias: string, w: Obj, path: string, depth: number): string {
    return this.boolExpr(w, path, depth, (key, value, at) => {
      const field = own(ent.fields, key);
      if (!field) throw badInput(at, `unknown field of ${name}`);
      return this.comparison(field, alias, value, at);
    });
  }

  /** `_and` / `_or` / `_not` and the object's own fields (AND-ed); depth counts nested objects. */
  private boolExpr(w: Obj, path: string, depth: number, leaf: (key: string, value: unknown, at: string, depth: number) => string): string {
    if (depth > this.limits.maxDepth) {
      throw badInput(path, `nested deeper than the allowed ${this.limits.maxDepth} levels`, { maxDepth: this.limits.maxDepth });
    }
    const parts: string[] = [];
    for (const [key, value] of Object.entries(w)) {
      if (value === undefined) continue;
      const at = `${path}.${key}`;
      if (key === '_and' || key === '_or') {
        if (!Array.isArray(value)) throw badInput(at, 'must be a list');
        const subs = value.map((v, i) => {
          if (!isObj(v)) throw badInput(`${at}[${i}]`, 'must be an object');
          return this.boolExpr(v, `${at}[${i}]`, depth + 1, leaf);
        });
        parts.push(subs.length === 0 ? (key === '_and' ? 'TRUE' : 'FALSE') : `(${subs.join(key === '_and' ? ' AND ' : ' OR ')})`);
      } else if (key === '_not') {
        if (!isObj(value)) throw badInput(at, 'must be an object');
        parts.push(`NOT ${this.boolExpr(value, at, depth + 1, leaf)}`);
      } else {
        if (value === null) throw badInput(at, 'must not be null');
        parts.push(leaf(key, value, at, depth));
      }
    }
    return parts.length === 0 ? 'TRUE' : parts.length === 1 ? parts[0]! : `(${parts.join(' AND ')})`;
  }

  private relation(ent: FilterEntity, name: string, value: unknown, path: string, depth: number): string {
    if (!isObj(value)) throw badInput(path, 'must be an object');
    const parts: string[] = [];
    for (const [op, v] of Object.entries(value)) {
      if (v === undefined) continue;
      const at = `${path}.${op}`;
      if (v === null) throw badInput(at, 'must not be null');
      if (op === '_some' || op === '_none') {
        if (!isObj(v)) throw badInput(at, 'must be an object');
        const a = this.nextAlias('x');
        const inner = this.entityWhere(ent, name, a, v, at, depth + 1);
        const exists = `EXISTS (SELECT 1 FROM ${ent.table} ${a} WHERE ${a}.${ent.fk} = e.credit_code AND ${inner})`;
        parts.push(op === '_some' ? exists : `NOT ${exists}`);
      } else if (op === '_count') {
        parts.push(this.count(ent, name, v, at, depth));
      } else {
        throw badInput(at, 'unknown relationship operator (use _some, _none or _count)');
      }
    }
    if (parts.length === 0) throw badInput(path, 'needs _some, _none or _count');
    return parts.length === 1 ? parts[0]! : `(${parts.join(' AND ')})`;
  }

  /**
   * count(matching records) <op> n. Enterprises without records have count 0: when 0 satisfies the
   * comparison the predicate is "not among those whose count fails it", else "among those whose count meets it".
   */
  private count(ent: FilterEntity, name: string, v: unknown, path: string, depth: number): string {
    if (!isObj(v)) throw badInput(path, 'must be an object');
    const a = this.nextAlias('c');
    const { where, ...ops } = v;
    const filter =
      where === undefined || where === null
        ? 'TRUE'
        : isObj(where)
          ? this.entityWhere(ent, name, a, where, `${path}.where`, depth + 1)
          : (() => {
              throw badInput(`${path}.where`, 'must be an object');
            })();
    const checks: { sql: string; zeroPasses: boolean }[] = [];
    for (const [op, n] of Object.entries(ops)) {
      if (n === undefined) continue;
      const sqlOp = (COUNT_OPS as readonly string[]).includes(op) ? SCALAR_OPS[op] : undefined;
      if (!sqlOp) throw badInput(`${path}.${op}`, 'unknown count operator (use _eq, _neq, _gt, _gte, _lt, _lte)');
      if (!isInt(n)) throw badInput(`${path}.${op}`, 'must be a whole number');
      this.tick(`${path}.${op}`);
      checks.push({ sql: `count(*) ${sqlOp} ${this.p.add(n, 'int')}`, zeroPasses: compareNumbers(0, op, n) });
    }
    if (checks.length === 0) throw badInput(path, 'needs a comparison (_eq, _neq, _gt, _gte, _lt, _lte)');
    const zeroPasses = checks.every((c) => c.zeroPasses);
    const having = checks.map((c) => c.sql).join(' AND ');
    const grouped = (h: string) =>
      `SELECT ${a}.${ent.fk} FROM ${ent.table} ${a} WHERE ${a}.${ent.fk} IS NOT NULL AND ${filter} GROUP BY ${a}.${ent.fk} HAVING ${h}`;
    return zeroPasses ? `e.credit_code NOT IN (${grouped(`NOT (${having})`)})` : `e.credit_code IN (${grouped(having)})`;
  }

  private comparison(field: FilterField, alias: string, value: unknown, path: string): string {
    if (!isObj(value)) throw badInput(path, 'must be a comparison object, e.g. {_eq: …}');
    const colSql = field.sql(alias, this.today);
    const { type, ops } = COMPARISONS[field.value];
    const cast = field.sqlCast ?? CAST[type];
    const parts: string[] = [];
    for (const [op, v] of Object.entries(value)) {
      if (v === undefined) continue;
      const at = `${path}.${op}`;
      // the operators of the field's comparison input, as the schema declares them (the CSV export's JSON meets no schema)
      if (!ops.includes(op as ComparisonOp)) throw badInput(at, `not an operator of ${field.value}Comparison (use ${ops.join(', ')})`);
      this.tick(at);
      if (op === '_isNull') {
        if (typeof v !== 'boolean') throw badInput(at, 'must be true or false');
        parts.push(`${colSql} IS ${v ? '' : 'NOT '}NULL`);
        continue;
      }
      if (v === null) throw badInput(at, 'must not be null (use _isNull)');
      let expr: string;
      if (op === '_in' || op === '_nin') {
        if (!Array.isArray(v)) throw badInput(at, 'must be a list');
        if (v.length > MAX_IN) throw badInput(at, `at most ${MAX_IN} values`, { max: MAX_IN });
        expr =
          v.length === 0
            ? op === '_in'
              ? 'FALSE'
              : 'TRUE'
            : `${op === '_nin' ? 'NOT ' : ''}(${colSql} = ANY(${this.p.add(
                v.map((x, i) => identifierValue(field, checkValue(type, x, at), `${at}[${i}]`)),
                `${cast}[]`,
              )}))`;
      } else if (op === '_like') {
        if (typeof v !== 'string') throw badInput(at, 'must be a string pattern');
        expr = `${colSql} LIKE ${this.p.add(v, 'text')}`;
      } else if (SCALAR_OPS[op]) {
        const checked = checkValue(type, v, at);
        expr = `${colSql} ${SCALAR_OPS[op]} ${this.p.add(op === '_eq' || op === '_neq' ? identifierValue(field, checked, at) : checked, cast)}`;
      } else {
        throw badInput(at, 'unknown comparison operator');
      }
      // null compares false (two-valued logic, so _not is a plain complement)
      parts.push(field.nullable ? `coalesce(${expr}, false)` : expr);
    }
    if (parts.length === 0) throw badInput(path, 'needs at least one operator');
    return parts.length === 1 ? parts[0]! : `(${parts.join(' AND ')})`;
  }

  private tick(path: string): void {
    this.conditions += 1;
    if (this.conditions > this.limits.maxConditions) {
      throw badInput(path, `more than the allowed ${this.limits.maxConditions} conditions`, { maxConditions: this.limits.maxConditions });
    }
  }

  private nextAlias(prefix: string): string {
    this.aliasN += 1;
    return `${prefix}${this.aliasN}`;
  }
}

/**
 * A credit code compared for (in)equality: canonical as written, like every identifier argument
 * (kernel/validate.ts), else `creditCode: { _eq: "91420106ma…" }` would silently match nothing. Ordering
 * comparisons and _like take prefixes and patterns, not codes.
 */
function identifierValue(field: FilterField, v: unknown, at: string): unknown {
  if (!field.creditCode || typeof v !== 'string') return v;
  return creditCodeArg(at, v).code;
}

function checkValue(type: ColType, v: unknown, at: string): unknown {
  switch (type) {
    case 'numeric':
      if (typeof v !== 'number' || !Number.isFinite(v)) throw badInput(at, 'must be a number');
      return v;
    case 'int':
      // an Int as the schema has it: the CSV export's JSON is not coerced, and 1.5::int would fail in PostgreSQL
      if (!isInt(v)) throw badInput(at, 'must be a whole number');
      return v;
    case 'bool':
      if (typeof v !== 'boolean') throw badInput(at, 'must be true or false');
      return v;
    case 'timestamptz':
      if (v instanceof Date) return v.toISOString();
      if (typeof v !== 'string' || Number.isNaN(Date.parse(v))) throw badInput(at, 'must be an ISO 8601 instant');
      return v;
    case 'date':
      if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v)) throw badInput(at, 'must be a date YYYY-MM-DD');
      // the CSV export's JSON never meets the Date scalar: 2024-02-30 would otherwise fail inside PostgreSQL (a 500)
      if (!isCalendarDate(...(v.split('-').map(Number) as [number, number, number]))) throw badInput(at, `${v} is not a calendar date`);
      return v;
    default:
      if (typeof v !== 'string') throw badInput(at, 'must be a string');
      return v;
  }
}

/** GraphQL's Int: 32-bit, which PostgreSQL's int takes */
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31;

function compareNumbers(a: number, op: string, b: number): boolean {
  switch (op) {
    case '_eq':
      return a === b;
    case '_neq':
      return a !== b;
    case '_gt':
      return a > b;
    case '_gte':
      return a >= b;
    case '_lt':
      return a < b;
    default:
      return a <= b;
  }
}

/**
 * Compiles `where` into a predicate over `enterprise e`, appending its values to `params`.
 * `path` names the argument in error messages (e.g. `where`). `todaySql` is the SQL (a placeholder) of the
 * date `overdue`, `inForce` and `validNow` are evaluated on.
 */
export function compileWhere(
  where: Obj | null | undefined,
  params: SqlParams,
  limits: WhereLimits,
  todaySql: string,
  path = 'where',
): string {
  if (where === null || where === undefined) return 'TRUE';
  if (!isObj(where)) throw badInput(path, 'must be an object');
  return new Compiler(params, limits, todaySql).enterprise(where, path, 1);
}

/** The old `filter` argument of `enterprises`, as a predicate over `enterprise e` (kept working alongside `where`). */
export function compileLegacyFilter(
  filter:
    | { divisionCode?: string | null; industryCode?: string | null; status?: string | null; nameNormalisedLike?: string | null }
    | null
    | undefined,
  params: SqlParams,
): string {
  if (!filter) return 'TRUE';
  const parts: string[] = [];
  if (filter.divisionCode) parts.push(`e.division_code LIKE ${params.add(escapeLike(filter.divisionCode) + '%', 'text')}`);
  if (filter.industryCode) parts.push(`e.industry_code LIKE ${params.add(escapeLike(filter.industryCode) + '%', 'text')}`);
  if (filter.status) parts.push(`e.status = ${params.add(filter.status, 'text')}`);
  if (filter.nameNormalisedLike) parts.push(`e.name_normalised LIKE ${params.add(filter.nameNormalisedLike, 'text')}`);
  return parts.length ? parts.join(' AND ') : 'TRUE';
}

export const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);
