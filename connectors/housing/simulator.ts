/**
 * The 住房城乡建设 stand-in: the platform's own PostgreSQL (schema sim_housing), reached through a
 * small TCP proxy that speaks enough of the PostgreSQL wire protocol to count and disturb it.
 *
 *   connectorOptions.connectionString → the proxy, logging in as the read-only exchange role
 *   callCount = frontend Query ('Q') and Sync ('S') messages: one per SQL statement the connector sends
 *   faults:  slow      every answer forwarded delayMs late
 *            hang      nothing forwarded any more (new connections accepted, never answered)
 *            drop      half of the first answer to a query forwarded, then both sockets destroyed
 *            error     new logins answered FATAL 57P03, statements on open connections answered ERROR XX000
 *            malformed the fault switch table is flipped, so the exchange views garble their values
 */
import net, { type AddressInfo } from 'node:net';
import pg from 'pg';
import { reachableHost } from '../kit/http-simulator.js';
import type { FaultSettings, RunningSimulator, SimulatorEnv } from '../types.js';
import { READER_PASSWORD, READER_ROLE } from './mapping.js';
import { FAULT_TABLE } from './seed.js';

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;

function errorResponse(severity: 'ERROR' | 'FATAL', sqlState: string, message: string): Buffer {
  const fields = Buffer.concat([
    ...[
      ['S', severity],
      ['V', severity],
      ['C', sqlState],
      ['M', message],
    ].map(([k, v]) => Buffer.from(`${k}${v}\0`, 'utf8')),
    Buffer.from([0]),
  ]);
  const head = Buffer.alloc(5);
  head.write('E', 0);
  head.writeInt32BE(fields.length + 4, 1);
  return Buffer.concat([head, fields]);
}
const READY_IDLE = Buffer.from([0x5a, 0, 0, 0, 5, 0x49]); // 'Z', len 5, 'I'

/** Splits the frontend byte stream into whole messages (the startup phase has no type byte). */
class FrontendParser {
  private buf = Buffer.alloc(0);
  startup = true;

  push(chunk: Buffer): { type: string | null; bytes: Buffer; code?: number }[] {
    this.buf = Buffer.concat([this.buf, chunk]);
    const out: { type: string | null; bytes: Buffer; code?: number }[] = [];
    for (;;) {
      if (this.startup) {
        if (this.buf.length < 8) break;
        const len = this.buf.readInt32BE(0);
        if (this.buf.length < len) break;
        const code = this.buf.readInt32BE(4);
        out.push({ type: null, bytes: this.buf.subarray(0, len), code });
        this.buf = this.buf.subarray(len);
        if (code !== SSL_REQUEST && code !== GSSENC_REQUEST) this.startup = false;
      } else {
        if (this.buf.length < 5) break;
        const len = this.buf.readInt32BE(1) + 1;
        if (this.buf.length < len) break;
        out.push({ type: String.fromCharCode(this.buf[0]!), bytes: this.buf.subarray(0, len) });
        this.buf = this.buf.subarray(len);
      }
    }
    return out;
  }
}

export async function startSimulator(env: SimulatorEnv): Promise<RunningSimulator> {
  const upstream = new URL(env.departmentsDatabaseUrl);
  const upHost = upstream.hostname || '127.0.0.1';
  const upPort = Number(upstream.port || 5432);
  const admin = new pg.Pool({
    connectionString: env.departmentsDatabaseUrl,
    max: 2,
    connectionTimeoutMillis: 5_000,
    statement_timeout: 10_000,
  });
  admin.on('error', () => undefined); // idle admin connections dropped by the server: the pool reconnects
  const hasReader = ((await admin.query(`SELECT 1 FROM pg_roles WHERE rolname = $1`, [READER_ROLE])).rowCount ?? 0) > 0;

  let faults: FaultSettings = { mode: 'none' };
  let calls = 0;
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  // a previous run may have left the views garbling
  await admin.query(`UPDATE ${FAULT_TABLE} SET kg = '0' WHERE gzlx = 'malformed'`);

  const server = net.createServer((client) => {
    sockets.add(client);
    const parser = new FrontendParser();
    let up: net.Socket | null = null;
    let hung = false;
    let queried = false;
    let answers: Promise<void> = Promise.resolve();
    const closeBoth = () => {
      client.destroy();
      up?.destroy();
    };
    client.on('close', () => (sockets.delete(client), up?.destroy()));
    client.on('error', closeBoth);

    const toClient = (chunk: Buffer) => {
      if (hung || faults.mode === 'hang') return void (hung = true);
      if (faults.mode === 'drop' && queried) {
        client.write(chunk.subarray(0, Math.max(1, chunk.length >> 1)));
        return void setImmediate(closeBoth);
      }
      if (faults.mode === 'slow') {
        const due = Date.now() + (faults.delayMs ?? 2000);
        answers = answers.then(
          () =>
            new Promise<void>((resolve) => {
              const t = setTimeout(
                () => {
                  timers.delete(t);
                  if (!client.destroyed) client.write(chunk);
                  resolve();
                },
                Math.max(0, due - Date.now()),
              );
              timers.add(t);
            }),
        );
        return;
      }
      answers = answers.then(() => void (client.destroyed || client.write(chunk)));
    };
    const upstreamSocket = (): net.Socket => {
      if (up) return up;
      up = net.connect({ host: upHost, port: upPort });
      sockets.add(up);
      const u = up;
      u.on('data', toClient);
      u.on('close', () => (sockets.delete(u), client.destroy()));
      u.on('error', closeBoth);
      return u;
    };

    client.on('data', (chunk: Buffer) => {
      for (const msg of parser.push(chunk)) {
        if (msg.type === 'Q' || msg.type === 'S') calls++;
        if (hung || faults.mode === 'hang') {
          hung = true;
          continue;
        }
        if (faults.mode === 'error') {
          if (msg.type === null) {
            if (msg.code === SSL_REQUEST || msg.code === GSSENC_REQUEST) client.write('N');
            else client.end(errorResponse('FATAL', '57P03', 'the database system is not accepting connections (平台维护中)'));
          } else if (msg.type === 'Q' || msg.type === 'S') {
            client.write(Buffer.concat([errorResponse('ERROR', 'XX000', '数据库内部错误 (internal error)'), READY_IDLE]));
          } else if (msg.type === 'X') closeBoth();
          continue;
        }
        if (msg.type === 'Q' || msg.type === 'S') queried = true;
        upstreamSocket().write(msg.bytes);
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(env.port, env.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = new URL(env.departmentsDatabaseUrl);
  url.hostname = reachableHost(env.host);
  url.port = String(port);
  if (hasReader) {
    url.username = READER_ROLE;
    url.password = READER_PASSWORD;
  }

  return {
    connectorOptions: { connectionString: url.toString() },
    async setFaults(f) {
      const wasMalformed = faults.mode === 'malformed';
      faults = { ...f };
      if (wasMalformed !== (f.mode === 'malformed')) {
        await admin.query(`UPDATE ${FAULT_TABLE} SET kg = $1 WHERE gzlx = 'malformed'`, [f.mode === 'malformed' ? '1' : '0']);
      }
    },
    callCount: () => calls,
    resetCallCount() {
      calls = 0;
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      if (faults.mode === 'malformed')
        await admin.query(`UPDATE ${FAULT_TABLE} SET kg = '0' WHERE gzlx = 'malformed'`).catch(() => undefined);
      await admin.end();
    },
  };
}
