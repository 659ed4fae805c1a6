/**
 * Issue 6's baseline: each analytic scenario's answer computed by plain SQL through one pg client —
 * the where compiler's own statement for filters (what the hub runs, minus HTTP, GraphQL, auth and
 * the risk loader), a hand-written GROUP BY for the province aggregate — and checked to give the same
 * result as the GraphQL answer.
 */
import { searchSql, type AnalyticsSettings, type OrderBy } from '../src/analytics/query.js';
import type { Scenario } from './scenarios/types.js';

export interface SqlBaseline {
  sql: string;
  params: unknown[];
  /** same result as the GraphQL answer's data? (a description of the difference otherwise) */
  compare(data: unknown, rows: Record<string, unknown>[]): string | null;
}

type Body = { query: string; variables?: Record<string, unknown> };

export function sqlBaselineFor(s: Scenario, body: Body | string, settings: AnalyticsSettings): SqlBaseline | null {
  if (typeof body === 'string') return null;
  const v = body.variables ?? {};
  if (/enterprises\s*\(/.test(body.query) && 'w' in v) {
    const page = searchSql(
      { where: v.w as Record<string, unknown>, orderBy: (v.o as OrderBy | null) ?? null },
      settings,
      'e.credit_code, e.name, e.division_code, r.score, r.tier',
      50,
    );
    return {
      sql: page.sql,
      params: page.params,
      compare(data, rows) {
        const nodes = (data as { enterprises: { nodes: { creditCode: string }[] } }).enterprises.nodes.map((n) => n.creditCode);
        const codes = rows.map((r) => String(r.credit_code));
        return JSON.stringify(nodes) === JSON.stringify(codes)
          ? null
          : `GraphQL page ${nodes.length} rows, SQL ${codes.length}; first differ: ${nodes.find((c, i) => codes[i] !== c) ?? '—'}`;
      },
    };
  }
  if (s.name === 'stats-province-aggregate') {
    return {
      sql: `SELECT rpad(left(e.division_code, 4), 6, '0') AS region, r.tier, count(*)::int AS n, sum(e.registered_capital) AS capital,
              (count(*) FILTER (WHERE r.tier IN ('C', 'D')))::int AS high
            FROM enterprise e LEFT JOIN enterprise_risk r ON r.credit_code = e.credit_code
            WHERE e.division_code LIKE '42%' GROUP BY 1, 2`,
      params: [],
      compare(data, rows) {
        const groups = (data as { enterpriseStats: { count: number; highRiskCount: number }[] }).enterpriseStats;
        const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
        const g = [groups.length, sum(groups.map((x) => x.count)), sum(groups.map((x) => x.highRiskCount))];
        const q = [rows.length, sum(rows.map((r) => Number(r.n))), sum(rows.map((r) => Number(r.high)))];
        return JSON.stringify(g) === JSON.stringify(q) ? null : `groups/count/high: GraphQL ${g.join('/')}, SQL ${q.join('/')}`;
      },
    };
  }
  return null;
}
