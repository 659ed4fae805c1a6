/**
 * /metrics over HTTP on a running hub: admin only, request and GraphQL operation latency, each source's
 * call latency and breaker state (a real market simulator behind a resilient connector), sync figures
 * read from the store, the database pool.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import source from '../connectors/market/index.js';
import { ResilientConnector, resilienceOptionsSchema } from '../connectors/resilience.js';
import type { RunningSimulator } from '../connectors/types.js';
import { loadConfig } from '../src/config.js';
import { worldParams, worldSlice } from '../src/generator/generate.js';
import { PiiVault } from '../src/security/pii.js';
import { createHubServer, type HubServer } from '../src/server/app.js';
import { MAX_OPERATION_LABELS, routeOf } from '../src/server/observability.js';
import { openStore } from '../src/store/data-source.js';
import { syncAll } from '../src/sync/engine.js';
import { TEST_JWT_SECRET, bearer, mintToken } from './support/auth.js';
import { createTestDatabase } from './support/db.js';
import { gql } from './support/graphql-client.js';

describe('metrics', () => {
  let hubDb: Awaited<ReturnType<typeof createTestDatabase>>;
  let depDb: Awaited<ReturnType<typeof createTestDatabase>>;
  let ds: DataSource;
  let sim: RunningSimulator;
  let server: HubServer;
  let url: string;
  let connector: ResilientConnector;
  const log = pino({ level: 'silent' });

  beforeAll(async () => {
    hubDb = await createTestDatabase('obs');
    depDb = await createTestDatabase('obsdep');
    const env = { departmentsDatabaseUrl: depDb.url, dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'obs-')), port: 0, host: '127.0.0.1' };
    const items = worldSlice(worldParams({ enterprises: 30, seed: 3 }), 0, 30, (d) => d === 'MARKET');
    await source.simulator.reset(env);
    await source.simulator.seed(
      env,
      (async function* () {
        yield items;
      })(),
    );
    sim = await source.simulator.start(env);
    connector = new ResilientConnector(
      source.createConnector({ timeoutMs: 1000, ...sim.connectorOptions }, { log }),
      resilienceOptionsSchema.parse({ maxAttempts: 1, breakerThreshold: 2 }),
      1000,
    );
    ds = await openStore(hubDb.url);
    const vault = new PiiVault(Buffer.alloc(32, 1));
    await syncAll({ ds, vault, log }, [connector]);
    const config = loadConfig({ NODE_ENV: 'test', HUB_DATA_DIR: env.dataDir, HUB_JWT_SECRET: TEST_JWT_SECRET, HUB_RATE_LIMIT_POINTS: '0' });
    server = await createHubServer({ ds, config, vault, connectors: new Map([['market', connector]]), log });
    url = await server.listen(0, '127.0.0.1');
  });
  afterAll(async () => {
    await server?.close();
    await sim?.close();
    await ds?.destroy();
    await hubDb?.drop();
    await depDb?.drop();
  });

  const scrape = async (token: string) => fetch(`${url}/metrics`, { headers: bearer(token) });

  it('is refused without a token and to roles other than admin', async () => {
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    expect((await scrape(await mintToken(['analyst']))).status).toBe(403);
  });

  it('reports requests, operations, source calls, breaker state, sync figures and the pool', async () => {
    const admin = await mintToken(['admin']);
    await gql(url, 'query SourcesPage { sources { id } }', {}, bearer(admin));
    const code = (await ds.query('SELECT credit_code FROM enterprise LIMIT 1'))[0].credit_code as string;
    await gql(
      url,
      'query Live($c: ID!) { enterprise(creditCode: $c, freshness: LIVE) { name market { mode } } }',
      { c: code },
      bearer(admin),
    );
    await sim.setFaults({ mode: 'error' });
    for (let k = 0; k < 2; k++) await connector.fetchByKeys([code]).catch(() => undefined);
    await sim.setFaults({ mode: 'none' });

    const res = await scrape(admin);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/hub_http_request_duration_seconds_count\{route="\/graphql",method="POST",status="200"\} [1-9]/);
    expect(text).toMatch(/hub_graphql_operation_duration_seconds_count\{operation="SourcesPage",type="query",outcome="ok"\} 1/);
    expect(text).toMatch(/hub_source_call_duration_seconds_count\{source="market",call="fetchByKeys",outcome="ok"\} 1/);
    expect(text).toMatch(/hub_source_call_duration_seconds_count\{source="market",call="fetchByKeys",outcome="UNAVAILABLE"\} 2/);
    expect(text).toContain('hub_source_breaker_state{source="market"} 1');
    expect(text).toMatch(/hub_sync_last_run_records\{connector="market",outcome="read"\} \d+/);
    expect(text).toContain('hub_sync_scrape_ok 1');
    expect(text).toMatch(/hub_db_pool_connections\{state="total"\} \d+/);
    expect(text).toContain('hub_process_resident_memory_bytes');
  });

  it('bounds the operation-name label: long names and names past the first MAX_OPERATION_LABELS count as "other"', async () => {
    const admin = await mintToken(['admin']);
    const before = await (await scrape(admin)).text();
    const names = (text: string) =>
      new Set([...text.matchAll(/hub_graphql_operation_duration_seconds_count\{operation="([^"]*)"/g)].map((m) => m[1]!));
    const already = [...names(before)].filter((n) => n !== 'anonymous' && n !== 'other').length;
    // a client inventing a new name for every request
    for (let i = 0; i < MAX_OPERATION_LABELS + 20; i++) await gql(url, `query Invented${i} { ping }`, {}, bearer(admin));
    const long = `Q${'x'.repeat(64)}`;
    await gql(url, `query ${long} { ping }`, {}, bearer(admin));
    const text = await (await scrape(admin)).text();
    const seen = names(text);
    // every label but "anonymous" and "other" is one of the first MAX_OPERATION_LABELS names
    expect([...seen].filter((n) => n !== 'anonymous' && n !== 'other').length).toBe(MAX_OPERATION_LABELS);
    expect(seen.has('other')).toBe(true);
    expect(seen.has(long)).toBe(false);
    expect(seen.has(`Invented${MAX_OPERATION_LABELS + 19}`)).toBe(false);
    expect(already).toBeGreaterThan(0);
    // the names seen first keep their own series
    expect(text).toMatch(/hub_graphql_operation_duration_seconds_count\{operation="SourcesPage",type="query",outcome="ok"\} 1/);
    // "other" counts all the rest: the invented names past the bound (names seen before took some places) and the long one
    expect(text).toMatch(
      new RegExp(`hub_graphql_operation_duration_seconds_count\\{operation="other",type="query",outcome="ok"\\} ${20 + already + 1}\n`),
    );
  });

  it('labels routes without ids', () => {
    expect(routeOf('/checks/3f2c0d')).toBe('/checks/:id');
    expect(routeOf('/api/v1/joint-punishment-checks')).toBe('/api/v1/joint-punishment-checks');
    expect(routeOf('/wp-admin')).toBe('other');
  });
});
