/**
 * The 消防 export folder's file format, shared by the exporter (seed.ts), the stand-in system and the
 * connector:
 *   - one CSV per table per day: `jdjc_20250301.csv`; a later export on the same day (a correction)
 *     gets a sequence: `jdjc_20250301_01.csv`. Files are ordered by (day, sequence, table).
 *   - CRLF lines, Chinese header row; UTF-8 with BOM on some days, GB18030 without BOM on others.
 *   - written to a dot-named temp file and renamed, then `<file>.done` is written the same way:
 *     `file=…\nrows=…\nbytes=…\nmd5=…\n`. A file without its marker is still being written and is
 *     not read; a file that does not match its marker is broken (truncated) and is not trusted.
 */
import { createHash } from 'node:crypto';
import diagnostics from 'node:diagnostics_channel';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { parse } from 'csv-parse';
import { stringify } from 'csv-stringify/sync';
import iconv from 'iconv-lite';
import { TABLES, tableByPrefix, type Table } from './mapping.js';

export type Encoding = 'utf8' | 'gb18030';

/**
 * A folder cannot tell who read it, so the connector announces each scan here ({ folder }); the
 * stand-in system subscribes to count calls (diagnostics_channel, as undici does for HTTP requests).
 */
export const SCAN_CHANNEL_NAME = 'hub:fire:scan';
export const SCAN_CHANNEL = diagnostics.channel(SCAN_CHANNEL_NAME);
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

// ---------------------------------------------------------------- names and order

const NAME = /^([a-z]{4})_(\d{8})(?:_(\d{2,4}))?\.csv$/;
export interface ExportName {
  name: string;
  table: Table;
  day: string;
  seq: number;
  /** sorts like the export order: (day, sequence, table) */
  key: string;
}

export function parseExportName(name: string): ExportName | null {
  const m = NAME.exec(name);
  if (!m) return null;
  const table = tableByPrefix(m[1]!);
  if (!table) return null;
  const seq = m[3] ? Number(m[3]) : 0;
  return { name, table, day: m[2]!, seq, key: orderKey(m[2]!, seq, table) };
}
const orderKey = (day: string, seq: number, table: Table): string => `${day}.${String(seq).padStart(4, '0')}.${TABLES.indexOf(table)}`;
export const exportName = (table: Table, day: string, seq: number): string =>
  `${table.prefix}_${day}${seq > 0 ? `_${String(seq).padStart(2, '0')}` : ''}.csv`;
export const markerName = (name: string): string => `${name}.done`;

