/**
 * One round trip for the store reads issued together. A profile asks for a dozen record kinds at
 * once, a project check for a dozen kinds of facts; sent one statement each, every read paid its own
 * socket write, wake-up of the database and planning, and those costs, not the rows, were most of the
 * time. Reads submitted in the same turn of the event loop, by one request or by many at once, go as
 * one simple query of EXECUTEs of statements prepared once per pooled connection (their generic plans
 * are index probes whatever the keys). Reads of one statement by several callers go as one EXECUTE:
 * keyed statements with the union of their keys (each caller gets the rows of its own keys), others
 * once when their parameters are the same. At most two such queries run at once (the database has
 * the machine's other core); reads arriving meanwhile wait and go together in the next. Each caller
 * gets rows parsed by the same type parsers as any other query, and its own error if its statement
 * fails. Nothing is kept after the answer: every read sees the store as it is.
 */
import type pg from 'pg';
import type { DataSource } from 'typeorm';
import { Coalescer } from '../kernel/coalescer.js';
import { checkoutClient } from './data-source.js';

type Row = Record<string, unknown>;

/** A read statement whose parameters are text arrays (`$1::text[]`, …): by default one, the keys. */
export interface BatchStatement {
  /** SQL identifier, unique per statement text */
  name: string;
  sql: string;
  /** number of text[] parameters (default 1) */
  params?: number;
  /** for a one-parameter statement: the column holding the key each row answers (callers' keys are then merged) */
  keyColumn?: string;
}

interface Pending {
  statement: BatchStatement;
  params: readonly (readonly string[])[];
  resolve(rows: Row[]): void;
  reject(err: unknown): void;
}

/**
 * Statements prepared on each pooled connection (a connection dropped after an error takes its set with it).
 * Kept with the connection, not with a ReadBatch: every ReadBatch on a pool (a hub's, a bulk run's) must see it.
 */
const preparedOn = new WeakMap<pg.PoolClient, Set<string>>();

interface Exec {
  statement: BatchStatement;
  params: readonly (readonly string[])[];
}

async function runBatch(ds: DataSource, batch: readonly Exec[]): Promise<Row[][]> {
  const client = await checkoutClient(ds);
  try {
    const prepared = preparedOn.get(client) ?? new Set<string>();
    const list = (xs: readonly string[]) =>
      xs.length ? `ARRAY[${xs.map((x) => client.escapeLiteral(x)).join(',')}]::text[]` : `'{}'::text[]`;
    const prepare = [...new Map(batch.map((p) => [p.statement.name, p.statement])).values()]
      .filter((s) => !prepared.has(s.name))
      .map((s) => {
        const types = Array.from({ length: s.params ?? 1 }, () => 'text[]').join(', ');
        return `PREPARE ${s.name}${types ? `(${types})` : ''} AS ${s.sql};\n`;
      })
      .join('');
    const executes = batch
      .map((p) => `EXECUTE ${p.statement.name}${p.params.length ? `(${p.params.map(list).join(', ')})` : ''};`)
      .join('\n');
    const raw = (await client.query(`${prepare}SET plan_cache_mode = force_generic_plan;\n${executes}\nRESET plan_cache_mode`)) as unknown;
    const results = (Array.isArray(raw) ? raw : [raw]) as pg.QueryResult<Row>[];
    // PREPARE, SET, the EXECUTEs in order, RESET
    const selects = results.filter((r) => r.command === 'SELECT');
    if (selects.length !== batch.length) throw new Error(`read batch: ${batch.length} statements sent, ${selects.length} answered`);
    for (const p of batch) prepared.add(p.statement.name);
    preparedOn.set(client, prepared);
    client.release();
    return selects.map((r) => r.rows);
  } catch (err) {
    // whether the statements were prepared (and the setting reset) is unknown after a failure: the pool closes the connection
    client.release(err instanceof Error ? err : true);
    throw err;
  }
}

/** The members of one EXECUTE: callers of one keyed statement, or of one statement with the same parameters. */
interface Group extends Exec {
  members: Pending[];
}

function groupsOf(batch: readonly Pending[]): Group[] {
  const groups = new Map<string, Group>();
  for (const p of batch) {
    const keyed = p.statement.keyColumn !== undefined && p.params.length === 1;
    const id = keyed ? p.statement.name : `${p.statement.name}\u0000${JSON.stringify(p.params)}`;
    const g = groups.get(id);
    if (!g) groups.set(id, { statement: p.statement, params: p.params, members: [p] });
    else {
      if (keyed) g.params = [[...new Set([...g.params[0]!, ...p.params[0]!])]];
      g.members.push(p);
    }
  }
  return [...groups.values()];
}

function deliver(g: Group, rows: Row[]): void {
  if (g.members.length === 1 || g.statement.keyColumn === undefined || g.params.length !== 1) {
    for (const m of g.members) m.resolve(rows);
    return;
  }
  const column = g.statement.keyColumn;
  for (const m of g.members) {
    const mine = new Set(m.params[0]);
    m.resolve(rows.filter((r) => mine.has(r[column] as string)));
  }
}

/** Reads of one store (the hub builds one at start, shared by every request: services.reads). */
export class ReadBatch {
  // the reads of one turn (or, while two runs are busy, of every turn meanwhile) go together
  private readonly coalescer: Coalescer<Pending, void>;

  constructor(
    private readonly ds: DataSource,
    maxInFlight = 2,
  ) {
    this.coalescer = new Coalescer((items) => this.run(groupsOf(items)), maxInFlight);
  }

  read(statement: BatchStatement, ...params: (readonly string[])[]): Promise<Row[]> {
    if (params.length !== (statement.params ?? 1)) throw new Error(`${statement.name} takes ${statement.params ?? 1} parameters`);
    return new Promise<Row[]>((resolve, reject) => {
      // each read is answered by its own group's delivery (run never rejects: a failure is each reader's own)
      this.coalescer.submit({ statement, params, resolve, reject }).catch(reject);
    });
  }

  private async run(groups: Group[]): Promise<void> {
    try {
      const rows = await runBatch(this.ds, groups);
      groups.forEach((g, i) => deliver(g, rows[i]!));
    } catch (err) {
      if (groups.length === 1 && groups[0]!.members.length === 1) {
        groups[0]!.members[0]!.reject(err);
        return;
      }
      // one failing statement fails the whole query: each caller's read alone again, so only its own caller sees the error
      await Promise.all(
        groups.flatMap((g) =>
          g.members.map(async (m) => {
            try {
              m.resolve((await runBatch(this.ds, [m]))[0]!);
            } catch (e) {
              m.reject(e);
            }
          }),
        ),
      );
    }
  }
}

declare module '../kernel/context.js' {
  interface ModuleServices {
    /** the hub's read batch, built once at start: every request's reads of one turn share it */
    reads: ReadBatch;
  }
}
