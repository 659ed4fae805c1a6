/**
 * Connector for the 交通运输信用信息共享平台 (see simulator.ts for the wire, mapping.ts for the fields).
 *
 * The platform answers HTTP 200 for its own errors, so every answer's envelope `code` is checked.
 * Its lists only offer an inclusive `updateTimeStart` (whole seconds) and offset pages, which skip or
 * repeat records when read naively. Per resource the watermark keeps the last updateTime seen and the
 * ids already seen at that second; a read starts at that second and drops those ids, and starts a new
 * query whenever the second moves on. Within one second, each page overlaps the previous by the last
 * record consumed: if that record is no longer in its place, records left the second and shifted the
 * offsets, so the second is read again from its first page. A resumed run neither skips nor repeats.
 * (A record changed twice within the very second it was read is seen again only at its next change:
 * the platform's one-second clock cannot tell those apart.)
 */
import http from 'node:http';
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
import {
  API_BASE,
  CODE,
  MAX_BATCH_CODES,
  MAX_PAGE_SIZE,
  RESOURCE_BY_TAG,
  RESOURCES,
  toEnvelope,
  type ResourceName,
  type ResourceTag,
} from './mapping.js';
import { PII_FIELDS } from './pii.js';

export const SOURCE_ID = 'transport';
const DEPARTMENT: Department = 'TRANSPORT';

const optionsSchema = z.object({
  timeoutMs: z.number().int().positive(),
  baseUrl: z.url(),
  apiKey: z.string().min(1),
  /** page size for changesSince when the caller gives no batchSize (≤ 200) */
  pageSize: z.number().int().min(1).max(MAX_PAGE_SIZE).default(MAX_PAGE_SIZE),
});
export type TransportConnectorOptions = z.infer<typeof optionsSchema>;

/** Per resource: last updateTime read ('yyyy-MM-dd HH:mm:ss', Beijing) and the ids already read at it. */
interface Position {
  ts: string;
  ids: string[];
}
type Watermark = Partial<Record<ResourceName, Position>>;

// `data` may be absent (an error envelope): optional, or zod 4 would refuse the missing key
const envelopeSchema = z.object({ code: z.number(), msg: z.string().nullish(), data: z.unknown().optional() });
const listSchema = z.object({ records: z.array(z.unknown()), total: z.number().int().nonnegative() });
const LOCAL_INSTANT = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

const { parse: parseWatermark, format: formatWatermark } = versionedWatermark<Watermark>(SOURCE_ID, 'pos', (pos) => {
  for (const p of Object.values(pos)) {
    if (!p || typeof p.ts !== 'string' || !LOCAL_INSTANT.test(p.ts) || !Array.isArray(p.ids)) throw new Error('bad position');
  }
});

/**
 * The page to ask for when `consumed` records of a query have been read: it must still contain the
 * last of them (to check that nothing shifted) and as many new ones as possible, up to `size`.
 * Pages sit on a grid of their own size, so the size is chosen to put a page start just before.
 */
export function planPage(consumed: number, size: number): { pageNo: number; pageSize: number; start: number } {
  if (consumed === 0) return { pageNo: 1, pageSize: size, start: 0 };
  let best = { pageNo: 1, pageSize: 0, start: 0, gain: 0 };
  for (let s = 1; s <= MAX_PAGE_SIZE; s++) {
    const start = Math.floor((consumed - 1) / s) * s;
    const gain = Math.min(start + s - consumed, size);
    if (gain > best.gain) best = { pageNo: start / s + 1, pageSize: s, start, gain };
    if (gain === size) break; // the smallest page that gives a full batch
  }
  // some size ≤ 200 never divides consumed for any realistic count, so a gain is always found
  if (best.gain === 0) throw new Error(`transport: no page overlaps position ${consumed}`);
  return { pageNo: best.pageNo, pageSize: best.pageSize, start: best.start };
}

export class TransportConnector implements Connector {
  readonly id = SOURCE_ID;
  readonly department = DEPARTMENT;
  readonly provides: readonly RecordKind[] = RESOURCES.map((r) => r.kind);
  readonly piiFields = PII_FIELDS;
  private readonly http: AxiosInstance;
  private readonly agent: http.Agent;
  private readonly opts: TransportConnectorOptions;

  constructor(
    options: ConnectorOptions,
    private readonly deps?: ConnectorDeps,
  ) {
    this.opts = parseOptions(SOURCE_ID, optionsSchema, options);
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    this.http = axios.create({
      baseURL: this.opts.baseUrl.replace(/\/+$/, '') + API_BASE,
      timeout: this.opts.timeoutMs,
      httpAgent: this.agent,
      // statuses and envelope codes are judged here; axios must not throw on 5xx with a confusing message
      validateStatus: () => true,
      responseType: 'json',
      transitional: { clarifyTimeoutError: true },
      headers: { apikey: this.opts.apiKey },
    });
  }

  /** One call: whole-call failures (transport, HTTP status, envelope code) become SourceError; returns `data`. */
  private async call(
    method: 'GET' | 'POST',
    path: string,
    init: { params?: object; data?: unknown; signal?: AbortSignal },
  ): Promise<unknown> {
    const what = `${method} ${path}`;
    const res = await boundedCall(this.id, what, this.opts.timeoutMs, init.signal, (signal) =>
      this.http.request({ method, url: path, params: init.params, data: init.data, signal }),
    );
    if (res.status >= 500) throw new SourceError(this.id, 'UNAVAILABLE', `${what} answered HTTP ${res.status}`);
    if (res.status === 401 || res.status === 403) throw new SourceError(this.id, 'REFUSED', `${what} refused (HTTP ${res.status})`);
    if (res.status !== 200) throw new SourceError(this.id, 'BAD_RESPONSE', `${what} answered HTTP ${res.status}`);
    const env = envelopeSchema.safeParse(res.data);
    if (!env.success) throw new SourceError(this.id, 'BAD_RESPONSE', `${what}: answer is not a {code, msg, data} envelope`);
    const { code, msg, data } = env.data;
    if (code === CODE.OK) return data;
    const said = `${what}: platform code ${code} ${msg ?? ''}`.trim();
    if (code >= 40100 && code < 40400) throw new SourceError(this.id, 'REFUSED', said);
    if (code >= 50000) throw new SourceError(this.id, 'UNAVAILABLE', said);
    throw new SourceError(this.id, 'BAD_RESPONSE', said);
  }