/** The completed exports of a folder (those with a .done marker), oldest first. */
export async function listExports(folder: string): Promise<ExportName[]> {
  const entries = new Set(await fsp.readdir(folder));
  const out: ExportName[] = [];
  for (const e of entries) {
    const n = parseExportName(e);
    if (n && entries.has(markerName(e))) out.push(n);
  }
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

// ---------------------------------------------------------------- writing (the exporter)

/** Which encoding the exporter used on a day: GB18030 on even calendar days, UTF-8 with BOM on odd ones. */
export const encodingOfDay = (day: string): Encoding => (Number(day.slice(6, 8)) % 2 === 0 ? 'gb18030' : 'utf8');

export function encodeCsv(header: readonly string[], rows: readonly (readonly string[])[], encoding: Encoding): Buffer {
  const text = stringify([header, ...rows], { record_delimiter: 'windows' });
  return encoding === 'utf8' ? Buffer.concat([BOM, Buffer.from(text, 'utf8')]) : iconv.encode(text, 'gb18030');
}

export interface Marker {
  file: string;
  rows: number;
  bytes: number;
  md5: string;
}
export const markerFor = (file: string, rows: number, bytes: Buffer): Marker => ({
  file,
  rows,
  bytes: bytes.length,
  md5: createHash('md5').update(bytes).digest('hex'),
});
const formatMarker = (m: Marker): string => `file=${m.file}\nrows=${m.rows}\nbytes=${m.bytes}\nmd5=${m.md5}\n`;
export function parseMarker(text: string): Marker | null {
  const kv = Object.fromEntries(
    text
      .split(/\r?\n/)
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  if (!kv.file || !/^\d+$/.test(kv.rows ?? '') || !/^\d+$/.test(kv.bytes ?? '') || !/^[0-9a-f]{32}$/.test(kv.md5 ?? '')) return null;
  return { file: kv.file, rows: Number(kv.rows), bytes: Number(kv.bytes), md5: kv.md5! };
}

/** Writes atomically: temp name then rename, so a reader sees the old content or the new, never half. */
export async function writeAtomic(file: string, data: Buffer | string): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  await fsp.writeFile(tmp, data);
  await fsp.rename(tmp, file);
}

/** One export as the exporter writes it: the file, then its marker. */
export async function writeExport(
  folder: string,
  name: string,
  table: Table,
  rows: readonly (readonly string[])[],
  encoding: Encoding,
): Promise<void> {
  const bytes = encodeCsv(table.headers, rows, encoding);
  await writeAtomic(path.join(folder, name), bytes);
  await writeMarker(folder, markerFor(name, rows.length, bytes));
}
export const writeMarker = (folder: string, m: Marker): Promise<void> =>
  writeAtomic(path.join(folder, markerName(m.file)), formatMarker(m));

// ---------------------------------------------------------------- reading (the connector, and touch)

/** Why a file could not be read as a whole; the connector turns it into a SourceError reason. */
export class ExportFileError extends Error {
  constructor(
    readonly reason: 'UNAVAILABLE' | 'BAD_RESPONSE' | 'REFUSED',
    message: string,
  ) {
    super(message);
    this.name = 'ExportFileError';
  }
}

export interface ExportContent {
  header: string[];
  encoding: Encoding;
  /** data rows (cells as strings); only those `keep` accepted when it was given */
  rows: { index: number; fields: string[] }[];
}

/**
 * Streams one export through the decoder into csv-parse and checks it against its marker. Named pipes
 * (a file still being delivered) are read without blocking a thread, so `signal` can always cut the read.
 */
export async function readExport(
  folder: string,
  file: ExportName,
  opts: { signal?: AbortSignal; keep?: (fields: string[], header: string[], index: number) => boolean } = {},
): Promise<ExportContent> {
  const full = path.join(folder, file.name);
  const marker = parseMarker(await readMarker(full, opts.signal));
  if (!marker || marker.file !== file.name) throw new ExportFileError('BAD_RESPONSE', `${file.name}.done is not a marker for this file`);
  const source = await openSource(full, file.name, opts.signal);

  const md5 = createHash('md5');
  let bytes = 0;
  let lastByte = -1;
  let pending: Buffer | null = Buffer.alloc(0);
  let decoder: ReturnType<typeof iconv.getDecoder> | null = null;
  let encoding: Encoding = 'utf8';
  let header: string[] | null = null;
  const rows: ExportContent['rows'] = [];
  let index = 0;
  let parseError: Error | null = null;

  const parser = parse({ relax_column_count: true, relax_quotes: true, skip_empty_lines: true });
  parser.on('data', (fields: string[]) => {
    if (!header) {
      header = fields;
      return;
    }
    if (!opts.keep || opts.keep(fields, header, index)) rows.push({ index, fields });
    index++;
  });
  parser.on('error', (e) => (parseError = e));
  const feed = (text: string) => {
    if (text.includes('\ufffd'))
      throw new ExportFileError('BAD_RESPONSE', `${file.name} has bytes that are not ${encoding === 'utf8' ? 'UTF-8' : 'GB18030'}`);
    parser.write(text);
  };

  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      md5.update(chunk);
      bytes += chunk.length;
      if (chunk.length) lastByte = chunk[chunk.length - 1]!;
      if (pending) {
        pending = Buffer.concat([pending, chunk]);
        const nl = pending.indexOf(0x0a);
        if (nl < 0 && pending.length < 64 * 1024) continue;
        encoding = detectEncoding(pending.subarray(0, nl < 0 ? pending.length : nl), file);
        decoder = iconv.getDecoder(encoding, { stripBOM: true });
        const first = pending;
        pending = null;
        feed(decoder.write(first));
      } else feed(decoder!.write(chunk));
      if (parseError) break;
    }
    if (pending) {
      // a file shorter than its first line: decide on what there is
      encoding = detectEncoding(pending, file);
      decoder = iconv.getDecoder(encoding, { stripBOM: true });
      feed(decoder.write(pending));
    }
    const rest = decoder?.end();
    if (rest) feed(rest);
    parser.end();
    await finished(parser).catch((e: Error) => (parseError ??= e));
  } finally {
    source.destroy();
  }
  if (parseError) throw new ExportFileError('BAD_RESPONSE', `${file.name}: not readable as CSV (${(parseError as Error).message})`);
  if (bytes !== marker.bytes || md5.digest('hex') !== marker.md5) {
    throw new ExportFileError(
      'BAD_RESPONSE',
      `${file.name} does not match its .done marker (${bytes} of ${marker.bytes} bytes${lastByte !== 0x0a ? ', cut mid-line' : ''}): truncated or replaced`,
    );
  }
  if (index !== marker.rows)
    throw new ExportFileError('BAD_RESPONSE', `${file.name} has ${index} rows, its .done marker says ${marker.rows}`);
  const h = header as string[] | null;
  if (!h) throw new ExportFileError('BAD_RESPONSE', `${file.name} is empty (no header row)`);
  const missing = file.table.headers.filter((x) => !h.includes(x));
  if (missing.length) throw new ExportFileError('BAD_RESPONSE', `${file.name}: header lacks ${missing.join(', ')}`);
  return { header: h, encoding, rows };
}

