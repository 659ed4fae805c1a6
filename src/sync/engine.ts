/**
 * The sync engine: pulls each connector's changes since its stored watermark and stores them batch by
 * batch. Each batch is ONE transaction holding its records, its quarantine entries, the advanced
 * watermark and the run's figures, so a run stopped at any point (kill, lost connection, source
 * dying mid-stream) leaves a consistent store and the next run resumes after the last committed batch.
 * A PostgreSQL advisory lock per connector keeps two hub replicas from syncing one source at once.
 */
import type { ChangeBatch, Connector, SourceEnvelope } from '../../connectors/types.js';
import type { RecordKind } from '../domain/canonical.js';
import { applyBatch, inTransaction, type SyncDeps, type SyncSource } from './apply.js';
import { storeBatch, type BatchJob } from './batch.js';
import { defaultStoreWorkers, StoreWorkerPool } from './store-workers.js';
import { beginFirstLoad, rebuildDeferred, type FirstLoad } from './first-load.js';
import { trySyncLock, type SyncLock } from './locks.js';
import { errorText } from './mask.js';
import { unsealRaw } from '../security/raw-pii.js';

export type RunStatus = 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'SKIPPED';

export interface SyncRunResult {
  connector: string;
  /** sync_run.id (null when skipped) */
  runId: number | null;
  status: RunStatus;
  batches: number;
  read: number;
  written: number;
  unchanged: number;
  quarantined: number;
  watermarkFrom: string | null;
  watermarkTo: string | null;
  /** why it failed, was aborted or skipped (ID numbers masked) */
  error: string | null;
}

export interface SyncProgress {
  connector: string;
  batches: number;
  read: number;
  written: number;
  unchanged: number;
  quarantined: number;
}

export interface SyncOptions {
  /** records per batch asked of the connector (it may cap it) */
  batchSize?: number;
  /**
   * records stored per transaction: consecutive source pages are grouped up to this (default: batchSize
   * when given, else STORE_BATCH_RECORDS); each transaction still commits the last page's watermark
   */
  storeBatchRecords?: number;
  /** stops after the batch being stored; the run is recorded ABORTED and resumes next time */
  signal?: AbortSignal;
  /** after each committed batch: the enterprises whose stored data changed (incremental risk scores) */
  onBatchCommitted?: (affectedCreditCodes: Set<string>) => Promise<void>;
  /**
   * once the sync has written more records than this (default 20,000), onBatchCommitted is no longer
   * called per batch but once at the end with every enterprise affected since (and per 100,000 of them)
   */
  deferHookAfterWritten?: number;
  onProgress?: (p: SyncProgress) => void;
  /**
   * worker threads that store the batches once the sync is large (see deferHookAfterWritten), default
   * one per core but the main thread's, 1 to 4; 0 stores every batch in the calling thread
   */
  storeWorkers?: number;
  /**
   * a syncAll into a store whose record tables are all empty builds their secondary indexes and foreign
   * keys after the rows are in (src/sync/first-load.ts); default true
   */
  deferIndexes?: boolean;
}

const RETRY_PAGE = 500;
/**
 * Records per stored transaction when the caller does not say: sources page by 500 at most, and a
 * 500-record transaction paid ~30 statements, a commit and a staging round per table for little data.
 */
const STORE_BATCH_RECORDS = 2_000;
/** Canonical tables: their planner statistics are refreshed as a long run fills them. */
const STORE_TABLES = [
  'enterprise',
  'person',
  'enterprise_person_role',
  'credential',
  'penalty',
  'hidden_danger',
  'accident',
  'inspection',
  'vehicle',
  'transport_violation',
  'project',
  'contract',
  'insurance_policy',
  'list_entry',
  'quarantined_record',
];
/** a table's statistics are refreshed once rows written to it since its last ANALYZE reach its size then (and this many) */
const ANALYZE_AFTER_ROWS = 5_000;
/** at the end of a run, tables with at least this many rows written since their last refresh */
const ANALYZE_AT_END_ROWS = 1_000;

