/**
 * `npm run soak -- --minutes 10`: the whole hub in this process (tests/support/hub-world.ts: generated
 * world, simulators, full sync, server on loopback, scheduled syncs every minute) under mixed traffic
 * for a bounded time — joint-punishment checks, enterprise profiles (stored and live) and cross-department
 * filters — while one department source flaps (5xx for N seconds, fine for N seconds). Every window
 * (30 s) it prints throughput, p99, error rate, RSS and heap; at the end it writes a table and a verdict
 * on memory to bench/results/soak-<date>.md and .json.
 *
 * Load comes from autocannon in a child process (bench/load.ts), so the memory measured is the hub's.
 * Heap is read after a full GC when node runs with --expose-gc (the npm script does), so growth means
 * memory kept, not garbage not yet collected.
 *
 * Options: --minutes (10), --window-seconds (30), --enterprises (300), --seed, --connections (8),
 * --flap-source (transport), --flap-seconds (20), --sources (comma list; default all configured),
 * --growth-threshold (0.10: heap growth allowed from the second to the last quarter).
 * Database: SOAK_PG_URL or DATABASE_URL (admin URL of any PostgreSQL; two fresh databases are created
 * and dropped), else the embedded PostgreSQL under .data/soak-pg.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import pino from 'pino';
import { runLoad, type LoadResult } from '../bench/load.js';
import { riskBatchHook } from '../src/risk/service.js';
import { ensureDatabase } from '../src/store/data-source.js';
import { startEmbeddedPostgres, type EmbeddedServer } from '../src/store/embedded.js';
import { startScheduler } from '../src/sync/scheduler.js';
import { gql } from '../tests/support/graphql-client.js';
import { startHubWorld, type HubWorld } from '../tests/support/hub-world.js';

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    'window-seconds': { type: 'string', default: '30' },
    enterprises: { type: 'string', default: '300' },
    seed: { type: 'string', default: '20261123' },
    connections: { type: 'string', default: '8' },
    'flap-source': { type: 'string', default: 'transport' },
    'flap-seconds': { type: 'string', default: '20' },
    sources: { type: 'string' },
    'growth-threshold': { type: 'string', default: '0.10' },
  },
});
const num = (name: keyof typeof args, min: number, max: number): number => {
  const v = Number(args[name]);
  if (!Number.isFinite(v) || v < min || v > max) {
    process.stderr.write(`--${name} must be a number in ${min}..${max}, not '${String(args[name])}'\n`);
    process.exit(2);
  }
  return v;
};
const MINUTES = num('minutes', 0.5, 24 * 60);
const WINDOW_S = num('window-seconds', 5, 600);
const ENTERPRISES = num('enterprises', 50, 100_000);
const SEED = num('seed', 0, 2 ** 31);
const CONNECTIONS = num('connections', 1, 256);
const FLAP_S = num('flap-seconds', 1, 3600);
const GROWTH = num('growth-threshold', 0, 10);
const FLAP_SOURCE = String(args['flap-source']);
const ONLY = args.sources
  ? args.sources
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
  : undefined;
if (ONLY && !ONLY.includes(FLAP_SOURCE)) {
  process.stderr.write(`--flap-source '${FLAP_SOURCE}' is not among --sources ${ONLY.join(',')}\n`);
  process.exit(2);
}

const gc = (globalThis as { gc?: () => void }).gc;
const MB = 2 ** 20;
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const say = (s: string) => process.stdout.write(`${s}\n`);

interface Window {
  index: number;
  endSecond: number;
  flapping: string;
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  errorRate: number;
  rssMB: number;
  heapUsedMB: number;
  /** GraphQL answers with an error other than the flapping source's (probe of every body once per window) */
  unexpectedGraphQLErrors: string[];
}

