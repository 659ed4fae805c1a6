/**
 * The 市场监管 stand-in system: an open-data style REST/JSON API over schema `sim_market`.
 *
 *   GET  /api/v2/{enterprises|persons|key-persons|penalties|credit-lists}?page=&size=&updatedSince=&afterId=
 *        ordered by (updatedAt, id); updatedSince alone is inclusive (>=), with afterId it is the keyset
 *        (updatedAt, id) > (updatedSince, afterId); size ≤ 500. Answer {page, size, hasMore, items}.
 *   POST /api/v2/enterprises/batch {codes: [≤100 credit codes]} → everything about those codes.
 *   GET  /api/v2/health
 *   POST|GET /__faults  (test switch, no auth, not counted)
 *
 * Auth: X-App-Key, X-Timestamp (Unix ms, ±5 min) and X-Signature = hex HMAC-SHA256(secret,
 * `${METHOD}\n${path}\n${timestamp}`) where path excludes the query string.
 */
import { timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import { orgCodeOfCreditCode } from '../../src/domain/codes.js';
import { BadParam, closeHttp, garble, HttpFaults, intParam, listen, simulatorPool } from '../kit/http-simulator.js';
import type { RunningSimulator, SimulatorEnv } from '../types.js';
import { MAX_BATCH_CODES, MAX_PAGE_SIZE, sign } from './mapping.js';
import { SCHEMA } from './seed.js';

/** Fixed credentials of the stand-in (a real deployment gets its own from the platform). */
export const SIM_APP_KEY = 'hub-safety-sync';
export const SIM_APP_SECRET = 'sim-market-8f3c2a9e1d7b4c60';
const CLOCK_SKEW_MS = 5 * 60_000;

const TS = `to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "updatedAt"`;
const REF = `credit_code AS "creditCode", org_code AS "orgCode", ent_name AS "entName"`;

/** Endpoint path → table and the SELECT list that renders a row as the wire record (camelCase). */
const RESOURCES = {
  enterprises: {
    table: 'enterprises',
    select: `id, credit_code AS "creditCode", org_code AS "orgCode", reg_no AS "regNo", ent_name AS "entName",
      ent_type AS "entType", reg_status AS "regStatus", legal_rep_name AS "legalRepName", region_code AS "regionCode",
      industry_code AS "industryCode", reg_capital::float8 AS "regCapital", establish_date AS "establishDate", address,
      business_scope AS "businessScope", ${TS}`,
  },
  persons: { table: 'persons', select: `id, cert_no AS "certNo", name, mobile, ${TS}` },
  'key-persons': {
    table: 'key_persons',
    select: `id, ${REF}, name, cert_no AS "certNo", position, start_date AS "startDate", end_date AS "endDate", ${TS}`,
  },
  penalties: {
    table: 'penalties',
    select: `id, ${REF}, decision_no AS "decisionNo", decision_date AS "decisionDate", penalty_type AS "penaltyType",
      illegal_fact AS "illegalFact", legal_basis AS "legalBasis", fine_amount::float8 AS "fineAmount", ${TS}`,
  },
  'credit-lists': {
    table: 'credit_list_entries',
    select: `id, list_type AS "listType", subject_type AS "subjectType", ${REF}, cert_no AS "certNo",
      person_name AS "personName", inclusion_reason AS "inclusionReason", legal_basis AS "legalBasis",
      decision_no AS "decisionNo", inclusion_date AS "inclusionDate", expiry_date AS "expiryDate",
      removal_date AS "removalDate", ${TS}`,
  },
} as const;
type ResourceName = keyof typeof RESOURCES;

/** Replaces every value but id/updatedAt with garbage: the 'malformed' fault. */
const garbleRecord = (rec: unknown): unknown => garble(rec, ['id', 'updatedAt'], 'NaN');

export async function startSimulator(env: SimulatorEnv): Promise<RunningSimulator> {
  const pool = simulatorPool(env);
  const faults = new HttpFaults();

  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '1mb' }));
  faults.mountSwitch(app, (message) => ({ code: 'INVALID_PARAM', message }));

  // data requests are counted; health is not data
  app.use('/api', (req, _res, next) => {
    if (req.path !== '/v2/health') faults.calls++;
    next();
  });

  app.use(
    '/api',
    faults.strike((res, n) => {
      if (n % 3 === 0) res.status(500).json({ code: 'INTERNAL_ERROR', message: '系统内部错误' });
      else res.status(503).json({ code: 'SERVICE_UNAVAILABLE', message: '服务暂不可用，请稍后重试' });
    }),
  );

  app.use('/api', (req, res, next) => {
    const appKey = req.get('x-app-key');
    const ts = req.get('x-timestamp') ?? '';
    const sig = req.get('x-signature') ?? '';
    const refuse = (code: string, message: string) => void res.status(401).json({ code, message });
    if (appKey !== SIM_APP_KEY) return refuse('INVALID_APP_KEY', 'unknown X-App-Key');
    if (!/^\d{10,16}$/.test(ts) || Math.abs(Date.now() - Number(ts)) > CLOCK_SKEW_MS) {
      return refuse('TIMESTAMP_EXPIRED', 'X-Timestamp missing or more than 5 minutes off');
    }
    const path = req.originalUrl.split('?')[0]!;
    const expected = Buffer.from(sign(SIM_APP_SECRET, req.method, path, ts), 'utf8');
    const given = Buffer.from(sig.toLowerCase(), 'utf8');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return refuse('INVALID_SIGNATURE', 'signature mismatch');
    next();
  });

  /** Sends a JSON answer; under the malformed fault the records of `recordArrays` are garbled. */
  const send = (res: Response, body: Record<string, unknown>, recordArrays: string[]) =>
    faults.send(res, body, (b) => {
      for (const k of recordArrays) b[k] = (b[k] as unknown[]).map(garbleRecord);
    });

  app.get('/api/v2/health', (_req, res) =>
    send(res, { status: 'UP', system: '市场监管信用信息开放平台', time: new Date().toISOString() }, []),
  );

  app.get('/api/v2/:resource', async (req: Request<{ resource: string }>, res) => {
    const resource = RESOURCES[req.params.resource as ResourceName];
    if (!resource) {
      res.status(404).json({ code: 'NOT_FOUND', message: `no resource ${req.params.resource}` });
      return;
    }
    const q = req.query as Record<string, unknown>;
    const page = intParam(q.page, 'page', 1, 1, 1_000_000);
    const size = intParam(q.size, 'size', 100, 1, MAX_PAGE_SIZE);
    const params: unknown[] = [];
    let where = 'TRUE';
    if (q.updatedSince !== undefined) {
      if (typeof q.updatedSince !== 'string' || Number.isNaN(Date.parse(q.updatedSince)))
        throw new BadParam('updatedSince must be an ISO 8601 instant');
      params.push(q.updatedSince);
      if (typeof q.afterId === 'string' && q.afterId !== '') {
        params.push(q.afterId);
        where = `(updated_at, id) > ($1::timestamptz, $2)`;
      } else where = `updated_at >= $1::timestamptz`;
    } else if (q.afterId !== undefined) throw new BadParam('afterId needs updatedSince');
    params.push(size + 1, (page - 1) * size);
    const { rows } = await pool.query(
      `SELECT ${resource.select} FROM ${SCHEMA}.${resource.table} WHERE ${where}
       ORDER BY updated_at, id LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    );
    send(res, { page, size, hasMore: rows.length > size, items: rows.slice(0, size) }, ['items']);
  });

  app.post('/api/v2/enterprises/batch', async (req, res) => {
    const codes = (req.body as { codes?: unknown } | undefined)?.codes;
    if (!Array.isArray(codes) || codes.length === 0 || codes.length > MAX_BATCH_CODES || !codes.every((c) => typeof c === 'string')) {
      throw new BadParam(`codes must be 1..${MAX_BATCH_CODES} strings`);
    }
    const orgs = (codes as string[]).map((c) => (c.length === 18 ? orgCodeOfCreditCode(c) : c));
    const q = async (name: ResourceName, where: string, params: unknown[]) =>
      (await pool.query(`SELECT ${RESOURCES[name].select} FROM ${SCHEMA}.${RESOURCES[name].table} WHERE ${where} ORDER BY id`, params))
        .rows as Record<string, unknown>[];
    const enterprises = await q('enterprises', 'credit_code = ANY($1) OR org_code = ANY($2)', [codes, orgs]);
    // the registry knows each code's registered name, so older name-only records are found too
    const names = enterprises.map((e) => e.entName).filter((n): n is string => typeof n === 'string');
    const refWhere = 'credit_code = ANY($1) OR org_code = ANY($2) OR ent_name = ANY($3)';
    const [keyPersons, penalties, creditLists] = await Promise.all([
      q('key-persons', refWhere, [codes, orgs, names]),
      q('penalties', refWhere, [codes, orgs, names]),
      q('credit-lists', refWhere, [codes, orgs, names]),
    ]);
    const certNos = [...new Set(keyPersons.map((k) => k.certNo).filter((c): c is string => typeof c === 'string'))];
    const persons = certNos.length ? await q('persons', 'cert_no = ANY($1)', [certNos]) : [];
    const found = new Set(enterprises.map((e) => e.creditCode));
    const notFound = (codes as string[]).filter((c) => !found.has(c));
    send(res, { enterprises, persons, keyPersons, penalties, creditLists, notFound }, [
      'enterprises',
      'persons',
      'keyPersons',
      'penalties',
      'creditLists',
    ]);
  });

  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) return;
    if (err instanceof BadParam) res.status(400).json({ code: 'INVALID_PARAM', message: err.message });
    else res.status(500).json({ code: 'INTERNAL_ERROR', message: err instanceof Error ? err.message : String(err) });
  });

  const { server, baseUrl } = await listen(app, env);
  return {
    connectorOptions: { baseUrl, appKey: SIM_APP_KEY, appSecret: SIM_APP_SECRET },
    ...faults.controls(),
    close: () => closeHttp(server, faults, pool),
  };
}