/**
 * Autovacuum may be slow to notice a bulk load; queries planned on "empty table" statistics (risk
 * scoring, the API) then scan. Each table is refreshed when the rows written to it since its last
 * refresh reach its size then (it doubled), so a table sees a few ANALYZE rounds even for a million
 * enterprises, and a run ANALYZEs only the tables it writes (all 15 every round cost 2.5 s a round).
 * One schedule per sync: the concurrent runs of a syncAll each refreshed `person` and the role table on
 * their own doubling (7 ANALYZE person in a 100,000-enterprise load instead of one per doubling); a
 * refresh under way makes the others' batches count towards the next one instead of starting another.
 */
class StoreStatistics {
  private readonly pending = new Map<string, number>();
  private size: Map<string, number> | null = null;
  private refreshing: Promise<void> | null = null;

  constructor(private readonly deps: SyncDeps) {}

  async afterBatch(written: Map<string, number>): Promise<void> {
    for (const [t, n] of written) this.pending.set(t, (this.pending.get(t) ?? 0) + n);
    if (this.refreshing || ![...this.pending.values()].some((n) => n >= ANALYZE_AFTER_ROWS)) return;
    this.refreshing = (async () => {
      this.size ??= await this.sizes();
      const due = [...this.pending].filter(([t, n]) => n >= Math.max(ANALYZE_AFTER_ROWS, this.size!.get(t) ?? 0)).map(([t]) => t);
      if (due.length) await this.analyze(due);
    })().finally(() => (this.refreshing = null));
    await this.refreshing;
  }

  /** at the end of a run: the tables it wrote (rows per table in the run) */
  async atEnd(writtenInRun: Map<string, number>): Promise<void> {
    await this.refreshing;
    const due = [...writtenInRun].filter(([, n]) => n >= ANALYZE_AT_END_ROWS).map(([t]) => t);
    await this.vacuumAnalyze(due);
  }

  /**
   * VACUUM (ANALYZE) of the tables a run wrote: besides fresh statistics it sets the visibility map, without
   * which no index-only scan is possible and every filter over a table reads its heap, where each row
   * carries its raw source record, and autovacuum (throttled) gets to a freshly loaded table late. It also
   * merges GIN pending lists (name trigram searches scan them until then). Pages already all-visible are
   * skipped, so after an incremental run it costs little. Figures: docs/performance.md.
   */
  private async vacuumAnalyze(tables: string[]): Promise<void> {
    const known = tables.filter((t) => STORE_TABLES.includes(t));
    if (!known.length) return;
    try {
      await this.deps.ds.query(`VACUUM (ANALYZE) ${known.join(', ')}`);
      for (const t of known) this.pending.delete(t);
    } catch (err) {
      this.deps.log.warn({ error: errorText(err) }, 'could not vacuum and analyze the tables written; falling back to ANALYZE');
      await this.analyze(known);
    }
  }

  /** rows per table as the planner last counted them (reltuples; -1 when never analyzed) */
  private async sizes(): Promise<Map<string, number>> {
    const rows = (await this.deps.ds.query(
      `SELECT relname, greatest(reltuples, 0)::float8 AS n FROM pg_class WHERE relname = ANY($1::text[]) AND relkind = 'r'`,
      [STORE_TABLES],
    )) as { relname: string; n: number }[];
    return new Map(rows.map((r) => [r.relname, r.n]));
  }

  private async analyze(tables: string[]): Promise<void> {
    const known = tables.filter((t) => STORE_TABLES.includes(t));
    if (!known.length) return;
    try {
      await this.deps.ds.query(`ANALYZE ${known.join(', ')}`);
      for (const t of known) this.pending.delete(t);
      this.size = await this.sizes();
    } catch (err) {
      this.deps.log.warn({ error: errorText(err) }, 'could not refresh planner statistics');
    }
  }
}

/** once one sync (syncAll, or a lone syncConnector) has written this many records, rescoring waits */
const DEFER_HOOK_AFTER_WRITTEN = 20_000;
/** a deferred set is handed over once it holds this many enterprises (bounded memory), and at the end */
const DEFERRED_FLUSH_AT = 100_000;

/**
 * Calls `onBatchCommitted` after each committed batch while a sync is small (incremental runs: scores
 * follow within the batch). Once the sync has written DEFER_HOOK_AFTER_WRITTEN records (a first load,
 * a source re-sending everything) it collects the enterprises instead and hands them over once, at the
 * end or per DEFERRED_FLUSH_AT: rescoring each enterprise after every batch that touched it cost 25 s of
 * a 177 s 20,000-enterprise load (540 statements), the same enterprises once at the end ~2 s.
 */
