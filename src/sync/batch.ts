/**
 * One source batch stored as ONE transaction: its records (applyBatch), the advanced watermark and the
 * run's figures commit together or not at all. The engine runs it in-thread or in a store worker
 * (store-workers.ts); both call this.
 */
import type pg from 'pg';
import type { SourceEnvelope } from '../../connectors/types.js';
import { applyBatch, inTransaction, type ApplyResult, type SyncDeps, type SyncSource } from './apply.js';

export interface BatchJob {
  source: SyncSource;
  runId: number;
  /** the source's watermark after this batch, committed with it */
  watermark: string;
  records: SourceEnvelope[];
}

/** a batch transaction that lost a deadlock to a concurrent run (two sources upserting the same persons) is tried again this often */
const DEADLOCK_RETRIES = 3;

export async function storeBatch(deps: SyncDeps, job: BatchJob): Promise<ApplyResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await inTransaction(deps.ds, async (client) => {
        // a crash may lose the last few commits; their watermark goes with them, so the next run
        // fetches those records again: nothing is lost, and the batch does not wait for the disk
        await client.query('SET LOCAL synchronous_commit = off');
        const f = await applyBatch(client, deps, job.source, job.records, { fetchedAt: new Date() });
        await commitProgress(client, job, f);
        return f;
      });
    } catch (err) {
      const code = (err as { code?: string }).code;
      if ((code !== '40P01' && code !== '40001') || attempt > DEADLOCK_RETRIES) throw err;
      deps.log.warn(
        { connector: job.source.id, attempt, code },
        'sync batch rolled back by a deadlock with a concurrent run; trying it again',
      );
    }
  }
}

/** Inside the batch's transaction: the watermark advances and the run's figures grow together with the data. */
async function commitProgress(client: pg.ClientBase, job: BatchJob, f: ApplyResult): Promise<void> {
  await client.query(
    `INSERT INTO sync_watermark (connector, watermark, updated_at) VALUES ($1, $2, now())
     ON CONFLICT (connector) DO UPDATE SET watermark = EXCLUDED.watermark, updated_at = now()`,
    [job.source.id, job.watermark],
  );
  await client.query(
    `UPDATE sync_run SET records_read = records_read + $2, records_written = records_written + $3,
       records_unchanged = records_unchanged + $4, records_quarantined = records_quarantined + $5, watermark_to = $6
     WHERE id = $1`,
    [job.runId, f.read, f.written, f.unchanged, f.quarantined, job.watermark],
  );
}
