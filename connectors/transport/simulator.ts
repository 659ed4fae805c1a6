/**
 * The 交通运输 stand-in system: 交通运输信用信息共享平台 REST/JSON API over schema `sim_transport`.
 *
 *   GET  /openapi/credit/v1/{licences|vehicles|violations|penalties|dishonest}?updateTimeStart=&pageNo=&pageSize=
 *        updateTimeStart 'yyyy-MM-dd HH:mm:ss' Beijing time, inclusive (>=); ordered by (updateTime, id);
 *        plain offset pagination, pageSize ≤ 200 → {code: 0, msg, data: {records, total}}
 *   POST /openapi/credit/v1/batchQuery {tyshxydm: [≤50 credit codes]} → every record of those enterprises
 *        (by credit code, by the embedded organisation code, and by 业户名称 the platform's own rows carry
 *        for those codes), each tagged with zylx → {code: 0, msg, data: {records, total}}
 *   GET  /openapi/credit/v1/health
 *   POST|GET /__faults  (test switch, no auth, not counted)
 *
 * Auth: header `apikey`. Every platform answer is HTTP 200 with an envelope, errors included
 * (40101 apikey无效, 40001 参数错误, 50001 系统繁忙); only the gateway in front answers 502/503.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import type pg from 'pg';
import { orgCodeOfCreditCode } from '../../src/domain/codes.js';
import { BadParam, closeHttp, garble, HttpFaults, intParam as anyIntParam, listen, simulatorPool } from '../kit/http-simulator.js';
import type { RunningSimulator, SimulatorEnv } from '../types.js';
import { API_BASE, CODE, MAX_BATCH_CODES, MAX_PAGE_SIZE, RESOURCES, type ResourceName } from './mapping.js';
import { COLUMNS, ensureChangeLog, REF_COLUMNS, SCHEMA, TABLE_OF } from './seed.js';

/** Fixed key of the stand-in (a real deployment gets its own from the platform). */
export const SIM_API_KEY = 'jt-hub-5c1e9a7f3b2d4860';
const SYSTEM_TITLE = '交通运输信用信息共享平台';

/** SELECT list rendering a row as the wire record. */
const selectOf = (name: ResourceName): string => {
  const t = TABLE_OF[name];
  const cols = [...REF_COLUMNS, ...COLUMNS[t]].map((c) => (c === 'fkje' ? 'fkje::float8 AS fkje' : c));
  return `id, ${cols.join(', ')}, to_char(update_time, 'YYYY-MM-DD HH24:MI:SS') AS "updateTime"`;
};
const RESOURCE_NAMES = new Set<string>(RESOURCES.map((r) => r.name));
const LOCAL_INSTANT = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

const intParam = (v: unknown, name: string, dflt: number, min: number, max: number): number =>
  anyIntParam(v, name, dflt, min, max, (n, lo, hi) => `${n}必须是${lo}到${hi}之间的整数`);

/** Replaces every value but id/updateTime/zylx with garbage: the 'malformed' fault. */
const garbleRecord = (rec: unknown): unknown => garble(rec, ['id', 'updateTime', 'zylx'], '#N/A');

const ok = (data: unknown) => ({ code: CODE.OK, msg: '成功', data });

/**
 * The platform's `total`: rows at or after updateTimeStart. The real platform counts them for every page;
 * a count per page is quadratic over a full read (a 650,000-row table read 200 at a time scans ~10⁹ rows),
 * which on one machine would bill the department's cost to the hub's benchmark. Same answer from the
 * table's sorted update times, read again whenever a committed statement has written to the schema
 * since (the triggers in seed.ts log each one).
 */
class PageTotals {
  private readonly byTable = new Map<string, { version: string; times: Promise<Float64Array> }>();
  constructor(private readonly pool: pg.Pool) {}

  /** `where` is the page query's: TRUE, or `update_time >= $1` with the start as the one parameter. */
  async count(table: string, where: string, params: readonly string[]): Promise<number> {
    let version: string;
    try {
      const { rows } = await this.pool.query<{ v: string }>(
        `SELECT (SELECT count(*) FROM ${SCHEMA}.change_log)::text || '/' || $1::regclass::oid::text AS v`,
        [table],
      );
      version = rows[0]!.v;
    } catch {
      // no change log (its creation failed at start): count, as the real platform does
      const { rows } = await this.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, [...params]);
      return rows[0]!.n;
    }
    const updateTimeStart = params[0];
    let cached = this.byTable.get(table);
    if (cached?.version !== version) {
      const times = this.pool
        .query<{ t: number }>(`SELECT extract(epoch FROM update_time)::float8 AS t FROM ${table} ORDER BY update_time`)
        .then((r) => Float64Array.from(r.rows, (x) => x.t));
      times.catch(() => this.byTable.delete(table));
      this.byTable.set(table, (cached = { version, times }));
    }
    const times = await cached.times;
    if (updateTimeStart === undefined) return times.length;
    // 'yyyy-MM-dd HH:mm:ss' as the timestamp column's epoch (a timestamp without zone reads as UTC)
    const start = Date.parse(`${updateTimeStart.replace(' ', 'T')}Z`) / 1000;
    let lo = 0;
    let hi = times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (times[mid]! < start) lo = mid + 1;
      else hi = mid;
    }
    return times.length - lo;
  }
}

