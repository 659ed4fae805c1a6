/**
 * Helpers of the department sources' own tests (never imported by running code): reading a change
 * feed to the end, expecting a SourceError, a silent logger, and a freshly seeded stand-in system on
 * a throwaway database of the test run's PostgreSQL.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import type { CanonicalRecord, Department } from '../../src/domain/canonical.js';
import type { WorldItem } from '../../src/generator/world.js';
import { createTestDatabase } from '../../tests/support/db.js';
import {
  SourceError,
  type ChangeBatch,
  type Connector,
  type ConnectorDeps,
  type DepartmentSource,
  type SimulatorEnv,
  type SourceEnvelope,
} from '../types.js';

/**
 * The world item a suite seeds for its department: `item(id, record, updatedAt?, dirt?)`; updatedAt falls back to
 * the suite's default, and a suite without one must give it.
 */
export function worldItemsOf(department: Department, defaultUpdatedAt?: string) {
  return (
    sourceRecordId: string,
    record: CanonicalRecord,
    updatedAt: string | undefined = defaultUpdatedAt,
    dirt?: WorldItem['dirt'],
  ): WorldItem => {
    if (updatedAt === undefined) throw new Error('updatedAt: this suite has no default instant');
    return { department, sourceRecordId, record, updatedAt, ...(dirt ? { dirt } : {}) };
  };
}

export async function collect(it: AsyncIterable<ChangeBatch>): Promise<ChangeBatch[]> {
  const out: ChangeBatch[] = [];
  for await (const b of it) out.push(b);
  return out;
}

export const flat = (batches: ChangeBatch[]): SourceEnvelope[] => batches.flatMap((b) => b.records);

/** The SourceError `p` rejects with; fails the test when it resolves or rejects with anything else. */
export async function failure(p: Promise<unknown>): Promise<SourceError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(SourceError);
    return e as SourceError;
  }
  throw new Error('expected a SourceError');
}

/**
 * The change-feed contract every connector keeps: read in batches of `batchSize`, no batch is empty or
 * larger, every record comes exactly once; resumed from the watermark after any batch (reading on in
 * batches of `resumeBatchSize`), what was seen plus what follows is everything, once.
 * Returns the batches for a department's own checks.
 */
export async function expectResumableFeed(
  connector: Connector,
  allIds: readonly string[],
  { batchSize = 2, resumeBatchSize = batchSize }: { batchSize?: number; resumeBatchSize?: number } = {},
): Promise<ChangeBatch[]> {
  const ids = (batches: ChangeBatch[]) => flat(batches).map((e) => e.sourceRecordId);
  const everything = [...allIds].sort();
  const batches = await collect(connector.changesSince(null, { batchSize }));
  expect(batches.every((b) => b.records.length >= 1 && b.records.length <= batchSize)).toBe(true);
  const seen = ids(batches);
  expect(new Set(seen).size).toBe(seen.length);
  expect([...seen].sort()).toEqual(everything);
  for (let k = 0; k < batches.length; k++) {
    const before = ids(batches.slice(0, k + 1));
    const after = ids(await collect(connector.changesSince(batches[k]!.watermark, { batchSize: resumeBatchSize })));
    expect([...before, ...after].sort(), `resumed after batch ${k}`).toEqual(everything);
  }
  return batches;
}

export const quietDeps: ConnectorDeps = { log: { info: () => {}, warn: () => {}, error: () => {} } };

export interface SeededSystem {
  db: Awaited<ReturnType<typeof createTestDatabase>>;
  env: SimulatorEnv;
  /** what seed() reported */
  written: number;
}

/**
 * A throwaway departments database and data folder; the system is reset twice (reset must be
 * idempotent; `betweenResets` may leave something the second must clear) and seeded with `items`
 * in two chunks split at `splitAt`, so a seeder's state across chunks is exercised.
 */
export async function seededSystem(
  source: DepartmentSource,
  items: readonly WorldItem[],
  splitAt: number,
  betweenResets?: (env: SimulatorEnv) => void | Promise<void>,
): Promise<SeededSystem> {
  const db = await createTestDatabase(source.id);
  const env: SimulatorEnv = {
    departmentsDatabaseUrl: db.url,
    dataDir: mkdtempSync(path.join(tmpdir(), `${source.id}-`)),
    port: 0,
    host: '127.0.0.1',
  };
  await source.simulator.reset(env);
  await betweenResets?.(env);
  await source.simulator.reset(env);
  const { written } = await source.simulator.seed(
    env,
    (async function* () {
      yield items.slice(0, splitAt);
      yield items.slice(splitAt);
    })(),
  );
  return { db, env, written };
}
