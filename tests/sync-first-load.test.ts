/**
 * A first load builds the record tables' secondary indexes and foreign keys after its rows are in: the
 * store it leaves has the same rows and exactly the schema a load maintaining them leaves; a stopped
 * load leaves them to the next sync; rows that break a key while it is away are reported, and the key
 * comes back guarding new rows; a store that holds records already is never touched.
 */
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSources } from '../connectors/runtime.js';
import { PiiVault } from '../src/security/pii.js';
import { syncAll, syncConnector } from '../src/sync/engine.js';
import { beginFirstLoad, DEFERRED_TABLES } from '../src/sync/first-load.js';
import { startSourcesWorld, type SourcesWorld } from './support/sources-world.js';
import { ThrowawayHubs } from './support/throwaway-hubs.js';

const WORLD = { enterprises: 60, seed: 777, today: '2026-11-23' };
const BATCH = 40;

/** every index of the schema with its definition, every constraint with its definition (which says NOT VALID when it is not validated) */
async function schemaShape(ds: DataSource) {
  const indexes = (
    (await ds.query(`SELECT indexname || ': ' || indexdef AS d FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1`)) as { d: string }[]
  ).map((r) => r.d);
  const constraints = (
    (await ds.query(
      `SELECT conrelid::regclass::text || '.' || conname || ': ' || pg_get_constraintdef(oid) AS d
     FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1`,
    )) as { d: string }[]
  ).map((r) => r.d);
  return { indexes, constraints };
}

async function rowCounts(ds: DataSource): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of ['enterprise', 'person', ...DEFERRED_TABLES])
    out[t] = ((await ds.query(`SELECT count(*)::int AS n FROM ${t}`)) as { n: number }[])[0]!.n;
  return out;
}

const pending = async (ds: DataSource): Promise<string[]> =>
  ((await ds.query(`SELECT object_name FROM deferred_store_ddl ORDER BY 1`)) as { object_name: string }[]).map((r) => r.object_name);

describe('first load: secondary indexes and foreign keys built after the rows', () => {
  let world: SourcesWorld;
  let running: RunningSources;
  const vault = new PiiVault(Buffer.alloc(32, 5));
  const lines: string[] = [];
  const log = pino({ level: 'info' }, { write: (s: string) => void lines.push(s) });
  const all = () => [...running.connectors.values()];
  const hubs = new ThrowawayHubs('firstload', { vault, log });
  let reference: { shape: Awaited<ReturnType<typeof schemaShape>>; counts: Record<string, number> };

  beforeAll(async () => {
    world = await startSourcesWorld({ prefix: 'firstload', world: WORLD, log: pino({ level: 'silent' }) });
    running = world.running;
    const ref = await hubs.fresh();
    const runs = await syncAll(ref, all(), { batchSize: BATCH, deferIndexes: false });
    expect(runs.every((r) => r.status === 'SUCCEEDED')).toBe(true);
    reference = { shape: await schemaShape(ref.ds), counts: await rowCounts(ref.ds) };
  }, 180_000);
  afterAll(async () => {
    await hubs.dropAll();
    await world?.close();
  });

  it('leaves the same rows and exactly the indexes and validated keys of a load that maintained them', async () => {
    const hub = await hubs.fresh();
    let missingDuringLoad = false;
    const runs = await syncAll(hub, all(), {
      batchSize: BATCH,
      onProgress: () =>
        void hub.ds.query(`SELECT to_regclass('role_person') IS NULL AS missing`).then(
          ([r]: { missing: boolean }[]) => void (missingDuringLoad ||= r!.missing),
          () => undefined,
        ),
    });
    expect(runs.every((r) => r.status === 'SUCCEEDED')).toBe(true);
    expect(missingDuringLoad).toBe(true);
    expect(lines.some((l) => l.includes('first load: secondary indexes and foreign keys'))).toBe(true);
    expect(await pending(hub.ds)).toEqual([]);
    expect(await schemaShape(hub.ds)).toEqual(reference.shape);
    expect(await rowCounts(hub.ds)).toEqual(reference.counts);
    expect(reference.counts.enterprise_person_role).toBeGreaterThan(0);
  }, 120_000);

  it('a stopped load leaves its indexes and keys to the next sync, which rebuilds them before it resumes', async () => {
    const hub = await hubs.fresh();
    const stop = new AbortController();
    const first = await syncAll(hub, all(), { batchSize: BATCH, signal: stop.signal, onProgress: () => stop.abort() });
    expect(first.some((r) => r.status === 'ABORTED')).toBe(true);
    expect((await pending(hub.ds)).length).toBeGreaterThan(0);
    expect((await schemaShape(hub.ds)).indexes.some((d) => d.startsWith('role_person:'))).toBe(false);

    const second = await syncAll(hub, all(), { batchSize: BATCH });
    expect(second.every((r) => r.status === 'SUCCEEDED')).toBe(true);
    expect(await pending(hub.ds)).toEqual([]);
    expect(await schemaShape(hub.ds)).toEqual(reference.shape);
    expect(await rowCounts(hub.ds)).toEqual(reference.counts);
  }, 120_000);

  it('rows that break a foreign key while it is away are reported; the key comes back NOT VALID and guards new rows', async () => {
    const hub = await hubs.fresh();
    const load = await beginFirstLoad(hub);
    expect(load).not.toBeNull();
    // nothing enforces the key while it is away: a role naming an enterprise and a person the store does not have
    await hub.ds
      .query(`INSERT INTO enterprise_person_role (credit_code, person_key, role, department, source, source_record_id, fetched_at, raw, content_hash)
      VALUES ('91420100MA4K0XXX0X', 'nobody', 'PRINCIPAL', 'HOUSING', 'housing', 'orphan-1', now(), '{}', 'h')`);
    lines.length = 0;
    await load!.finish();
    expect(await pending(hub.ds)).toEqual([]);
    const shape = await schemaShape(hub.ds);
    expect(shape.indexes).toEqual(reference.shape.indexes);
    expect(shape.constraints).toContain(
      'enterprise_person_role.enterprise_person_role_credit_code_fkey: FOREIGN KEY (credit_code) REFERENCES enterprise(credit_code) NOT VALID',
    );
    expect(lines.some((l) => l.includes('loaded rows break a foreign key') && l.includes('enterprise_person_role_credit_code_fkey'))).toBe(
      true,
    );
    await expect(
      hub.ds
        .query(`INSERT INTO enterprise_person_role (credit_code, person_key, role, department, source, source_record_id, fetched_at, raw, content_hash)
      VALUES ('91420100MA4K0XXX0X', 'nobody', 'PRINCIPAL', 'HOUSING', 'housing', 'orphan-2', now(), '{}', 'h')`),
    ).rejects.toThrow(/foreign key/);
  });

  it('a store that holds records already keeps its indexes and keys; a second process does not start a load while one runs', async () => {
    const hub = await hubs.fresh();
    const load = await beginFirstLoad(hub);
    expect(load).not.toBeNull();
    expect(await beginFirstLoad(hub)).toBeNull(); // the lock is held
    await load!.finish();

    // the registry alone (a lone connector's run never defers): its roles are records of a deferred table
    const market = await syncConnector(hub, running.connectors.get('market')!, { batchSize: BATCH });
    expect(market.status).toBe('SUCCEEDED');
    expect((await rowCounts(hub.ds)).enterprise_person_role).toBeGreaterThan(0);
    expect(await beginFirstLoad(hub)).toBeNull();
    expect(await pending(hub.ds)).toEqual([]);
    expect(await schemaShape(hub.ds)).toEqual(reference.shape);
  });
});
