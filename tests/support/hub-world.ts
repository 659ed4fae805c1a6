/**
 * A whole hub on one machine, for integration tests and the bench: a generated world written into the
 * simulated department systems of every registered department (their own database), the simulators started, connectors built
 * from `connectorOptions`, a full sync into a fresh hub store, and the hub served on loopback.
 * Independent of vitest (the bench uses it too); tests/support/hub-fixture.ts wraps it for tests.
 */
import fs from 'node:fs';
import pino, { type Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { loadSources, readSourceConfigs } from '../../connectors/registry.js';
import { startSources } from '../../connectors/runtime.js';
import type { Connector, DepartmentSource, RunningSimulator, SimulatorEnv } from '../../connectors/types.js';
import { generateInto } from '../../src/generator/generate.js';
import { loadConfig } from '../../src/config.js';
import { riskBatchHook } from '../../src/risk/service.js';
import { PiiVault } from '../../src/security/pii.js';
import { createHubServer, type HubServer } from '../../src/server/app.js';
import { openStore } from '../../src/store/data-source.js';
import { syncAll } from '../../src/sync/engine.js';
import type { Role } from '../../src/security/roles.js';
import { TEST_JWT_SECRET, mintToken } from './auth.js';
import { registerToken } from './graphql-client.js';

export interface HubWorldOptions {
  hubUrl: string;
  departmentsUrl: string;
  dataDir: string;
  enterprises: number;
  seed: number;
  /** connector and live-read timeout per source (default 5000 ms) */
  timeoutMs?: number;
  logLevel?: string;
  /** merged into every source's options (e.g. resilience settings) */
  sourceOptions?: Record<string, unknown>;
  /** where logs go (default: stderr at logLevel) */
  log?: Logger;
  maxPageSize?: number;
  /** only these sources (ids from connectors.json; default: every configured source) */
  only?: readonly string[];
}

export interface HubWorld {
  url: string;
  ds: DataSource;
  vault: PiiVault;
  sources: Map<string, DepartmentSource>;
  simulators: Map<string, RunningSimulator>;
  connectors: Map<string, Connector>;
  /** what generateInto returned (scenario index of planted cases) */
  generated: Awaited<ReturnType<typeof generateInto>>;
  server: HubServer;
  /** an admin bearer token (the default of gql() for this hub) */
  adminToken: string;
  /** a bearer token for other roles (HS256, signed with the test hub's secret) */
  token(roles: Role[], o?: { department?: string | null; subject?: string; ttl?: string }): Promise<string>;
  /** enterprises holding records from at least five departments in the store, by credit code */
  enterprisesInAllDepartments(limit: number): Promise<string[]>;
  close(): Promise<void>;
}

export async function startHubWorld(o: HubWorldOptions): Promise<HubWorld> {
  const timeoutMs = o.timeoutMs ?? 5000;
  const log = o.log ?? pino({ level: o.logLevel ?? 'warn' }, pino.destination(2));
  fs.mkdirSync(o.dataDir, { recursive: true });
  const env: SimulatorEnv = { departmentsDatabaseUrl: o.departmentsUrl, dataDir: o.dataDir, port: 0, host: '127.0.0.1' };
  const loaded = await loadSources(o.only ? readSourceConfigs().filter((c) => o.only!.includes(c.id)) : undefined);
  const sources = new Map(loaded.map((l) => [l.source.id, l.source]));
  const generated = await generateInto(
    env,
    { enterprises: o.enterprises, seed: o.seed },
    loaded.map((l) => l.source),
  );

  const closers: (() => Promise<unknown>)[] = [];
  let ds: DataSource | null = null;
  try {
    const running = await startSources({ simulators: true, env, log, loaded, timeoutMs, extraOptions: o.sourceOptions });
    closers.push(() => running.close());
    const { simulators, connectors, settings } = running;
    ds = await openStore(o.hubUrl);
    const vault = new PiiVault(Buffer.alloc(32, 42));
    await syncAll({ ds, vault, log }, [...connectors.values()], { onBatchCommitted: riskBatchHook(ds, log) });
    const config = loadConfig({
      NODE_ENV: 'test',
      HUB_DATA_DIR: o.dataDir,
      HUB_MAX_PAGE_SIZE: String(o.maxPageSize ?? 500),
      LOG_LEVEL: o.logLevel ?? 'warn',
      HUB_JWT_SECRET: TEST_JWT_SECRET,
      HUB_RATE_LIMIT_POINTS: '0',
    });
    const server = await createHubServer({ ds, config, vault, connectors, log, sourceSettings: settings });
    const url = await server.listen(0, '127.0.0.1');
    const adminToken = await mintToken(['admin'], { subject: 'test-admin', ttl: '12h' });
    registerToken(url, adminToken);
    const store = ds;
    return {
      url,
      ds: store,
      vault,
      sources,
      simulators,
      connectors,
      generated,
      server,
      adminToken,
      token: (roles, t = {}) => mintToken(roles, { ttl: '12h', ...t }),
      enterprisesInAllDepartments: (limit) => enterprisesInAllDepartments(store, limit),
      async close() {
        await server.close().catch(() => undefined);
        for (const c of closers.reverse()) await c().catch(() => undefined);
        await store.destroy().catch(() => undefined);
      },
    };
  } catch (err) {
    for (const c of closers.reverse()) await c().catch(() => undefined);
    await ds?.destroy().catch(() => undefined);
    throw err;
  }
}

/** Enterprises with stored records from at least five departments (the generator plants one in each of the core world's five; natural resources holds data on mines only); registration counts for market. */
export async function enterprisesInAllDepartments(ds: DataSource, limit: number): Promise<string[]> {
  const rows: { credit_code: string }[] = await ds.query(
    `WITH d AS (
       SELECT credit_code, department FROM enterprise
       UNION SELECT credit_code, department FROM penalty
       UNION SELECT credit_code, department FROM credential WHERE credit_code IS NOT NULL
       UNION SELECT credit_code, department FROM hidden_danger
       UNION SELECT credit_code, department FROM inspection
       UNION SELECT credit_code, department FROM vehicle
       UNION SELECT credit_code, department FROM list_entry WHERE credit_code IS NOT NULL
       UNION SELECT contractor_credit_code, department FROM contract)
     SELECT credit_code FROM d GROUP BY credit_code HAVING count(DISTINCT department) >= 5 ORDER BY credit_code LIMIT $1`,
    [limit],
  );
  return rows.map((r) => r.credit_code);
}
