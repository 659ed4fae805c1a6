/**
 * `npm run bench`: the figures of every issue in one report, each against a baseline measured in the
 * same run, on this machine. Phases: generation (vs raw COPY), full and incremental sync (vs raw COPY
 * into a staging table), HTTP scenarios with autocannon on loopback (vs `{ __typename }`), refused
 * queries (vs `{ __typename }`), analytic filters at one connection (vs the same SQL through pg),
 * compliance (projectCheck of 50 contracts; bulk run vs a plain read of the same rows), and whatever
 * scenario modules bench/scenarios/ holds (joint punishment…). Writes bench/results/<date>.{md,json}
 * and latest.{md,json}.
 *
 * Options (env): BENCH_ENTERPRISES (100000: issue 4's joint-punishment targets are set for a store of
 * 100,000 enterprises and 20,000 list entries), BENCH_LIST_DENSITY (3.5: the background enterprises'
 * chances of being on a list × 3.5, ≈ 22,900 list entries at 100,000 enterprises; 1 = the generator's
 * realistic rates, ≈ 6,600), BENCH_DURATION_S (10 per scenario, after a 2 s warm-up),
 * BENCH_CONNECTIONS (32), BENCH_SEED, BENCH_SCENARIOS (comma list; default all), BENCH_TOUCH (200
 * records changed before the incremental sync), BENCH_SYNC_RISK_PER_BATCH (1: rescore risk after
 * every batch of the first load too, as a scheduled sync does; default: one pass after the load),
 * BENCH_SCALE (1: only generation, sync, analytics and the bulk compliance run — `npm run bench:scale`),
 * BENCH_PG_URL (an admin URL; default: an embedded PostgreSQL under .data/bench-pg), BENCH_KEEP (1: keep the
 * hub and department databases at the end and print their URLs), BENCH_HUB_URL (a store a BENCH_KEEP run kept:
 * serve it and measure the HTTP, analytics and compliance phases again without generating or syncing), BENCH_PROFILE (1: a V8 CPU
 * profile of the hub during each measured HTTP scenario, .data/bench-profiles/<scenario>.cpuprofile — open it in
 * Chrome DevTools or summarise it with `npx tsx bench/profile-summary.ts FILE`).
 */
import fs from 'node:fs';
import inspector from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import pino from 'pino';
import { analyticsSettings } from '../src/analytics/resolvers.js';
import { analyticsServices } from '../src/analytics/services.js';
import { runProjectChecks } from '../src/compliance/service.js';
import { loadConfig } from '../src/config.js';
import { startGateway, type RunningGateway } from '../src/gateway/gateway.js';
import { hubSubgraphSdl } from '../src/server/subgraph.js';
import { startEmbeddedPostgres } from '../src/store/embedded.js';
import { sqlBaselineFor } from './analytics-baseline.js';
import { round } from './baselines.js';
import { runLoad, timeLoop, type LoadResult } from './load.js';
import { startPostGraphile } from './postgraphile.js';
import { renderMarkdown, type BenchReport, type HttpResult, type SqlComparison } from './report.js';
import { SCENARIOS } from './scenarios/index.js';
import type { BenchWorld, Scenario } from './scenarios/types.js';
import { attachBenchWorld, buildBenchWorld, enterprisesInAllDepartments, growProject } from './world.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const num = (name: string, d: number): number => {
  const v = process.env[name];
  if (v === undefined || v === '') return d;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, not '${v}'`);
  return n;
};
const opts = {
  enterprises: num('BENCH_ENTERPRISES', 100_000),
  listDensity: num('BENCH_LIST_DENSITY', 3.5),
  durationS: num('BENCH_DURATION_S', 10),
  connections: num('BENCH_CONNECTIONS', 32),
  seed: num('BENCH_SEED', 20261101),
  touch: num('BENCH_TOUCH', 200),
  riskPerBatch: process.env.BENCH_SYNC_RISK_PER_BATCH === '1',
  scale: process.env.BENCH_SCALE === '1',
  only:
    process.env.BENCH_SCENARIOS?.split(',')
      .map((s) => s.trim())
      .filter(Boolean) ?? null,
  profile: process.env.BENCH_PROFILE === '1',
  keep: process.env.BENCH_KEEP === '1',
  hubUrl: process.env.BENCH_HUB_URL || null,
};

/** The hub runs in this process: sample its CPU while `work` runs and write the profile (BENCH_PROFILE=1). */
async function profiled<T>(name: string, work: () => Promise<T>): Promise<T> {
  if (!opts.profile) return work();
  const session = new inspector.Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    await session.post('Profiler.start');
    const out = await work();
    const { profile } = await session.post('Profiler.stop');
    const dir = path.resolve('.data/bench-profiles');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${name}.cpuprofile`);
    fs.writeFileSync(file, JSON.stringify(profile));
    log(`${name}: CPU profile in ${path.relative(process.cwd(), file)}`);
    return out;
  } finally {
    session.disconnect();
  }
}

