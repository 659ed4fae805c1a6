/**
 * The 应急管理 stand-in system: the 应急管理综合应用平台 data-sharing API over schema `sim_emergency`.
 *
 *   POST /oauth/token  grant_type=client_credentials&client_id=&client_secret= (form or JSON)
 *        → {access_token, token_type: 'Bearer', expires_in}; 401 {error: 'invalid_client'}
 *   GET  /api/v1/{personnel|enterprise-licences|personnel-certificates|safety-staff|hidden-dangers|
 *        penalties|accidents|punishment-lists|liability-insurances}?limit=&cursor=&updated_since=
 *        ordered by (updated_at, id). cursor: opaque (base64url of the keyset), rows strictly after it;
 *        updated_since 'yyyyMMddHHmmss' (Asia/Shanghai), rows modified at or after it; limit ≤ 500.
 *        Answer {data: [...], next_cursor}: next_cursor continues after the last row of data, null when
 *        data is empty (a change feed has no end; keep the last cursor and ask again later).
 *   POST /api/v1/enterprise-profiles/query {credit_codes: [≤100]} → {data: {<resource>: [...]}, not_found}
 *        everything about those enterprises: rows naming them by credit code, org code, or a name this
 *        platform carries for that code (normalised); their people's certificates, bans and personnel rows.
 *   GET  /api/v1/health
 *   Authorization: Bearer <access_token>; expired or unknown tokens get 401 {error_code: 'INVALID_TOKEN'}.
 *   Records are snake_case, dates 'yyyyMMdd', instants (update_time) 'yyyyMMddHHmmss' Asia/Shanghai,
 *   enums as Chinese labels.
 *   POST|GET /__faults, /__settings  (test and demo switches, no auth, not counted)
 *
 * The "occasional 503": with settings.unavailableEvery = N > 0 every Nth data request is answered 503
 * with Retry-After, faults or not (a busy provincial gateway). Off unless configured.
 */
import { randomBytes } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import { orgCodeOfCreditCode } from '../../src/domain/codes.js';
import { BadParam, closeHttp, garble, HttpFaults, intParam, listen, simulatorPool } from '../kit/http-simulator.js';
import type { RunningSimulator, SimulatorEnv } from '../types.js';
import { fromWireInstant, MAX_BATCH_CODES, MAX_PAGE_SIZE, RESOURCES, type ResourceName } from './mapping.js';
import { COLUMNS, NUMERIC_COLUMNS, REF_COLUMNS, SCHEMA, TABLES } from './seed.js';

/** Fixed credentials of the stand-in (a real deployment gets its own from the platform). */
export const SIM_CLIENT_ID = 'hub-safety-sync';
export const SIM_CLIENT_SECRET = 'sim-emergency-5b71e04c9a2d';

export interface EmergencySimSettings {
  /** answer every Nth data request with 503 + Retry-After (0 = never) */
  unavailableEvery: number;
  /** the Retry-After it sends, seconds */
  retryAfterSeconds: number;
  /** lifetime of issued access tokens, seconds */
  tokenTtlSeconds: number;
}
const DEFAULT_SETTINGS: EmergencySimSettings = { unavailableEvery: 0, retryAfterSeconds: 1, tokenTtlSeconds: 7200 };

export interface EmergencySimulator extends RunningSimulator {
  configure(s: Partial<EmergencySimSettings>): void;
  /** every issued token becomes invalid at once (as after a restart of the platform's auth server) */
  expireTokens(): void;
}

const TS = `to_char(updated_at AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDDHH24MISS') AS update_time`;
/** full-precision keyset position, used for the cursor and stripped before sending */
const KEYSET = `to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS _keyset_ts`;
const selectList = (t: ResourceName): string =>
  [
    ...COLUMNS[t].filter((c) => c !== 'updated_at').map((c) => (NUMERIC_COLUMNS[c] === 'numeric' ? `${c}::float8 AS ${c}` : c)),
    TS,
    KEYSET,
  ].join(', ');
