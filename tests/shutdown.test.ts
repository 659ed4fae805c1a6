/**
 * Graceful shutdown of the real hub process (`src/main.ts`, as `npm start` runs it): on SIGTERM it stops
 * accepting connections at once, lets the request in flight finish with its answer, stops the scheduled
 * sync after the batch being stored (the run recorded ABORTED, nothing half-written), closes its pools
 * and exits 0. The department simulators run in this test process (HUB_SIMULATORS=false) so the test can
 * slow sources down: that keeps a sync (transport) and a live read (market) in flight when the signal comes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSources, readSourceConfigs } from '../connectors/registry.js';
import type { RunningSimulator, SimulatorEnv } from '../connectors/types.js';
import { generateInto } from '../src/generator/generate.js';
import { openStore } from '../src/store/data-source.js';
import { TEST_JWT_SECRET, mintToken } from './support/auth.js';
import { createTestDatabase } from './support/db.js';
import { gql, type GraphQLResponse } from './support/graphql-client.js';
import { eventually, spawnHub, writeConnectorsConfig, type HubProcess } from './support/hub-process.js';
import { accounted, contradictions, readSourceTruth, reconcile, type SourceTruth } from './support/reconcile.js';

// (seed 9090 at 120 enterprises trips the generator: 'no enterprise found for a contract near index 66')
const WORLD = { enterprises: 160, seed: 8080, today: '2026-11-23' };
/** how long a slowed source takes to answer */
const SLOW_MS = 2000;

