/**
 * Fault tests over real department sources (market: signed REST; transport: envelope REST), a generated
 * world, the resilient connectors and the sync engine into a real hub store. A source hangs, answers
 * 5xx for a while, or drops connections mid-stream; after the fault clears the store reconciles exactly
 * with what the source holds: every record stored once or quarantined with the reason its own data calls
 * for (tests/support/source-truth.ts), nothing missing, nothing twice, nothing in the wrong state.
 */
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningSources } from '../connectors/runtime.js';
import type { FaultSettings, RunningSimulator } from '../connectors/types.js';
import type { Department } from '../src/domain/canonical.js';
import { PiiVault } from '../src/security/pii.js';
import type { SyncDeps } from '../src/sync/apply.js';
import { syncAll, syncConnector, type SyncRunResult } from '../src/sync/engine.js';
import { startSourcesWorld, type SourcesWorld } from './support/sources-world.js';
import { ThrowawayHubs } from './support/throwaway-hubs.js';
import { balanced, perfect, readSourceTruth, reconcile, type SourceTruth } from './support/reconcile.js';

const WORLD = { enterprises: 160, seed: 8080, today: '2026-11-23' };
const SOURCES: { id: string; department: Department }[] = [
  { id: 'market', department: 'MARKET' },
  { id: 'transport', department: 'TRANSPORT' },
];
const BATCH = 40;

