/** Reads of sync runs (the sync engine writes them). */
import type { DataSource } from 'typeorm';

export interface SyncRunRow {
  id: number;
  connector: string;
  started_at: Date;
  finished_at: Date | null;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';
  records_read: number;
  records_written: number;
  records_unchanged: number;
  records_quarantined: number;
  watermark_from: string | null;
  watermark_to: string | null;
  error: string | null;
}

export async function listSyncRuns(ds: DataSource, connector: string | null, first: number): Promise<SyncRunRow[]> {
  return ds.query(
    `SELECT * FROM sync_run WHERE ($1::text IS NULL OR connector = $1) ORDER BY started_at DESC, id DESC LIMIT $2`,
    [connector, first],
  );
}

/** Latest finished run of each connector (else its running one), for /readyz and `sources`. */
export async function latestRuns(ds: DataSource): Promise<SyncRunRow[]> {
  return ds.query(`SELECT DISTINCT ON (connector) * FROM sync_run ORDER BY connector, (finished_at IS NOT NULL) DESC, started_at DESC, id DESC`);
}
