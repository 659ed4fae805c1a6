/**
 * One round trip for the store reads a request issues together. A profile asks for a dozen record
 * kinds at once; sent one statement each, every kind paid its own socket write, wake-up of the
 * database and planning, and those costs, not the rows, were most of a profile's time. Reads submitted
 * in the same turn of the event loop go as one simple query of EXECUTEs of statements prepared once per
 * pooled connection (their generic plans are index probes whatever the keys), and each caller gets its
 * own statement's rows, parsed by the same type parsers as any other query.
 */
import type pg from 'pg';
import type { DataSource } from 'typeorm';
import { poolOf } from '../store/data-source.js';

type Row = Record<string, unknown>;

/** A read statement whose parameters are text arrays (`$1::text[]`, …): by default one, the keys. */
export interface BatchStatement {
  /** SQL identifier, unique per statement text */
  name: string;
  sql: string;
  /** number of text[] parameters (default 1) */
  params?: number;
}

interface Pending {
  statement: BatchStatement;
  params: readonly (readonly string[])[];
  resolve(rows: Row[]): void;
  reject(err: unknown): void;
}

/** Statements prepared on each pooled connection (a connection dropped after an error takes its set with it). */
const preparedOn = new WeakMap<pg.PoolClient, Set<string>>();

async function runBatch(ds: DataSource, batch: readonly Pending[]): Promise<Row[][]> {
  const client = await poolOf(ds).connect();
  try {
    const prepared = preparedOn.get(client) ?? new Set<string>();
    const list = (xs: readonly string[]) => (xs.length ? `ARRAY[${xs.map((x) => client.escapeLiteral(x)).join(',')}]::text[]` : `'{}'::text[]`);
    const prepare = [...new Map(batch.map((p) => [p.statement.name, p.statement])).values()]
      .filter((s) => !prepared.has(s.name))
      .map((s) => {
        const types = Array.from({ length: s.params ?? 1 }, () => 'text[]').join(', ');
        return `PREPARE ${s.name}${types ? `(${types})` : ''} AS ${s.sql};\n`;
      })
      .join('');
    const executes = batch.map((p) => `EXECUTE ${p.statement.name}${p.params.length ? `(${p.params.map(list).join(', ')})` : ''};`).join('\n');
    const raw = (await client.query(`${prepare}SET plan_cache_mode = force_generic_plan;\n${executes}\nRESET plan_cache_mode`)) as unknown;
    const results = (Array.isArray(raw) ? raw : [raw]) as pg.QueryResult<Row>[];
    for (const p of batch) prepared.add(p.statement.name);
    preparedOn.set(client, prepared);
    client.release();
    // PREPARE, SET, the EXECUTEs in order, RESET
    const selects = results.filter((r) => r.command === 'SELECT');
    if (selects.length !== batch.length) throw new Error(`read batch: ${batch.length} statements sent, ${selects.length} answered`);
    return selects.map((r) => r.rows);
  } catch (err) {
    // whether the statements were prepared (and the setting reset) is unknown after a failure: the pool closes the connection
    client.release(err instanceof Error ? err : true);
    throw err;
  }
}

/** Per request (it lives in the request's loaders): reads submitted in one turn share one round trip. */
export class ReadBatch {
  private queue: Pending[] = [];
  private scheduled = false;

  constructor(private readonly ds: DataSource) {}

  read(statement: BatchStatement, ...params: (readonly string[])[]): Promise<Row[]> {
    if (params.length !== (statement.params ?? 1)) throw new Error(`${statement.name} takes ${statement.params ?? 1} parameters`);
    return new Promise<Row[]>((resolve, reject) => {
      this.queue.push({ statement, params, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      // after the DataLoaders of this turn have dispatched (they do so on the microtask and nextTick queues)
      setImmediate(() => {
        this.scheduled = false;
        const batch = this.queue;
        this.queue = [];
        const settle = (part: readonly Pending[]) => runBatch(this.ds, part).then((rows) => part.forEach((p, i) => p.resolve(rows[i]!)));
        settle(batch).catch((err: unknown) => {
          if (batch.length === 1) return batch[0]!.reject(err);
          // one failing statement fails the whole query: each read alone again, so only its own caller sees the error
          for (const p of batch) settle([p]).catch((e: unknown) => p.reject(e));
        });
      });
    });
  }
}
