/**
 * A large sync stores its batches in worker threads, and the other sources start as soon as the
 * registry's enterprises are stored. Both must leave exactly the store that one thread syncing one
 * source after another leaves: same rows with the same content hashes, same quarantine, same figures.
 */
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSources } from '../connectors/runtime.js';
import { PiiVault } from '../src/security/pii.js';
import { syncAll, syncConnector, type SyncProgress, type SyncRunResult } from '../src/sync/engine.js';
import { STORE_WORKER_APPLICATION } from '../src/sync/store-workers.js';
import { startSourcesWorld, type SourcesWorld } from './support/sources-world.js';
import { ThrowawayHubs } from './support/throwaway-hubs.js';

const WORLD = { enterprises: 150, seed: 4242, today: '2026-11-23' };
const BATCH = 40;
const TABLES = [
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
];

describe('sync with store workers and early start after the registry', () => {
  let world: SourcesWorld;
  let running: RunningSources;
  const vault = new PiiVault(Buffer.alloc(32, 9));
  const log = pino({ level: 'silent' });
  const all = () => [...running.connectors.values()];

  const hubs = new ThrowawayHubs('workerhub', { vault, log });
  const freshHub = () => hubs.fresh();

  /** every stored row's identity and content hash, the quarantine and the runs' figures */
  async function snapshot(ds: DataSource) {
    const rows: Record<string, string[]> = {};
    for (const t of TABLES) {
      // a person row is shared by the sources that name the person; its provenance is the last writer's,
      // which depends on how concurrent sources interleave: its content is what must agree
      const r =
        t === 'person'
          ? `person_key || '/' || name || '/' || id_masked || '/' || coalesce(phone_masked, '') || '/' || (content_hash LIKE 'derived:%')::text`
          : `source || '/' || source_record_id || '/' || content_hash`;
      rows[t] = ((await ds.query(`SELECT ${r} AS r FROM ${t} ORDER BY 1`)) as { r: string }[]).map((x) => x.r);
    }
    const quarantine = await ds.query(
      `SELECT source, kind, source_record_id, reason_code, resolved_at IS NULL AS open FROM quarantined_record ORDER BY 1, 2, 3`,
    );
    return { rows, quarantine };
  }
  const figures = (runs: SyncRunResult[]) =>
    Object.fromEntries(runs.map((r) => [r.connector, { status: r.status, read: r.read, quarantined: r.quarantined }]));

  beforeAll(async () => {
    world = await startSourcesWorld({ prefix: 'workers', world: WORLD, log });
    running = world.running;
  }, 120_000);
  afterAll(async () => {
    await hubs.dropAll();
    await world?.close();
  });

  it('stores the same rows, hashes, quarantine and figures as one thread syncing the registry to its end first', async () => {
    // reference: in-thread, the registry alone to its end, then the others
    const ref = await freshHub();
    const market = running.connectors.get('market')!;
    const refRuns = [await syncConnector(ref, market, { batchSize: BATCH, storeWorkers: 0 })];
    refRuns.push(
      ...(await syncAll(
        ref,
        all().filter((c) => c !== market),
        { batchSize: BATCH, storeWorkers: 0 },
      )),
    );
    expect(refRuns.every((r) => r.status === 'SUCCEEDED')).toBe(true);

    // workers from the first batch on (the sync counts as large at once), others starting after the enterprises
    const hub = await freshHub();
    const progress: SyncProgress[] = [];
    let workerSessions = 0;
    const runs = await syncAll(hub, all(), {
      batchSize: BATCH,
      storeWorkers: 2,
      deferHookAfterWritten: 0,
      onProgress: (p) => {
        progress.push({ ...p });
        void hub.ds
          .query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = $2`, [
            hub.name,
            STORE_WORKER_APPLICATION,
          ])
          .then(
            ([r]: { n: number }[]) => void (workerSessions = Math.max(workerSessions, r!.n)),
            () => undefined,
          );
      },
    });
    expect(runs.every((r) => r.status === 'SUCCEEDED')).toBe(true);
    expect(workerSessions).toBeGreaterThan(0);

    // the other sources started while the registry was still on its persons and roles
    const [{ othersStarted, marketFinished }] = (await hub.ds.query(
      `SELECT min(started_at) FILTER (WHERE connector <> 'market') AS "othersStarted",
         max(finished_at) FILTER (WHERE connector = 'market') AS "marketFinished" FROM sync_run`,
    )) as [{ othersStarted: Date; marketFinished: Date }];
    expect(othersStarted.getTime()).toBeLessThan(marketFinished.getTime());
    expect(progress.some((p) => p.connector !== 'market' && p.batches > 0)).toBe(true);

    expect(figures(runs)).toEqual(figures(refRuns));
    const [a, b] = [await snapshot(ref.ds), await snapshot(hub.ds)];
    expect(b.quarantine).toEqual(a.quarantine);
    for (const t of TABLES) expect(b.rows[t], t).toEqual(a.rows[t]);
    expect(a.rows.enterprise!.length).toBeGreaterThan(100);
  }, 180_000);
});
