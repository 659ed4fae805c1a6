/**
 * The bench's hub, built phase by phase so each phase is timed on its own (tests/support/hub-world.ts
 * builds the same hub in one call): generate the world into the five simulated department systems,
 * full sync into a fresh store, a second (incremental) sync after touching a few source records,
 * then the hub served on loopback. Each timed phase gets its raw-COPY baseline from the same run.
 */
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { loadSources } from '../connectors/registry.js';
import { startSources, type RunningSources } from '../connectors/runtime.js';
import type { SimulatorEnv, SourceEnvelope } from '../connectors/types.js';
import type { ContractRecord } from '../src/domain/canonical.js';
import { generateInto } from '../src/generator/generate.js';
import { loadConfig } from '../src/config.js';
import { todayIso } from '../src/kernel/dates.js';
import { recomputeAllRisk, riskBatchHook } from '../src/risk/service.js';
import { PiiVault } from '../src/security/pii.js';
import { createHubServer, type HubServer } from '../src/server/app.js';
import { openStore } from '../src/store/data-source.js';
import { applyEnvelopes } from '../src/sync/apply.js';
import { syncAll, type SyncRunResult } from '../src/sync/engine.js';
import { enterprisesInAllDepartments } from '../tests/support/hub-world.js';
import { TEST_JWT_SECRET, mintToken } from '../tests/support/auth.js';
import { copyIntoPlainTable, departmentTables, exportRows, hubRawTables, round, type CopyBaseline } from './baselines.js';

export interface BenchWorldOptions {
  hubUrl: string;
  departmentsUrl: string;
  dataDir: string;
  enterprises: number;
  seed: number;
  /** background list-entry rates × this (the generator's listDensity) */
  listDensity: number;
  /** rescore risk after every sync batch during the full sync too (the hub's path; slow on a first load) */
  riskPerBatch: boolean;
  /** source records changed before the incremental run */
  touch: number;
  /** serve the hub over HTTP (false: only the generation/sync/analytics-at-scale figures) */
  serve: boolean;
  log: (m: string) => void;
}

export interface SyncFigures {
  seconds: number;
  read: number;
  written: number;
  unchanged: number;
  quarantined: number;
  recordsPerSecond: number;
  /** time inside the per-batch risk rescoring hook */
  riskHookSeconds: number;
  runs: Pick<SyncRunResult, 'connector' | 'status' | 'read' | 'written' | 'unchanged' | 'quarantined' | 'batches' | 'error'>[];
}

export interface WorldFigures {
  generation: {
    enterprises: number;
    listDensity: number;
    seconds: number;
    rows: number;
    rowsPerSecond: number;
    bySource: Record<string, number>;
    baseline: CopyBaseline;
    ratio: number;
  };
  fullSync: SyncFigures & {
    baseline: CopyBaseline;
    ratio: number;
    riskRecompute: { mode: 'per-batch' | 'one pass after the load'; enterprises: number; seconds: number };
  };
  incrementalSync: SyncFigures & { touched: number; touchError: string | null };
  store: { enterprises: number; records: number; listEntries: number; projects: number; contracts: number };
}

export interface BenchHub {
  url: string | null;
  ds: DataSource;
  adminToken: string;
  generated: Awaited<ReturnType<typeof generateInto>>;
  figures: WorldFigures;
  server: HubServer | null;
  close(): Promise<void>;
}

const VAULT_KEY = Buffer.alloc(32, 42);

/** The hub as the bench serves it: pages up to 500, no rate limit, quiet logs, the test token secret. */
const benchServerConfig = (dataDir: string) =>
  loadConfig({
    NODE_ENV: 'test',
    HUB_DATA_DIR: dataDir,
    HUB_MAX_PAGE_SIZE: '500',
    LOG_LEVEL: 'error',
    HUB_JWT_SECRET: TEST_JWT_SECRET,
    HUB_RATE_LIMIT_POINTS: '0',
  });

