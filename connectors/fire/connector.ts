/**
 * Connector for the 消防 daily CSV exports dropped in a folder (see files.ts for the file format).
 *
 * - changesSince: the exports are immutable once their .done marker exists and new ones always sort
 *   after old ones, so the watermark is a position (export file, data row index): resuming reads the
 *   rest of that file and every later one, exactly. Corrections arrive as later rows; latest wins.
 * - fetchByKeys: there is no query interface, so one call is one pass over the folder keeping the rows
 *   of the asked enterprises (any number of codes per pass). Rows naming a unit by organisation code
 *   are matched through the code embedded in the credit code; rows naming it only by name are matched
 *   against the names this system's own rows carry next to those codes (normalised), so a unit never
 *   exported with its code is reached only through changesSince and the hub's name linking.
 * - Timeouts: fetchByKeys' whole pass and each file read of changesSince are cut at timeoutMs.
 * - Completed exports never change, and csv-parse costs tens of µs a row, so parsed files are kept
 *   (up to cacheRows rows) under the identity of the file and its marker (inode, size, mtime): a file
 *   replaced, rewritten or turned into a pipe is read again; every scan still stats every file.
 */
import fsp from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { Department, RecordKind } from '../../src/domain/canonical.js';
import { orgCodeOfCreditCode } from '../../src/domain/codes.js';
import { normaliseName } from '../../src/domain/names.js';
import { batchSizeOf, parseOptions, probeHealth } from '../kit/connector.js';
import { deadline } from '../kit/http-errors.js';
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
  ExportFileError,
  SCAN_CHANNEL,
  fsError,
  listExports,
  parseExportName,
  readExport,
  type ExportContent,
  type ExportName,
} from './files.js';
import { ID_HEADER, TABLES, toEnvelope } from './mapping.js';
import { PII_FIELDS } from './pii.js';

export const SOURCE_ID = 'fire';
const DEPARTMENT: Department = 'FIRE';
const MAX_BATCH = 10_000;

const optionsSchema = z.object({
  timeoutMs: z.number().int().positive(),
  /** the export folder (a local path or a mounted share) */
  folder: z.string().min(1),
  /** batch size for changesSince when the caller gives none */
  pageSize: z.number().int().min(1).max(MAX_BATCH).default(500),
  /** parsed rows kept in memory across calls (0: read every file every time) */
  cacheRows: z.number().int().min(0).default(200_000),
});
export type FireConnectorOptions = z.infer<typeof optionsSchema>;

interface Watermark {
  file: string;
  row: number;
}
function parseWatermark(w: string | null): (Watermark & { key: string }) | null {
  if (!w) return null;
  try {
    const p = JSON.parse(w) as { v?: number; file?: unknown; row?: unknown };
    if (p.v !== 1 || typeof p.file !== 'string' || typeof p.row !== 'number' || !Number.isInteger(p.row))
      throw new Error('unknown version or shape');
    const name = parseExportName(p.file);
    if (!name) throw new Error(`'${p.file}' is not an export file name`);
    return { file: p.file, row: p.row, key: name.key };
  } catch (e) {
    throw new Error(`fire: unreadable watermark '${w}': ${(e as Error).message}`);
  }
}
const formatWatermark = (w: Watermark): string => JSON.stringify({ v: 1, file: w.file, row: w.row });

