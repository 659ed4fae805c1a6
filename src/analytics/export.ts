/**
 * GET /export/enterprises.csv and /export/enterprises.xlsx ?where=<JSON EnterpriseWhere>&orderBy=<JSON EnterpriseOrderBy>
 *
 * Streams the result of the same compiled statement as `enterprises(where:)`. CSV: UTF-8 with a BOM and
 * Chinese headers so Excel opens it correctly; Excel: one worksheet, code columns typed as text. Rows come
 * from a server-side cursor in a read-only transaction (statement timeout per fetch) with backpressure:
 * nothing is built in memory.
 *
 * Hardening (issue 17.6, 17.8):
 * - the whole export holds one slot of the analytics bulkhead (src/analytics/query.ts): when it is full
 *   the answer is 503 BUSY in JSON, as for every other analytic path;
 * - CSV cells a spreadsheet would run as a formula (first character = + - @, tab or CR) get a leading
 *   single quote (OWASP "CSV Injection"); numbers are written as numbers and never altered;
 * - code columns (credit, division, industry codes) end with a tab inside their quotes: Excel then keeps
 *   them as text (an all-digit 18-character credit code would otherwise become 9.14E+17), and the cell
 *   still starts with the code itself, so nothing a formula could use is added in front;
 * - the legal representative is a person's name: the column is left out for callers the policy refuses
 *   `Person.name` / `Enterprise.legalRepresentative` (analysts, src/security/policy.ts PERSONAL).
 */
import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';
import express, { type Request, type Response, type Router } from 'express';
import { GraphQLError } from 'graphql';
import type pg from 'pg';
import { rolesAllow, ruleFor } from '../security/policy.js';
import type { Caller, HubServices } from '../kernel/context.js';
import { badInput } from '../kernel/errors.js';
import { ENTERPRISE_STATUS_ZH, type Divisions } from './divisions.js';
import { ORDER_FIELDS, searchSql, withAnalyticsSlot, type OrderBy } from './query.js';
import { analyticsSettings } from './resolvers.js';

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

interface ExportColumn {
  header: string;
  /** a code: kept as text in Excel */
  code?: boolean;
  /** a person's name: only for callers the policy lets read person names */
  personal?: boolean;
  /** xlsx column width in characters */
  width: number;
  value: (r: ExportRow, regionName: string) => string | number;
}

export const EXPORT_COLUMNS: readonly ExportColumn[] = [
  { header: '统一社会信用代码', code: true, width: 22, value: (r) => r.credit_code },
  { header: '企业名称', width: 36, value: (r) => r.name },
  { header: '企业类型', width: 18, value: (r) => r.type },
  { header: '登记状态', width: 8, value: (r) => ENTERPRISE_STATUS_ZH[r.status] ?? r.status },
  { header: '法定代表人', personal: true, width: 10, value: (r) => r.legal_representative },
  { header: '行政区划代码', code: true, width: 12, value: (r) => r.division_code },
  { header: '所在地区', width: 24, value: (_r, region) => region },
  { header: '行业代码', code: true, width: 10, value: (r) => r.industry_code },
  { header: '注册资本（万元）', width: 14, value: (r) => Number(r.registered_capital) },
  { header: '成立日期', width: 12, value: (r) => r.established_date },
  { header: '风险分值', width: 10, value: (r) => r.score ?? '' },
  { header: '风险等级', width: 8, value: (r) => r.tier ?? '' },
  { header: '风险模型版本', width: 12, value: (r) => r.version ?? '' },
  { header: '主要风险因子', width: 40, value: (r) => r.factor_names ?? '' },
];
/** every header, for a caller who may read person names */
export const EXPORT_HEADERS = EXPORT_COLUMNS.map((c) => c.header);

const FETCH_ROWS = 2000;
const EXPORT_ROLES: readonly string[] = ['analyst', 'inspector', 'department_operator', 'admin'];