/** GET /healthz on a fresh connection (no keep-alive reuse): resolves with the status or the socket error's code. */
function freshGet(url: string): Promise<number | string> {
  return new Promise((resolve) => {
    const req = http.get(`${url}/healthz`, { agent: false, timeout: 5000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    req.on('timeout', () => req.destroy(new Error('timeout')));
  });
}

describe('graceful shutdown of the hub process', () => {
  let hubDb: Awaited<ReturnType<typeof createTestDatabase>>;
  let depDb: Awaited<ReturnType<typeof createTestDatabase>>;
  let dataDir: string;
  let ds: DataSource;
  const sims = new Map<string, RunningSimulator>();
  let expected: SourceTruth;
  let hub: HubProcess | undefined;

  beforeAll(async () => {
    hubDb = await createTestDatabase('stophub');
    depDb = await createTestDatabase('stopdep');
    dataDir = mkdtempSync(path.join(tmpdir(), 'shutdown-'));
    const env: SimulatorEnv = { departmentsDatabaseUrl: depDb.url, dataDir, port: 0, host: '127.0.0.1' };
    const loaded = await loadSources(readSourceConfigs().filter((c) => ['market', 'transport'].includes(c.id)));
    await generateInto(
      env,
      WORLD,
      loaded.map((l) => l.source),
    );
    for (const { source } of loaded) sims.set(source.id, await source.simulator.start(env));
    // the hub syncs market (the registry) before transport
    expected = (await readSourceTruth(depDb.url, ['transport'], ['market'])).get('transport')!;
    ds = await openStore(hubDb.url);
  }, 120_000);
  afterAll(async () => {
    hub?.child.kill('SIGKILL');
    for (const s of sims.values()) await s.close().catch(() => undefined);
    await ds?.destroy().catch(() => undefined);
    await hubDb?.drop().catch(() => undefined);
    await depDb?.drop().catch(() => undefined);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('SIGTERM: refuses new connections, finishes the request in flight, aborts the sync after a committed batch, exits 0', async () => {
    const transport = sims.get('transport')!;
    await sims.get('market')!.setFaults({ mode: 'none' });
    await transport.setFaults({ mode: 'slow', delayMs: SLOW_MS });
    hub = spawnHub('src/main.ts', [], {
      // not 'test': Apollo would behave differently on signals in a test environment
      NODE_ENV: 'development',
      DATABASE_URL: hubDb.url,
      DEPARTMENTS_DATABASE_URL: depDb.url,
      HUB_DATA_DIR: dataDir,
      HUB_SIMULATORS: 'false',
      PORT: '0',
      HOST: '127.0.0.1',
      HUB_SYNC_INTERVAL_MINUTES: '0',
      HUB_JWT_SECRET: TEST_JWT_SECRET,
      HUB_RATE_LIMIT_POINTS: '0',
      HUB_PII_KEY: Buffer.alloc(32, 5).toString('base64'),
      LOG_LEVEL: 'info',
      HUB_SYNC_BATCH_RECORDS: '10',
      CONNECTORS_CONFIG: writeConnectorsConfig(dataDir, {
        market: sims.get('market')!.connectorOptions,
        // small pages: the slow transport sync is still running when the signal comes
        transport: { ...transport.connectorOptions, pageSize: 10, timeoutMs: SLOW_MS * 3 },
      }),
    });
    const [, url] = await hub.waitFor(/"url":"(http:\/\/127\.0\.0\.1:\d+)\/graphql"/);
    const base = url!;
    const token = await mintToken(['admin'], { subject: 'shutdown-test' });

    // the start-up sync is storing transport batches
    const syncing = await eventually(
      async () => {
        const [run] = (await ds.query(`SELECT id, records_read FROM sync_run WHERE connector = 'transport' AND status = 'RUNNING'`)) as {
          id: number;
          records_read: number;
        }[];
        return run && run.records_read > 0 ? run : null;
      },
      60_000,
      'a transport sync run with committed batches',
    );
    const [{ credit_code: code }] = (await ds.query(`SELECT credit_code FROM enterprise ORDER BY credit_code LIMIT 1`)) as [
      { credit_code: string },
    ];

    // a request in flight: a live read of the market system, slowed down now that its sync is done (the
    // source seeing a call proves the hub has the request: one merely connecting would not be in flight yet)
    const market = sims.get('market')!;
    await market.setFaults({ mode: 'slow', delayMs: SLOW_MS });
    const callsBefore = market.callCount();
    const inFlight: Promise<GraphQLResponse & { at: number }> = gql(
      base,
      `query($c: ID!) { enterprise(creditCode: $c, freshness: LIVE) { creditCode market { mode stale penalties(first: 5) { totalCount } } } }`,
      { c: code },
      { authorization: `Bearer ${token}` },
    ).then(
      (r) => ({ ...r, at: Date.now() }),
      (err: Error) => ({ status: -1, data: null, errors: [{ message: `${err.message}: ${String(err.cause)}` }], ms: 0, at: Date.now() }),
    );
    await eventually(async () => market.callCount() > callsBefore, 30_000, 'the live read reaching the source');

    hub.child.kill('SIGTERM');
    await hub.waitFor(/shutting down/, 30_000);
    // no new connections (a fresh socket, not a kept-alive one) while the old request is still being answered
    const refused = await eventually(
      async () => {
        const r = await freshGet(base);
        return r === 'ECONNREFUSED' ? { at: Date.now() } : null;
      },
      30_000,
      'new connections refused',
    );
    const answered = await inFlight;
    expect(answered.status, `${JSON.stringify(answered.errors)}\n${hub.output().slice(-3000)}`).toBe(200);
    expect(answered.errors).toBeUndefined();
    expect(answered.data).toMatchObject({ enterprise: { creditCode: code, market: { mode: 'LIVE', stale: false } } });
    expect(refused.at).toBeLessThanOrEqual(answered.at);

    expect(await hub.exited, hub.output().slice(-3000)).toBe(0);
    // logged only after the sources and the database pool have closed (a stuck close would exit 1 instead)
    expect(hub.output()).toMatch(/shutdown complete/);

    // the sync stopped cleanly: recorded ABORTED, watermark of its last committed batch, nothing half-stored
    const [run] = (await ds.query(`SELECT status, records_read, watermark_to, error FROM sync_run WHERE id = $1`, [syncing.id])) as {
      status: string;
      records_read: number;
      watermark_to: string;
      error: string;
    }[];
    expect(run).toMatchObject({ status: 'ABORTED' });
    expect(run!.error).toMatch(/resumes/);
    const [{ n: running }] = (await ds.query(`SELECT count(*)::int AS n FROM sync_run WHERE status = 'RUNNING'`)) as [{ n: number }];
    expect(running).toBe(0);
    const [{ watermark }] = (await ds.query(`SELECT watermark FROM sync_watermark WHERE connector = 'transport'`)) as [
      { watermark: string },
    ];
    expect(watermark).toBe(run!.watermark_to);
    const partial = await reconcile(ds, 'transport', expected);
    expect(accounted(partial)).toBe(run!.records_read);
    expect(Object.values(partial).flatMap((k) => k.extra)).toEqual([]);
    expect(contradictions(partial)).toEqual([]);
  }, 150_000);
});
