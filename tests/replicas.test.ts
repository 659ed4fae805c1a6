/**
 * Several hub replicas over one database: two servers (each with its own pool, connectors and
 * per-request loaders, as two processes would have) answer the same queries identically, a check
 * recorded through one is read back through the other, and two schedulers started together never sync
 * one connector at once (the PostgreSQL advisory lock: the second one's run is SKIPPED). With REDIS_URL
 * the replicas share one rate limit per client (a real redis-server, when the machine has one).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSources, readSourceConfigs } from '../connectors/registry.js';
import { startSources, type RunningSources } from '../connectors/runtime.js';
import { loadConfig } from '../src/config.js';
import { PiiVault } from '../src/security/pii.js';
import { createHubServer, type HubServer } from '../src/server/app.js';
import { openStore } from '../src/store/data-source.js';
import { startScheduler } from '../src/sync/scheduler.js';
import { syncConnector } from '../src/sync/engine.js';
import { TEST_JWT_SECRET, mintToken } from './support/auth.js';
import { createTestDatabase } from './support/db.js';
import { gql, registerToken } from './support/graphql-client.js';
import { eventually } from './support/hub-process.js';
import { startHubWorld, type HubWorld } from './support/hub-world.js';
import { balanced, perfect, readSourceTruth, reconcile } from './support/reconcile.js';
import { createTestUser } from './support/session.js';

const WORLD = { enterprises: 160, seed: 8080 };
const ONLY = ['market', 'transport'];

const PROFILE = `query($c: ID!) { enterprise(creditCode: $c) { creditCode name status divisionCode industryCode legalRepresentative
  persons(first: 10) { totalCount nodes { role person { name idNumber } } }
  market { asOf penalties(first: 10) { totalCount nodes { decisionNumber decisionDate amount } } listEntries(first: 10) { totalCount nodes { list startDate inForce } } }
  transport { asOf credentials(first: 10) { totalCount nodes { kind number } } vehicles(first: 10) { totalCount nodes { plateNumber vehicleKind } }
              violations(first: 10) { totalCount nodes { plateNumber violationKind occurredAt } } } } }`;
const FILTER = `query($after: String) { enterprises(first: 25, after: $after, where: { status: { _eq: ACTIVE } }) {
  nodes { creditCode name risk { score tier } } pageInfo { hasNextPage endCursor } } }`;
const BY_NAME = `query($n: String!) { enterpriseByName(name: $n) { enterprise { creditCode name } } }`;

describe('several hub replicas over one database', () => {
  let hubDb: Awaited<ReturnType<typeof createTestDatabase>>;
  let depDb: Awaited<ReturnType<typeof createTestDatabase>>;
  let dataDir: string;
  let a: HubWorld;
  let b: { ds: DataSource; server: HubServer; url: string; running: RunningSources };
  let codes: string[];
  const logLinesB: string[] = [];
  const logB = pino({ level: 'info' }, { write: (s: string) => void logLinesB.push(s) });

  beforeAll(async () => {
    hubDb = await createTestDatabase('replhub');
    depDb = await createTestDatabase('repldep');
    dataDir = mkdtempSync(path.join(tmpdir(), 'replicas-'));
    a = await startHubWorld({
      hubUrl: hubDb.url,
      departmentsUrl: depDb.url,
      dataDir,
      ...WORLD,
      only: ONLY,
      timeoutMs: 3000,
      log: pino({ level: 'silent' }),
    });
    // replica B: its own pool, its own connectors (to the same department systems), its own server
    const loaded = (await loadSources(readSourceConfigs().filter((c) => ONLY.includes(c.id)))).map((l) => ({
      ...l,
      config: { ...l.config, options: { ...l.config.options, ...a.simulators.get(l.source.id)!.connectorOptions } },
    }));
    const running = await startSources({
      simulators: false,
      env: { departmentsDatabaseUrl: depDb.url, dataDir, port: 0, host: '127.0.0.1' },
      log: logB,
      loaded,
      timeoutMs: 3000,
    });
    const ds = await openStore(hubDb.url);
    const config = loadConfig({
      NODE_ENV: 'test',
      HUB_DATA_DIR: dataDir,
      HUB_MAX_PAGE_SIZE: '500',
      LOG_LEVEL: 'warn',
      HUB_JWT_SECRET: TEST_JWT_SECRET,
      HUB_RATE_LIMIT_POINTS: '0',
    });
    const server = await createHubServer({
      ds,
      config,
      vault: a.vault,
      connectors: running.connectors,
      log: logB,
      sourceSettings: running.settings,
    });
    const url = await server.listen(0, '127.0.0.1');
    registerToken(url, a.adminToken);
    b = { ds, server, url, running };
    codes = ((await a.ds.query(`SELECT credit_code FROM enterprise ORDER BY credit_code LIMIT 12`)) as { credit_code: string }[]).map(
      (r) => r.credit_code,
    );
  }, 180_000);
  afterAll(async () => {
    await b?.server.close().catch(() => undefined);
    await b?.running.close().catch(() => undefined);
    await b?.ds.destroy().catch(() => undefined);
    await a?.close();
    await hubDb?.drop().catch(() => undefined);
    await depDb?.drop().catch(() => undefined);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('serve the same answers: profiles, filtered pages to the end, name lookups', async () => {
    const both = async (query: string, variables: Record<string, unknown>) => {
      const [ra, rb] = await Promise.all([gql(a.url, query, variables), gql(b.url, query, variables)]);
      expect(ra.errors).toBeUndefined();
      expect(rb.errors).toBeUndefined();
      expect(rb.data).toEqual(ra.data);
      return ra.data;
    };
    for (const c of codes) expect((await both(PROFILE, { c }))?.enterprise?.creditCode).toBe(c);
    let after: string | null = null;
    let pages = 0;
    do {
      const page = (await both(FILTER, { after })) as {
        enterprises: { nodes: unknown[]; pageInfo: { hasNextPage: boolean; endCursor: string } };
      };
      expect(page.enterprises.nodes.length).toBeGreaterThan(0);
      after = page.enterprises.pageInfo.hasNextPage ? page.enterprises.pageInfo.endCursor : null;
      pages++;
    } while (after && pages < 20);
    expect(pages).toBeGreaterThan(1);
    const [{ name }] = (await a.ds.query(`SELECT name FROM enterprise WHERE credit_code = $1`, [codes[0]])) as [{ name: string }];
    expect(
      ((await both(BY_NAME, { n: name })) as { enterpriseByName: { enterprise: { creditCode: string } }[] }).enterpriseByName[0]?.enterprise
        .creditCode,
    ).toBe(codes[0]);
  });

  it('a check recorded through one replica is read back through the other', async () => {
    const run = await gql(
      a.url,
      `mutation($c: ID!) { runJointPunishmentCheck(input: { creditCode: $c, matter: CONSTRUCTION_QUALIFICATION }) { checkId decision hits { list } } }`,
      { c: codes[1] },
    );
    expect(run.errors).toBeUndefined();
    const { checkId, decision } = run.data.runJointPunishmentCheck as { checkId: string; decision: string };
    const read = await gql(b.url, `query($id: ID!) { check(checkId: $id) { checkId decision enterprise { creditCode } } }`, {
      id: checkId,
    });
    expect(read.errors).toBeUndefined();
    expect(read.data).toEqual({ check: { checkId, decision, enterprise: { creditCode: codes[1] } } });
  });

  it('two schedulers started together never sync one connector at once: the second is SKIPPED', async () => {
    const transport = a.simulators.get('transport')!;
    // a full re-read of transport, slowed down, so replica A's run is surely still going when B starts
    await a.ds.query(`DELETE FROM sync_watermark WHERE connector = 'transport'`);
    await transport.setFaults({ mode: 'slow', delayMs: 150 });
    const deps = { vault: a.vault, log: pino({ level: 'silent' }) };
    const schedA = startScheduler({ ...deps, ds: a.ds }, [a.connectors.get('transport')!], {
      intervalMinutes: 0,
      runNow: true,
      batchSize: 10,
    });
    let schedB: ReturnType<typeof startScheduler> | null = null;
    try {
      const runA = await eventually(
        async () => {
          const [r] = (await a.ds.query(
            `SELECT id FROM sync_run WHERE connector = 'transport' AND status = 'RUNNING' AND records_read > 0`,
          )) as { id: number }[];
          return r;
        },
        30_000,
        'replica A syncing transport',
      );
      logLinesB.length = 0;
      schedB = startScheduler({ ...deps, log: logB, ds: b.ds }, [b.running.connectors.get('transport')!], {
        intervalMinutes: 0,
        runNow: true,
        batchSize: 10,
      });
      await eventually(async () => logLinesB.some((l) => l.includes('sync skipped')), 30_000, 'replica B skipping');
      await schedB.stop();
      await schedA.stop();
      const runs = (await a.ds.query(
        `SELECT id, status, started_at, finished_at FROM sync_run WHERE connector = 'transport' ORDER BY id`,
      )) as { id: number; status: string; started_at: Date; finished_at: Date | null }[];
      // B recorded no run: the lock refused it before it began; A's run stopped cleanly on request
      expect(runs.filter((r) => r.id >= runA.id).map((r) => r.status)).toEqual(['ABORTED']);
      expect(logLinesB.find((l) => l.includes('sync skipped'))).toMatch(/"connector":"transport"/);
    } finally {
      await schedB?.stop();
      await schedA.stop();
      await transport.setFaults({ mode: 'none' });
    }
    // B alone now: it takes the lock, resumes from A's last committed batch, and the store reconciles exactly
    const resumed = await syncConnector({ ...deps, ds: b.ds }, b.running.connectors.get('transport')!, {});
    expect(resumed.status).toBe('SUCCEEDED');
    const runs = (await a.ds.query(`SELECT started_at, finished_at FROM sync_run WHERE connector = 'transport' ORDER BY started_at`)) as {
      started_at: Date;
      finished_at: Date;
    }[];
    for (let i = 1; i < runs.length; i++) expect(runs[i]!.started_at.getTime()).toBeGreaterThanOrEqual(runs[i - 1]!.finished_at.getTime());
    const r = await reconcile(a.ds, 'transport', (await readSourceTruth(depDb.url, ['transport'], ['market'])).get('transport')!);
    expect(balanced(r)).toEqual(perfect(r));
  }, 90_000);
});

const hasRedis = spawnSync('redis-server', ['--version']).status === 0;

describe.skipIf(!hasRedis)('replicas sharing rate limits through Redis (REDIS_URL)', () => {
  const POINTS = 6;
  let redis: ChildProcess;
  let redisUrl: string;
  let hubDb: Awaited<ReturnType<typeof createTestDatabase>>;
  let dataDir: string;
  const servers: { ds: DataSource; server: HubServer; url: string }[] = [];

  beforeAll(async () => {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    redisUrl = `redis://127.0.0.1:${port}`;
    const probe = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined); // refused until the server is up: polled below
    await eventually(
      async () => {
        await probe.connect().catch(() => undefined);
        return (await probe.ping().catch(() => null)) === 'PONG';
      },
      30_000,
      'redis-server answering',
    );
    probe.disconnect();
    hubDb = await createTestDatabase('redishub');
    dataDir = mkdtempSync(path.join(tmpdir(), 'replicas-redis-'));
    for (let i = 0; i < 2; i++) {
      const ds = await openStore(hubDb.url);
      const config = loadConfig({
        NODE_ENV: 'test',
        HUB_DATA_DIR: dataDir,
        LOG_LEVEL: 'warn',
        HUB_JWT_SECRET: TEST_JWT_SECRET,
        REDIS_URL: redisUrl,
        HUB_RATE_LIMIT_POINTS: String(POINTS),
        HUB_RATE_LIMIT_WINDOW_S: '600',
        HUB_RATE_LIMIT_BURST: '0',
      });
      const server = await createHubServer({
        ds,
        config,
        vault: new PiiVault(Buffer.alloc(32, 1)),
        connectors: new Map(),
        log: pino({ level: 'silent' }),
      });
      servers.push({ ds, server, url: await server.listen(0, '127.0.0.1') });
    }
  }, 60_000);
  afterAll(async () => {
    for (const s of servers) {
      await s.server.close().catch(() => undefined);
      await s.ds.destroy().catch(() => undefined);
    }
    redis?.kill('SIGTERM');
    await hubDb?.drop().catch(() => undefined);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('a client gets its allowance once across both replicas, not once per replica', async () => {
    const ping = async (url: string, token: string) => (await gql(url, '{ ping }', {}, { authorization: `Bearer ${token}` })).status;
    // each replica's Redis connection is up once a warm-up client's count shows in Redis
    const check = new Redis(redisUrl);
    try {
      for (const [i, s] of servers.entries()) {
        const warm = await mintToken(['analyst'], { subject: `warm-up-${i}` });
        await eventually(
          async () => {
            await ping(s.url, warm);
            return (await check.keys(`hub:rl:*warm-up-${i}*`)).length > 0;
          },
          30_000,
          `replica ${i} counting in Redis`,
        );
      }
    } finally {
      check.disconnect();
    }
    const token = await mintToken(['analyst'], { subject: 'shared-client' });
    const statuses: number[] = [];
    // alternate between the replicas, as a round-robin load balancer would
    for (let k = 0; k < POINTS * 2; k++) statuses.push(await ping(servers[k % 2]!.url, token));
    expect(statuses).toEqual([...Array<number>(POINTS).fill(200), ...Array<number>(POINTS).fill(429)]);
  });

  it('failed sign-ins of a username are counted across both replicas (HUB_LOGIN_MAX_FAILURES_PER_USER, 5 by default)', async () => {
    await createTestUser(servers[0]!.ds, 'officer', 'right-password-1');
    const login = async (url: string, username: string, password: string) =>
      (
        await fetch(`${url}/api/session`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username, password }),
        })
      ).status;
    const check = new Redis(redisUrl);
    try {
      for (const [i, s] of servers.entries()) {
        await eventually(
          async () => {
            await login(s.url, `warm-up-${i}`, 'x');
            return (await check.keys(`hub:login-user:warm-up-${i}`)).length > 0;
          },
          30_000,
          `replica ${i} counting sign-ins in Redis`,
        );
      }
    } finally {
      check.disconnect();
    }
    const statuses: number[] = [];
    for (let k = 0; k < 5; k++) statuses.push(await login(servers[k % 2]!.url, 'officer', `guess-${k}`));
    for (const s of servers) statuses.push(await login(s.url, 'officer', 'right-password-1'));
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
  });
});
