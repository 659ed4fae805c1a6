/**
 * Runs autocannon in a child process (bench/load-worker.ts) so the load generator does not share the
 * hub's event loop: on a small machine an in-process load generator would measure itself. Bounded:
 * the child is killed after its duration plus a margin.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const tsx = path.resolve(here, '../node_modules/.bin/tsx');

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  durationS: number;
  /** responses by HTTP status */
  statusCodes: Record<string, number>;
}

interface AutocannonJson {
  requests: { average: number; total: number };
  latency: { p50: number; p90: number; p99: number; max: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  duration: number;
  statusCodeStats?: Record<string, { count: number }>;
}

export interface LoadOptions {
  connections: number;
  durationS: number;
  headers?: Record<string, string>;
}

/** Replays `bodies` (cycled, one per request) as POSTs to `url` for `durationS` seconds. */
export async function runLoad(url: string, bodies: unknown | unknown[], opts: LoadOptions): Promise<LoadResult> {
  const list = (Array.isArray(bodies) ? bodies : [bodies]).map((b) => (typeof b === 'string' ? b : JSON.stringify(b)));
  if (list.length === 0) throw new Error('runLoad: no request body');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-bench-'));
  const cfgFile = path.join(dir, 'load.json');
  fs.writeFileSync(
    cfgFile,
    JSON.stringify({ url, connections: opts.connections, durationS: opts.durationS, headers: opts.headers ?? {}, bodies: list }),
  );
  try {
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(tsx, [path.join(here, 'load-worker.ts'), cfgFile], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      const timer = setTimeout(() => child.kill('SIGKILL'), (opts.durationS + 60) * 1000);
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        if (code === 0) resolve(stdout);
        else reject(new Error(`autocannon worker exited with ${code ?? signal}: ${stderr.slice(-500)}`));
      });
    });
    const r = JSON.parse(out) as AutocannonJson;
    return {
      requestsPerSecond: r.requests.average,
      p50Ms: r.latency.p50,
      p90Ms: r.latency.p90,
      p99Ms: r.latency.p99,
      maxMs: r.latency.max,
      requests: r.requests.total,
      non2xx: r.non2xx,
      errors: r.errors,
      timeouts: r.timeouts,
      durationS: r.duration,
      statusCodes: Object.fromEntries(Object.entries(r.statusCodeStats ?? {}).map(([k, v]) => [k, v.count])),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Latency percentile (nearest rank) of samples in ms. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Calls `fn` back to back for `durationS` seconds (at least `minRuns` times); latency samples in ms. */
export async function timeLoop(
  fn: () => Promise<unknown>,
  durationS: number,
  minRuns = 5,
): Promise<{ runs: number; p50Ms: number; p99Ms: number; meanMs: number; perSecond: number }> {
  const samples: number[] = [];
  const start = performance.now();
  while (performance.now() - start < durationS * 1000 || samples.length < minRuns) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  const total = samples.reduce((a, b) => a + b, 0);
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    runs: samples.length,
    p50Ms: round(percentile(samples, 50)),
    p99Ms: round(percentile(samples, 99)),
    meanMs: round(total / samples.length),
    perSecond: round((samples.length * 1000) / total),
  };
}
