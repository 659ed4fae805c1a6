/**
 * Connector for the 应急管理综合应用平台 data-sharing API: OAuth client-credentials token, snake_case
 * REST/JSON with cursor pagination (see simulator.ts for the wire).
 * - One deadline (timeoutMs) bounds each logical read, including a token refresh and the one retry.
 * - A 401 drops the cached token and retries once with a fresh one (tokens expire server-side).
 * - A 503 with Retry-After is retried once after that wait when the deadline allows (the platform's
 *   "occasional 503"); a 503 without it, or a second one, is UNAVAILABLE.
 * - changesSince keeps the server's cursor per resource; the watermark is the composite of those.
 */
import http from 'node:http';
import https from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import axios, { type AxiosInstance, type AxiosRequestConfig, type AxiosResponse } from 'axios';
import { z } from 'zod';
import type { Department, RecordKind } from '../../src/domain/canonical.js';
import { batchSizeOf, chunksOf, DistinctEnvelopes, parseOptions, probeHealth, versionedWatermark } from '../kit/connector.js';
import { deadline as deadlineSignal, toSourceError } from '../kit/http-errors.js';
import {
  SourceError,
  type ChangeBatch,
  type Connector,
  type ConnectorDeps,
  type ConnectorOptions,
  type HealthReport,
  type SourceEnvelope,
} from '../types.js';
import { MAX_BATCH_CODES, MAX_PAGE_SIZE, RESOURCE_NAMES, RESOURCES, toEnvelope, type ResourceName } from './mapping.js';
import { PII_FIELDS } from './pii.js';

export const SOURCE_ID = 'emergency';
const DEPARTMENT: Department = 'EMERGENCY';

const optionsSchema = z.object({
  timeoutMs: z.number().int().positive(),
  baseUrl: z.url(),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  /** page size for changesSince when the caller gives no batchSize (≤ 500) */
  pageSize: z.number().int().min(1).max(MAX_PAGE_SIZE).default(MAX_PAGE_SIZE),
});
export type EmergencyConnectorOptions = z.infer<typeof optionsSchema>;

/** Composite watermark: the platform's cursor per resource. */
type Watermark = Partial<Record<ResourceName, string>>;

const tokenSchema = z.object({ access_token: z.string().min(1), expires_in: z.number().positive() });
const pageSchema = z.object({ data: z.array(z.unknown()), next_cursor: z.string().min(1).nullable() });
const profileSchema = z.object({
  data: z.object(
    Object.fromEntries(RESOURCE_NAMES.map((n) => [n, z.array(z.unknown())])) as Record<ResourceName, z.ZodArray<z.ZodUnknown>>,
  ),
});

const { parse: parseWatermark, format: formatWatermark } = versionedWatermark<Watermark>(SOURCE_ID, 'cursors');

