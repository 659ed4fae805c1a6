/**
 * Connector for the 市场监管 open-data API: signed REST/JSON (see simulator.ts for the wire).
 * changesSince walks each endpoint oldest-first with a keyset (updatedAt, id) per endpoint; the
 * watermark is the composite of those positions, so a resumed run neither skips nor repeats.
 */
import axios, { type AxiosInstance } from 'axios';
import { z } from 'zod';
import type { Department, RecordKind } from '../../src/domain/canonical.js';
import { batchSizeOf, chunksOf, DistinctEnvelopes, parseOptions, probeHealth, versionedWatermark } from '../kit/connector.js';
import { boundedCall } from '../kit/http-errors.js';
import {
  SourceError,
  type ChangeBatch,
  type Connector,
  type ConnectorDeps,
  type ConnectorOptions,
  type HealthReport,
  type SourceEnvelope,
} from '../types.js';
import { ENDPOINTS, MAX_BATCH_CODES, MAX_PAGE_SIZE, sign, toEnvelope, type EndpointName } from './mapping.js';
import { PII_FIELDS } from './pii.js';

export const SOURCE_ID = 'market';
const DEPARTMENT: Department = 'MARKET';

const optionsSchema = z.object({
  timeoutMs: z.number().int().positive(),
  baseUrl: z.url(),
  appKey: z.string().min(1),
  appSecret: z.string().min(1),
  /** page size for changesSince when the caller gives no batchSize (≤ 500) */
  pageSize: z.number().int().min(1).max(MAX_PAGE_SIZE).default(MAX_PAGE_SIZE),
});
export type MarketConnectorOptions = z.infer<typeof optionsSchema>;

interface Position {
  ts: string;
  id: string;
}
/** Composite watermark: one keyset position per endpoint. */
type Watermark = Partial<Record<EndpointName, Position>>;

const pageSchema = z.object({ hasMore: z.boolean(), items: z.array(z.unknown()) });
const batchSchema = z.object({
  enterprises: z.array(z.unknown()),
  persons: z.array(z.unknown()),
  keyPersons: z.array(z.unknown()),
  penalties: z.array(z.unknown()),
  creditLists: z.array(z.unknown()),
});

const { parse: parseWatermark, format: formatWatermark } = versionedWatermark<Watermark>(SOURCE_ID, 'pos');

export class MarketConnector implements Connector {
  readonly id = SOURCE_ID;
  readonly department = DEPARTMENT;
  readonly provides: readonly RecordKind[] = ENDPOINTS.map((e) => e.kind);
  readonly piiFields = PII_FIELDS;
  // changesSince walks the endpoints in order, enterprises first
  readonly enterprisesFirst = ENDPOINTS[0].kind === 'enterprise';
  private readonly http: AxiosInstance;
  private readonly opts: MarketConnectorOptions;

  constructor(
    options: ConnectorOptions,
    private readonly deps?: ConnectorDeps,
  ) {
    this.opts = parseOptions(SOURCE_ID, optionsSchema, options);
    this.http = axios.create({
      baseURL: this.opts.baseUrl.replace(/\/+$/, ''),
      timeout: this.opts.timeoutMs,
      // we judge statuses ourselves; axios must not throw on 4xx/5xx with a confusing message
      validateStatus: () => true,
      responseType: 'json',
      transitional: { clarifyTimeoutError: true },
    });
  }

