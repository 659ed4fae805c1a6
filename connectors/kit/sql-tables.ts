/**
 * Generic SQL machinery of the stand-in systems kept in the departments database: a short-lived
 * client, a batching table writer that loads rows with COPY FROM STDIN, and the in-place change
 * (touch) of one row. Which tables, columns and wire conventions a department has stays in its folder.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/** A value as a seeder writes it into a column. */
export type SqlValue = string | number | null;

const SQL_TIMEOUT_MS = 120_000;

/** One connection for one job (reset, seed, touch), always closed afterwards. */
export async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, statement_timeout: SQL_TIMEOUT_MS, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** One field in COPY's text format: \N is NULL; backslash, newline, carriage return and tab escaped. */
export function copyField(v: SqlValue | undefined): string {
  if (v === null || v === undefined) return '\\N';
  const s = String(v);
  return /[\\\n\r\t]/.test(s) ? s.replace(/[\\\n\r\t]/g, (ch) => ESCAPES[ch]!) : s;
}

/** COPY text lines of rows, in chunks of about 64 KiB. */
function* copyChunks(rows: readonly (readonly SqlValue[])[]): Generator<string> {
  let chunk = '';
  for (const r of rows) {
    let line = '';
    for (let i = 0; i < r.length; i++) line += (i ? '\t' : '') + copyField(r[i]);
    chunk += line + '\n';
    if (chunk.length > 65_536) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

/** Loads rows into `qualifiedTable` (its `columns`, in the rows' value order) with one COPY. */
export async function copyRows(
  c: pg.ClientBase,
  qualifiedTable: string,
  columns: readonly string[],
  rows: readonly (readonly SqlValue[])[],
): Promise<void> {
  if (rows.length === 0) return;
  const sink = c.query(copyFrom(`COPY ${qualifiedTable} (${columns.join(', ')}) FROM STDIN`));
  await pipeline(Readable.from(copyChunks(rows)), sink);
}

export interface TableWriterOptions<T extends string> {
  schema: string;
  /** column order of each table; every row's values follow it */
  columns: Readonly<Record<T, readonly string[]>>;
  /** rows gathered per table before one COPY (default 5000) */
  batchRows?: number;
  /** runs before each COPY, on the same connection (e.g. to write dictionary codes the rows use) */
  beforeFlush?: () => Promise<void>;
}

/**
 * The secondary indexes of these tables (not those behind a constraint), as statements that create them.
 * Dropped while a bulk load runs and built again once at the end: one sorted build per index instead of
 * millions of scattered inserts into it. A load killed half-way leaves them missing until the next
 * reset, whose DDL creates them again (a half-seeded system is reset before use anyway).
 */
async function secondaryIndexes(c: pg.ClientBase, schema: string, tables: readonly string[]): Promise<{ name: string; def: string }[]> {
  const { rows } = await c.query<{ name: string; def: string }>(
    `SELECT format('%I.%I', n.nspname, ic.relname) AS name, pg_get_indexdef(i.indexrelid) AS def
       FROM pg_index i
       JOIN pg_class ic ON ic.oid = i.indexrelid
       JOIN pg_class t ON t.oid = i.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = $1 AND t.relname = ANY($2)
        AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
      ORDER BY t.relname, ic.relname`,
    [schema, tables],
  );
  return rows;
}

/**
 * Seeds a system's tables: rows are gathered per table and written with COPY in batches, so memory
 * stays bounded whatever the world's size; finish() writes the rest and refreshes the planner's statistics.
 */
export class TableWriter<T extends string> {
  private readonly pending = new Map<T, SqlValue[][]>();
  private readonly batchRows: number;
  private deferred: { name: string; def: string }[] = [];
  written = 0;

  constructor(
    private readonly c: pg.ClientBase,
    private readonly o: TableWriterOptions<T>,
  ) {
    this.batchRows = o.batchRows ?? 5000;
    for (const t of Object.keys(o.columns) as T[]) this.pending.set(t, []);
  }

  /** Drops the tables' secondary indexes until finish() (or restoreIndexes() after a failure) builds them again. */
  async deferIndexes(): Promise<void> {
    this.deferred = await secondaryIndexes(this.c, this.o.schema, [...this.pending.keys()]);
    if (this.deferred.length) await this.c.query(`DROP INDEX ${this.deferred.map((i) => i.name).join(', ')}`);
  }

  async restoreIndexes(): Promise<void> {
    while (this.deferred.length) {
      await this.c.query(this.deferred[0]!.def);
      this.deferred.shift();
    }
  }

  async add(table: T, values: SqlValue[]): Promise<void> {
    const rows = this.pending.get(table);
    if (!rows) throw new Error(`${this.o.schema}: no table '${table}'`);
    rows.push(values);
    if (rows.length >= this.batchRows) await this.flush(table);
  }

  private async flush(table: T): Promise<void> {
    const rows = this.pending.get(table)!;
    await this.o.beforeFlush?.();
    await copyRows(this.c, `${this.o.schema}.${table}`, this.o.columns[table], rows);
    this.written += rows.length;
    this.pending.set(table, []);
  }

  /** Writes what is pending, ANALYZEs every table and returns how many rows were written. */
  async finish(): Promise<{ written: number }> {
    for (const t of this.pending.keys()) await this.flush(t);
    await this.restoreIndexes();
    await this.c.query(`ANALYZE ${[...this.pending.keys()].map((t) => `${this.o.schema}.${t}`).join(', ')}`);
    return { written: this.written };
  }
}

/** Seeds from a stream of world-item chunks: `render` says which table and values an item becomes (null: not held). */
export async function seedTables<T extends string, I>(
  url: string,
  o: TableWriterOptions<T>,
  items: AsyncIterable<I[]>,
  render: (item: I) => { table: T; values: SqlValue[] } | null,
): Promise<{ written: number }> {
  return withClient(url, (c) =>
    bulkLoad(c, new TableWriter(c, o), async (w) => {
      for await (const chunk of items) {
        for (const item of chunk) {
          const row = render(item);
          if (row) await w.add(row.table, row.values);
        }
      }
    }),
  );
}

/**
 * Runs a bulk load through `w` with its tables' secondary indexes deferred to the end; when the load
 * fails they are built again before the error is passed on, so the system is never left without them.
 */
export async function bulkLoad<T extends string>(
  c: pg.ClientBase,
  w: TableWriter<T>,
  load: (w: TableWriter<T>) => Promise<void>,
): Promise<{ written: number }> {
  // a seed interrupted by a crash is run again from reset, so its commits need not wait for the disk
  await c.query('SET synchronous_commit = off');
  await w.deferIndexes();
  try {
    await load(w);
    return await w.finish();
  } catch (err) {
    await w.restoreIndexes().catch(() => undefined); // the load's error is the one to report
    throw err;
  }
}

// ---------------------------------------------------------------- touch

/** canonical field value → the columns (and values) it is stored in */
export type Setter = (v: unknown) => [string, SqlValue][];
/** One column, the value converted by `f` (default: as it is, undefined as NULL). */
export const col =
  (name: string, f: (v: unknown) => SqlValue = (v) => (v == null ? null : (v as SqlValue))): Setter =>
  (v) => [[name, f(v)]];

export interface TouchOptions {
  schema: string;
  tables: readonly string[];
  /** who says it in error messages ('market touch: …') */
  source: string;
  /** the assignment that bumps the row's modification time, in the system's own clock */
  stamp: string;
  /** the column assignments of a change to a row of `table` (throws for a field the table cannot hold) */
  assign: (c: pg.Client, table: string, change: Record<string, unknown>) => Promise<[string, SqlValue][]> | [string, SqlValue][];
}

/** assign() from a table → field → Setter map: a field without a setter cannot be changed. */
export const assignBySetters =
  (source: string, setters: Readonly<Record<string, Readonly<Record<string, Setter>>>>): TouchOptions['assign'] =>
  (_c, table, change) => {
    const sets: [string, SqlValue][] = [];
    for (const [field, value] of Object.entries(change)) {
      const setter = setters[table]?.[field];
      if (!setter) throw new Error(`${source} touch: field '${field}' cannot be changed on ${table}`);
      sets.push(...setter(value));
    }
    return sets;
  };

/** Changes the row with this id (whichever table holds it) in place and bumps its modification time. */
export async function touchRow(url: string, o: TouchOptions, id: string, change: Record<string, unknown>): Promise<void> {
  await withClient(url, async (c) => {
    for (const table of o.tables) {
      const found = await c.query(`SELECT 1 FROM ${o.schema}.${table} WHERE id = $1`, [id]);
      if (found.rowCount === 0) continue;
      const sets = await o.assign(c, table, change);
      const assignments = [...sets.map(([column], i) => `${column} = $${i + 2}`), o.stamp];
      await c.query(`UPDATE ${o.schema}.${table} SET ${assignments.join(', ')} WHERE id = $1`, [id, ...sets.map(([, v]) => v)]);
      return;
    }
    throw new Error(`${o.source} touch: no record '${id}'`);
  });
}

/** Creates the system's storage if missing and empties it. */
export async function resetTables(url: string, ddl: string, schema: string, tables: readonly string[]): Promise<void> {
  await withClient(url, async (c) => {
    await c.query(ddl);
    await c.query(`TRUNCATE ${tables.map((t) => `${schema}.${t}`).join(', ')}`);
  });
}