async function databases(): Promise<{ hubUrl: string; departmentsUrl: string; close(): Promise<void> }> {
  const admin = process.env.SOAK_PG_URL ?? process.env.DATABASE_URL;
  let embedded: EmbeddedServer | null = null;
  const server = admin ?? (embedded = await startEmbeddedPostgres(path.join('.data', 'soak-pg'), 54349)).adminUrl;
  const tag = `${Date.now().toString(36)}`;
  const hubUrl = await ensureDatabase(server, `soak_hub_${tag}`);
  const departmentsUrl = await ensureDatabase(server, `soak_dep_${tag}`);
  return {
    hubUrl,
    departmentsUrl,
    async close() {
      const u = new URL(server);
      u.pathname = '/postgres';
      const c = new pg.Client({ connectionString: u.toString() });
      await c.connect();
      try {
        for (const db of [`soak_hub_${tag}`, `soak_dep_${tag}`]) await c.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
      await embedded?.stop();
    },
  };
}

/** The traffic mix: checks, stored profiles, live profiles (these meet the flapping source), filters. */
function bodies(codes: string[]): { query: string; variables: Record<string, unknown> }[] {
  const profile = `query($c: ID!, $f: Freshness) { enterprise(creditCode: $c, freshness: $f) { creditCode name status
    persons(first: 10) { totalCount nodes { role person { name idNumber } } }
    market { mode penalties(first: 5) { totalCount } listEntries(first: 5) { totalCount nodes { list inForce } } }
    transport { mode vehicles(first: 5) { totalCount } violations(first: 5) { totalCount } } } }`;
  const check = `mutation($c: ID!) { runJointPunishmentCheck(input: { creditCode: $c, matter: ROAD_TRANSPORT_LICENCE }) { checkId decision hits { list } } }`;
  const filter = `query($w: EnterpriseWhere) { enterprises(first: 50, where: $w) { nodes { creditCode name risk { score tier } } pageInfo { hasNextPage } } }`;
  const wheres = [
    { status: { _eq: 'ACTIVE' }, violations: { _count: { _gt: 0 } } },
    { listEntries: { _some: { inForce: { _eq: true } } } },
    { divisionCode: { _like: '42%' }, penalties: { _some: { amount: { _gt: 10000 } } } },
  ];
  const out: { query: string; variables: Record<string, unknown> }[] = [];
  codes.forEach((c, i) => {
    out.push({ query: check, variables: { c } });
    out.push({ query: profile, variables: { c, f: 'STORED' } });
    if (i % 2 === 0) out.push({ query: profile, variables: { c, f: 'LIVE' } });
    out.push({ query: filter, variables: { w: wheres[i % wheres.length] } });
  });
  return out;
}

function markdown(report: {
  startedAt: string;
  options: object;
  machine: object;
  windows: Window[];
  verdict: { flat: boolean; text: string };
}): string {
  const w = report.windows;
  const lines = [
    `# Soak ${report.startedAt}`,
    '',
    `Options: \`${JSON.stringify(report.options)}\``,
    '',
    `Machine: \`${JSON.stringify(report.machine)}\``,
    '',
    '| window | end (s) | source | requests | req/s | p50 ms | p99 ms | errors | error rate | RSS MB | heap MB | unexpected GraphQL errors |',
    '|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    ...w.map(
      (x) =>
        `| ${x.index} | ${x.endSecond} | ${FLAP_SOURCE} ${x.flapping} | ${x.requests} | ${x.requestsPerSecond} | ${x.p50Ms} | ${x.p99Ms} | ${x.errors} | ${round(x.errorRate * 100, 2)} % | ${x.rssMB} | ${x.heapUsedMB} | ${x.unexpectedGraphQLErrors.join('; ') || '—'} |`,
    ),
    '',
    `**Verdict: ${report.verdict.text}**`,
    '',
    'Errors are HTTP-level (non-2xx, socket errors, timeouts). A live read of the flapping source answers 200 with the',
    'stored copy marked stale and a SOURCE_UNAVAILABLE error at that section: expected, not counted; any other GraphQL error',
    'code seen by the per-window probe is listed. Heap is measured after a full GC.',
    '',
  ];
  return lines.join('\n');
}

