/**
 * The hub with its five simulated department systems, for integration tests: two fresh test databases
 * (hub, departments) on the test run's PostgreSQL, a generated world (fixed seed) in the simulators,
 * connectors, a full sync, and the hub on an ephemeral loopback port. See hub-world.ts.
 */
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { Writable } from 'node:stream';
import pino from 'pino';
import { createTestDatabase } from './db.js';
import { startHubWorld, type HubWorld } from './hub-world.js';

export interface HubFixture extends HubWorld {
  /** JSON log lines the hub wrote (for asserting what was logged) */
  logLines: string[];
  /** the department systems' own database (to read what they hold: tests/support/source-truth.ts) */
  departmentsUrl: string;
  /** the systems' folder (消防's file drops) */
  dataDir: string;
}

export async function startHubFixture(o: { enterprises?: number; seed?: number; timeoutMs?: number } = {}): Promise<HubFixture> {
  const hubDb = await createTestDatabase('hub');
  const depDb = await createTestDatabase('dep');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-fixture-'));
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logLines.push(String(chunk));
      cb();
    },
  });
  let world: HubWorld;
  try {
    world = await startHubWorld({
      hubUrl: hubDb.url,
      departmentsUrl: depDb.url,
      dataDir,
      enterprises: o.enterprises ?? 300,
      seed: o.seed ?? 20261101,
      timeoutMs: o.timeoutMs ?? 1500,
      log: pino({ level: 'info' }, sink),
      maxPageSize: 500,
    });
  } catch (err) {
    await hubDb.drop().catch(() => undefined);
    await depDb.drop().catch(() => undefined);
    throw err;
  }
  return {
    ...world,
    logLines,
    departmentsUrl: depDb.url,
    dataDir,
    async close() {
      await world.close();
      await hubDb.drop().catch(() => undefined);
      await depDb.drop().catch(() => undefined);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
