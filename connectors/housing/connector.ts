/**
 * Connector for the 住房城乡建设 platform: SQL over a pg Pool against its exchange views (see mapping.ts).
 * Every statement runs under one deadline of timeoutMs (connect + query); a connection that missed its
 * deadline is destroyed, never reused. changesSince walks each table by the keyset (GXSJ, ID); the
 * watermark is the composite of those positions, so a resumed run neither skips nor repeats.
 * Soft-deleted rows (SFYX '0') are not read: the canonical model has no deletions to carry them.
 */
import pg from 'pg';
import { z } from 'zod';
import type { Department, RecordKind } from '../../src/domain/canonical.js';
import { orgCodeOfCreditCode } from '../../src/domain/codes.js';
import { batchSizeOf, chunksOf, DistinctEnvelopes, parseOptions, probeHealth, versionedWatermark } from '../kit/connector.js';
import {
  SourceError,
  type ChangeBatch,
  type Connector,
  type ConnectorDeps,
  type ConnectorOptions,
  type HealthReport,
  type SourceEnvelope,
} from '../types.js';
import { fetchByKeysSql, MAX_KEYS_PER_QUERY, MAX_PAGE_SIZE, pageSql, TABLES, toEnvelope, type TableName } from './mapping.js';
import { PII_FIELDS } from './pii.js';

export const SOURCE_ID = 'housing';
const DEPARTMENT: Department = 'HOUSING';

const optionsSchema = z.object({
  timeoutMs: z.number().int().positive(),
  connectionString: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
  /** page size for changesSince when the caller gives no batchSize */
  pageSize: z.number().int().min(1).max(MAX_PAGE_SIZE).default(500),
  poolSize: z.number().int().min(1).max(20).default(4),
});
export type HousingConnectorOptions = z.infer<typeof optionsSchema>;

interface Position {
  ts: string;
  id: string;
}
type Watermark = Partial<Record<TableName, Position>>;

const { parse: parseWatermark, format: formatWatermark } = versionedWatermark<Watermark>(SOURCE_ID, 'pos');

/** SQLSTATE classes → what the hub reports. */
function reasonOf(sqlState: string): SourceError['reason'] {
  if (sqlState === '57014') return 'TIMEOUT'; // statement_timeout on the server
  if (sqlState.startsWith('28') || sqlState === '42501') return 'REFUSED';
  if (/^(08|53|57|58|XX|3D)/.test(sqlState)) return 'UNAVAILABLE';
  return 'BAD_RESPONSE'; // 42xxx (view or column gone), 22xxx (data): the interface is not what we read
}

class Deadline extends Error {}

export class HousingConnector implements Connector {
  readonly id = SOURCE_ID;
  readonly department = DEPARTMENT;
  readonly provides: readonly RecordKind[] = [...new Set(TABLES.map((t) => t.kind))];
  readonly piiFields = PII_FIELDS;
  private readonly opts: HousingConnectorOptions;
  private readonly pool: pg.Pool;
  private readonly guarded = new WeakSet<pg.PoolClient>();

  constructor(
    options: ConnectorOptions,
    private readonly deps?: ConnectorDeps,
  ) {
    this.opts = parseOptions(SOURCE_ID, optionsSchema, options);
    this.pool = new pg.Pool({
      connectionString: this.opts.connectionString,
      max: this.opts.poolSize,
      connectionTimeoutMillis: this.opts.timeoutMs,
      statement_timeout: this.opts.timeoutMs,
      idleTimeoutMillis: 30_000,
      allowExitOnIdle: true,
      application_name: 'safety-hub-housing',
    });
    // an idle connection the platform closed: the pool drops it and opens another on demand
    this.pool.on('error', (err) => this.deps?.log.warn({ source: this.id, err: err.message }, 'idle connection lost'));
  }