class BatchHook {
  private written = 0;
  private deferred = new Set<string>();

  private readonly deferAfter: number;

  constructor(
    private readonly deps: SyncDeps,
    opts: SyncOptions,
  ) {
    this.hook = opts.onBatchCommitted;
    this.deferAfter = opts.deferHookAfterWritten ?? DEFER_HOOK_AFTER_WRITTEN;
  }

  private readonly hook: SyncOptions['onBatchCommitted'];

  /** the sync has written more than the threshold: a first load or a source re-sending everything */
  get large(): boolean {
    return this.written > this.deferAfter;
  }

  async afterBatch(affected: Set<string>, written: number, context: object): Promise<void> {
    this.written += written;
    if (!this.hook || !affected.size) return;
    if (!this.large && !this.deferred.size) return this.call(affected, context);
    for (const c of affected) this.deferred.add(c);
    if (this.deferred.size >= DEFERRED_FLUSH_AT) await this.flush(context);
  }

  /** hands over what was deferred (also after a failed or stopped run: those batches are stored) */
  async flush(context: object = {}): Promise<void> {
    if (!this.deferred.size) return;
    const codes = this.deferred;
    this.deferred = new Set();
    const t0 = Date.now();
    await this.call(codes, context);
    this.deps.log.info({ ...context, enterprises: codes.size, ms: Date.now() - t0 }, 'deferred onBatchCommitted done for a large sync');
  }

  private queue: Promise<void> = Promise.resolve();

  /** one call at a time: concurrent runs (syncAll) would otherwise rescore the same enterprises at once */
  private call(codes: Set<string>, context: object): Promise<void> {
    this.queue = this.queue.then(async () => {
      try {
        await this.hook!(codes);
      } catch (err) {
        this.deps.log.error({ ...context, error: errorText(err) }, 'onBatchCommitted hook failed (the batch itself is stored)');
      }
    });
    return this.queue;
  }
}

/**
 * The store workers of one sync (syncAll or a lone syncConnector), started when it first turns large
 * and closed when it ends; null when the sync stores in-thread (SyncOptions.storeWorkers 0, or a data
 * source whose URL a worker could not open).
 */
class SyncStores {
  private pool: StoreWorkerPool | null | undefined;

  constructor(
    private readonly deps: SyncDeps,
    private readonly opts: SyncOptions,
  ) {}

  workers(): StoreWorkerPool | null {
    if (this.pool === undefined) {
      const size = this.opts.storeWorkers ?? defaultStoreWorkers();
      this.pool =
        size > 0
          ? StoreWorkerPool.forDataSource(this.deps.ds, { vaultKey: this.deps.vault.keyForWorkers(), size, log: this.deps.log })
          : null;
    }
    return this.pool;
  }

  async close(): Promise<void> {
    await this.pool?.close();
    this.pool = undefined;
  }
}

