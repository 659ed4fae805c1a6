/**
 * Analytic reads: the enterprise search behind `enterprises(where:, orderBy:)`, statistics, the
 * key-supervision list. Each is one parameterised statement run in a transaction with
 * `SET LOCAL statement_timeout`, so a heavy question cannot hold a connection for long.
 */
import { BulkheadRejectedError } from 'cockatiel';
import type { DataSource, EntityManager } from 'typeorm';
import { ENTERPRISE_COLUMNS, type EnterpriseRow } from '../enterprise/store.js';
import type { RiskRow, RiskTier } from '../risk/service.js';
import { badInput, busy } from '../kernel/errors.js';
import type { StatsRow } from './model.js';
import type { AnalyticsSlots } from './services.js';
import { compileLegacyFilter, compileWhere, SqlParams, type WhereLimits } from './where.js';

type Obj = Record<string, unknown>;

export interface AnalyticsSettings {
  limits: WhereLimits;
  timeoutMs: number;
  /** the hub's analytic slots: statements at once, and how many may wait for a turn (the rest are answered BUSY) */
  concurrency: AnalyticsSlots;
  /** evaluation date of derived fields (overdue, inForce, validNow) */
  today: string;
}

/**
 * Runs `fn` holding one of the hub's analytic slots (the CSV/Excel export holds one for its whole
 * stream, issue 17.6); a full bulkhead is answered BUSY (HTTP 503).
 */
export async function withAnalyticsSlot<T>(timeoutMs: number, concurrency: AnalyticsSlots, fn: () => Promise<T>): Promise<T> {
  try {
    return await concurrency.bulkhead.execute(fn);
  } catch (err) {
    if (err instanceof BulkheadRejectedError) {
      throw busy('analytic queries', Math.max(1, Math.ceil(timeoutMs / 1000 / 4)), {
        running: concurrency.max,
        waiting: concurrency.queue,
      });
    }
    throw err;
  }
}

/**
 * Runs `fn` in a transaction whose statements time out after `timeoutMs`, within the store's analytics
 * bulkhead; a timeout is answered as bad input, a full bulkhead as BUSY.
 */
export async function withStatementTimeout<T>(
  ds: DataSource,
  timeoutMs: number,
  concurrency: AnalyticsSlots,
  fn: (m: EntityManager) => Promise<T>,
): Promise<T> {
  try {
    return await withAnalyticsSlot(timeoutMs, concurrency, () =>
      ds.transaction(async (m) => {
        await m.query(`SET LOCAL statement_timeout = ${Math.max(1, Math.floor(timeoutMs))}`);
        return fn(m);
      }),
    );
  } catch (err) {
    if (
      (err as { driverError?: { code?: string }; code?: string }).driverError?.code === '57014' ||
      (err as { code?: string }).code === '57014'
    ) {
      throw badInput('where', `the query ran longer than the ${timeoutMs} ms allowed for analytic queries; narrow it down`, {
        reason: 'STATEMENT_TIMEOUT',
        timeoutMs,
      });
    }
    throw err;
  }
}

export const ORDER_FIELDS = {
  CREDIT_CODE: { sql: 'e.credit_code', cast: 'text' },
  NAME: { sql: 'e.name', cast: 'text' },
  REGISTERED_CAPITAL: { sql: 'e.registered_capital', cast: 'numeric' },
  ESTABLISHED_DATE: { sql: 'e.established_date', cast: 'date' },
  RISK_SCORE: { sql: 'coalesce(r.score, 0)', cast: 'numeric' },
} as const;
export type OrderField = keyof typeof ORDER_FIELDS;
export interface OrderBy {
  field: OrderField;
  direction?: 'ASC' | 'DESC' | null;
}

export interface SearchInput {
  where?: Obj | null;
  filter?: {
    divisionCode?: string | null;
    industryCode?: string | null;
    status?: string | null;
    nameNormalisedLike?: string | null;
  } | null;
  orderBy?: OrderBy | null;
  /** decoded cursor: the last row's sort value and credit code */
  after?: { value: unknown; creditCode: string } | null;
  limit: number;
  withTotal: boolean;
}

export type SearchRow = EnterpriseRow & { sort_value: unknown };

