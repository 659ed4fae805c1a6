/**
 * The 自然资源 stand-in system: 省自然资源厅 矿业权与地质灾害数据共享接口 over schema `sim_natres`.
 *
 *   GET /zrzy/share/v1/{ckq|dzzh|xzcf|sxzt}?pageSize=&modifiedFrom=&pageToken=
 *       ordered by (MODIFY_TIME, RECORD_ID); modifiedFrom epoch ms, inclusive; pageSize ≤ 100.
 *       → {resultCode: '0000', resultMsg, items, nextPageToken}; nextPageToken '' on the last page.
 *       A token continues the query it came from (its own modifiedFrom; parameters sent with it are
 *       ignored) strictly after its last record, and expires (settings.pageTokenTtlMs): '1002'.
 *   GET /zrzy/share/v1/subject?uscc=A,B,… (≤20 credit codes) → {resultCode, items} every record of those
 *       enterprises (by credit code, the embedded organisation code, or a 单位名称 this system's rows
 *       carry for those codes), each tagged RES_TYPE.
 *   GET /zrzy/share/v1/ping
 *   POST|GET /__faults, /__settings  (test switches, no auth, not counted)
 *
 * Auth: HTTP Basic; a wrong login is 401 (WWW-Authenticate). Every answer's body is JSON encoded in
 * GB18030 (`application/json;charset=GB18030`); errors of the system itself come as resultCode with
 * HTTP 200, the gateway in front answers 500/503 with an HTML page.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import iconv from 'iconv-lite';
import { orgCodeOfCreditCode } from '../../src/domain/codes.js';
import { BadParam, closeHttp, garble, HttpFaults, intParam, listen, simulatorPool } from '../kit/http-simulator.js';
import type { RunningSimulator, SimulatorEnv } from '../types.js';
import { API_BASE, CHARSET, MAX_BATCH_CODES, MAX_PAGE_SIZE, RESOURCES, RESULT, type ResourceName } from './mapping.js';
import { COLUMNS, REF_COLUMNS, SCHEMA } from './seed.js';

/** Fixed login of the stand-in (a real deployment gets its own account from the 厅's data centre). */
export const SIM_USERNAME = 'aqsc_hub';
export const SIM_PASSWORD = 'zrzy-7d41c0e9b35a';

export interface NaturalResourcesSimSettings {
  /** how long a page token stays usable */
  pageTokenTtlMs: number;
}
const DEFAULT_SETTINGS: NaturalResourcesSimSettings = { pageTokenTtlMs: 10 * 60_000 };

/** SELECT list rendering a row as the wire record (UPPER_SNAKE names, MODIFY_TIME as epoch ms). */
const selectOf = (name: ResourceName): string => {
  const cols = [...REF_COLUMNS, ...COLUMNS[name]].map((c) => `${c === 'fine_wan' ? 'fine_wan::float8' : c} AS "${c.toUpperCase()}"`);
  return `id AS "RECORD_ID", ${cols.join(', ')}, (extract(epoch FROM modify_time) * 1000)::int8::float8 AS "MODIFY_TIME"`;
};
/** epoch ms → timestamptz, exactly (no float seconds) */
const AT_MS = (p: string) => `(timestamptz 'epoch' + ${p}::int8 * interval '1 millisecond')`;
const RESOURCE_NAMES = new Set<string>(RESOURCES.map((r) => r.name));
const SYSTEM_TITLE = '自然资源厅矿业权与地质灾害数据共享接口';

/** The page token's content: the query, the last record sent, when it expires. */
interface TokenState {
  r: ResourceName;
  f: number | null;
  t: number;
  i: string;
  x: number;
}

/** Replaces every value but the record's identity and time with garbage: the 'malformed' fault. */
const garbleRecord = (rec: unknown): unknown => garble(rec, ['RECORD_ID', 'MODIFY_TIME', 'RES_TYPE'], '#VALUE!');

/** A page token the system does not (or no longer) accept: '1002'. */
class BadToken extends BadParam {
  constructor() {
    super('分页令牌无效或已过期');
  }
}

const ok = (extra: object) => ({ resultCode: RESULT.OK, resultMsg: '成功', ...extra });

