/**
 * Store workers: a large sync's batches are stored by worker threads, so the per-record work of the
 * store path (content hashes, ID-number encryption, COPY text, result parsing) runs on the other cores
 * while the main thread keeps fetching and parsing the sources' pages — and keeps serving the API. On
 * 2 cores one Node thread was the ceiling of a first load (about 100 % of its core against PostgreSQL's
 * ~50 %). The connectors, their resilience policies, the run records, the advisory locks and the
 * hooks stay in the main thread; a worker gets one batch of parsed envelopes at a time and answers with
 * the figures of the transaction it committed (or the error that rolled it back).
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { DataSource } from 'typeorm';
import type { ApplyResult, SyncLog } from './apply.js';
import type { BatchJob } from './batch.js';

export interface StoreWorkerData {
  entry: string;
  dbUrl: string;
  poolSize: number;
  statementTimeoutMs: number;
  vaultKey: Uint8Array;
}
/** `job`: the BatchJob as JSON text */
export type WorkerRequest = { kind: 'store'; id: number; job: string } | { kind: 'close' };
export type WorkerAnswer =
  | { kind: 'stored'; id: number; figures: ApplyResult }
  | { kind: 'failed'; id: number; error: { message: string; code?: string } }
  | { kind: 'log'; level: 'info' | 'warn' | 'error'; obj: object; msg?: string };

/** application_name of the store workers' sessions */
export const STORE_WORKER_APPLICATION = 'safety-hub-sync-worker';

/**
 * Worker threads for a large sync when the configuration does not say: one per core but the main
 * thread's, at least one, at most 4. Each isolate compiles and collects on its own: on 2 cores two
 * workers cost ~15 s more CPU than one over a 100,000-enterprise load, for the same time.
 */
export const defaultStoreWorkers = (): number => Math.max(1, Math.min(4, os.availableParallelism() - 1));

interface Slot {
  worker: Worker;
  inFlight: Map<number, { resolve(f: ApplyResult): void; reject(e: Error): void }>;
  dead: boolean;
}

const here = new URL(import.meta.url);
const ext = here.pathname.endsWith('.ts') ? '.ts' : '.js';

export class StoreWorkerPool {
  private readonly slots: Slot[] = [];
  private nextId = 1;

  constructor(
    private readonly o: { dbUrl: string; vaultKey: Buffer; size: number; poolSize?: number; statementTimeoutMs?: number; log: SyncLog },
  ) {}

  /** A pool for this data source, or null when its URL is not known (the batches are then stored in-thread). */
  static forDataSource(ds: DataSource, o: { vaultKey: Buffer; size: number; log: SyncLog }): StoreWorkerPool | null {
    const opts = ds.options as { url?: string; extra?: { statement_timeout?: number } };
    if (!opts.url || o.size < 1) return null;
    return new StoreWorkerPool({ ...o, dbUrl: opts.url, statementTimeoutMs: opts.extra?.statement_timeout });
  }

  /** Stores the batch in the least busy worker; rejects with the error that rolled it back. */
  store(job: BatchJob): Promise<ApplyResult> {
    const slot = this.pick();
    const id = this.nextId++;
    return new Promise<ApplyResult>((resolve, reject) => {
      slot.inFlight.set(id, { resolve, reject });
      // as JSON text: a structured clone of 2,000 envelopes (each a raw and a canonical record) costs both
      // threads more than stringify + parse (docs/performance.md). The envelopes are
      // JSON-shaped already (parsed from the wire, dates as ISO strings); undefined members drop out,
      // which the content hash and the stored JSON ignore anyway.
      slot.worker.postMessage({ kind: 'store', id, job: JSON.stringify(job) } satisfies WorkerRequest);
    });
  }

  /** Lets each worker close its pool and exit (batches in flight are answered first by the callers' awaits). */
  async close(): Promise<void> {
    const live = this.slots.splice(0).filter((s) => !s.dead);
    await Promise.all(
      live.map(
        (s) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(() => void s.worker.terminate().then(() => resolve()), 5_000);
            s.worker.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            s.worker.postMessage({ kind: 'close' } satisfies WorkerRequest);
          }),
      ),
    );
  }

  private pick(): Slot {
    for (let i = this.slots.length - 1; i >= 0; i--) if (this.slots[i]!.dead) this.slots.splice(i, 1);
    if (this.slots.length < this.o.size) return this.spawn();
    return this.slots.reduce((a, b) => (b.inFlight.size < a.inFlight.size ? b : a));
  }

  private spawn(): Slot {
    const data: StoreWorkerData = {
      entry: new URL(`./store-worker${ext}`, here).href,
      dbUrl: this.o.dbUrl,
      // a worker holds a few transactions at once (one per source whose batch it stores)
      poolSize: this.o.poolSize ?? 6,
      statementTimeoutMs: this.o.statementTimeoutMs ?? 30_000,
      vaultKey: new Uint8Array(this.o.vaultKey),
    };
    // the parent's loader flags are not passed on (the bootstrap registers tsx itself); profiling flags are
    const execArgv = process.execArgv.filter((a) => a.startsWith('--cpu-prof') || a.startsWith('--heap-prof'));
    const worker = new Worker(new URL('./worker-bootstrap.mjs', here), { workerData: data, execArgv });
    worker.unref(); // an idle pool never keeps the process alive
    const slot: Slot = { worker, inFlight: new Map(), dead: false };
    const fail = (err: Error) => {
      slot.dead = true;
      for (const p of slot.inFlight.values()) p.reject(err);
      slot.inFlight.clear();
    };
    worker.on('message', (m: WorkerAnswer) => {
      if (m.kind === 'log') return void this.o.log[m.level](m.obj, m.msg);
      const p = slot.inFlight.get(m.id);
      if (!p) return;
      slot.inFlight.delete(m.id);
      if (m.kind === 'stored') p.resolve(m.figures);
      else p.reject(Object.assign(new Error(m.error.message), { code: m.error.code }));
    });
    worker.on('error', (err) => {
      this.o.log.error(
        { error: err.message },
        'a sync store worker failed; its batches in flight are rolled back and the next run resumes them',
      );
      fail(err);
    });
    worker.on('exit', (code) => fail(new Error(`the sync store worker stopped (exit code ${code}) before answering`)));
    this.slots.push(slot);
    return slot;
  }
}