/** A promise to resolve from outside, once (Promise.withResolvers is Node 22). */
function latch(): { promise: Promise<void>; resolve(): void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** One run of one connector; never throws for a source or store failure: the run records it. */
export async function syncConnector(deps: SyncDeps, connector: Connector, opts: SyncOptions = {}): Promise<SyncRunResult> {
  const hook = new BatchHook(deps, opts);
  const stores = new SyncStores(deps, opts);
  try {
    await rebuildDeferred(deps).catch((err: unknown) =>
      deps.log.error({ error: errorText(err) }, 'could not rebuild deferred indexes and keys'),
    );
    return await runConnector(deps, connector, opts, { hook, stores, stats: new StoreStatistics(deps) });
  } finally {
    await stores.close();
    await hook.flush({ connector: connector.id });
  }
}

/** What the runs of one sync share: the deferred hook, the store workers, the statistics schedule. */
interface SyncShared {
  hook: BatchHook;
  stores: SyncStores;
  stats: StoreStatistics;
}

async function runConnector(
  deps: SyncDeps,
  connector: Connector,
  opts: SyncOptions,
  { hook, stores, stats }: SyncShared,
  onEnterprisesStored?: () => void,
): Promise<SyncRunResult> {
  const { ds, log } = deps;
  const result: SyncRunResult = {
    connector: connector.id,
    runId: null,
    status: 'SKIPPED',
    batches: 0,
    read: 0,
    written: 0,
    unchanged: 0,
    quarantined: 0,
    watermarkFrom: null,
    watermarkTo: null,
    error: null,
  };
  let lock: SyncLock | null;
  try {
    lock = await trySyncLock(deps, connector.id);
  } catch (err) {
    result.status = 'FAILED';
    result.error = `could not reach the hub store: ${errorText(err)}`;
    log.error({ connector: connector.id, error: result.error }, 'sync run not started');
    return result;
  }
  if (!lock) {
    result.error = 'another hub process is syncing this connector';
    log.warn({ connector: connector.id }, "sync skipped: another hub process holds this connector's sync lock");
    return result;
  }
  const source: SyncSource = { id: connector.id, department: connector.department, piiFields: connector.piiFields };
  try {
    // holding the lock, any RUNNING run of this connector belongs to a process that died
    await ds.query(
      `UPDATE sync_run SET status = 'ABORTED', finished_at = now(),
         error = coalesce(error, 'the process running it stopped before it finished; the next run resumed from the last committed batch')
       WHERE connector = $1 AND status = 'RUNNING'`,
      [connector.id],
    );
    const [wm] = (await ds.query(`SELECT watermark FROM sync_watermark WHERE connector = $1`, [connector.id])) as { watermark: string }[];
    result.watermarkFrom = result.watermarkTo = wm?.watermark ?? null;
    const [run] = (await ds.query(
      `INSERT INTO sync_run (connector, status, watermark_from, watermark_to) VALUES ($1, 'RUNNING', $2, $2) RETURNING id`,
      [connector.id, result.watermarkFrom],
    )) as { id: number }[];
    result.runId = Number(run!.id);
    log.info({ connector: connector.id, runId: result.runId, from: result.watermarkFrom }, 'sync run started');

    const writtenInRun = new Map<string, number>();
    try {
      const pages = connector.changesSince(result.watermarkFrom, { batchSize: opts.batchSize, signal: opts.signal });
      const batchRecords = opts.storeBatchRecords ?? opts.batchSize ?? STORE_BATCH_RECORDS;
      for await (const batch of readAhead(grouped(pages, batchRecords), () => hook.large)) {
        const job: BatchJob = { source, runId: result.runId, watermark: batch.watermark, records: batch.records };
        const workers = hook.large ? stores.workers() : null;
        const figures = workers ? await workers.store(job) : await storeBatch(deps, job);
        // committed in order: a batch past the enterprises of an enterprises-first registry means all are stored
        if (onEnterprisesStored && connector.enterprisesFirst && batch.records.some((r) => r.kind !== 'enterprise')) {
          onEnterprisesStored();
          onEnterprisesStored = undefined;
        }
        result.batches++;
        result.read += figures.read;
        result.written += figures.written;
        result.unchanged += figures.unchanged;
        result.quarantined += figures.quarantined;
        result.watermarkTo = batch.watermark;
        for (const [t, n] of figures.writtenByTable) writtenInRun.set(t, (writtenInRun.get(t) ?? 0) + n);
        await stats.afterBatch(figures.writtenByTable);
        opts.onProgress?.({
          connector: connector.id,
          batches: result.batches,
          read: result.read,
          written: result.written,
          unchanged: result.unchanged,
          quarantined: result.quarantined,
        });
        await hook.afterBatch(figures.affectedCreditCodes, figures.written, { connector: connector.id });
        if (opts.signal?.aborted) break;
      }
      if (opts.signal?.aborted) {
        result.status = 'ABORTED';
        result.error = 'stopped on request after a committed batch; the next run resumes from there';
      } else result.status = 'SUCCEEDED';
    } catch (err) {
      if (opts.signal?.aborted) {
        result.status = 'ABORTED';
        result.error = 'stopped on request; the next run resumes from the last committed batch';
      } else {
        result.status = 'FAILED';
        result.error = errorText(err);
      }
    }
    await stats.atEnd(writtenInRun);
    await ds
      .query(`UPDATE sync_run SET status = $2, finished_at = now(), error = $3 WHERE id = $1`, [result.runId, result.status, result.error])
      .catch((err: unknown) =>
        log.error({ connector: connector.id, runId: result.runId, error: errorText(err) }, 'could not record the end of the sync run'),
      );
    const level = result.status === 'FAILED' ? 'error' : result.status === 'ABORTED' ? 'warn' : 'info';
    log[level]({ ...result }, `sync run ${result.status.toLowerCase()}`);
    return result;
  } catch (err) {
    // the store itself failed outside a batch (start or end of the run)
    result.status = 'FAILED';
    result.error = errorText(err);
    log.error({ connector: connector.id, runId: result.runId, error: result.error }, 'sync run failed');
    return result;
  } finally {
    await lock.release();
  }
}

/**
 * Consecutive source pages as one batch of at least `records` records (the last page's watermark
 * covers them all). A source failing mid-group first hands over the complete pages it gave, so a
 * source that fails every few pages still makes progress run after run.
 */
export async function* grouped(source: AsyncIterable<ChangeBatch>, records: number): AsyncGenerator<ChangeBatch> {
  let held: SourceEnvelope[] = [];
  let watermark: string | null = null;
  try {
    for await (const page of source) {
      held = held.length ? held.concat(page.records) : page.records;
      watermark = page.watermark;
      if (held.length >= records) {
        yield { records: held, watermark };
        held = [];
        watermark = null;
      }
    }
  } catch (err) {
    if (watermark !== null) {
      const rest = { records: held, watermark };
      watermark = null;
      yield rest;
    }
    throw err;
  }
  if (watermark !== null) yield { records: held, watermark };
}

/**
 * The source's batches; while `ahead()` holds, the next one is already being fetched while the caller
 * stores the current one, so the source's wire time (~31 s of a 155 s 20,000-enterprise load) overlaps
 * the store's. One batch ahead at most; a batch fetched ahead of a stop or failure is dropped (its
 * watermark is never committed). Small syncs fetch on demand, batch after batch as before.
 */
async function* readAhead<T>(source: AsyncIterable<T>, ahead: () => boolean): AsyncGenerator<T> {
  const it = source[Symbol.asyncIterator]();
  let next: Promise<IteratorResult<T>> | null = null;
  let finished = false;
  try {
    for (;;) {
      const r = await (next ?? it.next());
      next = null;
      if (r.done) {
        finished = true;
        return;
      }
      if (ahead()) {
        next = it.next();
        next.catch(() => undefined); // a failure surfaces where it is awaited, after the current batch
      }
      yield r.value;
    }
  } catch (err) {
    finished = true; // the source failed: it is closed already
    throw err;
  } finally {
    if (!finished) {
      // the caller stopped early: close the source (once a fetch in flight settles, not waited for)
      if (next)
        void next
          .then(
            () => it.return?.(),
            () => undefined,
          )
          .catch(() => undefined);
      else await it.return?.();
    }
  }
}

/**
 * Retries open UNLINKED / AMBIGUOUS_LINK entries of these sources: those that link now are stored
 * and resolved (e.g. housing synced before market brought the enterprise); the others stay as they are.
 */
export async function retryQuarantine(
  deps: SyncDeps,
  sources: readonly SyncSource[],
  opts: Pick<SyncOptions, 'onBatchCommitted' | 'signal'> = {},
): Promise<{ retried: number; resolved: number }> {
  let retried = 0;
  let resolved = 0;
  for (const source of sources) {
    let after = 0;
    for (;;) {
      if (opts.signal?.aborted) return { retried, resolved };
      const rows = (await deps.ds.query(
        `SELECT id, kind, source_record_id, raw, record FROM quarantined_record
         WHERE source = $1 AND resolved_at IS NULL AND reason_code IN ('UNLINKED', 'AMBIGUOUS_LINK') AND record IS NOT NULL AND id > $2
         ORDER BY id LIMIT ${RETRY_PAGE}`,
        [source.id, after],
      )) as { id: number; kind: RecordKind; source_record_id: string; raw: unknown; record: SourceEnvelope['record'] }[];
      if (!rows.length) break;
      after = Number(rows[rows.length - 1]!.id);
      // the stored record has its ID numbers sealed: linking needs them (the raw stays sealed, sealing is idempotent)
      const envelopes: SourceEnvelope[] = rows.map((r) => ({
        sourceRecordId: r.source_record_id,
        kind: r.kind,
        raw: r.raw,
        record: unsealRaw(r.record, deps.vault) as SourceEnvelope['record'],
      }));
      const f = await inTransaction(deps.ds, (client) => applyBatch(client, deps, source, envelopes, { retryOnly: true }));
      retried += rows.length;
      resolved += f.written + f.unchanged;
      if (opts.onBatchCommitted && f.affectedCreditCodes.size) {
        await opts
          .onBatchCommitted(f.affectedCreditCodes)
          .catch((err: unknown) =>
            deps.log.error({ source: source.id, error: errorText(err) }, 'onBatchCommitted hook failed (the batch itself is stored)'),
          );
      }
      if (rows.length < RETRY_PAGE) break;
    }
  }
  if (retried) deps.log.info({ retried, resolved }, 'quarantined records retried');
  return { retried, resolved };
}

/**
 * Syncs the sources that provide enterprises first, in the given order (market holds the enterprise
 * registry the others link to), then all the others at once, each on its own connection (on 2 cores
 * one source's parsing overlaps another's database work), then retries the quarantined records that
 * may link now. The others do not wait for a registry's persons, roles and penalties: they start once
 * its enterprises are stored (Connector.enterprisesFirst). Results come in the given order. Failures are recorded per run, never thrown.
 */
export async function syncAll(deps: SyncDeps, connectors: readonly Connector[], opts: SyncOptions = {}): Promise<SyncRunResult[]> {
  const results = new Map<Connector, SyncRunResult>();
  let runs: SyncRunResult[] = [];
  const hook = new BatchHook(deps, opts);
  const stores = new SyncStores(deps, opts);
  const shared: SyncShared = { hook, stores, stats: new StoreStatistics(deps) };
  let firstLoad: FirstLoad | null = null;
  try {
    const starting = opts.deferIndexes === false ? rebuildDeferred(deps).then(() => null) : beginFirstLoad(deps);
    firstLoad = await starting.catch((err: unknown) => {
      deps.log.error({ error: errorText(err) }, 'could not prepare the store for the sync (deferred indexes and keys)');
      return null;
    });
    const registries = connectors.filter((c) => c.provides.includes('enterprise'));
    // the others start once every registry has stored its enterprises: at its end, or for a registry
    // that yields enterprises first, once it has committed a batch past them
    const enterprisesStored = registries.map(() => latch());
    const registryRuns = (async () => {
      for (const [i, c] of registries.entries()) {
        if (opts.signal?.aborted) break;
        try {
          results.set(c, await runConnector(deps, c, opts, shared, () => enterprisesStored[i]!.resolve()));
        } finally {
          enterprisesStored[i]!.resolve();
        }
      }
      enterprisesStored.forEach((d) => d.resolve());
    })();
    const otherRuns = (async () => {
      await Promise.all(enterprisesStored.map((d) => d.promise));
      if (opts.signal?.aborted) return;
      const others = connectors.filter((c) => !registries.includes(c));
      const concurrent = await Promise.all(others.map((c) => runConnector(deps, c, opts, shared)));
      others.forEach((c, i) => results.set(c, concurrent[i]!));
    })();
    await Promise.all([registryRuns, otherRuns]);
    runs = connectors.flatMap((c) => results.get(c) ?? []);
    // before the quarantine retry and the deferred hook (risk scores), which read by those indexes
    if (opts.signal?.aborted) await firstLoad?.leave();
    else await firstLoad?.finish();
    if (!opts.signal?.aborted) {
      try {
        const onBatchCommitted =
          opts.onBatchCommitted && ((codes: Set<string>) => hook.afterBatch(codes, codes.size, { retry: 'quarantine' }));
        await retryQuarantine(
          deps,
          connectors.map((c) => ({ id: c.id, department: c.department, piiFields: c.piiFields })),
          { ...opts, onBatchCommitted },
        );
      } catch (err) {
        deps.log.error({ error: errorText(err) }, 'retrying quarantined records failed; the next sync tries again');
      }
    }
  } finally {
    await firstLoad?.leave(); // after finish() a no-op; after an unexpected throw the next sync rebuilds
    await stores.close();
    await hook.flush();
  }
  return runs;
}