async function freshDatabase(adminUrl: string, name: string): Promise<string> {
  const c = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 10_000 });
  await c.connect();
  try {
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.query(`CREATE DATABASE "${name}"`);
  } finally {
    await c.end();
  }
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const c = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 10_000 });
  await c.connect();
  try {
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await c.end();
  }
}

async function machine(url: string) {
  const cpus = os.cpus();
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const { rows } = await c.query<{ v: string; sb: string; wm: string }>(
    `SELECT version() AS v, current_setting('shared_buffers') AS sb, current_setting('work_mem') AS wm`,
  );
  await c.end();
  return {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cpuCount: cpus.length,
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    postgres: `${rows[0]!.v.split(',')[0]} (shared_buffers ${rows[0]!.sb}, work_mem ${rows[0]!.wm})`,
    loadAverageAtStart: os.loadavg().map((x) => round(x)),
  };
}

const log = (m: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${m}\n`);
const wanted = (s: Scenario) => !opts.only || opts.only.includes(s.name);
const bodyText = (b: ReturnType<Scenario['body']>) => (typeof b === 'string' ? b : JSON.stringify(b));

async function post(
  url: string,
  token: string,
  body: string,
): Promise<{ status: number; json: { data?: unknown; errors?: { message: string }[] } | null }> {
  const r = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body,
  });
  const text = await r.text();
  let json = null;
  try {
    json = JSON.parse(text) as { data?: unknown; errors?: { message: string }[] };
  } catch {
    json = null;
  }
  return { status: r.status, json };
}

/**
 * The checked request of a scenario, once the hub has worked off the previous scenario: requests a load
 * abandoned may still hold the analytics bulkhead (they run to their statement timeout), so a BUSY (503)
 * answer is retried every 2 s, for up to a minute.
 */
async function postWhenNotBusy(url: string, token: string, body: string): ReturnType<typeof post> {
  const until = Date.now() + 60_000;
  for (;;) {
    const r = await post(url, token, body);
    if (r.status !== 503 || Date.now() > until) return r;
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
}

async function main(): Promise<void> {
  const started = new Date();
  let stopPg: (() => Promise<void>) | null = null;
  let adminUrl = process.env.BENCH_PG_URL;
  if (!adminUrl) {
    const server = await startEmbeddedPostgres(path.resolve('.data/bench-pg'), 54349);
    stopPg = () => server.stop();
    adminUrl = server.adminUrl;
  }
  const report: BenchReport = {
    startedAt: started.toISOString(),
    finishedAt: '',
    machine: await machine(adminUrl),
    options: opts,
    world: null,
    http: [],
    analyticsVsSql: [],
    compliance: null,
    gaps: [],
    notes: [],
  };
  // per-run names: two benches on one server (colleagues measuring their scenarios) must not drop each other's databases
  const tag = `${process.pid}`;
  const dataDir = path.resolve(`.data/bench-${tag}`);
  let hubUrl: string;
  let world: Pick<Awaited<ReturnType<typeof buildBenchWorld>>, 'url' | 'ds' | 'adminToken' | 'close'> & {
    generated?: Awaited<ReturnType<typeof buildBenchWorld>>['generated'];
  };
  if (opts.hubUrl) {
    // a kept store: measure again, build nothing, drop nothing
    hubUrl = opts.hubUrl;
    log(`attaching to the kept hub store ${hubUrl} (no generation, no sync)`);
    world = await attachBenchWorld({ hubUrl, dataDir });
    report.gaps.push(`generation and sync not run: measured against a store built by an earlier run (BENCH_HUB_URL)`);
  } else {
    hubUrl = await freshDatabase(adminUrl, `bench_hub_${tag}`);
    const departmentsUrl = await freshDatabase(adminUrl, `bench_departments_${tag}`);
    const built = await buildBenchWorld({
      hubUrl,
      departmentsUrl,
      dataDir,
      enterprises: opts.enterprises,
      seed: opts.seed,
      listDensity: opts.listDensity,
      riskPerBatch: opts.riskPerBatch,
      touch: opts.touch,
      serve: true,
      log,
    });
    report.world = built.figures;
    world = built;
  }
  try {
    const url = world.url!;
    const rich = await enterprisesInAllDepartments(world.ds, 10);
    if (rich.length === 0) throw new Error('no enterprise has records in all five departments');
    const sample: { credit_code: string }[] = await world.ds.query(
      `SELECT credit_code FROM enterprise ORDER BY md5(credit_code) LIMIT 2000`,
    );
    const bw: BenchWorld = {
      url,
      richEnterprises: rich,
      scenarios: world.generated?.scenarios ?? ({} as BenchWorld['scenarios']),
      sampleEnterprises: sample.map((r) => r.credit_code),
    };
    if (!opts.scale) {
      try {
        bw.bigProject = await growProject(world.ds, 50);
        log(`project ${bw.bigProject.projectCode} grown to ${bw.bigProject.contracts} contracts`);
      } catch (err) {
        report.gaps.push(`projectCheck of a 50-contract project not measured: ${(err as Error).message}`);
      }
    }

    // HTTP scenarios (autocannon on loopback); in scale mode only the floor and the analytic ones
    const scenarios = SCENARIOS.filter(wanted).filter((s) => !opts.scale || s.name === 'typename' || /^(filter|stats)-/.test(s.name));
    // issue 20's baseline: PostGraphile over the same store, started only when a scenario asks for it
    let postgraphile: Awaited<ReturnType<typeof startPostGraphile>> | null = null;
    const pglScenarios = scenarios.filter((s) => s.server === 'postgraphile');
    if (pglScenarios.length) {
      try {
        postgraphile = await startPostGraphile(hubUrl);
      } catch (err) {
        report.gaps.push(`PostGraphile baseline not run: ${(err as Error).message}`);
      }
    }
    // issue 20: the federated gateway in front of the hub (hub subgraph only), for the gateway's overhead
    let gateway: RunningGateway | null = null;
    if (scenarios.some((s) => s.server === 'gateway')) {
      try {
        gateway = await startGateway({
          subgraphs: [{ name: 'hub', url: `${url}/graphql`, typeDefs: hubSubgraphSdl(), forwardCaller: true }],
          port: 0,
          host: '127.0.0.1',
          timeoutMs: 30_000,
          introspection: false,
          log: pino({ level: 'silent' }),
        });
      } catch (err) {
        report.gaps.push(`gateway not run: ${(err as Error).message}`);
      }
    }
    for (const s of scenarios) {
      if (s.server === 'postgraphile' && !postgraphile) continue;
      if (s.server === 'gateway' && !gateway) continue;
      const target = s.server === 'postgraphile' ? postgraphile!.url : s.server === 'gateway' ? gateway!.url : url;
      let body: string;
      let bodies: string[];
      try {
        body = bodyText(s.body(bw));
        bodies = s.bodies ? s.bodies(bw).map(bodyText) : [body];
      } catch (err) {
        report.gaps.push(`${s.name}: not run (${(err as Error).message})`);
        continue;
      }
      const check = await postWhenNotBusy(target, world.adminToken, body);
      const refused = check.status >= 400 || Boolean(check.json?.errors?.length);
      if ((s.expect ?? 'ok') === 'ok' ? refused : !refused) {
        const what = JSON.stringify(check.json).slice(0, 400);
        report.gaps.push(
          `${s.name}: the checked request ${refused ? 'failed' : 'was not refused'} (HTTP ${check.status}: ${what}); not measured`,
        );
        log(`${s.name}: skipped — HTTP ${check.status} ${what}`);
        continue;
      }
      const connections = s.connections ?? opts.connections;
      log(`${s.name}: ${connections} connections for ${opts.durationS} s…`);
      const auth = { authorization: `Bearer ${world.adminToken}` };
      await runLoad(`${target}/graphql`, bodies, { connections, durationS: 2, headers: auth }); // warm-up (JIT, pools, caches)
      const load = await profiled(s.name, () =>
        runLoad(`${target}/graphql`, bodies, { connections, durationS: opts.durationS, headers: auth }),
      );
      report.http.push({
        name: s.name,
        description: s.description,
        group: s.group ?? groupOf(s),
        baseline: s.baseline ?? null,
        connections,
        expect: s.expect ?? 'ok',
        checkedStatus: check.status,
        checkedError: check.json?.errors?.[0]?.message ?? null,
        load,
        ratio: null,
        loadAverage: round(os.loadavg()[0]!),
      });
      log(
        `${s.name}: ${load.requestsPerSecond.toFixed(0)} req/s, p50 ${load.p50Ms} ms, p99 ${load.p99Ms} ms, statuses ${JSON.stringify(load.statusCodes)}, errors ${load.errors}, load ${os.loadavg()[0]!.toFixed(2)}`,
      );
    }
    await postgraphile?.close();
    await gateway?.close();
    for (const r of report.http) {
      const base = r.baseline ? report.http.find((x) => x.name === r.baseline) : null;
      if (base) r.ratio = ratios(r.load, base.load);
    }
    const hubProfile = report.http.find((x) => x.name === 'enterprise-all-departments');
    const pglProfile = report.http.find((x) => x.name === 'postgraphile-profile');
    const viaGateway = report.http.find((x) => x.name === 'gateway-profile');
    if (hubProfile && viaGateway) {
      const x = ratios(viaGateway.load, hubProfile.load);
      report.notes.push(
        `The all-departments profile through the federated gateway against the hub answering it directly (same run): ${x!.throughput}× the requests per second, ${x!.p50}× the p50, ${x!.p99}× the p99 (the gateway's overhead).`,
      );
    }
    if (hubProfile && pglProfile) {
      const x = ratios(hubProfile.load, pglProfile.load);
      report.notes.push(
        `The hub's all-departments profile against PostGraphile's answer to the same profile from the same tables (same run): ${x!.throughput}× its requests per second, ${x!.p50}× its p50, ${x!.p99}× its p99.`,
      );
    }

    // analytics at one connection vs the same answer from plain SQL through one pg client
    const benchConfig = loadConfig({ NODE_ENV: 'test' });
    const settings = analyticsSettings({ config: benchConfig, ...analyticsServices({ ds: world.ds, config: benchConfig }) });
    const sqlClient = new pg.Client({ connectionString: hubUrl });
    await sqlClient.connect();
    try {
      for (const s of scenarios) {
        const body = s.body(bw);
        const baseline = sqlBaselineFor(s, body, settings);
        if (!baseline) continue;
        const answer = await postWhenNotBusy(url, world.adminToken, bodyText(body));
        if (answer.status !== 200 || answer.json?.errors?.length || !answer.json?.data) {
          const what = `HTTP ${answer.status}: ${answer.json?.errors?.[0]?.message ?? 'no data'}`;
          report.gaps.push(`${s.name}: one-connection comparison not measured, the checked request failed (${what})`);
          log(`${s.name}: one connection skipped — ${what}`);
          continue;
        }
        const rows = (await sqlClient.query(baseline.sql, baseline.params)).rows as Record<string, unknown>[];
        const difference = baseline.compare(answer.json?.data, rows);
        const latencyS = Math.max(3, Math.round(opts.durationS / 2));
        log(`${s.name}: one connection ${latencyS} s over HTTP, then ${latencyS} s of the plain SQL…`);
        const http = await runLoad(`${url}/graphql`, bodyText(body), {
          connections: 1,
          durationS: latencyS,
          headers: { authorization: `Bearer ${world.adminToken}` },
        });
        const sql = await timeLoop(() => sqlClient.query(baseline.sql, baseline.params), latencyS);
        const cmp: SqlComparison = {
          name: s.name,
          description: s.description,
          rows: rows.length,
          sameResult: difference === null,
          difference,
          http: { p50Ms: http.p50Ms, p99Ms: http.p99Ms, requestsPerSecond: round(http.requestsPerSecond) },
          sql,
          p50Ratio: round(http.p50Ms / Math.max(sql.p50Ms, 0.01)),
          p99Ratio: round(http.p99Ms / Math.max(sql.p99Ms, 0.01)),
        };
        report.analyticsVsSql.push(cmp);
        log(`${s.name}: HTTP p50 ${http.p50Ms} ms / SQL p50 ${sql.p50Ms} ms${difference ? ` — DIFFERENT RESULT: ${difference}` : ''}`);
      }
    } finally {
      await sqlClient.end();
    }

    // compliance bulk run (issue 5) vs a plain read of the rows it judges
    if (!opts.only || opts.only.includes('compliance-bulk')) {
      log('compliance: bulk run over every project…');
      const bulk = await runProjectChecks(world.ds, { chunkSize: 500 });
      const t0 = performance.now();
      const [read] = await world.ds.query(`SELECT
          (SELECT count(*)::int FROM project p JOIN contract c ON c.project_code = p.project_code) AS contracts,
          (SELECT count(*)::int FROM credential cr WHERE cr.credit_code IN (SELECT employer_credit_code FROM contract UNION SELECT contractor_credit_code FROM contract)) AS credentials`);
      // the rows themselves, not just counts: fetch them as the checker does
      await world.ds.query(`SELECT p.*, c.* FROM project p JOIN contract c ON c.project_code = p.project_code`);
      await world.ds.query(
        `SELECT cr.* FROM credential cr WHERE cr.credit_code IN (SELECT employer_credit_code FROM contract UNION SELECT contractor_credit_code FROM contract)`,
      );
      const plainS = (performance.now() - t0) / 1000;
      report.compliance = {
        bulk: {
          projects: bulk.projects,
          findings: bulk.findings,
          seconds: round(bulk.ms / 1000),
          projectsPerSecond: Math.round(bulk.projects / Math.max(bulk.ms / 1000, 1e-3)),
          byStatus: bulk.byStatus,
        },
        baseline: {
          what: `plain SQL fetching every project with its contracts (${read.contracts} rows) and the parties' credentials (${read.credentials} rows), no rules`,
          seconds: round(plainS, 3),
        },
        ratio: round(bulk.ms / 1000 / Math.max(plainS, 1e-3)),
        bigProject: bw.bigProject ?? null,
      };
      log(`compliance bulk: ${bulk.projects} projects in ${(bulk.ms / 1000).toFixed(1)} s (plain read ${plainS.toFixed(2)} s)`);
    }
    if (!report.http.some((r) => r.group.startsWith('Joint punishment')) && !opts.scale && !opts.only) {
      report.gaps.push(
        'joint punishment (issue 4): no joint-punishment scenario ran — checks/s and the batch of 1,000 are not in this report',
      );
    }
  } finally {
    await world.close();
    if (opts.hubUrl) {
      fs.rmSync(dataDir, { recursive: true, force: true });
    } else if (opts.keep) {
      log(
        `kept (BENCH_KEEP=1): hub ${hubUrl}, departments bench_departments_${tag}; measure again without building: BENCH_HUB_URL=${hubUrl}`,
      );
    } else {
      for (const db of [`bench_hub_${tag}`, `bench_departments_${tag}`])
        await dropDatabase(adminUrl, db).catch((e: Error) => log(`could not drop ${db}: ${e.message}`));
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
    await stopPg?.();
  }

  report.finishedAt = new Date().toISOString();
  const dir = path.join(here, 'results');
  fs.mkdirSync(dir, { recursive: true });
  const stamp = `${started.toISOString().replace(/[:.]/g, '-')}${opts.scale ? '-scale' : ''}`;
  const md = renderMarkdown(report);
  const json = JSON.stringify(report, null, 2);
  fs.writeFileSync(path.join(dir, `${stamp}.json`), json);
  fs.writeFileSync(path.join(dir, `${stamp}.md`), md);
  // only a complete run is the latest report; a run of a few scenarios keeps just its dated files
  if (!opts.only) {
    fs.writeFileSync(path.join(dir, opts.scale ? 'latest-scale.md' : 'latest.md'), md);
    fs.writeFileSync(path.join(dir, opts.scale ? 'latest-scale.json' : 'latest.json'), json);
  }
  process.stdout.write(md);
}

function groupOf(s: Scenario): string {
  if (/^(filter|stats)-/.test(s.name)) return 'Analytics (issue 6)';
  if (/^jp-|joint|punish/i.test(s.name)) return 'Joint punishment (issue 4)';
  return 'HTTP (issue 3)';
}

function ratios(r: LoadResult, base: LoadResult): HttpResult['ratio'] {
  return {
    throughput: round(r.requestsPerSecond / Math.max(base.requestsPerSecond, 1e-3), 3),
    p50: round(r.p50Ms / Math.max(base.p50Ms, 0.5), 2),
    p99: round(r.p99Ms / Math.max(base.p99Ms, 0.5), 2),
  };
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`[bench] failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