/** Rejects when the signal aborts: for steps (readdir) that take no signal of their own. */
function raced<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    p.catch(() => undefined); // the step was already started: its own rejection must not go unhandled
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export class FireConnector implements Connector {
  readonly id = SOURCE_ID;
  readonly department = DEPARTMENT;
  readonly provides: readonly RecordKind[] = TABLES.map((t) => t.kind);
  readonly piiFields = PII_FIELDS;
  private readonly opts: FireConnectorOptions;
  private readonly folder: string;
  private readonly parsed = new Map<string, { stamp: string; content: ExportContent }>();
  private parsedRows = 0;

  constructor(
    options: ConnectorOptions,
    private readonly deps?: ConnectorDeps,
  ) {
    this.opts = parseOptions(SOURCE_ID, optionsSchema, options);
    this.folder = path.resolve(this.opts.folder);
  }

  /** Runs one outbound call under timeoutMs (and the caller's signal); failures become SourceError. */
  private async call<T>(what: string, callerSignal: AbortSignal | undefined, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const { signal, timeout } = deadline(this.opts.timeoutMs, callerSignal);
    try {
      return await raced(fn(signal), signal);
    } catch (err) {
      if (callerSignal?.aborted) throw err; // the caller gave up: not a source failure
      if (timeout.aborted) throw new SourceError(this.id, 'TIMEOUT', `${what}: no answer within ${this.opts.timeoutMs} ms`, err);
      const e = fsError(err, what);
      if (e instanceof ExportFileError) throw new SourceError(this.id, e.reason, e.message, err);
      throw new SourceError(this.id, 'UNAVAILABLE', `${what}: ${e.message}`, err);
    }
  }

  /** The completed exports, oldest first; one scan = one call (counted by the stand-in system). */
  private async scan(): Promise<ExportName[]> {
    if (SCAN_CHANNEL.hasSubscribers) SCAN_CHANNEL.publish({ folder: this.folder });
    try {
      return await listExports(this.folder);
    } catch (e) {
      throw fsError(e, `export folder ${this.folder}`);
    }
  }

  /** One export's rows, from memory when the file and its marker are the very ones read before. */
  private async read(file: ExportName, signal: AbortSignal): Promise<ExportContent> {
    const full = path.join(this.folder, file.name);
    let stamp: string | null = null;
    try {
      const [st, mk] = await Promise.all([fsp.lstat(full), fsp.lstat(`${full}.done`)]);
      if (st.isFile()) stamp = [st.ino, st.size, st.mtimeMs, mk.ino, mk.size, mk.mtimeMs].join(':');
    } catch {
      // readExport says what is wrong with it
    }
    const hit = this.parsed.get(file.name);
    if (hit && stamp && hit.stamp === stamp) return hit.content;
    const content = await readExport(this.folder, file, { signal });
    if (hit) {
      this.parsed.delete(file.name);
      this.parsedRows -= hit.content.rows.length;
    }
    if (stamp && content.rows.length <= this.opts.cacheRows) {
      for (const [name, old] of this.parsed) {
        if (this.parsedRows + content.rows.length <= this.opts.cacheRows) break;
        this.parsed.delete(name);
        this.parsedRows -= old.content.rows.length;
      }
      this.parsed.set(file.name, { stamp, content });
      this.parsedRows += content.rows.length;
    }
    return content;
  }

  async fetchByKeys(creditCodes: readonly string[], opts?: { signal?: AbortSignal }): Promise<SourceEnvelope[]> {
    const codes = new Set(creditCodes);
    if (codes.size === 0) return [];
    const orgs = new Set([...codes].filter((c) => c.length === 18).map(orgCodeOfCreditCode));
    /** latest version of each record that may concern the codes; name-only rows wait for a name to match */
    const latest = new Map<string, { env: SourceEnvelope; direct: boolean; name?: string }>();
    const names = new Set<string>();

    await this.call(`scan of ${this.folder}`, opts?.signal, async (signal) => {
      for (const file of await this.scan()) {
        const { header, rows } = await this.read(file, signal);
        const [iId, iCc, iOc, iName] = [ID_HEADER, '统一社会信用代码', '组织机构代码', '单位名称'].map((h) => header.indexOf(h)) as [
          number,
          number,
          number,
          number,
        ];
        for (const { index, fields } of rows) {
          const cc = fields[iCc] ?? '';
          const oc = fields[iOc] ?? '';
          const name = fields[iName] ?? '';
          const key = `${file.table.prefix}|${fields[iId] || `${file.name}#${index + 1}`}`;
          if ((cc && codes.has(cc)) || (oc && orgs.has(oc))) {
            latest.set(key, { env: toEnvelope(file.table, file.name, index, header, fields), direct: true });
            if (name) names.add(normaliseName(name));
          } else if (!cc && !oc && name) {
            latest.set(key, { env: toEnvelope(file.table, file.name, index, header, fields), direct: false, name: normaliseName(name) });
          } else latest.delete(key); // a later version concerns another unit
        }
      }
    });
    return [...latest.values()].filter((v) => v.direct || names.has(v.name!)).map((v) => v.env);
  }

  async *changesSince(watermark: string | null, opts?: { signal?: AbortSignal; batchSize?: number }): AsyncIterable<ChangeBatch> {
    const from = parseWatermark(watermark);
    const size = batchSizeOf(opts?.batchSize, this.opts.pageSize, MAX_BATCH);
    const files = await this.call(`scan of ${this.folder}`, opts?.signal, () => this.scan());
    let records: SourceEnvelope[] = [];
    let pos: Watermark | null = null;
    let bad = 0;
    for (const file of files) {
      if (from && file.key < from.key) continue;
      const content: ExportContent = await this.call(`read of ${file.name}`, opts?.signal, (signal) => this.read(file, signal));
      for (const { index, fields } of content.rows) {
        if (from && file.key === from.key && index <= from.row) continue;
        const env = toEnvelope(file.table, file.name, index, content.header, fields);
        if (env.error) bad++;
        records.push(env);
        pos = { file: file.name, row: index };
        if (records.length >= size) {
          yield { records, watermark: formatWatermark(pos) };
          records = [];
        }
      }
    }
    if (records.length) yield { records, watermark: formatWatermark(pos!) };
    if (bad) this.deps?.log.warn({ source: this.id, bad }, 'export rows that could not be read');
  }

  health(): Promise<HealthReport> {
    return probeHealth(async () => {
      const files = await this.call(`scan of ${this.folder}`, undefined, () => listExports(this.folder));
      for (const f of files) {
        const st = await fsp.lstat(path.join(this.folder, f.name));
        if (!st.isFile() && !st.isFIFO()) return { ok: false, detail: `${f.name} is not a readable file` };
      }
      return { ok: true, detail: files.length ? `${files.length} exports, newest ${files.at(-1)!.name}` : 'no exports yet' };
    });
  }

  async close(): Promise<void> {
    // every read opens and closes its own file; nothing is held between calls
  }
}

export const createFireConnector = (options: ConnectorOptions, deps?: ConnectorDeps): Connector => new FireConnector(options, deps);