export async function startSimulator(env: SimulatorEnv): Promise<RunningSimulator> {
  const pool = simulatorPool(env);
  const faults = new HttpFaults();
  const totals = new PageTotals(pool);
  // a system seeded by an earlier version has no change log yet; without one, totals are counted per page
  await ensureChangeLog(pool).catch(() => undefined);

  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '1mb' }));
  faults.mountSwitch(app, (message) => ({ code: CODE.BAD_PARAM, msg: message }));

  // data requests are counted; health is not data
  app.use(API_BASE, (req, _res, next) => {
    if (req.path !== '/health') faults.calls++;
    next();
  });

  // faults strike before anything else, as an overloaded gateway or backend would
  app.use(
    API_BASE,
    faults.strike((res, n) => {
      // the gateway's HTML error page twice, then the platform's own envelope error
      if (n % 3 === 0) res.json({ code: CODE.BUSY, msg: '系统繁忙，请稍后再试', data: null });
      else
        res
          .status(n % 3 === 1 ? 502 : 503)
          .type('text/html')
          .send('<html><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>');
    }),
  );

  app.use(API_BASE, (req, res, next) => {
    if (req.get('apikey') !== SIM_API_KEY) return void res.json({ code: CODE.BAD_APIKEY, msg: 'apikey无效', data: null });
    next();
  });

  /** Sends an envelope, applying the drop and malformed faults on the way out. */
  const send = (res: Response, body: { code: number; msg: string; data: unknown }) =>
    faults.send(res, body, (b) => {
      const data = b.data as { records?: unknown[] } | null;
      if (data && Array.isArray(data.records)) data.records = data.records.map(garbleRecord);
    });

  app.get(`${API_BASE}/health`, (_req, res) => send(res, ok({ status: 'UP', system: SYSTEM_TITLE })));

  app.get(`${API_BASE}/:resource`, async (req: Request<{ resource: string }>, res) => {
    const name = req.params.resource;
    if (!RESOURCE_NAMES.has(name)) {
      send(res, { code: 40400, msg: `资源${name}不存在`, data: null });
      return;
    }
    const resource = name as ResourceName;
    const q = req.query as Record<string, unknown>;
    const pageNo = intParam(q.pageNo, 'pageNo', 1, 1, 1_000_000);
    const pageSize = intParam(q.pageSize, 'pageSize', 20, 1, MAX_PAGE_SIZE);
    const params: string[] = [];
    let where = 'TRUE';
    if (q.updateTimeStart !== undefined && q.updateTimeStart !== '') {
      if (typeof q.updateTimeStart !== 'string' || !LOCAL_INSTANT.test(q.updateTimeStart))
        throw new BadParam('updateTimeStart格式应为yyyy-MM-dd HH:mm:ss');
      params.push(q.updateTimeStart);
      where = 'update_time >= $1::timestamp';
    }
    const table = `${SCHEMA}.${TABLE_OF[resource]}`;
    const [{ rows }, total] = await Promise.all([
      pool.query(
        `SELECT ${selectOf(resource)} FROM ${table} WHERE ${where} ORDER BY update_time, id LIMIT ${pageSize} OFFSET ${(pageNo - 1) * pageSize}`,
        params,
      ),
      totals.count(table, where, params),
    ]);
    send(res, ok({ records: rows, total }));
  });

  app.post(`${API_BASE}/batchQuery`, async (req, res) => {
    const codes = (req.body as { tyshxydm?: unknown } | undefined)?.tyshxydm;
    if (!Array.isArray(codes) || codes.length === 0 || codes.length > MAX_BATCH_CODES || !codes.every((c) => typeof c === 'string')) {
      throw new BadParam(`tyshxydm必须是1到${MAX_BATCH_CODES}个统一社会信用代码`);
    }
    const orgs = (codes as string[]).filter((c) => c.length === 18).map(orgCodeOfCreditCode);
    // 业户名称 the platform's own rows carry next to these codes: reaches rows that kept only the name
    const { rows: named } = await pool.query<{ n: string }>(
      RESOURCES.map(
        (r) => `SELECT ${SCHEMA}.norm_name(yhmc) AS n FROM ${SCHEMA}.${TABLE_OF[r.name]} WHERE tyshxydm = ANY($1) AND yhmc <> ''`,
      ).join(' UNION '),
      [codes],
    );
    const names = named.map((r) => r.n);
    const parts = await Promise.all(
      RESOURCES.map(async (r) => {
        const { rows } = await pool.query(
          `SELECT '${r.tag}' AS zylx, ${selectOf(r.name)} FROM ${SCHEMA}.${TABLE_OF[r.name]}
           WHERE tyshxydm = ANY($1) OR zzjgdm = ANY($2) OR ${SCHEMA}.norm_name(yhmc) = ANY($3) ORDER BY id`,
          [codes, orgs, names],
        );
        return rows as unknown[];
      }),
    );
    const records = parts.flat();
    send(res, ok({ records, total: records.length }));
  });

  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) return;
    if (err instanceof BadParam) res.json({ code: CODE.BAD_PARAM, msg: `参数错误：${err.message}`, data: null });
    else res.json({ code: CODE.BUSY, msg: `系统异常：${err instanceof Error ? err.message : String(err)}`, data: null });
  });

  const { server, baseUrl } = await listen(app, env);
  return {
    connectorOptions: { baseUrl, apiKey: SIM_API_KEY },
    ...faults.controls(),
    close: () => closeHttp(server, faults, pool),
  };
}
