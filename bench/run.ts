/**
 * `npm run bench`: load-tests the hub on this machine. Starts an embedded PostgreSQL (or uses
 * BENCH_PG_URL, an admin URL), generates a world into the simulated department systems, syncs it into
 * a fresh hub store, serves the hub in-process on loopback, and replays each scenario with autocannon
 * (a child process) for a bounded time. Writes markdown and JSON to bench/results/ with the machine's
 * description. Options (env): BENCH_ENTERPRISES (2000), BENCH_DURATION_S (10), BENCH_CONNECTIONS (32),
 * BENCH_SCENARIOS (comma list of names; default all).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startEmbeddedPostgres } from '../src/store/embedded.js';
import { startHubWorld } from '../tests/support/hub-world.js';
import { runLoad, type LoadResult } from './load.js';
import { SCENARIOS } from './scenarios/index.js';
import type { BenchWorld } from './scenarios/types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const num = (v: string | undefined, d: number) => (v ? Number(v) : d);
const opts = {
  enterprises: num(process.env.BENCH_ENTERPRISES, 2000),
  durationS: num(process.env.BENCH_DURATION_S, 10),
  connections: num(process.env.BENCH_CONNECTIONS, 32),
  seed: num(process.env.BENCH_SEED, 20261101),
  only: process.env.BENCH_SCENARIOS?.split(',').map((s) => s.trim()).filter(Boolean) ?? null,
};

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

function machine() {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model ?? 'unknown', cpuCount: cpus.length, memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`, node: process.version,
  };
}

const log = (m: string) => process.stderr.write(`[bench] ${m}\n`);

async function main(): Promise<void> {
  const started = new Date();
  let stopPg: (() => Promise<void>) | null = null;
  let adminUrl = process.env.BENCH_PG_URL;
  if (!adminUrl) {
    const server = await startEmbeddedPostgres(path.resolve('.data/bench-pg'), 54349);
    stopPg = () => server.stop();
    adminUrl = server.adminUrl;
  }
  const hubUrl = await freshDatabase(adminUrl, 'bench_hub');
  const departmentsUrl = await freshDatabase(adminUrl, 'bench_departments');
  log(`generating ${opts.enterprises} enterprises and syncing them into the hub store…`);
  const t0 = Date.now();
  const world = await startHubWorld({
    hubUrl, departmentsUrl, dataDir: path.resolve('.data/bench'), enterprises: opts.enterprises, seed: opts.seed, logLevel: 'warn',
  });
  log(`world ready in ${((Date.now() - t0) / 1000).toFixed(1)} s at ${world.url}`);
  const results: { name: string; description: string; baseline: string | null; load: LoadResult; ratioToBaseline: number | null }[] = [];
  try {
    const richEnterprises = await world.enterprisesInAllDepartments(10);
    if (richEnterprises.length === 0) throw new Error('no enterprise has records in all five departments');
    const benchWorld: BenchWorld = { url: world.url, richEnterprises };
    // the hub authenticates every request: the bench calls as an admin (rate limits are off in hub-world)
    const auth = { authorization: `Bearer ${world.adminToken}` };
    for (const s of SCENARIOS.filter((x) => !opts.only || opts.only.includes(x.name))) {
      const body = s.body(benchWorld);
      // one checked request first: a scenario that answers errors would measure the wrong thing
      const check = await fetch(`${world.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify(body) });
      const answer = (await check.json()) as { errors?: unknown[] };
      if (check.status !== 200 || answer.errors) throw new Error(`${s.name}: the request fails: ${JSON.stringify(answer).slice(0, 500)}`);
      log(`${s.name}: ${opts.connections} connections for ${opts.durationS} s…`);
      await runLoad(`${world.url}/graphql`, body, { connections: opts.connections, durationS: 2, headers: auth }); // warm-up (JIT, pools, caches)
      const load = await runLoad(`${world.url}/graphql`, body, { connections: opts.connections, durationS: opts.durationS, headers: auth });
      results.push({ name: s.name, description: s.description, baseline: s.baseline ?? null, load, ratioToBaseline: null });
      log(`${s.name}: ${load.requestsPerSecond.toFixed(0)} req/s, p50 ${load.p50Ms} ms, p99 ${load.p99Ms} ms, non-2xx ${load.non2xx}, errors ${load.errors}`);
    }
    for (const r of results) {
      const base = r.baseline ? results.find((x) => x.name === r.baseline) : null;
      if (base) r.ratioToBaseline = Math.round((r.load.requestsPerSecond / base.load.requestsPerSecond) * 1000) / 1000;
    }
  } finally {
    await world.close();
    await stopPg?.();
  }

  const report = { startedAt: started.toISOString(), machine: machine(), options: opts, results };
  const dir = path.join(here, 'results');
  fs.mkdirSync(dir, { recursive: true });
  const stamp = started.toISOString().replace(/[:.]/g, '-');
  const md = [
    `# Bench ${started.toISOString()}`,
    '',
    `Machine: ${report.machine.cpuModel} × ${report.machine.cpuCount}, ${report.machine.memoryGiB} GiB, ${report.machine.os}, Node ${report.machine.node}.`,
    `World: ${opts.enterprises} generated enterprises (seed ${opts.seed}), synced into the store. Load: autocannon, ${opts.connections} connections, ${opts.durationS} s per scenario after a 2 s warm-up, server and load generator on the same machine (loopback).`,
    '',
    '| scenario | req/s | p50 ms | p99 ms | max ms | non-2xx | errors | ratio to baseline |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...results.map((r) => `| ${r.name} | ${r.load.requestsPerSecond.toFixed(0)} | ${r.load.p50Ms} | ${r.load.p99Ms} | ${r.load.maxMs} | ${r.load.non2xx} | ${r.load.errors} | ${r.ratioToBaseline === null ? '—' : `${r.ratioToBaseline} of ${r.baseline}`} |`),
    '',
    ...results.map((r) => `- **${r.name}**: ${r.description}`),
    '',
  ].join('\n');
  fs.writeFileSync(path.join(dir, `${stamp}.json`), JSON.stringify(report, null, 2));
  fs.writeFileSync(path.join(dir, `${stamp}.md`), md);
  fs.writeFileSync(path.join(dir, 'latest.md'), md);
  fs.writeFileSync(path.join(dir, 'latest.json'), JSON.stringify(report, null, 2));
  process.stdout.write(md);
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`[bench] failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
