/**
 * What every HTTP stand-in system does alike, whatever its wire: the fault switches (slow, error,
 * hang, drop, malformed; also settable at GET/POST /__faults), counting the calls tests assert on,
 * listening on a free port and closing with every connection. Each system keeps its own paths,
 * auth, envelopes, error bodies and which records the malformed fault garbles.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express, NextFunction, Request, Response } from 'express';
import pg from 'pg';
import type { FaultSettings, RunningSimulator, SimulatorEnv } from '../types.js';

const MODES: FaultSettings['mode'][] = ['none', 'slow', 'error', 'hang', 'drop', 'malformed'];

/** A query parameter the system refuses (each system answers it in its own error format). */
export class BadParam extends Error {}

/** An integer query parameter in min..max (dflt when absent); BadParam otherwise, worded by `say`. */
export function intParam(
  v: unknown,
  name: string,
  dflt: number,
  min: number,
  max: number,
  say: (name: string, min: number, max: number) => string = (n, lo, hi) => `${n} must be an integer in ${lo}..${hi}`,
): number {
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new BadParam(say(name, min, max));
  return n;
}

/**
 * Replaces every value of a record but the `keep` keys with garbage: the 'malformed' fault.
 * Numbers become `numberGarbage` (a string where a number belongs), nulls stay null.
 */
export function garble(rec: unknown, keep: readonly string[], numberGarbage: string): unknown {
  if (rec === null || typeof rec !== 'object') return rec;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(rec))
    out[k] = keep.includes(k) ? v : typeof v === 'number' ? numberGarbage : v == null ? v : '\ufffd\ufffd';
  return out;
}

/**
 * The pool a stand-in reads its schema through. An idle connection its server ends (a restart, a
 * dropped database while the stand-in closes) is an 'error' on the pool: without a listener it would
 * be an uncaught exception in the process hosting the stand-in; the pool discards the connection anyway.
 */
export const simulatorPool = (env: SimulatorEnv): pg.Pool => {
  const pool = new pg.Pool({
    connectionString: env.departmentsDatabaseUrl,
    max: 10,
    statement_timeout: 15_000,
    connectionTimeoutMillis: 5_000,
  });
  pool.on('error', () => undefined);
  return pool;
};

/** Fault state and call count of one HTTP stand-in. */
export class HttpFaults {
  faults: FaultSettings = { mode: 'none' };
  /** calls served since start or the last reset; the system decides which requests count */
  calls = 0;
  private errors = 0;
  private readonly timers = new Set<NodeJS.Timeout>();

  /** GET /__faults shows the switches, POST /__faults sets them (not counted, no auth); `invalid` is the system's 400 body. */
  mountSwitch(app: Express, invalid: (message: string) => object): void {
    app.get('/__faults', (_req, res) => void res.json(this.faults));
    app.post('/__faults', (req, res) => {
      const body = req.body as Partial<FaultSettings> | undefined;
      if (!body || !MODES.includes(body.mode as FaultSettings['mode'])) {
        res.status(400).json(invalid(`mode must be one of ${MODES.join(', ')}`));
        return;
      }
      this.faults = { mode: body.mode as FaultSettings['mode'], delayMs: body.delayMs };
      res.json(this.faults);
    });
  }

  /**
   * Middleware where faults strike before anything else, as an overloaded gateway would: slow delays,
   * hang never answers (the socket is destroyed on close), error answers with `error(res, n)`, n = the nth error.
   */
  strike =
    (error: (res: Response, n: number) => void) =>
    (_req: Request, res: Response, next: NextFunction): void => {
      switch (this.faults.mode) {
        case 'slow': {
          const t = setTimeout(() => (this.timers.delete(t), next()), this.faults.delayMs ?? 2000);
          this.timers.add(t);
          return;
        }
        case 'error':
          error(res, ++this.errors);
          return;
        case 'hang':
          return;
        default:
          next();
      }
    };

  /** Sends a JSON answer, applying the malformed fault (`garbleBody` changes the body in place) and the drop fault on the way out. */
  send<B extends object>(res: Response, body: B, garbleBody?: (body: B) => void): void {
    if (this.faults.mode === 'malformed') garbleBody?.(body);
    const text = JSON.stringify(body);
    if (this.faults.mode === 'drop') {
      // promise more bytes than are sent, send half, then cut the connection
      const bytes = Buffer.from(text, 'utf8');
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(bytes.length + 64) });
      res.write(bytes.subarray(0, Math.floor(bytes.length / 2)));
      setImmediate(() => res.socket?.destroy());
      return;
    }
    res.type('application/json; charset=utf-8').send(text);
  }

  /** The RunningSimulator parts about faults and calls. */
  controls(): Pick<RunningSimulator, 'setFaults' | 'callCount' | 'resetCallCount'> {
    return {
      setFaults: async (f) => void (this.faults = { ...f }),
      callCount: () => this.calls,
      resetCallCount: () => void (this.calls = 0),
    };
  }

  clearTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}

/** Listens on env.host:env.port (0: any free port); baseUrl is how a client on this machine reaches it. */
export async function listen(app: Express, env: SimulatorEnv): Promise<{ server: Server; baseUrl: string }> {
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(env.port, env.host, (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  const { port } = server.address() as AddressInfo;
  return { server, baseUrl: `http://${reachableHost(env.host)}:${port}` };
}

/** The host to dial for a server listening on `host` (a wildcard address is dialled on loopback), IPv6 in brackets. */
export function reachableHost(host: string): string {
  const h = host === '0.0.0.0' || host === '::' || host === '' ? '127.0.0.1' : host;
  return h.includes(':') ? `[${h}]` : h;
}

/** Stops the server, cutting connections still open (hung requests included), then the faults' timers and the pool. */
export async function closeHttp(server: Server, faults: HttpFaults, pool: pg.Pool): Promise<void> {
  faults.clearTimers();
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
  await pool.end();
}