/** The predicate (where AND filter) over `enterprise e` and its parameters; also used by the CSV export. */
export function compileSearch(
  input: Pick<SearchInput, 'where' | 'filter'>,
  s: AnalyticsSettings,
): { predicate: string; params: SqlParams } {
  const params = new SqlParams();
  // always $1: the evaluation date (statistics' list join uses it too)
  const today = params.add(s.today, 'date');
  const where = compileWhere(input.where, params, s.limits, today);
  const filter = compileLegacyFilter(input.filter, params);
  // `${today} IS NOT NULL` (always true) types $1 even when no derived field uses it: PostgreSQL refuses untyped unused parameters
  return { predicate: `${today} IS NOT NULL AND ${where} AND ${filter}`, params };
}

/** SQL of one page (or, without limit, the whole result) in the requested order. */
export function searchSql(
  input: SearchInput | Omit<SearchInput, 'limit' | 'withTotal'>,
  s: AnalyticsSettings,
  columns: string,
  limit?: number,
): { sql: string; params: unknown[] } {
  const { predicate, params } = compileSearch(input, s);
  const order = ORDER_FIELDS[input.orderBy?.field ?? 'CREDIT_CODE'];
  const desc = input.orderBy?.direction === 'DESC';
  let keyset = 'TRUE';
  if (input.after) {
    keyset = `(${order.sql}, e.credit_code) ${desc ? '<' : '>'} (${params.add(input.after.value, order.cast)}, ${params.add(input.after.creditCode, 'text')})`;
  }
  const dir = desc ? 'DESC' : 'ASC';
  if (limit === undefined) {
    const sql = `SELECT ${columns}, ${order.sql} AS sort_value
    FROM enterprise e LEFT JOIN enterprise_risk r ON r.credit_code = e.credit_code
    WHERE ${predicate} AND ${keyset}
    ORDER BY ${order.sql} ${dir}, e.credit_code ${dir}`;
    return { sql, params: params.values };
  }
  // a page: its keys first, then its rows. Finding the keys reads only what the predicate and the order
  // need, so registration filters run as an index-only scan of enterprise_page_keys (migration 1732720000000)
  // instead of reading every passed-over row, raw source record and all, from the table (docs/performance.md)
  const sql = `SELECT ${columns}, p.sort_value
    FROM (SELECT e.credit_code, ${order.sql} AS sort_value
          FROM enterprise e LEFT JOIN enterprise_risk r ON r.credit_code = e.credit_code
          WHERE ${predicate} AND ${keyset}
          ORDER BY ${order.sql} ${dir}, e.credit_code ${dir} LIMIT ${params.add(limit, 'int')}) p
    JOIN enterprise e ON e.credit_code = p.credit_code LEFT JOIN enterprise_risk r ON r.credit_code = e.credit_code
    ORDER BY p.sort_value ${dir}, p.credit_code ${dir}`;
  return { sql, params: params.values };
}

const E_COLUMNS = ENTERPRISE_COLUMNS.split(',')
  .map((c) => `e.${c.trim()}`)
  .join(', ');

export async function searchEnterprises(
  ds: DataSource,
  input: SearchInput,
  s: AnalyticsSettings,
): Promise<{ rows: SearchRow[]; total: number | null }> {
  const page = searchSql(input, s, E_COLUMNS, input.limit);
  return withStatementTimeout(ds, s.timeoutMs, s.concurrency, async (m) => {
    const rows: SearchRow[] = await m.query(page.sql, page.params);
    let total: number | null = null;
    if (input.withTotal) {
      const { predicate, params } = compileSearch(input, s);
      const [c] = (await m.query(`SELECT count(*)::int AS n FROM enterprise e WHERE ${predicate}`, params.values)) as { n: number }[];
      total = c?.n ?? 0;
    }
    return { rows, total };
  });
}

export type StatsDimension = 'REGION' | 'INDUSTRY' | 'RISK_TIER' | 'STATUS' | 'DEPARTMENT_LIST';
export type StatsMetric = 'COUNT' | 'REGISTERED_CAPITAL_SUM' | 'RISK_SCORE_AVG' | 'HIGH_RISK_COUNT';

const REGION_DIGITS = { PROVINCE: 2, CITY: 4, COUNTY: 6 } as const;
const INDUSTRY_CHARS = { SECTION: 1, DIVISION: 3 } as const;