  private list(data: unknown, what: string): z.infer<typeof listSchema> {
    const parsed = listSchema.safeParse(data);
    if (!parsed.success)
      throw new SourceError(this.id, 'BAD_RESPONSE', `${what}: data is not {records, total} (${parsed.error.issues[0]?.message ?? ''})`);
    return parsed.data;
  }

  async fetchByKeys(creditCodes: readonly string[], opts?: { signal?: AbortSignal }): Promise<SourceEnvelope[]> {
    const out = new DistinctEnvelopes();
    for (const chunk of chunksOf(creditCodes, MAX_BATCH_CODES)) {
      const what = 'POST /batchQuery';
      const { records } = this.list(await this.call('POST', '/batchQuery', { data: { tyshxydm: chunk }, signal: opts?.signal }), what);
      records.forEach((raw, idx) => {
        const tag = (raw as { zylx?: unknown } | null)?.zylx;
        const resource = RESOURCE_BY_TAG[tag as ResourceTag];
        // the tag is the platform's classification, not record content: without it nothing can be said
        if (!resource) throw new SourceError(this.id, 'BAD_RESPONSE', `${what}: record ${idx} has unknown zylx ${JSON.stringify(tag)}`);
        const env = toEnvelope(resource, raw, idx);
        out.add(`${env.kind}|${env.sourceRecordId}`, env); // a name-only record can match codes of two chunks
      });
    }
    return out.all;
  }

  async *changesSince(watermark: string | null, opts?: { signal?: AbortSignal; batchSize?: number }): AsyncIterable<ChangeBatch> {
    const pos = parseWatermark(watermark);
    const size = batchSizeOf(opts?.batchSize, this.opts.pageSize, MAX_PAGE_SIZE);
    for (const { name } of RESOURCES) {
      const path = `/${name}`;
      const what = `GET ${path}`;
      let ts: string | null = pos[name]?.ts ?? null;
      let seen = new Set(pos[name]?.ids ?? []);
      /** the query's updateTimeStart, and how many of its records (in order) have been consumed */
      let queryTs = ts;
      let consumed = 0;
      for (;;) {
        const page = planPage(consumed, size);
        const params = { pageNo: page.pageNo, pageSize: page.pageSize, ...(queryTs ? { updateTimeStart: queryTs } : {}) };
        const { records, total } = this.list(await this.call('GET', path, { params, signal: opts?.signal }), what);
        const keys = records.map((raw, i) => {
          const { id, updateTime } = (raw ?? {}) as { id?: unknown; updateTime?: unknown };
          if (typeof id !== 'string' || !id || typeof updateTime !== 'string' || !LOCAL_INSTANT.test(updateTime)) {
            // without id and updateTime the position could not be kept: resuming would be unsafe
            throw new SourceError(this.id, 'BAD_RESPONSE', `${what}: record ${i} has no usable id/updateTime`);
          }
          return { id, updateTime };
        });
        if (consumed > 0) {
          // the last record consumed must still sit where it was; if not, records left this second and
          // shifted the offsets, so read the second again from its first page (seen ids are dropped)
          const last = keys[consumed - 1 - page.start];
          if (!last || last.updateTime !== queryTs || !seen.has(last.id)) {
            consumed = 0;
            continue;
          }
        }
        const fresh: SourceEnvelope[] = [];
        let i = consumed - page.start;
        for (; i < records.length && fresh.length < size; i++) {
          const { id, updateTime } = keys[i]!;
          if (ts !== null && updateTime < ts) continue; // shifted in from a second already read
          if (updateTime === ts && seen.has(id)) continue;
          if (updateTime !== ts) {
            ts = updateTime;
            seen = new Set();
          }
          seen.add(id);
          fresh.push(toEnvelope(name, records[i], i));
        }
        consumed = page.start + i;
        if (fresh.length > 0) {
          pos[name] = { ts: ts!, ids: [...seen] };
          const bad = fresh.filter((r) => r.error).length;
          if (bad) this.deps?.log.warn({ source: this.id, resource: name, bad }, 'records that could not be read');
          yield { records: fresh, watermark: formatWatermark(pos) };
        }
        const lastPage = records.length < page.pageSize || page.start + records.length >= total;
        if (lastPage && i >= records.length) break;
        // offsets only hold within one starting second: when it moved on, query from the new second
        if (ts !== queryTs) {
          queryTs = ts;
          consumed = 0;
        }
      }
    }
  }

  health(): Promise<HealthReport> {
    return probeHealth(async () => {
      const data = (await this.call('GET', '/health', {})) as { status?: unknown } | null;
      const ok = data?.status === 'UP';
      return { ok, detail: ok ? undefined : `status ${String(data?.status)}` };
    });
  }

  async close(): Promise<void> {
    this.agent.destroy(); // pooled keep-alive sockets
  }
}

export const createTransportConnector = (options: ConnectorOptions, deps?: ConnectorDeps): Connector =>
  new TransportConnector(options, deps);