function syncFigures(runs: SyncRunResult[], seconds: number, riskHookSeconds: number): SyncFigures {
  const sum = (k: 'read' | 'written' | 'unchanged' | 'quarantined') => runs.reduce((a, r) => a + r[k], 0);
  return {
    seconds: round(seconds),
    read: sum('read'),
    written: sum('written'),
    unchanged: sum('unchanged'),
    quarantined: sum('quarantined'),
    recordsPerSecond: Math.round(sum('read') / Math.max(seconds, 1e-3)),
    riskHookSeconds: round(riskHookSeconds),
    runs: runs.map(({ connector, status, read, written, unchanged, quarantined, batches, error }) => ({
      connector,
      status,
      read,
      written,
      unchanged,
      quarantined,
      batches,
      error,
    })),
  };
}

export async function buildBenchWorld(o: BenchWorldOptions): Promise<BenchHub> {
  const log = pino({ level: 'error' }, pino.destination(2));
  fs.rmSync(o.dataDir, { recursive: true, force: true });
  fs.mkdirSync(o.dataDir, { recursive: true });
  const env: SimulatorEnv = { departmentsDatabaseUrl: o.departmentsUrl, dataDir: o.dataDir, port: 0, host: '127.0.0.1' };
  const loaded = await loadSources();

  // issue 2: generation, and its baseline: the department databases' rows COPY'd into a plain table
  o.log(`generating ${o.enterprises} enterprises (list density ${o.listDensity})…`);
  let t0 = performance.now();
  let lastLog = 0;
  const generated = await generateInto(
    env,
    {
      enterprises: o.enterprises,
      seed: o.seed,
      listDensity: o.listDensity,
      onProgress: (_s, done) => {
        if (done - lastLog >= 100_000)
          o.log(`  generated ${(lastLog = done)} enterprises (${Math.round((performance.now() - t0) / 1000)} s)`);
      },
    },
    loaded.map((l) => l.source),
  );
  const genSeconds = (performance.now() - t0) / 1000;
  const genRows = Object.values(generated.written).reduce((a, b) => a + b, 0);
  const genFile = path.join(o.dataDir, 'baseline-generated.copy');
  const tables = await departmentTables(o.departmentsUrl);
  const dbRows = await exportRows(
    o.departmentsUrl,
    tables.map((t) => `SELECT row_to_json(x)::text FROM ${t} x`),
    genFile,
  );
  const genBaseline = await copyIntoPlainTable(
    o.departmentsUrl,
    'bench_baseline_generated',
    'line text',
    genFile,
    dbRows,
    `the ${dbRows} rows the generator left in the department databases (${tables.length} tables; the fire CSV drops are files), one COPY into a plain one-column table`,
  );
  fs.rmSync(genFile, { force: true });
  const genRate = genRows / genSeconds;
  o.log(
    `generation: ${genRows} rows in ${genSeconds.toFixed(1)} s (${Math.round(genRate)} rows/s); raw COPY ${genBaseline.rowsPerSecond} rows/s`,
  );

  const closers: (() => Promise<unknown>)[] = [];
  let ds: DataSource | null = null;
  let running: RunningSources | null = null;
  try {
    running = await startSources({ simulators: true, env, log, loaded });
    closers.push(() => running!.close());
    ds = await openStore(o.hubUrl);
    const store = ds;
    const vault = new PiiVault(VAULT_KEY);
    let hookMs = 0;
    const hook = riskBatchHook(store, log);
    const timedHook = async (codes: Set<string>) => {
      const t = performance.now();
      await hook(codes);
      hookMs += performance.now() - t;
    };
    const connectors = [...running.connectors.values()];

    // issue 8: full sync of the generated world, and its baseline: the same records' raw form COPY'd into a staging table
    o.log('full sync…');
    let lastProgress = 0;
    t0 = performance.now();
    const fullRuns = await syncAll({ ds: store, vault, log }, connectors, {
      ...(o.riskPerBatch ? { onBatchCommitted: timedHook } : {}),
      onProgress: (p) => {
        if (performance.now() - lastProgress > 30_000) {
          lastProgress = performance.now();
          o.log(`  ${p.connector}: ${p.read} read, ${p.written} written (${Math.round((performance.now() - t0) / 1000)} s)`);
        }
      },
    });
    const fullSeconds = (performance.now() - t0) / 1000;
    t0 = performance.now();
    const rescored = o.riskPerBatch ? 0 : await recomputeAllRisk(store);
    const riskSeconds = o.riskPerBatch ? hookMs / 1000 : (performance.now() - t0) / 1000;
    const full = syncFigures(fullRuns, fullSeconds, hookMs / 1000);
    const syncFile = path.join(o.dataDir, 'baseline-sync.copy');
    const rawTables = await hubRawTables(o.hubUrl);
    const stagedRows = await exportRows(
      o.hubUrl,
      rawTables.map((t) => `SELECT source, source_record_id, raw FROM ${t}`),
      syncFile,
    );
    const syncBaseline = await copyIntoPlainTable(
      o.hubUrl,
      'bench_baseline_stage',
      'source text, source_record_id text, raw jsonb',
      syncFile,
      stagedRows,
      `the ${stagedRows} stored records' raw source form (${rawTables.length} tables, quarantine included), one COPY into a plain staging table`,
    );
    fs.rmSync(syncFile, { force: true });
    o.log(
      `full sync: ${full.read} records in ${full.seconds} s (${full.recordsPerSecond}/s); raw COPY ${syncBaseline.rowsPerSecond} rows/s; risk ${riskSeconds.toFixed(1)} s`,
    );

    // incremental: a few records changed at their source, then the hub's ordinary scheduled sync (risk rescored per batch)
    const touchable: { source_record_id: string }[] = await store.query(
      `SELECT source_record_id FROM hidden_danger WHERE source = 'emergency' ORDER BY source_record_id LIMIT $1`,
      [o.touch],
    );
    let touched = 0;
    let touchError: string | null = null;
    const emergency = running.sources.get('emergency');
    for (const r of touchable) {
      try {
        await emergency!.simulator.touch(env, r.source_record_id, { status: 'CLOSED', closedDate: todayIso() });
        touched++;
      } catch (err) {
        touchError = err instanceof Error ? err.message : String(err);
        break;
      }
    }
    hookMs = 0;
    t0 = performance.now();
    const incRuns = await syncAll({ ds: store, vault, log }, connectors, { onBatchCommitted: timedHook });
    const inc = { ...syncFigures(incRuns, (performance.now() - t0) / 1000, hookMs / 1000), touched, touchError };
    o.log(`incremental sync after ${touched} changes: ${inc.read} read, ${inc.written} written in ${inc.seconds} s`);

    const [counts] = await store.query(`SELECT (SELECT count(*)::int FROM enterprise) AS enterprises,
      (SELECT count(*)::int FROM list_entry) AS "listEntries", (SELECT count(*)::int FROM project) AS projects,
      (SELECT count(*)::int FROM contract) AS contracts`);
    const figures: WorldFigures = {
      generation: {
        enterprises: o.enterprises,
        listDensity: o.listDensity,
        seconds: round(genSeconds),
        rows: genRows,
        rowsPerSecond: Math.round(genRate),
        bySource: generated.written,
        baseline: genBaseline,
        ratio: round(genRate / genBaseline.rowsPerSecond, 4),
      },
      fullSync: {
        ...full,
        baseline: syncBaseline,
        ratio: round(full.recordsPerSecond / syncBaseline.rowsPerSecond, 4),
        riskRecompute: {
          mode: o.riskPerBatch ? 'per-batch' : 'one pass after the load',
          enterprises: rescored || counts.enterprises,
          seconds: round(riskSeconds),
        },
      },
      incrementalSync: inc,
      store: { ...counts, records: stagedRows },
    };

    let server: HubServer | null = null;
    let url: string | null = null;
    if (o.serve) {
      const config = benchServerConfig(o.dataDir);
      server = await createHubServer({ ds: store, config, vault, connectors: running.connectors, log, sourceSettings: running.settings });
      url = await server.listen(0, '127.0.0.1');
      closers.push(() => server!.close());
    }
    const adminToken = await mintToken(['admin'], { subject: 'bench-admin', ttl: '12h' });
    return {
      url,
      ds: store,
      adminToken,
      generated,
      figures,
      server,
      async close() {
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

/**
 * A hub store some earlier run built and kept (BENCH_KEEP=1), served as it is: no generation, no sync (its
 * migrations still run), no department sources (live reads answer as unavailable). For measuring queries
 * again at scale after a change without an hour of building.
 */
export async function attachBenchWorld(o: {
  hubUrl: string;
  dataDir: string;
}): Promise<Omit<BenchHub, 'generated' | 'figures'> & { url: string }> {
  const log = pino({ level: 'error' }, pino.destination(2));
  fs.mkdirSync(o.dataDir, { recursive: true });
  const store = await openStore(o.hubUrl);
  const config = benchServerConfig(o.dataDir);
  const server = await createHubServer({ ds: store, config, vault: new PiiVault(VAULT_KEY), connectors: new Map(), log });
  const url = await server.listen(0, '127.0.0.1');
  const adminToken = await mintToken(['admin'], { subject: 'bench-admin', ttl: '12h' });
  return {
    url,
    ds: store,
    adminToken,
    server,
    async close() {
      await server.close().catch(() => undefined);
      await store.destroy().catch(() => undefined);
    },
  };
}

export { enterprisesInAllDepartments };

/**
 * Issue 5 asks for projectCheck on a 50-contract project; generated trees have 3–4 contracts. This
 * grows the largest generated project to `size` contracts through the sync's own write path
 * (applyEnvelopes, as the housing source would deliver them): professional subcontracts under the
 * general contract and labour subcontracts under those, with real qualified contractors from the store.
 */
export async function growProject(ds: DataSource, size: number): Promise<{ projectCode: string; contracts: number }> {
  const [p]: { project_code: string; n: number }[] = await ds.query(
    `SELECT project_code, count(*)::int AS n FROM contract GROUP BY project_code ORDER BY count(*) DESC, project_code LIMIT 1`,
  );
  if (!p) throw new Error('the generated world has no construction project');
  const [general]: { contract_number: string; contractor_credit_code: string }[] = await ds.query(
    `SELECT contract_number, contractor_credit_code FROM contract WHERE project_code = $1 AND parent_contract_number IS NULL LIMIT 1`,
    [p.project_code],
  );
  const firms = async (category: string): Promise<string[]> =>
    (
      (await ds.query(
        `SELECT DISTINCT c.credit_code FROM credential c JOIN enterprise e ON e.credit_code = c.credit_code
       WHERE c.category = $1 AND e.status = 'ACTIVE' ORDER BY 1 LIMIT 60`,
        [category],
      )) as { credit_code: string }[]
    ).map((r) => r.credit_code);
  const professional = await firms('专业承包');
  const labour = await firms('施工劳务');
  if (!general || professional.length === 0 || labour.length === 0)
    throw new Error('no general contract or no qualified subcontractors to grow a project with');
  const add = size - p.n;
  const envelopes: SourceEnvelope[] = [];
  const profContracts: { number: string; contractor: string }[] = [];
  for (let k = 0; k < add; k++) {
    const number = `HT-${p.project_code}-B${String(k + 1).padStart(2, '0')}`;
    const isLabour = k % 3 === 2 && profContracts.length > 0;
    const parent = isLabour
      ? profContracts[k % profContracts.length]!
      : { number: general.contract_number, contractor: general.contractor_credit_code };
    const contractor = isLabour ? labour[k % labour.length]! : professional[k % professional.length]!;
    const record: ContractRecord = {
      kind: 'contract',
      contractNumber: number,
      projectCode: p.project_code,
      parentContractNumber: parent.number,
      contractKind: isLabour ? 'LABOUR_SUBCONTRACT' : 'PROFESSIONAL_SUBCONTRACT',
      employer: { creditCode: parent.contractor },
      contractor: { creditCode: contractor },
      scope: isLabour ? '劳务作业' : '地基基础工程',
      value: 100 + k,
      coversMainStructure: false,
      coversAllWork: false,
      safetyAgreementSigned: true,
      projectManagerIdNumber: null,
      signedOn: todayIso(),
    };
    if (!isLabour) profContracts.push({ number, contractor });
    envelopes.push({ sourceRecordId: `bench-${number}`, kind: 'contract', raw: record, record });
  }
  const r = await applyEnvelopes(
    { ds, vault: new PiiVault(VAULT_KEY), log: pino({ level: 'silent' }) },
    { id: 'housing', department: 'HOUSING' },
    envelopes,
  );
  if (r.quarantined) throw new Error(`growing project ${p.project_code}: ${r.quarantined} contracts were quarantined`);
  const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM contract WHERE project_code = $1`, [p.project_code]);
  return { projectCode: p.project_code, contracts: n };
}