  /** One signed call. Whole-call failures become SourceError; the body is returned unvalidated. */
  private async call(
    method: 'GET' | 'POST',
    path: string,
    init: { params?: object; data?: unknown; signal?: AbortSignal },
  ): Promise<unknown> {
    const ts = String(Date.now());
    const fullPath = new URL(this.opts.baseUrl.replace(/\/+$/, '') + path).pathname;
    const what = `${method} ${path}`;
    const res = await boundedCall(this.id, what, this.opts.timeoutMs, init.signal, (signal) =>
      this.http.request({
        method,
        url: path,
        params: init.params,
        data: init.data,
        signal,
        headers: { 'X-App-Key': this.opts.appKey, 'X-Timestamp': ts, 'X-Signature': sign(this.opts.appSecret, method, fullPath, ts) },
      }),
    );
    if (res.status >= 500) throw new SourceError(this.id, 'UNAVAILABLE', `${what} answered ${res.status}`);
    if (res.status === 401 || res.status === 403)
      throw new SourceError(this.id, 'REFUSED', `${what} refused (${res.status}): ${JSON.stringify(res.data)}`);
    if (res.status !== 200) throw new SourceError(this.id, 'BAD_RESPONSE', `${what} answered ${res.status}: ${JSON.stringify(res.data)}`);
    if (res.data === null || typeof res.data !== 'object') throw new SourceError(this.id, 'BAD_RESPONSE', `${what}: body is not JSON`);
    return res.data;
  }

  private shape<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
    const parsed = schema.safeParse(body);
    if (!parsed.success)
      throw new SourceError(this.id, 'BAD_RESPONSE', `${what}: unexpected answer shape (${parsed.error.issues[0]?.message ?? ''})`);
    return parsed.data;
  }

  async fetchByKeys(creditCodes: readonly string[], opts?: { signal?: AbortSignal }): Promise<SourceEnvelope[]> {
    const out = new DistinctEnvelopes();
    for (const chunk of chunksOf(creditCodes, MAX_BATCH_CODES)) {
      const body = await this.call('POST', '/api/v2/enterprises/batch', { data: { codes: chunk }, signal: opts?.signal });
      const answer = this.shape(batchSchema, body, 'POST /api/v2/enterprises/batch');
      for (const { name } of ENDPOINTS) {
        answer[name].forEach((raw, idx) => {
          const env = toEnvelope(name, raw, idx);
          out.add(`${env.kind}|${env.sourceRecordId}`, env); // a record can match two codes of a chunk (org code and name)
        });
      }
    }
    return out.all;
  }

  async *changesSince(watermark: string | null, opts?: { signal?: AbortSignal; batchSize?: number }): AsyncIterable<ChangeBatch> {
    const pos = parseWatermark(watermark);
    const size = batchSizeOf(opts?.batchSize, this.opts.pageSize, MAX_PAGE_SIZE);
    for (const ep of ENDPOINTS) {
      for (;;) {
        const at = pos[ep.name];
        const params = at ? { page: 1, size, updatedSince: at.ts, afterId: at.id } : { page: 1, size };
        const what = `GET ${ep.path}`;
        const page = this.shape(pageSchema, await this.call('GET', ep.path, { params, signal: opts?.signal }), what);
        if (page.items.length === 0) break;
        const records = page.items.map((raw, i) => toEnvelope(ep.name, raw, i));
        const last = page.items[page.items.length - 1] as { id?: unknown; updatedAt?: unknown } | null;
        if (!last || typeof last.id !== 'string' || typeof last.updatedAt !== 'string' || Number.isNaN(Date.parse(last.updatedAt))) {
          // without the last record's keyset we could not resume safely
          throw new SourceError(this.id, 'BAD_RESPONSE', `${what}: last record has no usable id/updatedAt`);
        }
        pos[ep.name] = { ts: last.updatedAt, id: last.id };
        const bad = records.filter((r) => r.error).length;
        if (bad) this.deps?.log.warn({ source: this.id, endpoint: ep.path, bad }, 'records that could not be read');
        yield { records, watermark: formatWatermark(pos) };
        if (!page.hasMore) break;
      }
    }
  }

  health(): Promise<HealthReport> {
    return probeHealth(async () => {
      const body = (await this.call('GET', '/api/v2/health', {})) as { status?: unknown };
      const ok = body.status === 'UP';
      return { ok, detail: ok ? undefined : `status ${String(body.status)}` };
    });
  }

  async close(): Promise<void> {
    // axios keeps no pooled state of its own beyond Node's global agent; nothing to release
  }
}

export const createMarketConnector = (options: ConnectorOptions, deps?: ConnectorDeps): Connector => new MarketConnector(options, deps);
