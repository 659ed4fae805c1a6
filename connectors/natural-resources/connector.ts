/**
 * Connector for the 自然资源厅 矿业权与地质灾害数据共享接口 (see simulator.ts for the wire, mapping.ts
 * for the fields).
 *
 * Answers are GB18030 bytes, decoded here by the charset the answer names (GB18030 when it names none);
 * every answer's resultCode is checked, since the system's own failures come with HTTP 200.
 * Page tokens expire and cannot be kept across runs, so the watermark keeps, per resource, the last
 * MODIFY_TIME read and the ids already read at that millisecond: a run asks `modifiedFrom` that instant
 * and drops those ids. Within a run the tokens are followed; when one has expired ('1002', a run that
 * stalled) the query starts again from the position reached. A record changed during a run moves to
 * the end of the order it is read in, so the run meets it again with its change.
 */
import http from 'node:http';
import axios, { type AxiosInstance } from 'axios';
import iconv from 'iconv-lite';
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
  CHARSET,
  MAX_BATCH_CODES,
  MAX_PAGE_SIZE,
  RESOURCE_BY_TAG,
  RESOURCES,
  RESULT,
  toEnvelope,
  type ResourceName,
  type ResourceTag,
} from './mapping.js';
import { PII_FIELDS } from './pii.js';

export const SOURCE_ID = 'natural-resources';
const DEPARTMENT: Department = 'NATURAL_RESOURCES';

const optionsSchema = z.object({
  timeoutMs: z.number().int().positive(),
  baseUrl: z.url(),
  username: z.string().min(1),
  password: z.string().min(1),
  /** page size for changesSince when the caller gives no batchSize (≤ 100) */
  pageSize: z.number().int().min(1).max(MAX_PAGE_SIZE).default(MAX_PAGE_SIZE),
});
export type NaturalResourcesConnectorOptions = z.infer<typeof optionsSchema>;

/** Per resource: the last MODIFY_TIME read (epoch ms) and the ids already read at it. */
interface Position {
  t: number;
  ids: string[];
}
type Watermark = Partial<Record<ResourceName, Position>>;

const { parse: parseWatermark, format: formatWatermark } = versionedWatermark<Watermark>(SOURCE_ID, 'pos', (pos) => {
  for (const p of Object.values(pos)) {
    if (!p || !Number.isSafeInteger(p.t) || !Array.isArray(p.ids)) throw new Error('bad position');
  }
});

const answerSchema = z.object({ resultCode: z.string(), resultMsg: z.string().nullish() }).loose();
const listSchema = z.object({ items: z.array(z.unknown()), nextPageToken: z.string().nullish() });
const subjectSchema = z.object({ items: z.array(z.unknown()) });

/** The charset an answer's content type names (the system's own when it names none). */
const charsetOf = (contentType: unknown): string => /charset=([\w-]+)/i.exec(String(contentType ?? ''))?.[1] ?? CHARSET;