  /** One statement under one deadline. Whole-call failures become SourceError. */
  private async query(sql: string, params: unknown[], what: string, signal?: AbortSignal): Promise<Record<string, unknown>[]> {
    signal?.throwIfAborted();
    let client: pg.PoolClient | undefined;
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    let gaveUp = false;
    const limit = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Deadline()), this.opts.timeoutMs);
      onAbort = () => reject(signal!.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    const work = (async () => {
      const c = await this.pool.connect();
      // a checked-out client whose socket dies also emits 'error'; the failed query already reports it
      if (!this.guarded.has(c)) {
        this.guarded.add(c);
        c.on('error', () => undefined);
      }
      if (gaveUp) {
        c.release();
        throw new Deadline();
      }
      client = c;
      return (await c.query(sql, params)).rows as Record<string, unknown>[];
    })();
    try {
      const rows = await Promise.race([work, limit]);
      client?.release();
      return rows;
    } catch (err) {
      gaveUp = true;
      work.catch(() => undefined);
      // a connection that failed or missed its deadline may be mid-answer: destroy it, never reuse it
      client?.release(err instanceof Error ? err : new Error(String(err)));
      if (signal?.aborted) throw signal.reason;
      throw this.toSourceError(err, what);
    } finally {
      clearTimeout(timer);
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    }
  }

  private toSourceError(err: unknown, what: string): SourceError {
    if (err instanceof Deadline) return new SourceError(this.id, 'TIMEOUT', `${what}: no answer within ${this.opts.timeoutMs} ms`);
    const e = err as { code?: unknown; message?: unknown };
    const message = typeof e?.message === 'string' ? e.message : String(err);
    if (typeof e?.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) {
      return new SourceError(this.id, reasonOf(e.code), `${what}: ${e.code} ${message}`, err);
    }
    if (/timeout/i.test(message)) return new SourceError(this.id, 'TIMEOUT', `${what}: ${message}`, err);
    return new SourceError(this.id, 'UNAVAILABLE', `${what}: ${typeof e?.code === 'string' ? `${e.code} ` : ''}${message}`, err);
  }

  async fetchByKeys(creditCodes: readonly string[], opts?: { signal?: AbortSignal }): Promise<SourceEnvelope[]> {
    const out = new DistinctEnvelopes();
    const sql = fetchByKeysSql();
    for (const chunk of chunksOf(creditCodes, MAX_KEYS_PER_QUERY)) {
      const orgs = chunk.filter((c) => c.length === 18).map(orgCodeOfCreditCode);
      const rows = await this.query(sql, [chunk, orgs], 'fetch by credit codes', opts?.signal);
      rows.forEach((r, idx) => {
        const table = r.bm as TableName;
        const env = toEnvelope(table, r.row, idx);
        out.add(`${table}|${env.sourceRecordId}`, env); // a row can match two codes of different chunks
      });
    }
    return out.all;
  }

  async *changesSince(watermark: string | null, opts?: { signal?: AbortSignal; batchSize?: number }): AsyncIterable<ChangeBatch> {
    const pos = parseWatermark(watermark);
    const size = batchSizeOf(opts?.batchSize, this.opts.pageSize, MAX_PAGE_SIZE);
    for (const spec of TABLES) {
      const table = spec.table as TableName;
      for (;;) {
        const at = pos[table];
        const rows = await this.query(pageSql(spec), [at?.ts ?? null, at?.id ?? null, size + 1], `read ${spec.table}`, opts?.signal);
        if (rows.length === 0) break;
        const page = rows.slice(0, size);
        const last = page[page.length - 1]!;
        if (typeof last.id !== 'string' || typeof last.gxsj !== 'string') {
          // without the last row's keyset we could not resume safely
          throw new SourceError(this.id, 'BAD_RESPONSE', `read ${spec.table}: last row has no usable ID/GXSJ`);
        }
        const records = page.map((raw, i) => toEnvelope(table, raw, i));
        pos[table] = { ts: last.gxsj, id: last.id };
        const bad = records.filter((r) => r.error).length;
        if (bad) this.deps?.log.warn({ source: this.id, table: spec.table, bad }, 'rows that could not be read');
        yield { records, watermark: formatWatermark(pos) };
        if (rows.length <= size) break;
      }
    }
  }

  health(): Promise<HealthReport> {
    return probeHealth(async () => {
      await this.query('SELECT 1', [], 'health');
      return { ok: true };
    });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

export const createHousingConnector = (options: ConnectorOptions, deps?: ConnectorDeps): Connector => new HousingConnector(options, deps);
