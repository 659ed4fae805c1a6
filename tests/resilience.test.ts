/**
 * Outbound resilience around a real department source (the market simulator over HTTP): retries with
 * backoff for reads, a breaker that opens and half-opens, a bulkhead, and a change stream that survives
 * a failing page without skipping or repeating records.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import source from '../connectors/market/index.js';
import { ResilientConnector, resilienceOptionsSchema } from '../connectors/resilience.js';
import { SourceError, type RunningSimulator, type SimulatorEnv } from '../connectors/types.js';
import { worldParams, worldSlice } from '../src/generator/generate.js';
import { createTestDatabase } from './support/db.js';

const quiet = { info: () => {}, warn: () => {}, error: () => {} };
const P = worldParams({ enterprises: 40, seed: 5, today: '2026-11-23' });
const items = worldSlice(P, 0, P.enterprises, (d) => d === 'MARKET');

describe('resilient connector', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let env: SimulatorEnv;
  let sim: RunningSimulator;
  const wrap = (opts: Record<string, unknown>, timeoutMs = 1000) =>
    new ResilientConnector(
      source.createConnector({ timeoutMs, ...sim.connectorOptions }, { log: quiet }),
      resilienceOptionsSchema.parse(opts),
      timeoutMs,
    );
  const codes = items
    .filter((i) => i.record.kind === 'enterprise')
    .slice(0, 3)
    .map((i) => (i.record as { creditCode: string }).creditCode);

  beforeAll(async () => {
    db = await createTestDatabase('resil');
    env = { departmentsDatabaseUrl: db.url, dataDir: mkdtempSync(path.join(tmpdir(), 'resil-')), port: 0, host: '127.0.0.1' };
    await source.simulator.reset(env);
    await source.simulator.seed(
      env,
      (async function* () {
        yield items;
      })(),
    );
    sim = await source.simulator.start(env);
  });
  afterAll(async () => {
    await sim?.close();
    await db?.drop();
  });
  beforeEach(async () => {
    await sim.setFaults({ mode: 'none' });
    sim.resetCallCount();
  });

  it('retries a failing read with backoff, then reports the source unavailable', async () => {
    const c = wrap({ maxAttempts: 3, initialDelayMs: 10, maxDelayMs: 20, breakerThreshold: 10 });
    await sim.setFaults({ mode: 'error' });
    const err = await c.fetchByKeys(codes).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceError);
    expect((err as SourceError).reason).toBe('UNAVAILABLE');
    expect(sim.callCount()).toBe(3);
    await sim.setFaults({ mode: 'none' });
    expect((await c.fetchByKeys(codes)).length).toBeGreaterThan(0);
  });

  it('does not retry a refusal (bad credentials)', async () => {
    const c = new ResilientConnector(
      source.createConnector({ timeoutMs: 1000, ...sim.connectorOptions, appSecret: 'wrong' }, { log: quiet }),
      resilienceOptionsSchema.parse({ initialDelayMs: 10 }),
      1000,
    );
    const err = (await c.fetchByKeys(codes).catch((e: unknown) => e)) as SourceError;
    expect(err.reason).toBe('REFUSED');
    expect(sim.callCount()).toBe(1);
  });

  it('opens the breaker after consecutive failures, fails fast while open, and closes after a good probe', async () => {
    const c = wrap({ maxAttempts: 1, breakerThreshold: 3, halfOpenAfterMs: 300 });
    const states: string[] = [];
    c.onBreakerChange((s) => states.push(s));
    await sim.setFaults({ mode: 'error' });
    for (let k = 0; k < 3; k++) await c.fetchByKeys(codes).catch(() => undefined);
    expect(c.state().breaker).toBe('OPEN');
    const calls = sim.callCount();
    const fast = (await c.fetchByKeys(codes).catch((e: unknown) => e)) as SourceError;
    expect(fast.message).toMatch(/circuit open/);
    expect(sim.callCount()).toBe(calls); // the source was not even asked
    await sim.setFaults({ mode: 'none' });
    await new Promise((r) => setTimeout(r, 400));
    expect((await c.fetchByKeys(codes)).length).toBeGreaterThan(0);
    expect(c.state().breaker).toBe('CLOSED');
    expect(states).toEqual(['OPEN', 'HALF_OPEN', 'CLOSED']);
  });

  it('limits concurrent calls with a bulkhead', async () => {
    const c = wrap({ maxAttempts: 1, maxConcurrent: 1, maxQueued: 0 }, 3000);
    await sim.setFaults({ mode: 'slow', delayMs: 300 });
    const [a, b] = await Promise.allSettled([c.fetchByKeys(codes), c.fetchByKeys(codes)]);
    expect(a.status).toBe('fulfilled');
    expect(b.status).toBe('rejected');
    expect(((b as PromiseRejectedResult).reason as SourceError).message).toMatch(/bulkhead/);
  });

  it('gives up on a hanging source within its deadline', async () => {
    const c = wrap({ maxAttempts: 2, initialDelayMs: 10, maxDelayMs: 10 }, 200);
    await sim.setFaults({ mode: 'hang' });
    const err = (await c.fetchByKeys(codes).catch((e: unknown) => e)) as SourceError;
    expect(err).toBeInstanceOf(SourceError);
    expect(err.reason).toBe('TIMEOUT');
  });

  it('streams many pages under a signal of the caller (the scheduler passes one)', async () => {
    const ac = new AbortController();
    let n = 0;
    for await (const b of wrap({}).changesSince(null, { batchSize: 5, signal: ac.signal })) n += b.records.length;
    expect(n).toBe(items.length);
  });

  it('resumes a change stream after a failing page from the last watermark: nothing skipped, nothing repeated', async () => {
    const reference: string[] = [];
    for await (const b of wrap({}).changesSince(null, { batchSize: 7 }))
      reference.push(...b.records.map((r) => `${r.kind}|${r.sourceRecordId}`));
    expect(reference.length).toBe(items.length);

    const c = wrap({ maxAttempts: 10, initialDelayMs: 50, maxDelayMs: 100 });
    const seen: string[] = [];
    let batches = 0;
    for await (const b of c.changesSince(null, { batchSize: 7 })) {
      seen.push(...b.records.map((r) => `${r.kind}|${r.sourceRecordId}`));
      if (++batches === 2) {
        // the source fails for a while mid-stream, then recovers
        await sim.setFaults({ mode: 'error' });
        const before = sim.callCount();
        void (async () => {
          while (sim.callCount() < before + 2) await new Promise((r) => setTimeout(r, 10));
          await sim.setFaults({ mode: 'none' });
        })();
      }
    }
    expect(seen).toEqual(reference);
  });
});