export async function startSimulator(env: SimulatorEnv): Promise<RunningSimulator> {
  const pool = simulatorPool(env);
  const faults = new HttpFaults();
  const settings: NaturalResourcesSimSettings = { ...DEFAULT_SETTINGS };
  const secret = randomBytes(16);
  const expected = Buffer.from(`Basic ${Buffer.from(`${SIM_USERNAME}:${SIM_PASSWORD}`).toString('base64')}`);

  const sign = (body: string) => createHmac('sha256', secret).update(body).digest('base64url').slice(0, 22);
  const issueToken = (s: TokenState) => {
    const body = Buffer.from(JSON.stringify(s)).toString('base64url');
    return `${body}.${sign(body)}`;
  };
  const readToken = (token: string, resource: ResourceName): TokenState => {
    const [body, mac] = token.split('.');
    if (!body || !mac || sign(body) !== mac) throw new BadToken();
    const s = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as TokenState; // signed by us: well-formed
    if (s.r !== resource || s.x <= Date.now()) throw new BadToken();
    return s;
  };

  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '64kb' }));

  /** Sends a body as GB18030 JSON, applying the malformed and drop faults on the way out. */
  const send = (res: Response, body: { resultCode: string; resultMsg: string; items?: unknown[] } & object, status = 200) => {
    if (faults.faults.mode === 'malformed' && Array.isArray(body.items)) body.items = body.items.map(garbleRecord);
    const bytes = iconv.encode(JSON.stringify(body), CHARSET);
    const type = `application/json;charset=${CHARSET}`;
    if (faults.faults.mode === 'drop') {
      // promise more bytes than are sent, send half, then cut the connection
      res.writeHead(status, { 'content-type': type, 'content-length': String(bytes.length + 64) });
      res.write(bytes.subarray(0, Math.floor(bytes.length / 2)));
      setImmediate(() => res.socket?.destroy());
      return;
    }
    res.status(status).type(type).send(bytes);
  };

  faults.mountSwitch(app, (message) => ({ resultCode: RESULT.BAD_PARAM, resultMsg: message }));
  app.get('/__settings', (_req, res) => void res.json(settings));
  app.post('/__settings', (req, res) => {
    const ttl = (req.body as { pageTokenTtlMs?: unknown } | undefined)?.pageTokenTtlMs;
    if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 0)
      return void res.status(400).json({ resultCode: RESULT.BAD_PARAM, resultMsg: 'pageTokenTtlMs' });
    settings.pageTokenTtlMs = ttl;
    res.json(settings);
  });

  // data requests are counted; ping is not data
  app.use(API_BASE, (req, _res, next) => {
    if (req.path !== '/ping') faults.calls++;
    next();
  });

  // faults strike before anything else, as an overloaded gateway or application server would
  app.use(
    API_BASE,
    faults.strike((res, n) => {
      // Tomcat's error page, the gateway's 503, then the system's own busy answer with HTTP 200
      if (n % 3 === 0) send(res, { resultCode: RESULT.BUSY, resultMsg: '系统繁忙，请稍后再试' });
      else if (n % 3 === 1)
        res
          .status(500)
          .type('text/html')
          .send('<html><head><title>HTTP Status 500 – Internal Server Error</title></head><body><h1>HTTP Status 500</h1></body></html>');
      else res.status(503).type('text/html').send('<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>');
    }),
  );

  app.use(API_BASE, (req, res, next) => {
    const given = Buffer.from(req.get('authorization') ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      res.set('WWW-Authenticate', 'Basic realm="zrzy-share"').status(401).type('text/plain').send('Unauthorized');
      return;
    }
    next();
  });

  app.get(`${API_BASE}/ping`, (_req, res) => send(res, ok({ system: SYSTEM_TITLE, serverTime: Date.now() })));

  app.get(`${API_BASE}/subject`, async (req, res) => {
    const raw = typeof req.query.uscc === 'string' ? req.query.uscc : '';
    const codes = raw
      .split(',')
      .map((c) => c.trim())
      .filter(Boolean);
    if (codes.length === 0 || codes.length > MAX_BATCH_CODES)
      throw new BadParam(`uscc须为1至${MAX_BATCH_CODES}个统一社会信用代码，以逗号分隔`);
    const orgs = codes.filter((c) => c.length === 18).map(orgCodeOfCreditCode);
    // 单位名称 this system's own rows carry next to these codes: reaches rows that kept only the name
    const { rows: named } = await pool.query<{ n: string }>(
      RESOURCES.map(
        (r) => `SELECT ${SCHEMA}.norm_name(unit_name) AS n FROM ${SCHEMA}.${r.name} WHERE uscc = ANY($1) AND unit_name <> ''`,
      ).join(' UNION '),
      [codes],
    );
    const names = named.map((r) => r.n);
    const parts = await Promise.all(
      RESOURCES.map(async (r) => {
        const { rows } = await pool.query(
          `SELECT '${r.tag}' AS "RES_TYPE", ${selectOf(r.name)} FROM ${SCHEMA}.${r.name}
            WHERE uscc = ANY($1) OR org_code = ANY($2) OR ${SCHEMA}.norm_name(unit_name) = ANY($3) ORDER BY id`,
          [codes, orgs, names],
        );
        return rows as unknown[];
      }),
    );
    send(res, ok({ items: parts.flat() }));
  });

  app.get(`${API_BASE}/:resource`, async (req: Request<{ resource: string }>, res) => {
    const name = req.params.resource;
    if (!RESOURCE_NAMES.has(name)) return void send(res, { resultCode: RESULT.BAD_PARAM, resultMsg: `资源${name}不存在` });
    const resource = name as ResourceName;
    const q = req.query as Record<string, unknown>;
    const pageSize = intParam(q.pageSize, 'pageSize', 20, 1, MAX_PAGE_SIZE, (n, lo, hi) => `${n}须为${lo}至${hi}的整数`);
    let from: number | null = null;
    let after: { t: number; i: string } | null = null;
    if (typeof q.pageToken === 'string' && q.pageToken !== '') {
      const s = readToken(q.pageToken, resource);
      [from, after] = [s.f, { t: s.t, i: s.i }];
    } else if (q.modifiedFrom !== undefined && q.modifiedFrom !== '') {
      if (typeof q.modifiedFrom !== 'string' || !/^\d{1,15}$/.test(q.modifiedFrom)) throw new BadParam('modifiedFrom须为毫秒时间戳');
      from = Number(q.modifiedFrom);
    }
    const where: string[] = [];
    const params: unknown[] = [];
    if (from !== null) where.push(`modify_time >= ${AT_MS(`$${params.push(from)}`)}`);
    if (after) where.push(`(modify_time, id) > (${AT_MS(`$${params.push(after.t)}`)}, $${params.push(after.i)})`);
    const { rows } = await pool.query<{ RECORD_ID: string; MODIFY_TIME: number }>(
      `SELECT ${selectOf(resource)} FROM ${SCHEMA}.${resource} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY modify_time, id LIMIT ${pageSize + 1}`,
      params,
    );
    const items = rows.slice(0, pageSize);
    const last = items.at(-1);
    const nextPageToken =
      rows.length > pageSize && last
        ? issueToken({ r: resource, f: from, t: last.MODIFY_TIME, i: last.RECORD_ID, x: Date.now() + settings.pageTokenTtlMs })
        : '';
    send(res, ok({ items, nextPageToken }));
  });

  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) return;
    if (err instanceof BadParam)
      send(
        res,
        err instanceof BadToken
          ? { resultCode: RESULT.BAD_PAGE_TOKEN, resultMsg: err.message }
          : { resultCode: RESULT.BAD_PARAM, resultMsg: `参数错误：${err.message}` },
      );
    else send(res, { resultCode: RESULT.BUSY, resultMsg: `系统异常：${err instanceof Error ? err.message : String(err)}` });
  });

  const { server, baseUrl } = await listen(app, env);
  return {
    connectorOptions: { baseUrl, username: SIM_USERNAME, password: SIM_PASSWORD },
    ...faults.controls(),
    close: () => closeHttp(server, faults, pool),
  };
}