const BY_PATH = new Map<string, ResourceName>(RESOURCES.map((r) => [r.path.slice('/api/v1/'.length), r.name]));

interface Keyset {
  t: string;
  i: string;
}
const encodeCursor = (k: Keyset): string => Buffer.from(JSON.stringify(k), 'utf8').toString('base64url');
function decodeCursor(c: unknown): Keyset {
  if (typeof c !== 'string' || !/^[A-Za-z0-9_-]+$/.test(c)) throw new BadParam('cursor is not a cursor this platform issued');
  try {
    const k = JSON.parse(Buffer.from(c, 'base64url').toString('utf8')) as Partial<Keyset>;
    if (typeof k.t === 'string' && !Number.isNaN(Date.parse(k.t)) && typeof k.i === 'string') return { t: k.t, i: k.i };
  } catch {
    // fall through
  }
  throw new BadParam('cursor is not a cursor this platform issued');
}

/** Replaces every value but id/update_time with garbage: the 'malformed' fault. */
const garbleRecord = (rec: unknown): unknown => garble(rec, ['id', 'update_time'], '##');

type Row = Record<string, unknown>;
const strip = (rows: Row[]): Row[] => rows.map(({ _keyset_ts: _drop, ...rest }) => rest);

export async function startSimulator(env: SimulatorEnv, initial: Partial<EmergencySimSettings> = {}): Promise<EmergencySimulator> {
  const pool = simulatorPool(env);
  let settings: EmergencySimSettings = { ...DEFAULT_SETTINGS, ...initial };
  const faults = new HttpFaults();
  let dataRequests = 0;
  const tokens = new Map<string, number>(); // token → expiry (ms)

  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '1mb' }));
  app.use(express.urlencoded({ extended: false, limit: '16kb' }));

  faults.mountSwitch(app, (message) => ({ error_code: 'INVALID_PARAM', error_msg: message }));
  app.get('/__settings', (_req, res) => void res.json(settings));
  app.post('/__settings', (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const next = { ...settings };
    for (const key of Object.keys(DEFAULT_SETTINGS) as (keyof EmergencySimSettings)[]) {
      if (body[key] === undefined) continue;
      const n = Number(body[key]);
      if (!Number.isInteger(n) || n < 0) {
        res.status(400).json({ error_code: 'INVALID_PARAM', error_msg: `${key} must be a non-negative integer` });
        return;
      }
      next[key] = n;
    }
    settings = next;
    dataRequests = 0;
    res.json(settings);
  });

  const isHealth = (req: Request) => req.path === '/api/v1/health';
  const isPlatform = (req: Request) => req.path === '/oauth/token' || req.path.startsWith('/api/');

  // token and data requests are counted; health is not data
  app.use((req, _res, next) => {
    if (isPlatform(req) && !isHealth(req)) faults.calls++;
    next();
  });

  // faults strike before anything else, as an overloaded gateway would
  const strike = faults.strike((res, n) => {
    if (n % 3 === 0) res.status(500).json({ error_code: 'SYSTEM_ERROR', error_msg: '系统内部错误' });
    else res.status(503).json({ error_code: 'SERVICE_UNAVAILABLE', error_msg: '服务暂不可用，请稍后重试' });
  });
  app.use((req, res, next) => (isPlatform(req) ? strike(req, res, next) : next()));

  // the occasional 503, independent of faults
  app.use('/api', (req, res, next) => {
    if (req.path === '/v1/health') return next();
    dataRequests++;
    if (settings.unavailableEvery > 0 && dataRequests % settings.unavailableEvery === 0) {
      res
        .status(503)
        .set('Retry-After', String(settings.retryAfterSeconds))
        .json({ error_code: 'SERVICE_BUSY', error_msg: '系统繁忙，请稍后重试' });
      return;
    }
    next();
  });

  app.post('/oauth/token', (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (body.grant_type !== 'client_credentials') {
      res.status(400).json({ error: 'unsupported_grant_type', error_description: 'grant_type must be client_credentials' });
      return;
    }
    if (body.client_id !== SIM_CLIENT_ID || body.client_secret !== SIM_CLIENT_SECRET) {
      res.status(401).json({ error: 'invalid_client', error_description: 'client_id or client_secret is wrong' });
      return;
    }
    const now = Date.now();
    for (const [t, exp] of tokens) if (exp <= now) tokens.delete(t);
    const token = randomBytes(24).toString('base64url');
    tokens.set(token, now + settings.tokenTtlSeconds * 1000);
    res.set('Cache-Control', 'no-store').json({ access_token: token, token_type: 'Bearer', expires_in: settings.tokenTtlSeconds });
  });

  app.use('/api', (req, res, next) => {
    const m = /^Bearer ([A-Za-z0-9_-]+)$/.exec(req.get('authorization') ?? '');
    const exp = m ? tokens.get(m[1]!) : undefined;
    if (!m || exp === undefined || exp <= Date.now()) {
      res
        .status(401)
        .set('WWW-Authenticate', `Bearer error="invalid_token"`)
        .json({ error_code: m ? 'INVALID_TOKEN' : 'MISSING_TOKEN', error_msg: m ? '访问令牌无效或已过期' : '缺少访问令牌' });
      return;
    }
    next();
  });

  /** Sends a JSON answer, applying the drop and malformed faults (garbleRecords) on the way out. */
  const send = (res: Response, body: Record<string, unknown>, garbleRecords: (b: Record<string, unknown>) => void) =>
    faults.send(res, body, garbleRecords);

  app.get('/api/v1/health', (_req, res) =>
    send(res, { status: 'UP', system: '应急管理综合应用平台', server_time: new Date().toISOString() }, () => {}),
  );

  app.get('/api/v1/:resource', async (req: Request<{ resource: string }>, res) => {
    const table = BY_PATH.get(req.params.resource);
    if (!table) {
      res.status(404).json({ error_code: 'NOT_FOUND', error_msg: `no resource ${req.params.resource}` });
      return;
    }
    const q = req.query as Record<string, unknown>;
    const limit = intParam(q.limit, 'limit', 100, 1, MAX_PAGE_SIZE);
    const params: unknown[] = [];
    const where: string[] = [];
    if (q.cursor !== undefined && q.cursor !== '') {
      const k = decodeCursor(q.cursor);
      params.push(k.t, k.i);
      where.push(`(updated_at, id) > ($${params.length - 1}::timestamptz, $${params.length})`);
    }
    if (q.updated_since !== undefined && q.updated_since !== '') {
      const since = fromWireInstant(q.updated_since);
      if (!since) throw new BadParam('updated_since must be yyyyMMddHHmmss (Asia/Shanghai)');
      params.push(since);
      where.push(`updated_at >= $${params.length}::timestamptz`);
    }
    params.push(limit);
    const { rows } = await pool.query<Row>(
      `SELECT ${selectList(table)} FROM ${SCHEMA}.${table} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY updated_at, id LIMIT $${params.length}`,
      params,
    );
    const last = rows.at(-1);
    const nextCursor = last ? encodeCursor({ t: String(last._keyset_ts), i: String(last.id) }) : null;
    send(res, { data: strip(rows), next_cursor: nextCursor }, (b) => void (b.data = (b.data as unknown[]).map(garbleRecord)));
  });

  app.post('/api/v1/enterprise-profiles/query', async (req, res) => {
    const codes = (req.body as { credit_codes?: unknown } | undefined)?.credit_codes;
    if (!Array.isArray(codes) || codes.length === 0 || codes.length > MAX_BATCH_CODES || !codes.every((c) => typeof c === 'string')) {
      throw new BadParam(`credit_codes must be 1..${MAX_BATCH_CODES} strings`);
    }
    const orgs = (codes as string[]).map((c) => (c.length === 18 ? orgCodeOfCreditCode(c) : c));
    const refTables = Object.entries(REF_COLUMNS) as [ResourceName, readonly [string, string, string]][];
    // names this platform itself carries for those codes reach the older name-only rows
    const { rows: nameRows } = await pool.query<{ n: string }>(
      refTables
        .map(([t, [cc, , n]]) => `SELECT ${SCHEMA}.norm_name(${n}) AS n FROM ${SCHEMA}.${t} WHERE ${cc} = ANY($1) AND ${n} <> ''`)
        .join(' UNION '),
      [codes],
    );
    const names = nameRows.map((r) => r.n);
    const byRef = async (t: ResourceName, extra = '', extraParams: unknown[] = []): Promise<Row[]> => {
      const [cc, oc, n] = REF_COLUMNS[t]!;
      const { rows } = await pool.query<Row>(
        `SELECT ${selectList(t)} FROM ${SCHEMA}.${t}
         WHERE ${cc} = ANY($1) OR ${oc} = ANY($2) OR ${SCHEMA}.norm_name(${n}) = ANY($3) ${extra} ORDER BY id`,
        [codes, orgs, names, ...extraParams],
      );
      return rows;
    };
    const data: Partial<Record<ResourceName, Row[]>> = {};
    await Promise.all(
      (
        [
          'enterprise_licences',
          'personnel_certificates',
          'safety_staff',
          'hidden_dangers',
          'penalties',
          'accidents',
          'liability_insurances',
        ] as const
      ).map(async (t) => void (data[t] = await byRef(t))),
    );
    // the enterprise's people (staff, certificate holders, persons listed under its name): their bans count
    // in a joint-punishment check even where the ban names no enterprise
    const idsOf = (rows: Row[]) => rows.map((r) => r.id_card_no).filter((v): v is string => typeof v === 'string');
    const listed = await byRef('punishment_lists');
    const people = [...new Set([...idsOf(data.safety_staff!), ...idsOf(data.personnel_certificates!), ...idsOf(listed)])];
    data.punishment_lists = await byRef('punishment_lists', `OR (subject_type = '个人' AND id_card_no = ANY($4))`, [people]);
    data.personnel = people.length
      ? (
          await pool.query<Row>(`SELECT ${selectList('personnel')} FROM ${SCHEMA}.personnel WHERE id_card_no = ANY($1) ORDER BY id`, [
            people,
          ])
        ).rows
      : [];
    const found = new Set<string>();
    for (const t of TABLES) {
      const cc = REF_COLUMNS[t]?.[0];
      if (cc) for (const r of data[t]!) if (typeof r[cc] === 'string') found.add(r[cc]);
    }
    const out = Object.fromEntries(TABLES.map((t) => [t, strip(data[t]!)]));
    send(res, { data: out, not_found: (codes as string[]).filter((c) => !found.has(c)) }, (b) => {
      const d = b.data as Record<string, unknown[]>;
      for (const t of TABLES) d[t] = d[t]!.map(garbleRecord);
    });
  });

  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) return;
    if (err instanceof BadParam) res.status(400).json({ error_code: 'INVALID_PARAM', error_msg: err.message });
    else res.status(500).json({ error_code: 'SYSTEM_ERROR', error_msg: err instanceof Error ? err.message : String(err) });
  });

  const { server, baseUrl } = await listen(app, env);
  return {
    connectorOptions: { baseUrl, clientId: SIM_CLIENT_ID, clientSecret: SIM_CLIENT_SECRET },
    ...faults.controls(),
    configure(s) {
      settings = { ...settings, ...s };
      dataRequests = 0; // "every Nth" counts from the change
    },
    expireTokens() {
      tokens.clear();
    },
    close: () => closeHttp(server, faults, pool),
  };
}