export class NaturalResourcesConnector implements Connector {
  readonly id = SOURCE_ID;
  readonly department = DEPARTMENT;
  readonly provides: readonly RecordKind[] = RESOURCES.map((r) => r.kind);
  readonly piiFields = PII_FIELDS;
  private readonly http: AxiosInstance;
  private readonly agent: http.Agent;
  private readonly opts: NaturalResourcesConnectorOptions;

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
      // statuses and result codes are judged here; the body is decoded here from its charset
      validateStatus: () => true,
      responseType: 'arraybuffer',
      transitional: { clarifyTimeoutError: true },
      auth: { username: this.opts.username, password: this.opts.password },
    });
  }

  /** One GET: whole-call failures (transport, HTTP status, charset, JSON, result code) become SourceError; returns the answer. */
  private async get(path: string, params: object, signal?: AbortSignal): Promise<Record<string, unknown>> {
    const what = `GET ${path}`;
    const res = await boundedCall(this.id, what, this.opts.timeoutMs, signal, (s) =>
      this.http.get<ArrayBuffer>(path, { params, signal: s }),
    );
    if (res.status === 401 || res.status === 403) throw new SourceError(this.id, 'REFUSED', `${what} refused (HTTP ${res.status})`);
    if (res.status >= 500) throw new SourceError(this.id, 'UNAVAILABLE', `${what} answered HTTP ${res.status}`);
    if (res.status !== 200) throw new SourceError(this.id, 'BAD_RESPONSE', `${what} answered HTTP ${res.status}`);
    const charset = charsetOf(res.headers['content-type']);
    if (!iconv.encodingExists(charset)) throw new SourceError(this.id, 'BAD_RESPONSE', `${what}: unknown charset ${charset}`);
    let body: unknown;
    try {
      body = JSON.parse(iconv.decode(Buffer.from(res.data), charset));
    } catch {
      throw new SourceError(this.id, 'BAD_RESPONSE', `${what}: answer is not JSON`);
    }
    const answer = answerSchema.safeParse(body);
    if (!answer.success) throw new SourceError(this.id, 'BAD_RESPONSE', `${what}: answer has no resultCode`);
    const { resultCode, resultMsg } = answer.data;
    if (resultCode === RESULT.OK) return answer.data;
    const said = `${what}: resultCode ${resultCode} ${resultMsg ?? ''}`.trim();
    if (resultCode === RESULT.BAD_PAGE_TOKEN) throw new PageTokenRefused(this.id, said);
    if (resultCode === RESULT.BUSY) throw new SourceError(this.id, 'UNAVAILABLE', said);
    throw new SourceError(this.id, 'BAD_RESPONSE', said);
  }

  async fetchByKeys(creditCodes: readonly string[], opts?: { signal?: AbortSignal }): Promise<SourceEnvelope[]> {
    const out = new DistinctEnvelopes();
    for (const chunk of chunksOf(creditCodes, MAX_BATCH_CODES)) {
      const what = 'GET /subject';
      const parsed = subjectSchema.safeParse(await this.get('/subject', { uscc: chunk.join(',') }, opts?.signal));
      if (!parsed.success) throw new SourceError(this.id, 'BAD_RESPONSE', `${what}: answer has no items`);
      parsed.data.items.forEach((raw, idx) => {
        const tag = (raw as { RES_TYPE?: unknown } | null)?.RES_TYPE;
        const resource = RESOURCE_BY_TAG[tag as ResourceTag];
        // the tag is the system's classification, not record content: without it nothing can be said
        if (!resource) throw new SourceError(this.id, 'BAD_RESPONSE', `${what}: record ${idx} has unknown RES_TYPE ${JSON.stringify(tag)}`);
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
      let t: number | null = pos[name]?.t ?? null;
      let seen = new Set(pos[name]?.ids ?? []);
      let token = '';
      let fresh: SourceEnvelope[] = [];
      const batch = (): ChangeBatch => {
        pos[name] = { t: t!, ids: [...seen] };
        const bad = fresh.filter((r) => r.error).length;
        if (bad) this.deps?.log.warn({ source: this.id, resource: name, bad }, 'records that could not be read');
        const out = { records: fresh, watermark: formatWatermark(pos) };
        fresh = [];
        return out;
      };
      for (;;) {
        // a new query starts at the millisecond reached, whose ids read already come first: it asks for
        // them too, so that its first page brings something new (up to the system's page size)
        const params = token
          ? { pageSize: size, pageToken: token }
          : { pageSize: Math.min(size + seen.size, MAX_PAGE_SIZE), ...(t !== null ? { modifiedFrom: t } : {}) };
        let answer: Record<string, unknown>;
        try {
          answer = await this.get(path, params, opts?.signal);
        } catch (e) {
          // an expired token (a run that stalled): ask again from the position reached
          if (e instanceof PageTokenRefused && token) {
            this.deps?.log.info({ source: this.id, resource: name }, 'page token expired; querying again from the position reached');
            token = '';
            continue;
          }
          throw e;
        }
        const page = listSchema.safeParse(answer);
        if (!page.success) throw new SourceError(this.id, 'BAD_RESPONSE', `GET ${path}: answer is not {items, nextPageToken}`);
        for (const [i, raw] of page.data.items.entries()) {
          const { RECORD_ID: id, MODIFY_TIME: at } = (raw ?? {}) as { RECORD_ID?: unknown; MODIFY_TIME?: unknown };
          if (typeof id !== 'string' || !id || typeof at !== 'number' || !Number.isSafeInteger(at)) {
            // without id and time the position could not be kept: resuming would be unsafe
            throw new SourceError(this.id, 'BAD_RESPONSE', `GET ${path}: record ${i} has no usable RECORD_ID/MODIFY_TIME`);
          }
          if (t !== null && (at < t || (at === t && seen.has(id)))) continue; // read already
          if (at !== t) {
            t = at;
            seen = new Set();
          }
          seen.add(id);
          fresh.push(toEnvelope(name, raw, i));
          if (fresh.length === size) yield batch();
        }
        if (fresh.length > 0) yield batch();
        token = page.data.nextPageToken ?? '';
        if (!token) break;
      }
    }
  }

  health(): Promise<HealthReport> {
    return probeHealth(async () => {
      await this.get('/ping', {});
      return { ok: true };
    });
  }

  async close(): Promise<void> {
    this.agent.destroy(); // pooled keep-alive sockets
  }
}

/** '1002': the page token is no longer accepted (the run asks again from its position). */
class PageTokenRefused extends SourceError {
  constructor(source: string, message: string) {
    super(source, 'BAD_RESPONSE', message);
  }
}

export const createNaturalResourcesConnector = (options: ConnectorOptions, deps?: ConnectorDeps): Connector =>
  new NaturalResourcesConnector(options, deps);
