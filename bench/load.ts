/**
 * Runs autocannon as a child process (its CLI, JSON output) so the load generator does not share the
 * hub's event loop: on a small machine an in-process load generator would measure itself.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../node_modules/.bin/autocannon');

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
}

interface AutocannonJson {
  requests: { average: number; total: number };
  latency: { p50: number; p90: number; p99: number; max: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  duration: number;
}

export async function runLoad(url: string, body: unknown, opts: { connections: number; durationS: number; headers?: Record<string, string> }): Promise<LoadResult> {
  const bodyFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hub-bench-')), 'body.json');
  fs.writeFileSync(bodyFile, JSON.stringify(body));
  const extra = Object.entries(opts.headers ?? {}).flatMap(([k, v]) => ['-H', `${k}=${v}`]);
  const args = ['-c', String(opts.connections), '-d', String(opts.durationS), '-m', 'POST', '-H', 'content-type=application/json', ...extra,
    '-i', bodyFile, '-n', '-j', url];
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    // bounded: the run's own duration plus a margin for start-up and the last answers
    const timer = setTimeout(() => child.kill('SIGKILL'), (opts.durationS + 30) * 1000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else reject(new Error(`autocannon exited with ${code}: ${stderr.slice(-500)}`));
    });
  });
  const r = JSON.parse(out) as AutocannonJson;
  return {
    requestsPerSecond: r.requests.average, p50Ms: r.latency.p50, p90Ms: r.latency.p90, p99Ms: r.latency.p99, maxMs: r.latency.max,
    requests: r.requests.total, non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts, durationS: r.duration,
  };
}
