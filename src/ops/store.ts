/** Reads of sync runs (the sync engine writes them) and of quarantine. */
import type { DataSource } from 'typeorm';
import type { EnterpriseRef } from '../domain/canonical.js';
import type { BatchStatement } from '../store/read-batch.js';
import { inTransaction } from '../sync/apply.js';
import { candidatesOfRefs, type Candidate } from '../sync/link.js';

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
  return ds.query(`SELECT * FROM sync_run WHERE ($1::text IS NULL OR connector = $1) ORDER BY started_at DESC, id DESC LIMIT $2`, [
    connector,
    first,
  ]);
}

/** Latest finished run of each connector (else its running one), for /readyz and `sources`. */
export async function latestRuns(ds: DataSource): Promise<SyncRunRow[]> {
  return ds.query(
    `SELECT DISTINCT ON (connector) * FROM sync_run ORDER BY connector, (finished_at IS NOT NULL) DESC, started_at DESC, id DESC`,
  );
}

/** Latest successful run of each of these connectors (null where none), for `asOf` and `sources`. */
/** The statement of `lastSuccessfulRuns` (for a ReadBatch). */
export const LAST_SUCCESSFUL_RUNS: BatchStatement = {
  name: 'rb_last_successful_runs',
  keyColumn: 'connector',
  sql: `SELECT DISTINCT ON (connector) * FROM sync_run WHERE connector = ANY($1::text[]) AND status = 'SUCCEEDED'
        ORDER BY connector, finished_at DESC, id DESC`,
};

export async function lastSuccessfulRuns(ds: DataSource, connectors: readonly string[]): Promise<(SyncRunRow | null)[]> {
  return runsInOrder(await ds.query(LAST_SUCCESSFUL_RUNS.sql, [connectors]), connectors);
}

/** Rows of LAST_SUCCESSFUL_RUNS in the order of `connectors` (null where none). */
export function runsInOrder(rows: readonly Record<string, unknown>[], connectors: readonly string[]): (SyncRunRow | null)[] {
  return connectors.map((c) => (rows as unknown as SyncRunRow[]).find((r) => r.connector === c) ?? null);
}

/** Latest run of each connector (finished if any, else the running one). */
export async function latestRunsOf(ds: DataSource, connectors: readonly string[]): Promise<(SyncRunRow | null)[]> {
  const rows = await latestRuns(ds);
  return connectors.map((c) => rows.find((r) => r.connector === c) ?? null);
}

/** Tables holding canonical records, by kind (each has the provenance `source` column). */
const RECORD_TABLES: Record<string, string> = {
  enterprise: 'enterprise',
  person: 'person',
  role: 'enterprise_person_role',
  credential: 'credential',
  penalty: 'penalty',
  hidden_danger: 'hidden_danger',
  accident: 'accident',
  inspection: 'inspection',
  vehicle: 'vehicle',
  transport_violation: 'transport_violation',
  project: 'project',
  contract: 'contract',
  insurance_policy: 'insurance_policy',
  list_entry: 'list_entry',
};

export interface KindCount {
  kind: string;
  count: number;
}

/** Stored records per kind of each of these sources, in one query (counts, so it costs a scan per table). */
export async function recordCountsOf(ds: DataSource, sources: readonly string[]): Promise<KindCount[][]> {
  const sql = Object.entries(RECORD_TABLES)
    .map(
      ([kind, table]) =>
        `SELECT source, '${kind}' AS kind, count(*)::int AS count FROM ${table} WHERE source = ANY($1::text[]) GROUP BY source`,
    )
    .join(' UNION ALL ');
  const rows: { source: string; kind: string; count: number }[] = await ds.query(sql, [sources]);
  return sources.map((s) =>
    rows
      .filter((r) => r.source === s)
      .map((r) => ({ kind: r.kind, count: r.count }))
      .sort((a, b) => a.kind.localeCompare(b.kind)),
  );
}

export async function openQuarantineCounts(ds: DataSource, sources: readonly string[]): Promise<number[]> {
  const rows: { source: string; n: number }[] = await ds.query(
    `SELECT source, count(*)::int AS n FROM quarantined_record WHERE resolved_at IS NULL AND source = ANY($1::text[]) GROUP BY source`,
    [sources],
  );
  return sources.map((s) => rows.find((r) => r.source === s)?.n ?? 0);
}

export interface QuarantineRow {
  id: number;
  source: string;
  kind: string;
  source_record_id: string;
  reason_code: 'PARSE_ERROR' | 'UNLINKED' | 'AMBIGUOUS_LINK' | 'CONSTRAINT';
  reason: string;
  raw: unknown;
  record: unknown;
  /** as the sync stored them: the matches of ambiguous references (older entries: similar names too) */
  candidates: unknown;
  first_seen_at: Date;
  last_seen_at: Date;
  attempts: number;
  resolved_at: Date | null;
}

/** A page of quarantined records, newest first (keyset on id), and the total. */
export async function quarantinePage(
  ds: DataSource,
  f: { source: string | null; includeResolved: boolean; beforeId: number | null; limit: number },
): Promise<{ rows: QuarantineRow[]; total: number }> {
  const where = `($1::text IS NULL OR source = $1) AND ($2::boolean OR resolved_at IS NULL)`;
  const [rows, count] = await Promise.all([
    ds.query(`SELECT * FROM quarantined_record WHERE ${where} AND ($3::bigint IS NULL OR id < $3) ORDER BY id DESC LIMIT $4`, [
      f.source,
      f.includeResolved,
      f.beforeId,
      f.limit,
    ]) as Promise<QuarantineRow[]>,
    ds.query(`SELECT count(*)::int AS n FROM quarantined_record WHERE ${where}`, [f.source, f.includeResolved]) as Promise<{ n: number }[]>,
  ]);
  return { rows, total: count[0]?.n ?? 0 };
}

/** Candidates of the references of quarantined records as they stand now (see candidatesOfRefs), in one transaction. */
export function refCandidates(ds: DataSource, refs: readonly EnterpriseRef[]): Promise<Candidate[][]> {
  return inTransaction(ds, (client) => candidatesOfRefs(client, refs));
}