export async function enterpriseStats(
  ds: DataSource,
  input: {
    where?: Obj | null;
    groupBy: StatsDimension[];
    regionLevel: keyof typeof REGION_DIGITS;
    industryLevel: keyof typeof INDUSTRY_CHARS;
    metrics: StatsMetric[];
  },
  s: AnalyticsSettings,
): Promise<StatsRow[]> {
  const { predicate, params } = compileSearch({ where: input.where }, s);
  const dims = [...new Set(input.groupBy)];
  const metrics = new Set(input.metrics.length ? input.metrics : ['COUNT']);
  const key: Record<StatsDimension, string> = {
    REGION: `rpad(left(e.division_code, ${REGION_DIGITS[input.regionLevel]}), 6, '0')`,
    INDUSTRY: `left(e.industry_code, ${INDUSTRY_CHARS[input.industryLevel]})`,
    RISK_TIER: 'r.tier',
    STATUS: 'e.status',
    DEPARTMENT_LIST: 'dl.department',
  };
  const cols: string[] = [];
  const groups: string[] = [];
  const out = (expr: string, as: string, grouped: boolean) => {
    cols.push(`${grouped ? expr : 'NULL'} AS ${as}`);
    if (grouped) groups.push(expr);
  };
  out(key.REGION, 'region_code', dims.includes('REGION'));
  out(key.INDUSTRY, 'industry', dims.includes('INDUSTRY'));
  out(key.RISK_TIER, 'risk_tier', dims.includes('RISK_TIER'));
  out(key.STATUS, 'status', dims.includes('STATUS'));
  out('dl.department', 'department', dims.includes('DEPARTMENT_LIST'));
  out('dl.list', 'list', dims.includes('DEPARTMENT_LIST'));
  cols.push(metrics.has('COUNT') ? 'count(*)::int AS count' : 'NULL AS count');
  cols.push(
    metrics.has('REGISTERED_CAPITAL_SUM') ? 'sum(e.registered_capital) AS registered_capital_sum' : 'NULL AS registered_capital_sum',
  );
  cols.push(metrics.has('RISK_SCORE_AVG') ? 'round(avg(r.score), 2) AS risk_score_avg' : 'NULL AS risk_score_avg');
  cols.push(
    metrics.has('HIGH_RISK_COUNT') ? `(count(*) FILTER (WHERE r.tier IN ('C', 'D')))::int AS high_risk_count` : 'NULL AS high_risk_count',
  );
  // one row per (enterprise, list in force), or one with nulls for an enterprise on no list
  const lists = dims.includes('DEPARTMENT_LIST')
    ? `LEFT JOIN LATERAL (SELECT DISTINCT l.department, l.list FROM list_entry l WHERE l.credit_code = e.credit_code
         AND l.subject_type = 'ENTERPRISE' AND list_entry_in_force(l.start_date, l.end_date, l.removed_date, $1::date)) dl ON true`
    : '';
  const sql = `SELECT ${cols.join(', ')}
    FROM enterprise e LEFT JOIN enterprise_risk r ON r.credit_code = e.credit_code ${lists}
    WHERE ${predicate}
    ${groups.length ? `GROUP BY ${groups.join(', ')} ORDER BY ${groups.map((g) => `${g} NULLS LAST`).join(', ')}` : ''}`;
  return withStatementTimeout(ds, s.timeoutMs, s.concurrency, (m) => m.query(sql, params.values));
}

export type KeySupervisionRow = EnterpriseRow & Pick<RiskRow, 'score' | 'tier' | 'factors'>;

/** The highest-scored active enterprises of a division (code prefix), at or above a tier. */
export async function keySupervision(
  ds: DataSource,
  prefix: string,
  minTier: RiskTier,
  limit: number,
  s: Pick<AnalyticsSettings, 'timeoutMs' | 'concurrency'>,
): Promise<KeySupervisionRow[]> {
  return withStatementTimeout(ds, s.timeoutMs, s.concurrency, (m) =>
    m.query(
      `SELECT ${E_COLUMNS}, r.score, r.tier, r.factors
     FROM enterprise_risk r JOIN enterprise e ON e.credit_code = r.credit_code
     WHERE e.division_code LIKE $1 AND e.status = 'ACTIVE' AND r.tier >= $2 AND r.score > 0
     ORDER BY r.score DESC, e.credit_code LIMIT $3`,
      [`${prefix}%`, minTier, limit],
    ),
  );
}
