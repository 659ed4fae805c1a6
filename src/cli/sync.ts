/**
 * `npm run sync [connector]`: pulls the department sources (all, or the one named) into the hub store.
 * With HUB_SIMULATORS=true the selected sources' simulators run in-process over the departments
 * database. A progress bar per connector on a terminal, plain lines otherwise; exit code 1 when a run failed.
 * Ctrl-C stops after the batch being stored (the next run resumes from there).
 */
import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import { loadSources } from '../../connectors/registry.js';
import { startSources, type RunningSources } from '../../connectors/runtime.js';
import type { SimulatorEnv } from '../../connectors/types.js';
import { riskBatchHook } from '../risk/service.js';
import { loadPiiKey, PiiVault } from '../security/pii.js';
import { createLogger } from '../server/log.js';
import { syncAll, type SyncProgress, type SyncRunResult } from '../sync/engine.js';
import { openHubDatabase } from './db.js';

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const loaded = await loadSources();
const known = loaded.map((l) => l.source.id);
const unknown = wanted.filter((w) => !known.includes(w));
if (unknown.length) {
  process.stderr.write(
    `unknown connector${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `'${u}'`).join(', ')}; known: ${known.join(', ')}\n`,
  );
  process.exit(2);
}
// configuration order is kept (market first: it holds the registry the others link to)
const selected = wanted.length ? loaded.filter((l) => wanted.includes(l.source.id)) : loaded;

const db = await openHubDatabase();
const { cfg, ds } = db;
// on a terminal the bars tell the story; logs only say what went wrong
const tty = Boolean(process.stderr.isTTY);
const log = createLogger(tty ? 'warn' : cfg.LOG_LEVEL, 'sync');
// production never generates a PII key: data sealed with a key nobody manages would be lost with the folder
if (cfg.NODE_ENV === 'production' && !cfg.HUB_PII_KEY) {
  process.stderr.write('production mode (NODE_ENV=production) needs HUB_PII_KEY (base64 of 32 bytes)\n');
  process.exit(2);
}
const vault = new PiiVault(loadPiiKey(cfg.HUB_PII_KEY, cfg.dataDir));
const env: SimulatorEnv = { departmentsDatabaseUrl: db.departmentsUrl, dataDir: cfg.dataDir, port: 0, host: '127.0.0.1' };

let running: RunningSources | null = null;
let runs: SyncRunResult[] = [];
const abort = new AbortController();
process.on('SIGINT', () => {
  process.stderr.write('\nstopping after the batch being stored…\n');
  abort.abort();
});

try {
  running = await startSources({ simulators: cfg.HUB_SIMULATORS === 'true', env, log, loaded: selected });
  const connectors = [...running.connectors.values()];

  const bars = tty
    ? new MultiBar(
        {
          format: ' {connector} | {batches} batches | {read} read | {written} written | {unchanged} unchanged | {quarantined} quarantined',
          hideCursor: true,
          clearOnComplete: false,
          stopOnComplete: false,
        },
        Presets.shades_classic,
      )
    : null;
  const barOf = new Map<string, SingleBar>();
  for (const c of connectors)
    barOf.set(
      c.id,
      bars?.create(1, 0, { connector: c.id.padEnd(10), batches: 0, read: 0, written: 0, unchanged: 0, quarantined: 0 }) as SingleBar,
    );
  const PLAIN_EVERY = 20;
  const onProgress = (p: SyncProgress) => {
    if (bars) barOf.get(p.connector)?.update(0, { ...p, connector: p.connector.padEnd(10) });
    else if (p.batches % PLAIN_EVERY === 0)
      process.stdout.write(`${p.connector}: ${p.batches} batches, ${p.read} read, ${p.written} written\n`);
  };
  runs = await syncAll({ ds, vault, log }, connectors, {
    onProgress,
    signal: abort.signal,
    storeBatchRecords: cfg.HUB_SYNC_BATCH_RECORDS,
    storeWorkers: cfg.HUB_SYNC_STORE_WORKERS,
    onBatchCommitted: riskBatchHook(ds, log),
  });
  bars?.stop();

  for (const r of runs) {
    const figures = `read ${r.read} = written ${r.written} + unchanged ${r.unchanged} + quarantined ${r.quarantined} (${r.batches} batches)`;
    process.stdout.write(
      `${r.connector.padEnd(10)} ${r.status.padEnd(9)} ${r.status === 'SKIPPED' ? '' : figures}${r.error ? `\n           ${r.error}` : ''}\n`,
    );
  }
} finally {
  await running?.close();
  await db.close();
}
process.exit(runs.some((r) => r.status === 'FAILED') ? 1 : 0);