async function main() {
  const startedAt = new Date();
  const dbs = await databases();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-soak-'));
  let world: HubWorld | null = null;
  let scheduler: ReturnType<typeof startScheduler> | null = null;
  let flapTimer: NodeJS.Timeout | null = null;
  try {
    say(
      `soak: ${MINUTES} min, ${ENTERPRISES} enterprises, ${CONNECTIONS} connections, ${FLAP_SOURCE} flapping every ${FLAP_S} s; building the world…`,
    );
    world = await startHubWorld({
      hubUrl: dbs.hubUrl,
      departmentsUrl: dbs.departmentsUrl,
      dataDir,
      enterprises: ENTERPRISES,
      seed: SEED,
      only: ONLY,
      timeoutMs: 1500,
      log: pino({ level: 'error' }, pino.destination(2)),
      // the breaker opens fast and probes often: the flapping source costs little while down
      sourceOptions: { resilience: { maxAttempts: 2, initialDelayMs: 50, maxDelayMs: 200, breakerThreshold: 3, halfOpenAfterMs: 2000 } },
    });
    const w = world;
    const sim = w.simulators.get(FLAP_SOURCE);
    if (!sim) throw new Error(`--flap-source '${FLAP_SOURCE}' is not a running source (${[...w.simulators.keys()].join(', ')})`);
    scheduler = startScheduler(
      { ds: w.ds, vault: w.vault, log: pino({ level: 'error' }, pino.destination(2)) },
      [...w.connectors.values()],
      {
        intervalMinutes: 1,
        runNow: false,
        onBatchCommitted: riskBatchHook(w.ds),
      },
    );
    const codes = (
      (await w.ds.query(`SELECT credit_code FROM enterprise ORDER BY md5(credit_code) LIMIT 40`)) as { credit_code: string }[]
    ).map((r) => r.credit_code);
    const mix = bodies(codes);
    for (const b of mix.slice(0, 8)) {
      const r = await gql(w.url, b.query, b.variables);
      if (r.status !== 200 || r.errors?.length)
        throw new Error(`request check failed (${r.status}): ${JSON.stringify(r.errors)} for ${b.query.slice(0, 80)}`);
    }

    let flapping: 'error' | 'none' = 'none';
    flapTimer = setInterval(() => {
      flapping = flapping === 'none' ? 'error' : 'none';
      void sim.setFaults({ mode: flapping });
    }, FLAP_S * 1000);

    const windows: Window[] = [];
    const count = Math.max(2, Math.round((MINUTES * 60) / WINDOW_S));
    const t0 = Date.now();
    for (let i = 1; i <= count; i++) {
      const flapSeen = new Set<string>([flapping]);
      const watch = setInterval(() => flapSeen.add(flapping), 1000);
      let load: LoadResult;
      try {
        load = await runLoad(`${w.url}/graphql`, mix, {
          connections: CONNECTIONS,
          durationS: WINDOW_S,
          headers: { authorization: `Bearer ${w.adminToken}` },
        });
      } finally {
        clearInterval(watch);
      }
      // one of each request: GraphQL errors other than the flapping source's would be a defect
      const unexpected = new Set<string>();
      for (const b of mix.slice(0, 4)) {
        const r = await gql(w.url, b.query, b.variables);
        for (const e of r.errors ?? []) {
          const code = String(e.extensions?.code ?? 'NONE');
          if (!(code === 'SOURCE_UNAVAILABLE' && JSON.stringify(e).includes(FLAP_SOURCE)))
            unexpected.add(`${code}: ${e.message.slice(0, 80)}`);
        }
      }
      gc?.();
      const mem = process.memoryUsage();
      const errors = load.non2xx + load.errors + load.timeouts;
      const win: Window = {
        index: i,
        endSecond: Math.round((Date.now() - t0) / 1000),
        flapping: [...flapSeen].join('/'),
        requests: load.requests,
        requestsPerSecond: round(load.requestsPerSecond),
        p50Ms: load.p50Ms,
        p99Ms: load.p99Ms,
        errors,
        errorRate: load.requests ? errors / load.requests : 0,
        rssMB: round(mem.rss / MB),
        heapUsedMB: round(mem.heapUsed / MB),
        unexpectedGraphQLErrors: [...unexpected],
      };
      windows.push(win);
      say(
        `[${String(win.endSecond).padStart(5)} s] ${String(win.requestsPerSecond).padStart(7)} req/s  p99 ${String(win.p99Ms).padStart(5)} ms  ` +
          `errors ${round(win.errorRate * 100, 2)} %  RSS ${win.rssMB} MB  heap ${win.heapUsedMB} MB  ${FLAP_SOURCE}: ${win.flapping}` +
          (win.unexpectedGraphQLErrors.length ? `  unexpected: ${win.unexpectedGraphQLErrors.join('; ')}` : ''),
      );
    }

    // memory flat: mean heap of the last quarter of the windows against the second quarter (the first warms up)
    const q = Math.max(1, Math.floor(windows.length / 4));
    const mean = (xs: Window[]) => xs.reduce((s, x) => s + x.heapUsedMB, 0) / xs.length;
    const second = mean(windows.slice(q, 2 * q));
    const last = mean(windows.slice(-q));
    const growth = second > 0 ? (last - second) / second : 0;
    const flat = growth <= GROWTH;
    const totalReq = windows.reduce((s, x) => s + x.requests, 0);
    const totalErr = windows.reduce((s, x) => s + x.errors, 0);
    const verdict = {
      flat,
      secondQuarterHeapMB: round(second),
      lastQuarterHeapMB: round(last),
      growth: round(growth, 3),
      threshold: GROWTH,
      text:
        `${flat ? 'memory flat' : 'memory GROWING'}: heap ${round(second)} MB (second quarter) → ${round(last)} MB (last quarter), ` +
        `${round(growth * 100)} % (threshold ${round(GROWTH * 100)} %${gc ? '' : '; no --expose-gc, so heap includes uncollected garbage'}); ` +
        `${totalReq} requests, error rate ${round((totalErr / Math.max(1, totalReq)) * 100, 3)} %`,
    };
    const cpus = os.cpus();
    const machine = {
      cpuModel: cpus[0]?.model ?? 'unknown',
      cpuCount: cpus.length,
      memoryGiB: round(os.totalmem() / 2 ** 30),
      os: `${os.type()} ${os.release()} ${os.arch()}`,
      node: process.version,
      loadAverageAtEnd: os.loadavg().map((x) => round(x, 2)),
    };
    const options = {
      minutes: MINUTES,
      windowSeconds: WINDOW_S,
      enterprises: ENTERPRISES,
      seed: SEED,
      connections: CONNECTIONS,
      flapSource: FLAP_SOURCE,
      flapSeconds: FLAP_S,
      sources: [...w.simulators.keys()],
      exposeGc: Boolean(gc),
    };
    const report = { startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(), options, machine, windows, verdict };
    const dir = path.join('bench', 'results');
    fs.mkdirSync(dir, { recursive: true });
    const stamp = startedAt.toISOString().replace(/[:.]/g, '-').slice(0, 19);
    fs.writeFileSync(path.join(dir, `soak-${stamp}.json`), JSON.stringify(report, null, 1));
    fs.writeFileSync(path.join(dir, `soak-${stamp}.md`), markdown(report));
    say(`\n${verdict.text}\nwritten: ${path.join(dir, `soak-${stamp}.md`)} and .json`);
    process.exitCode = flat ? 0 : 1;
  } finally {
    if (flapTimer) clearInterval(flapTimer);
    await scheduler?.stop();
    await world?.close();
    await dbs.close().catch((err: unknown) => process.stderr.write(`could not drop the soak databases: ${String(err)}\n`));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