/** First characters that make a spreadsheet evaluate a cell (OWASP CSV Injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** A text cell made inert for spreadsheets: a leading single quote when it would start a formula. */
export function neutraliseCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** The columns this caller receives: person names only when the policy lets the caller read them. */
export function exportColumnsFor(caller: { subject: string; department: string | null; roles: readonly string[] }): ExportColumn[] {
  const personal = [ruleFor('Person', 'name'), ruleFor('Enterprise', 'legalRepresentative')].every(
    (rule) => !!rule && rolesAllow(rule, caller),
  );
  return EXPORT_COLUMNS.filter((c) => !c.personal || personal);
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
  if (typeof o.field !== 'string' || !(o.field in ORDER_FIELDS))
    throw badInput('orderBy.field', `must be one of ${Object.keys(ORDER_FIELDS).join(', ')}`);
  if (o.direction !== undefined && o.direction !== 'ASC' && o.direction !== 'DESC')
    throw badInput('orderBy.direction', 'must be ASC or DESC');
  return { field: o.field as OrderBy['field'], direction: (o.direction as 'ASC' | 'DESC' | undefined) ?? 'ASC' };
}

type Format = 'csv' | 'xlsx';

/** A row sink: write() resolves once the consumer can take more (backpressure). */
interface Sink {
  start(res: Response): void;
  write(values: (string | number)[]): Promise<void>;
  end(): Promise<void>;
}

function csvSink(columns: ExportColumn[]): Sink {
  const csv = stringify({ header: true, columns: columns.map((c) => c.header), bom: false, quoted_match: /\t$/ });
  return {
    start(res) {
      res.setHeader('content-type', 'text/csv; charset=utf-8');
      res.setHeader(
        'content-disposition',
        `attachment; filename="enterprises.csv"; filename*=UTF-8''${encodeURIComponent('企业名单.csv')}`,
      );
      res.write('\uFEFF');
      csv.pipe(res);
    },
    async write(values) {
      const record = values.map((v, i) =>
        typeof v === 'number' ? v : columns[i]!.code && v !== '' ? `${neutraliseCell(v)}\t` : neutraliseCell(v),
      );
      if (!csv.write(record)) await new Promise<void>((r) => csv.once('drain', () => r()));
    },
    end: () =>
      new Promise<void>((resolve) => {
        csv.end(() => resolve());
      }),
  };
}

function xlsxSink(columns: ExportColumn[]): Sink {
  let wb: ExcelJS.stream.xlsx.WorkbookWriter;
  let ws: ExcelJS.Worksheet;
  let res: Response;
  return {
    start(r) {
      res = r;
      res.setHeader('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      res.setHeader(
        'content-disposition',
        `attachment; filename="enterprises.xlsx"; filename*=UTF-8''${encodeURIComponent('企业名单.xlsx')}`,
      );
      wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: res, useStyles: true, useSharedStrings: false });
      ws = wb.addWorksheet('企业名单', { views: [{ state: 'frozen', ySplit: 1 }] });
      // code columns formatted as text ("@"), so Excel shows 18 characters, never a number in E notation
      ws.columns = columns.map((c) => ({ header: c.header, width: c.width, style: c.code ? { numFmt: '@' } : {} }));
      ws.getRow(1).font = { bold: true };
    },
    async write(values) {
      // string cells stay strings in xlsx (never formulas), so no neutralising is needed here
      ws.addRow(values).commit();
      if (res.writableNeedDrain) await new Promise<void>((r) => res.once('drain', () => r()));
    },
    async end() {
      ws.commit();
      await wb.commit();
    },
  };
}

function sendJsonError(res: Response, status: number, error: Record<string, unknown>): void {
  res.status(status).json({ error });
}

/**
 * The export routes; mount with `app.use(enterpriseExportRouter(services, callerOf))` after authentication,
 * `callerOf` giving the request's authenticated caller.
 */
