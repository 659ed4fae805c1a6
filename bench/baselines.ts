/**
 * Baselines measured in the same run as the figure they judge: raw COPY of rows into a plain table
 * (the floor for generation and sync), and plain SQL through one pg client (the floor for analytics).
 */
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';

export interface CopyBaseline {
  /** what was copied, in words */
  what: string;
  rows: number;
  bytes: number;
  seconds: number;
  rowsPerSecond: number;
}

const withClient = async <T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> => {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
};

/** Writes each query's rows (COPY text format) into `file`; untimed preparation of a baseline. */
export async function exportRows(url: string, queries: readonly string[], file: string): Promise<number> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, '');
  return withClient(url, async (c) => {
    let rows = 0;
    for (const q of queries) {
      const out = fs.createWriteStream(file, { flags: 'a' });
      const stream = c.query(copyTo(`COPY (${q}) TO STDOUT`));
      await pipeline(stream, out);
      rows += Number((stream as unknown as { rowCount?: number }).rowCount ?? 0);
    }
    return rows;
  });
}

/**
 * The timed part: a fresh plain table (no index, no constraint) and one COPY FROM STDIN of the file's
 * rows, streamed by this process as a loader would.
 */
export async function copyIntoPlainTable(
  url: string,
  table: string,
  columnsDdl: string,
  file: string,
  rows: number,
  what: string,
): Promise<CopyBaseline> {
  return withClient(url, async (c) => {
    await c.query(`DROP TABLE IF EXISTS ${table}`);
    await c.query(`CREATE TABLE ${table} (${columnsDdl})`);
    const t0 = performance.now();
    await pipeline(fs.createReadStream(file, { highWaterMark: 1 << 20 }), c.query(copyFrom(`COPY ${table} FROM STDIN`)));
    const seconds = (performance.now() - t0) / 1000;
    await c.query(`DROP TABLE ${table}`);
    return { what, rows, bytes: fs.statSync(file).size, seconds: round(seconds, 3), rowsPerSecond: Math.round(rows / seconds) };
  });
}

export const round = (x: number, digits = 2): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** Every base table of the department systems' own database (the simulators' storage), fully qualified. */
export async function departmentTables(url: string): Promise<string[]> {
  return withClient(url, async (c) => {
    const { rows } = await c.query<{ t: string }>(
      `SELECT format('%I.%I', table_schema, table_name) AS t FROM information_schema.tables
       WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`,
    );
    return rows.map((r) => r.t);
  });
}

/** Hub tables that keep the raw source record (every canonical table, the quarantine too). */
export async function hubRawTables(url: string): Promise<string[]> {
  return withClient(url, async (c) => {
    const { rows } = await c.query<{ t: string }>(
      `SELECT c.table_name AS t FROM information_schema.columns c JOIN information_schema.tables t USING (table_schema, table_name)
       WHERE c.table_schema = 'public' AND c.column_name = 'raw' AND t.table_type = 'BASE TABLE'
         AND EXISTS (SELECT 1 FROM information_schema.columns s WHERE s.table_schema = 'public' AND s.table_name = c.table_name AND s.column_name = 'source_record_id')
       ORDER BY 1`,
    );
    return rows.map((r) => r.t);
  });
}
