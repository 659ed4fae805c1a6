/**
 * `npm run sync` killed with SIGKILL in the middle of a batch, then run again: the killed run's open
 * transaction is rolled back by PostgreSQL, its row stays RUNNING until the next run (holding the
 * connector's advisory lock) marks it ABORTED; the next run resumes from the last committed watermark
 * and the store reconciles exactly with the source. Real child processes, real simulator, real databases.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSources, readSourceConfigs } from '../connectors/registry.js';
import type { SimulatorEnv } from '../connectors/types.js';
import { generateInto } from '../src/generator/generate.js';
import { openStore } from '../src/store/data-source.js';
import { createTestDatabase } from './support/db.js';
import { eventually, spawnHub, writeConnectorsConfig } from './support/hub-process.js';
import {
  accounted as accountedFor,
  balanced,
  contradictions,
  perfect,
  readSourceTruth,
  reconcile,
  type SourceTruth,
} from './support/reconcile.js';

const WORLD = { enterprises: 300, seed: 4242, today: '2026-11-23' };
// small pages: many batches, so the kill lands in the middle of the run
const PAGE = 8;

interface RunRow {
  id: number;
  status: string;
  records_read: number;
  watermark_from: string | null;
  watermark_to: string | null;
  error: string | null;
}

describe('a sync process killed with SIGKILL mid-batch and restarted', () => {
  let hubDb: Awaited<ReturnType<typeof createTestDatabase>>;
  let depDb: Awaited<ReturnType<typeof createTestDatabase>>;
  let dataDir: string;
  let ds: DataSource;
  let expected: SourceTruth;
  let env: Record<string, string>;
  const total = () => [...expected.ids.values()].reduce((n, ids) => n + ids.length, 0);
  const runs = async () =>
    (await ds.query(`SELECT id, status, records_read, watermark_from, watermark_to, error FROM sync_run ORDER BY id`)) as RunRow[];

  beforeAll(async () => {
    hubDb = await createTestDatabase('killhub');
    depDb = await createTestDatabase('killdep');
    dataDir = mkdtempSync(path.join(tmpdir(), 'faults-kill-'));
    const simEnv: SimulatorEnv = { departmentsDatabaseUrl: depDb.url, dataDir, port: 0, host: '127.0.0.1' };
    const loaded = await loadSources(readSourceConfigs().filter((c) => c.id === 'market'));
    await generateInto(
      simEnv,
      WORLD,
      loaded.map((l) => l.source),
    );
    expected = (await readSourceTruth(depDb.url, ['market'])).get('market')!;
    ds = await openStore(hubDb.url);
    env = {
      DATABASE_URL: hubDb.url,
      DEPARTMENTS_DATABASE_URL: depDb.url,
      HUB_DATA_DIR: dataDir,
      HUB_SIMULATORS: 'true',
      HUB_PII_KEY: Buffer.alloc(32, 7).toString('base64'),
      LOG_LEVEL: 'info',
      HUB_SYNC_BATCH_RECORDS: String(PAGE),
      CONNECTORS_CONFIG: writeConnectorsConfig(dataDir, { market: { pageSize: PAGE } }),
    };
  }, 120_000);
  afterAll(async () => {
    await ds?.destroy().catch(() => undefined);
    await hubDb?.drop().catch(() => undefined);
    await depDb?.drop().catch(() => undefined);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('leaves a consistent store; the restarted sync marks the dead run ABORTED, resumes from the watermark and reconciles exactly', async () => {
    const first = spawnHub('src/cli/sync.ts', ['market'], env);
    let killedAt: RunRow;
    try {
      // progress committed, and a batch transaction open right now on the hub database
      const watcher = new pg.Client({ connectionString: hubDb.url });
      await watcher.connect();
      try {
        killedAt = await eventually(
          async () => {
            const [run] = (await ds.query(
              `SELECT id, status, records_read, watermark_from, watermark_to, error FROM sync_run WHERE status = 'RUNNING'`,
            )) as RunRow[];
            if (!run || run.records_read < PAGE * 3) return null;
            const { rows } = await watcher.query<{ n: number }>(
              `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
               AND application_name = 'safety-hub' AND xact_start IS NOT NULL AND state <> 'idle'`,
            );
            return rows[0]!.n > 0 ? run : null;
          },
          60_000,
          'a running sync with committed batches and an open batch transaction',
        );
      } finally {
        await watcher.end();
      }
      first.child.kill('SIGKILL');
      expect(await first.exited).toBe('SIGKILL');
    } finally {
      first.child.kill('SIGKILL');
    }

    // what the dead process left: a RUNNING row, committed batches only, the watermark of the last one
    const [dead] = await runs();
    expect(dead).toMatchObject({ id: killedAt.id, status: 'RUNNING' });
    expect(dead!.records_read).toBeGreaterThanOrEqual(killedAt.records_read);
    expect(dead!.records_read).toBeLessThan(total());
    const [{ watermark }] = (await ds.query(`SELECT watermark FROM sync_watermark WHERE connector = 'market'`)) as [{ watermark: string }];
    expect(watermark).toBe(dead!.watermark_to);
    // the rows stored are exactly the records of the committed batches (the open batch rolled back)
    const partial = await reconcile(ds, 'market', expected);
    expect(accountedFor(partial)).toBe(dead!.records_read);
    expect(Object.values(partial).flatMap((k) => k.extra)).toEqual([]);
    expect(contradictions(partial)).toEqual([]);

    // the session holding the advisory lock died with the process; the restarted sync gets the lock
    // (larger pages now: the keyset watermark does not depend on the page size)
    const second = spawnHub('src/cli/sync.ts', ['market'], {
      ...env,
      CONNECTORS_CONFIG: writeConnectorsConfig(dataDir, { market: { pageSize: 200 } }),
    });
    const code = await second.exited;
    expect(code, second.output().slice(-3000)).toBe(0);
    expect(second.output()).toMatch(/market\s+SUCCEEDED/);

    const [aborted, resumed, ...more] = await runs();
    expect(more).toEqual([]);
    expect(aborted).toMatchObject({ id: killedAt.id, status: 'ABORTED' });
    expect(aborted!.error).toMatch(/stopped before it finished/);
    expect(resumed).toMatchObject({ status: 'SUCCEEDED', watermark_from: dead!.watermark_to });
    // every source record read exactly once over the two processes
    expect(aborted!.records_read + resumed!.records_read).toBe(total());
    const r = await reconcile(ds, 'market', expected);
    expect(balanced(r)).toEqual(perfect(r));
  }, 150_000);
});
