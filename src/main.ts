/**
 * `npm start`: with no configuration, a complete demo on one machine — embedded PostgreSQL,
 * migrations, demo data generated into the simulated department systems when they are empty,
 * demo console users (one per role), the simulators, the hub (console at http://localhost:4000/,
 * GraphQL at /graphql), and a first sync; then scheduled syncs. In production (NODE_ENV=production) it
 * refuses to start without token keys, issuer, audience and PII key.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadSources } from '../connectors/registry.js';
import { startSources } from '../connectors/runtime.js';
import type { SimulatorEnv } from '../connectors/types.js';
import { openHubDatabase } from './cli/db.js';
import { generateInto } from './generator/generate.js';
import { loadPiiKey, PiiVault } from './security/pii.js';
import { startRiskRefresher } from './risk/refresher.js';
import { riskBatchHook } from './risk/service.js';
import { loadConfig, assertProductionReady } from './config.js';
import { demoUsersFile, ensureDemoUsers } from './security/demo-users.js';
import { createHubServer } from './server/app.js';
import { isDemoMode } from './server/auth.js';
import { createLogger } from './server/log.js';
import { syncAll } from './sync/engine.js';
import { startScheduler } from './sync/scheduler.js';

// before anything is generated into the data folder (a PII key above all)
assertProductionReady(loadConfig());
const db = await openHubDatabase();
const { cfg, ds } = db;
const log = createLogger(cfg.LOG_LEVEL);
// a stray promise of one department's connector must not take the hub down: log it and keep serving
process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled promise rejection (kept serving)'));
const vault = new PiiVault(loadPiiKey(cfg.HUB_PII_KEY, cfg.dataDir));
const loaded = await loadSources();
const env: SimulatorEnv = { departmentsDatabaseUrl: db.departmentsUrl, dataDir: cfg.dataDir, port: 0, host: '127.0.0.1' };

if (cfg.HUB_SIMULATORS === 'true') {
  const marker = path.join(cfg.dataDir, 'demo-data.json');
  if (!fs.existsSync(marker)) {
    log.info({ enterprises: cfg.HUB_DEMO_ENTERPRISES, seed: cfg.HUB_DEMO_SEED }, 'generating demo data into the department systems');
    const t0 = Date.now();
    const result = await generateInto(
      env,
      { enterprises: cfg.HUB_DEMO_ENTERPRISES, seed: cfg.HUB_DEMO_SEED },
      loaded.map((l) => l.source),
    );
    fs.writeFileSync(
      marker,
      JSON.stringify(
        { enterprises: cfg.HUB_DEMO_ENTERPRISES, seed: cfg.HUB_DEMO_SEED, at: new Date().toISOString(), scenarios: result.scenarios },
        null,
        1,
      ),
    );
    log.info({ ms: Date.now() - t0 }, 'demo data generated');
  }
}
const running = await startSources({ simulators: cfg.HUB_SIMULATORS === 'true', env, log, loaded });
const connectors = running.connectors;

// demo mode: one console user per role, passwords in <data>/demo-users.json (0600) and on the sign-in page;
// no working token is ever written to the log (logs are collected and kept where tokens must not be)
const demo = isDemoMode(cfg);
if (demo) await ensureDemoUsers(ds, cfg.dataDir);
const server = await createHubServer({ ds, config: cfg, vault, connectors, log, sourceSettings: running.settings });
const url = await server.listen(cfg.PORT, cfg.HOST);
log.info({ url: `${url}/graphql`, console: `${url}/` }, 'hub serving');
process.stderr.write(
  `\n  监管工作台 console: ${url}/\n  GraphQL + GraphiQL: ${url}/graphql (signed in to the console, or ?token=…)\n  health: ${url}/healthz  readiness: ${url}/readyz\n` +
    (demo
      ? `  demo mode: demo accounts (one per role) are listed on the sign-in page and in ${demoUsersFile(cfg.dataDir)}\n  tokens for programs: npm run token -- --role inspector\n`
      : '') +
    '\n',
);

const scheduler = startScheduler({ ds, vault, log }, [...connectors.values()], {
  intervalMinutes: cfg.HUB_SYNC_INTERVAL_MINUTES,
  runNow: true,
  storeBatchRecords: cfg.HUB_SYNC_BATCH_RECORDS,
  storeWorkers: cfg.HUB_SYNC_STORE_WORKERS,
  // rescore the enterprises each committed batch touched (002 (十八): the key-supervision list follows)
  onBatchCommitted: riskBatchHook(ds, log),
});

const riskRefresher = startRiskRefresher(ds, log);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'shutting down: draining requests, finishing the current sync batch');
  // a stuck step must not keep a replica from going away (the orchestrator would SIGKILL it anyway)
  setTimeout(() => {
    log.error({ signal, afterMs: SHUTDOWN_DEADLINE_MS }, 'shutdown did not finish in time; exiting anyway');
    process.exit(1);
  }, SHUTDOWN_DEADLINE_MS).unref();
  try {
    // stop accepting at once (Apollo's drain plugin lets in-flight requests finish) while the sync
    // stops after the batch being stored; the store and the sources close only when both are done
    await Promise.all([server.close(), scheduler.stop(), riskRefresher.stop()]);
    await running.close();
    await db.close();
  } catch (err) {
    log.error({ err }, 'shutdown failed');
    process.exit(1);
  }
  log.info({ signal }, 'shutdown complete');
  process.exit(0);
}
const SHUTDOWN_DEADLINE_MS = 30_000;
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
void syncAll; // the scheduler runs syncAll; imported here so a type change shows up at start-up