/** BOM → UTF-8; otherwise the header line says: GB18030 (the usual), or UTF-8 written without a BOM. */
function detectEncoding(headerLine: Buffer, file: ExportName): Encoding {
  if (headerLine.subarray(0, 3).equals(BOM)) return 'utf8';
  const looksRight = (text: string) => !text.includes('\ufffd') && text.startsWith(file.table.headers[0]);
  if (looksRight(iconv.decode(headerLine, 'gb18030'))) return 'gb18030';
  if (looksRight(headerLine.toString('utf8'))) return 'utf8';
  throw new ExportFileError(
    'BAD_RESPONSE',
    `${file.name}: header is neither GB18030 nor UTF-8 text starting with ${file.table.headers[0]}`,
  );
}

async function readMarker(full: string, signal?: AbortSignal): Promise<string> {
  try {
    return await fsp.readFile(markerName(full), { encoding: 'utf8', signal });
  } catch (e) {
    throw fsError(e, `${path.basename(full)}.done`);
  }
}

async function openSource(full: string, name: string, signal?: AbortSignal): Promise<NodeJS.ReadableStream & { destroy(e?: Error): void }> {
  let st: fs.Stats;
  try {
    st = await fsp.lstat(full);
  } catch (e) {
    throw fsError(e, name);
  }
  if (st.isFIFO()) {
    // a pipe is read through libuv's event loop: a blocking open/read would pin a pool thread forever
    let fd: number;
    try {
      fd = fs.openSync(full, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    } catch (e) {
      throw fsError(e, name);
    }
    const sock = new net.Socket({ fd, readable: true, writable: false });
    if (signal) {
      if (signal.aborted) sock.destroy(signal.reason as Error);
      else {
        const onAbort = () => sock.destroy(signal.reason as Error);
        signal.addEventListener('abort', onAbort, { once: true });
        sock.once('close', () => signal.removeEventListener('abort', onAbort));
      }
    }
    return sock;
  }
  if (!st.isFile())
    throw new ExportFileError('UNAVAILABLE', `${name} is ${st.isDirectory() ? 'a directory' : 'not a regular file'}, cannot be read`);
  const stream = fs.createReadStream(full, { signal, highWaterMark: 256 * 1024 });
  return stream;
}

export function fsError(e: unknown, what: string): Error {
  if (e instanceof ExportFileError) return e;
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (code === 'ABORT_ERR' || (e as Error | null)?.name === 'AbortError') return e as Error;
  const msg = `${what}: ${(e as Error)?.message ?? String(e)}`;
  if (code === 'EACCES' || code === 'EPERM') return new ExportFileError('REFUSED', msg);
  return new ExportFileError('UNAVAILABLE', msg);
}
