/**
 * Scheduled sync: syncAll now (optionally) and every `intervalMinutes`; a tick while a sync is still
 * going is skipped, not queued. stop() aborts after the batch being stored and waits for it.
 */
import type { Connector } from '../../connectors/types.js';
import type { SyncDeps } from './apply.js';
import { syncAll, type SyncOptions } from './engine.js';

export interface SchedulerOptions extends Pick<SyncOptions, 'batchSize' | 'storeBatchRecords' | 'storeWorkers' | 'onBatchCommitted'> {
  /** 0: only the run at start (when runNow) */
  intervalMinutes: number;
  runNow: boolean;
}

export function startScheduler(deps: SyncDeps, connectors: readonly Connector[], opts: SchedulerOptions): { stop(): Promise<void> } {
  const abort = new AbortController();
  let current: Promise<void> | null = null;

  const tick = () => {
    if (abort.signal.aborted || current) return;
    current = syncAll(deps, connectors, {
      batchSize: opts.batchSize,
      storeBatchRecords: opts.storeBatchRecords,
      storeWorkers: opts.storeWorkers,
      onBatchCommitted: opts.onBatchCommitted,
      signal: abort.signal,
    })
      .then((runs) => {
        const failed = runs.filter((r) => r.status === 'FAILED').map((r) => r.connector);
        if (failed.length) deps.log.warn({ failed }, 'scheduled sync finished with failed connectors; they retry at the next tick');
      })
      .catch((err: unknown) => deps.log.error({ error: err instanceof Error ? err.message : String(err) }, 'scheduled sync failed'))
      .finally(() => {
        current = null;
      });
  };

  const timer = opts.intervalMinutes > 0 ? setInterval(tick, opts.intervalMinutes * 60_000) : null;
  timer?.unref();
  if (opts.runNow) tick();

  return {
    async stop() {
      if (timer) clearInterval(timer);
      abort.abort();
      await current;
    },
  };
}