export function enterpriseExportRouter(
  services: Pick<HubServices, 'ds' | 'config' | 'log' | 'analytics'>,
  callerOf: (req: Request) => Caller | undefined,
): Router {
  const router = express.Router();
  const handle = (format: Format) => async (req: Request, res: Response) => {
    const { config, log, analytics } = services;
    // the same roles as enterpriseStats: bulk export is an analyst's tool (authentication happened before this route)
    const caller = callerOf(req);
    if (!caller?.roles.some((r) => EXPORT_ROLES.includes(r))) {
      sendJsonError(res, 403, {
        code: 'FORBIDDEN',
        message: `export needs one of the roles ${EXPORT_ROLES.join(', ')}`,
        messageZh: '您的角色无权导出企业数据。',
      });
      return;
    }
    const columns = exportColumnsFor(caller);
    let sql: { sql: string; params: unknown[] };
    try {
      const where = parseJsonParam('where', req.query.where);
      const orderBy = parseOrderBy(parseJsonParam('orderBy', req.query.orderBy));
      sql = searchSql(
        { where, orderBy },
        analyticsSettings({ config, analytics }),
        `e.credit_code, e.name, e.type, e.status, e.legal_representative, e.division_code, e.industry_code, e.registered_capital,
          e.established_date, r.score, r.tier, r.version,
          (SELECT string_agg(split_part(f->>'description', ' ', 1), '；') FROM jsonb_array_elements(r.factors) f) AS factor_names`,
        config.HUB_EXPORT_MAX_ROWS,
      );
    } catch (err) {
      if (err instanceof GraphQLError) {
        sendJsonError(res, 400, {
          code: err.extensions.code,
          message: err.message,
          messageZh: '查询条件有误，请检查后重试。',
          field: err.extensions.field,
          reason: err.extensions.reason,
        });
        return;
      }
      throw err;
    }
    const div = await analytics.divisions();
    const s = analyticsSettings({ config, analytics });
    try {
      await withAnalyticsSlot(s.timeoutMs, s.concurrency, () => stream(format, columns, sql, div, res));
    } catch (err) {
      if (err instanceof GraphQLError && err.extensions.code === 'BUSY') {
        const retry = Number(err.extensions.retryAfterSeconds) || 1;
        res.setHeader('retry-after', String(retry));
        sendJsonError(res, 503, {
          code: 'BUSY',
          message: err.message,
          messageZh: `系统繁忙：同时进行的统计与导出过多，请 ${retry} 秒后再试。`,
          retryAfterSeconds: retry,
        });
        return;
      }
      log.error({ err }, 'enterprise export failed');
      if (!res.headersSent) {
        const timeout = (err as { code?: string }).code === '57014';
        sendJsonError(
          res,
          timeout ? 400 : 500,
          timeout
            ? {
                code: 'BAD_USER_INPUT',
                field: 'where',
                reason: 'STATEMENT_TIMEOUT',
                message: 'the export ran longer than allowed; narrow it down',
                messageZh: '导出耗时超过允许时间，请缩小查询范围。',
              }
            : { code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error', messageZh: '数据枢纽暂时无法处理请求，请稍后再试。' },
        );
      } else {
        res.destroy(err as Error);
      }
    }
  };

  /** Runs the statement through a cursor and writes every row; throws (after rolling back) on failure. */
  async function stream(
    format: Format,
    columns: ExportColumn[],
    sql: { sql: string; params: unknown[] },
    div: Divisions,
    res: Response,
  ): Promise<void> {
    const { ds, config } = services;
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
      const sink = format === 'csv' ? csvSink(columns) : xlsxSink(columns);
      res.status(200);
      res.setHeader('cache-control', 'no-store');
      sink.start(res);
      for (;;) {
        if (aborted) break;
        const { rows } = await client.query<ExportRow>(`FETCH ${FETCH_ROWS} FROM export_cursor`);
        for (const r of rows) {
          const region = div.fullName(r.division_code);
          await sink.write(columns.map((c) => c.value(r, region)));
        }
        if (rows.length < FETCH_ROWS) break;
      }
      await client.query('COMMIT');
      began = false;
      await sink.end();
      await new Promise<void>((resolve) => (res.writableFinished || aborted ? resolve() : res.once('finish', () => resolve())));
    } catch (err) {
      if (began) await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      await runner.release();
    }
  }

  router.get('/export/enterprises.csv', handle('csv'));
  router.get('/export/enterprises.xlsx', handle('xlsx'));
  return router;
}