describe('department sources failing during a sync', () => {
  let world: SourcesWorld;
  let running: RunningSources;
  let departmentsUrl: string;
  /** what a source's system holds and what of it must be quarantined, references judged against the enterprises of `registry` */
  const truths = new Map<string, Promise<SourceTruth>>();
  const truth = (id: string, registry: readonly string[]): Promise<SourceTruth> => {
    const key = `${id}|${registry.join(',')}`;
    if (!truths.has(key))
      truths.set(
        key,
        readSourceTruth(departmentsUrl, [id], registry).then((m) => m.get(id)!),
      );
    return truths.get(key)!;
  };
  const sizes = new Map<string, number>();
  const total = (id: string) => sizes.get(id)!;
  const vault = new PiiVault(Buffer.alloc(32, 3));
  const log = pino({ level: 'silent' });
  const sim = (id: string): RunningSimulator => running.simulators.get(id)!;
  const connector = (id: string) => running.connectors.get(id)!;

  const hubs = new ThrowawayHubs('faulthub', { vault, log });
  const freshHub = (): Promise<SyncDeps> => hubs.fresh();
  const watermark = async (ds: DataSource, id: string): Promise<string | null> =>
    ((await ds.query(`SELECT watermark FROM sync_watermark WHERE connector = $1`, [id])) as { watermark: string }[])[0]?.watermark ?? null;
  /** `synced`: the sources this hub has synced (only market registers enterprises: alone, transport links nothing) */
  async function expectReconciled(ds: DataSource, id: string, synced: readonly string[] = [id]) {
    const r = await reconcile(
      ds,
      id,
      await truth(
        id,
        synced.filter((s) => s === 'market'),
      ),
    );
    expect(balanced(r)).toEqual(perfect(r));
  }
  const figuresAddUp = (r: SyncRunResult) => expect(r.read).toBe(r.written + r.unchanged + r.quarantined);

  /** Switches a fault on now and off again after the source has seen `calls` more data requests. */
  function faultFor(id: string, f: FaultSettings, calls: number): Promise<void> {
    const s = sim(id);
    const from = s.callCount();
    void s.setFaults(f);
    return (async () => {
      for (let i = 0; i < 3000 && s.callCount() < from + calls; i++) await new Promise((r) => setTimeout(r, 5));
      await s.setFaults({ mode: 'none' });
    })();
  }

  beforeAll(async () => {
    // only the sources this file exercises (the others are not imported)
    world = await startSourcesWorld({
      prefix: 'faults',
      world: WORLD,
      log,
      only: SOURCES.map((s) => s.id),
      start: {
        timeoutMs: 600,
        // a fault lasting a few calls is ridden out by retries; the breaker stays out of the way of these runs
        extraOptions: { resilience: { maxAttempts: 4, initialDelayMs: 20, maxDelayMs: 80, breakerThreshold: 100, halfOpenAfterMs: 100 } },
      },
    });
    running = world.running;
    departmentsUrl = world.env.departmentsDatabaseUrl;
    for (const s of SOURCES)
      sizes.set(
        s.id,
        [...(await truth(s.id, [])).ids.values()].reduce((n, ids) => n + ids.length, 0),
      );
  }, 120_000);
  afterAll(async () => {
    await hubs.dropAll();
    await world?.close();
  });
  beforeEach(async () => {
    for (const s of SOURCES) await sim(s.id).setFaults({ mode: 'none' });
  });

  it('without faults a full sync reconciles exactly with both sources (the reference for the rest)', async () => {
    const hub = await freshHub();
    const runs = await syncAll(hub, [connector('market'), connector('transport')], { batchSize: BATCH });
    for (const r of runs) {
      expect(r).toMatchObject({ status: 'SUCCEEDED', read: total(r.connector) });
      figuresAddUp(r);
    }
    for (const s of SOURCES) await expectReconciled(hub.ds, s.id, ['market', 'transport']);
  });

  it('a hanging source fails its run on the deadline without blocking the other; after it recovers the next run completes', async () => {
    const hub = await freshHub();
    await sim('market').setFaults({ mode: 'hang' });
    const [market, transport] = await syncAll(hub, [connector('market'), connector('transport')], { batchSize: BATCH });
    expect(market).toMatchObject({ status: 'FAILED', read: 0, watermarkTo: null });
    expect(market!.error).toMatch(/market: .*(no answer|deadline)/);
    expect(transport).toMatchObject({ status: 'SUCCEEDED', read: total('transport') });
    expect(await watermark(hub.ds, 'market')).toBeNull();
    const [{ n }] = (await hub.ds.query(`SELECT count(*)::int AS n FROM enterprise`)) as [{ n: number }];
    expect(n).toBe(0);

    await sim('market').setFaults({ mode: 'none' });
    const [again, transportAgain] = await syncAll(hub, [connector('market'), connector('transport')], { batchSize: BATCH });
    expect(again).toMatchObject({ status: 'SUCCEEDED', read: total('market') });
    expect(transportAgain).toMatchObject({ status: 'SUCCEEDED', read: 0 });
    // transport records naming enterprises market had not brought yet were quarantined; they link now, and
    // what stays quarantined is exactly what transport's own data calls for against market's registry
    for (const s of SOURCES) await expectReconciled(hub.ds, s.id, ['market', 'transport']);
  });

  for (const s of SOURCES) {
    it(`${s.id}: 5xx for a while mid-stream is ridden out by retries within the same run (read once each)`, async () => {
      const hub = await freshHub();
      let clearing: Promise<void> | null = null;
      const run = await syncConnector(hub, connector(s.id), {
        batchSize: BATCH,
        // two failed calls in a row, then the source recovers (each call is retried up to 4 times)
        onProgress: (p) => void (p.batches === 2 && (clearing = faultFor(s.id, { mode: 'error' }, 2))),
      });
      await clearing;
      expect(clearing).not.toBeNull();
      expect(run).toMatchObject({ status: 'SUCCEEDED', read: total(s.id) });
      figuresAddUp(run);
      await expectReconciled(hub.ds, s.id);
    });

    it(`${s.id}: 5xx longer than the retries fails the run keeping its committed batches; the next run resumes exactly`, async () => {
      const hub = await freshHub();
      const cut = await syncConnector(hub, connector(s.id), {
        batchSize: BATCH,
        onProgress: (p) => void (p.batches === 2 && sim(s.id).setFaults({ mode: 'error' })),
      });
      expect(cut).toMatchObject({ status: 'FAILED', batches: 2 });
      expect(cut.error).toMatch(/5\d\d|unavailable|circuit/i);
      expect(await watermark(hub.ds, s.id)).toBe(cut.watermarkTo);

      await sim(s.id).setFaults({ mode: 'none' });
      const resumed = await syncConnector(hub, connector(s.id), { batchSize: BATCH });
      expect(resumed).toMatchObject({ status: 'SUCCEEDED', watermarkFrom: cut.watermarkTo });
      // every source record read exactly once over the two runs
      expect(cut.read + resumed.read).toBe(total(s.id));
      await expectReconciled(hub.ds, s.id);
    });

    it(`${s.id}: connections dropped mid-answer — briefly: recovered in the run; for long: failed, then resumed exactly`, async () => {
      const hub = await freshHub();
      let clearing: Promise<void> | null = null;
      const brief = await syncConnector(hub, connector(s.id), {
        batchSize: BATCH,
        onProgress: (p) => void (p.batches === 1 && (clearing = faultFor(s.id, { mode: 'drop' }, 2))),
      });
      await clearing;
      expect(brief).toMatchObject({ status: 'SUCCEEDED', read: total(s.id) });
      await expectReconciled(hub.ds, s.id);

      const hub2 = await freshHub();
      const cut = await syncConnector(hub2, connector(s.id), {
        batchSize: BATCH,
        onProgress: (p) => void (p.batches === 1 && sim(s.id).setFaults({ mode: 'drop' })),
      });
      expect(cut).toMatchObject({ status: 'FAILED', batches: 1 });
      await sim(s.id).setFaults({ mode: 'none' });
      const resumed = await syncConnector(hub2, connector(s.id), { batchSize: BATCH });
      expect(resumed).toMatchObject({ status: 'SUCCEEDED', watermarkFrom: cut.watermarkTo });
      expect(cut.read + resumed.read).toBe(total(s.id));
      await expectReconciled(hub2.ds, s.id);
      // the failed run is on record with its figures; the store has one row per run, none left RUNNING
      const runs = (await hub2.ds.query(`SELECT status, records_read FROM sync_run WHERE connector = $1 ORDER BY id`, [s.id])) as {
        status: string;
        records_read: number;
      }[];
      expect(runs).toEqual([
        { status: 'FAILED', records_read: cut.read },
        { status: 'SUCCEEDED', records_read: resumed.read },
      ]);
    });
  }
});
