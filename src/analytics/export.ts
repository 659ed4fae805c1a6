/**
 * GET /export/enterprises.csv?where=<JSON EnterpriseWhere>&orderBy=<JSON EnterpriseOrderBy>
 *
 * Streams the result of the same compiled statement as `enterprises(where:)` as CSV, UTF-8 with a BOM
 * and Chinese headers so Excel opens it correctly. Rows come from a server-side cursor in a read-only
 * transaction (statement timeout per fetch) and go through csv-stringify with backpressure: nothing
 * is built in memory.
 */
import { stringify } from 'csv-stringify';
import express, { type Router } from 'express';
import { GraphQLError } from 'graphql';
import type pg from 'pg';
import { callerOfRequest } from '../server/auth.js';
import type { HubServices } from '../server/context.js';
import { badInput } from '../server/errors.js';
import { divisions, ENTERPRISE_STATUS_ZH } from './divisions.js';
import { ORDER_FIELDS, searchSql, type OrderBy } from './query.js';
import { analyticsSettings } from './resolvers.js';

export const EXPORT_HEADERS = [
  '统一社会信用代码', '企业名称', '企业类型', '登记状态', '法定代表人', '行政区划代码', '所在地区', '行业代码',
  '注册资本（万元）', '成立日期', '风险分值', '风险等级', '风险模型版本', '主要风险因子',
];
const FETCH_ROWS = 2000;
const EXPORT_ROLES: readonly string[] = ['analyst', 'inspector', 'department_operator', 'admin'];

interface ExportRow {
  credit_code: string;
  name: string;
  type: string;
  status: string;
  legal_representative: string;
  division_code: string;
  industry_code: string;
  registered_capital: number;
  established_date: string;
  score: number | null;
  tier: string | null;
  version: number | null;
  factor_names: string | null;
}

function parseJsonParam(name: string, value: unknown): Record<string, unknown> | null {
  if (value === undefined || value === '') return null;
  if (typeof value !== 'string') throw badInput(name, 'must be given once, as JSON');
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw badInput(name, 'is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw badInput(name, 'must be a JSON object');
  return parsed as Record<string, unknown>;
}

function parseOrderBy(o: Record<string, unknown> | null): OrderBy | null {
  if (!o) return null;
  if (typeof o.field !== 'string' || !(o.field in ORDER_FIELDS)) throw badInput('orderBy.field', `must be one of ${Object.keys(ORDER_FIELDS).join(', ')}`);
  if (o.direction !== undefined && o.direction !== 'ASC' && o.direction !== 'DESC') throw badInput('orderBy.direction', 'must be ASC or DESC');
  return { field: o.field as OrderBy['field'], direction: (o.direction as 'ASC' | 'DESC' | undefined) ?? 'ASC' };
}

/** The export route; mount with `app.use(enterpriseExportRouter(services))`. */
export function enterpriseExportRouter(services: Pick<HubServices, 'ds' | 'config' | 'log'>): Router {
  const router = express.Router();
  router.get('/export/enterprises.csv', async (req, res) => {
    const { ds, config, log } = services;
    // the same roles as enterpriseStats: bulk export is an analyst's tool (authentication happened before this route)
    const caller = callerOfRequest(req);
    if (!caller?.roles.some((r) => EXPORT_ROLES.includes(r))) {
      res.status(403).json({ error: { code: 'FORBIDDEN', message: `export needs one of the roles ${EXPORT_ROLES.join(', ')}` } });
      return;
    }
    let sql: { sql: string; params: unknown[] };
    try {
      const where = parseJsonParam('where', req.query.where);
      const orderBy = parseOrderBy(parseJsonParam('orderBy', req.query.orderBy));
      sql = searchSql({ where, orderBy }, analyticsSettings({ config }), `e.credit_code, e.name, e.type, e.status, e.legal_representative, e.division_code, e.industry_code, e.registered_capital,
          e.established_date, r.score, r.tier, r.version,
          (SELECT string_agg(split_part(f->>'description', ' ', 1), '；') FROM jsonb_array_elements(r.factors) f) AS factor_names`,
      config.HUB_EXPORT_MAX_ROWS);
    } catch (err) {
      if (err instanceof GraphQLError) {
        res.status(400).json({ error: { code: err.extensions.code, message: err.message, field: err.extensions.field, reason: err.extensions.reason } });
        return;
      }
      throw err;
    }
    const div = await divisions(ds);
    const runner = ds.createQueryRunner('slave');
    const client = (await runner.connect()) as pg.PoolClient;
    let aborted = false;
    res.on('close', () => {
      aborted = !res.writableFinished;
    });
    let began = false;
    try {
      await client.query('BEGIN READ ONLY');
      began = true;
      await client.query(`SET LOCAL statement_timeout = ${Math.floor(config.HUB_ANALYTICS_TIMEOUT_MS)}`);
      await client.query(`DECLARE export_cursor NO SCROLL CURSOR FOR ${sql.sql}`, sql.params);
      res.status(200);
      res.setHeader('content-type', 'text/csv; charset=utf-8');
      res.setHeader('content-disposition', `attachment; filename="enterprises.csv"; filename*=UTF-8''${encodeURIComponent('企业名单.csv')}`);
      res.write('\uFEFF');
      const csv = stringify({ header: true, columns: EXPORT_HEADERS, bom: false });
      csv.pipe(res);
      const write = async (record: unknown[]) => {
        if (!csv.write(record)) await new Promise<void>((r) => csv.once('drain', () => r()));
      };
      for (;;) {
        if (aborted) break;
        const { rows } = await client.query<ExportRow>(`FETCH ${FETCH_ROWS} FROM export_cursor`);
        for (const r of rows) {
          await write([
            r.credit_code, r.name, r.type, ENTERPRISE_STATUS_ZH[r.status] ?? r.status, r.legal_representative, r.division_code,
            div.fullName(r.division_code), r.industry_code, r.registered_capital, r.established_date,
            r.score ?? '', r.tier ?? '', r.version ?? '', r.factor_names ?? '',
          ]);
        }
        if (rows.length < FETCH_ROWS) break;
      }
      await client.query('COMMIT');
      began = false;
      await new Promise<void>((resolve) => {
        csv.end(() => resolve());
      });
      await new Promise<void>((resolve) => (res.writableFinished ? resolve() : res.once('finish', () => resolve())));
    } catch (err) {
      log.error({ err }, 'enterprise export failed');
      if (began) await client.query('ROLLBACK').catch(() => undefined);
      if (!res.headersSent) {
        const timeout = (err as { code?: string }).code === '57014';
        res.status(timeout ? 400 : 500).json({ error: timeout
          ? { code: 'BAD_USER_INPUT', field: 'where', reason: 'STATEMENT_TIMEOUT', message: 'the export ran longer than allowed; narrow it down' }
          : { code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error' } });
      } else {
        res.destroy(err as Error);
      }
    } finally {
      await runner.release();
    }
  });
  return router;
}
