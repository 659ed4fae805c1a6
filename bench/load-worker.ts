/**
 * Child process of bench/load.ts: runs autocannon's API (not its CLI, so one run can cycle through
 * several request bodies) and prints the result as JSON on stdout. Kept out of the hub's process so
 * the load generator does not share the server's event loop.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';

interface WorkerConfig {
  url: string;
  connections: number;
  durationS: number;
  headers: Record<string, string>;
  bodies: string[];
}

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p90: number; p99: number; max: number; average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  duration: number;
  statusCodeStats?: Record<string, { count: number }>;
}
type Autocannon = (opts: Record<string, unknown>, cb: (err: Error | null, res: AutocannonResult) => void) => unknown;

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;
const cfg = JSON.parse(fs.readFileSync(process.argv[2]!, 'utf8')) as WorkerConfig;
let next = 0;
autocannon(
  {
    url: cfg.url,
    connections: cfg.connections,
    duration: cfg.durationS,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...cfg.headers },
    // each request takes the next body: scenarios may vary their subjects
    requests: [{ setupRequest: (req: Record<string, unknown>) => ({ ...req, body: cfg.bodies[next++ % cfg.bodies.length] }) }],
  },
  (err, res) => {
    if (err) {
      process.stderr.write(`${err.stack ?? String(err)}\n`);
      process.exit(1);
    }
    process.stdout.write(JSON.stringify(res));
    process.exit(0);
  },
);