/** Retry-After as milliseconds (delta-seconds or an HTTP date), null when absent or unreadable. */
function retryAfterMs(h: unknown): number | null {
  if (typeof h !== 'string' || h.trim() === '') return null;
  if (/^\d+$/.test(h.trim())) return Number(h.trim()) * 1000;
  const at = Date.parse(h);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

interface Call {
  method: 'GET' | 'POST';
  path: string;
  params?: object;
  data?: unknown;
  signal?: AbortSignal;
}

export class EmergencyConnector implements Connector {
  readonly id = SOURCE_ID;
  readonly department = DEPARTMENT;
  readonly provides: readonly RecordKind[] = [...new Set(RESOURCES.map((r) => r.kind))];
  readonly piiFields = PII_FIELDS;
  private readonly http: AxiosInstance;
  private readonly opts: EmergencyConnectorOptions;
  private readonly agents = {
    http: new http.Agent({ keepAlive: true, maxSockets: 16 }),
    https: new https.Agent({ keepAlive: true, maxSockets: 16 }),
  };
  private token: { value: string; renewAt: number } | null = null;
  private pendingToken: Promise<string> | null = null;

  constructor(
    options: ConnectorOptions,
    private readonly deps?: ConnectorDeps,
  ) {
    this.opts = parseOptions(SOURCE_ID, optionsSchema, options);
    this.http = axios.create({
      baseURL: this.opts.baseUrl.replace(/\/+$/, ''),
      // we judge statuses ourselves; axios must not throw on 4xx/5xx with a confusing message
      validateStatus: () => true,
      responseType: 'json',
      httpAgent: this.agents.http,
      httpsAgent: this.agents.https,
      transitional: { clarifyTimeoutError: true },
    });
  }

  /** One HTTP exchange bounded by the deadline; transport failures become SourceError. */
  private async exchange(cfg: AxiosRequestConfig, deadline: number, signal: AbortSignal | undefined, what: string): Promise<AxiosResponse> {
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw new SourceError(this.id, 'TIMEOUT', `${what}: no answer within ${this.opts.timeoutMs} ms`);
    const bounded = deadlineSignal(remaining, signal);
    try {
      return await this.http.request({ ...cfg, timeout: remaining, signal: bounded.signal });
    } catch (err) {
      if (signal?.aborted) throw err; // the caller gave up: not a source failure
      throw toSourceError(this.id, err, { timedOut: bounded.timeout.aborted, what, timeoutMs: this.opts.timeoutMs });
    }
  }

  /** An idempotent read: retried once after Retry-After on 503 when the deadline leaves room for it. */
  private async read(cfg: AxiosRequestConfig, deadline: number, signal: AbortSignal | undefined, what: string): Promise<AxiosResponse> {
    const res = await this.exchange(cfg, deadline, signal, what);
    if (res.status !== 503) return res;
    const wait = retryAfterMs(res.headers['retry-after']);
    if (wait === null || Date.now() + wait >= deadline) return res;
    this.deps?.log.info({ source: this.id, what, retryAfterMs: wait }, 'platform busy (503); retrying once after Retry-After');
    await sleep(wait, undefined, signal ? { signal } : undefined);
    return this.exchange(cfg, deadline, signal, what);
  }

  private async accessToken(deadline: number, signal: AbortSignal | undefined): Promise<string> {
    if (this.token && Date.now() < this.token.renewAt) return this.token.value;
    this.pendingToken ??= (async () => {
      try {
        const what = 'POST /oauth/token';
        const form = new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: this.opts.clientId,
          client_secret: this.opts.clientSecret,
        });
        const res = await this.read(
          { method: 'POST', url: '/oauth/token', data: form.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } },
          deadline,
          signal,
          what,
        );
        const body = this.shape(tokenSchema, this.judge(res, what), what);
        const lifeMs = body.expires_in * 1000;
        // renew a little early so a token never expires on the way
        this.token = { value: body.access_token, renewAt: Date.now() + lifeMs - Math.min(30_000, lifeMs / 10) };
        return body.access_token;
      } finally {
        this.pendingToken = null;
      }
    })();
    return this.pendingToken;
  }

  /** One authenticated call: whole-call failures become SourceError; the body is returned unvalidated. */
  private async call(c: Call): Promise<unknown> {
    const deadline = Date.now() + this.opts.timeoutMs;
    const what = `${c.method} ${c.path}`;
    for (let attempt = 0; ; attempt++) {
      // the token is shared by concurrent calls: one caller giving up must not fail the others
      const token = await this.accessToken(deadline, undefined);
      const res = await this.read(
        { method: c.method, url: c.path, params: c.params, data: c.data, headers: { Authorization: `Bearer ${token}` } },
        deadline,
        c.signal,
        what,
      );
      if (res.status === 401 && attempt === 0) {
        // tokens expire on the platform's clock, not ours: get a fresh one and try once more
        if (this.token?.value === token) this.token = null;
        continue;
      }
      return this.judge(res, what);
    }
  }

  private judge(res: AxiosResponse, what: string): object {
    const detail = () => JSON.stringify(res.data)?.slice(0, 300) ?? '';
    if (res.status >= 500) {
      const busy =
        res.status === 503 && res.headers['retry-after'] !== undefined ? ` (Retry-After ${String(res.headers['retry-after'])})` : '';
      throw new SourceError(this.id, 'UNAVAILABLE', `${what} answered ${res.status}${busy}`);
    }
    if (res.status === 401 || res.status === 403) throw new SourceError(this.id, 'REFUSED', `${what} refused (${res.status}): ${detail()}`);
    if (res.status !== 200) throw new SourceError(this.id, 'BAD_RESPONSE', `${what} answered ${res.status}: ${detail()}`);
    if (res.data === null || typeof res.data !== 'object') throw new SourceError(this.id, 'BAD_RESPONSE', `${what}: body is not JSON`);
    return res.data as object;
  }

  private shape<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      const i = parsed.error.issues[0];
      throw new SourceError(this.id, 'BAD_RESPONSE', `${what}: unexpected answer shape (${i ? `${i.path.join('.')}: ${i.message}` : ''})`);
    }
    return parsed.data;
  }

  async fetchByKeys(creditCodes: readonly string[], opts?: { signal?: AbortSignal }): Promise<SourceEnvelope[]> {
    const out = new DistinctEnvelopes();
    const path = '/api/v1/enterprise-profiles/query';
    for (const chunk of chunksOf(creditCodes, MAX_BATCH_CODES)) {
      const body = await this.call({ method: 'POST', path, data: { credit_codes: chunk }, signal: opts?.signal });
      const answer = this.shape(profileSchema, body, `POST ${path}`);
      for (const name of RESOURCE_NAMES) {
        answer.data[name].forEach((raw, idx) => {
          const env = toEnvelope(name, raw, idx);
          out.add(`${name}|${env.sourceRecordId}`, env); // a record can be reached from two chunks (a person working for two of the enterprises)
        });
      }
    }
    return out.all;
  }

  async *changesSince(watermark: string | null, opts?: { signal?: AbortSignal; batchSize?: number }): AsyncIterable<ChangeBatch> {
    const cursors = parseWatermark(watermark);
    const limit = batchSizeOf(opts?.batchSize, this.opts.pageSize, MAX_PAGE_SIZE);
    for (const r of RESOURCES) {
      for (;;) {
        const cursor = cursors[r.name];
        const what = `GET ${r.path}`;
        const page = this.shape(
          pageSchema,
          await this.call({ method: 'GET', path: r.path, params: cursor ? { limit, cursor } : { limit }, signal: opts?.signal }),
          what,
        );
        if (page.data.length === 0) break;
        // without a cursor after these records we could not resume safely
        if (!page.next_cursor) throw new SourceError(this.id, 'BAD_RESPONSE', `${what}: ${page.data.length} records but no next_cursor`);
        cursors[r.name] = page.next_cursor;
        const records = page.data.map((raw, i) => toEnvelope(r.name, raw, i));
        const bad = records.filter((e) => e.error).length;
        if (bad) this.deps?.log.warn({ source: this.id, endpoint: r.path, bad }, 'records that could not be read');
        yield { records, watermark: formatWatermark(cursors) };
        if (page.data.length < limit) break;
      }
    }
  }

  health(): Promise<HealthReport> {
    return probeHealth(async () => {
      const body = (await this.call({ method: 'GET', path: '/api/v1/health' })) as { status?: unknown };
      const ok = body.status === 'UP';
      return { ok, detail: ok ? undefined : `status ${String(body.status)}` };
    });
  }

  async close(): Promise<void> {
    this.token = null;
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}

export const createEmergencyConnector = (options: ConnectorOptions, deps?: ConnectorDeps): Connector =>
  new EmergencyConnector(options, deps);
