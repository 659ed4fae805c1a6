/**
 * The connector contract every department source keeps, written once and run by each department's
 * test file with its own fixture (its items, its planted dirt) against its real simulator:
 * paging to the end, resuming from a watermark, a hanging source, failures for a while (ridden out by
 * retries) and for longer (the run fails, the next one resumes), connections dropped mid-stream, dirty
 * records handed over for quarantine, and GB18030 where the system stores it. Only what a system truly
 * cannot stage is skipped, and the department says why in the options.
 * Never imported by running code (it uses vitest).
 */
import iconv from 'iconv-lite';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CanonicalRecord } from '../../src/domain/canonical.js';
import type { WorldItem } from '../../src/generator/world.js';
import { withResilience } from '../resilience.js';
import {
  SourceError,
  type ChangeBatch,
  type Connector,
  type DepartmentSource,
  type FaultSettings,
  type RunningSimulator,
  type SimulatorEnv,
  type SourceEnvelope,
} from '../types.js';
import { collect, expectResumableFeed, failure, flat, quietDeps, seededSystem, type SeededSystem } from './testing.js';

/** A behaviour the system cannot stage, with the reason (shown in the test name). */
export interface Skip {
  skip: string;
}
const skipped = <T>(o: T | Skip): o is Skip => typeof o === 'object' && o !== null && 'skip' in o;

export interface ContractOptions {
  /** the department's fixture: world items, some with the dirt this system plants (dirt.malformed, refStyle) */
  items: readonly WorldItem[];
  /** the seed goes in two chunks split here, so the seeder's state across chunks is exercised */
  splitAt: number;
  /** prepared between the two resets the suite does (something the second reset must clear) */
  betweenResets?: (env: SimulatorEnv) => void | Promise<void>;
  /** the record a clean item comes back as where the system keeps it differently (a full-width name it re-typed); default item.record */
  carried?: (item: WorldItem) => CanonicalRecord;
  /** how the error of a planted malformed record names what is wrong (field and reason, in the system's own words) */
  dirtError: RegExp;
  /** credit codes fetchByKeys finds records for in the fixture */
  keys: readonly string[];
  /** in-place changes touch() makes one after another (at least two), each with the record it must come back as */
  touches: readonly { id: string; change: Record<string, unknown>; expected: CanonicalRecord }[];
  /**
   * Whether a fault switched on after a run's first batch is met by the rest of that run. A system whose
   * faults stage only data a run has already read states why; its failure tests switch the fault on before the run.
   */
  midStream: true | Skip;
  /** options (over the simulator's) that make the system refuse the connector (wrong credentials): REFUSED, never retried */
  refused: { options: (simulatorOptions: Record<string, unknown>) => Record<string, unknown> } | Skip;
  /**
   * Records the system stores in GB18030 (their text must include characters GB18030 needs four bytes for),
   * and the stored bytes holding one of them, to show they really are GB18030 on the wire.
   */
  gb18030: { ids: readonly string[]; wireBytes: (sim: RunningSimulator, id: string) => Promise<Buffer> } | Skip;
}

/** Strings anywhere in a value. */
const strings = (v: unknown): string[] =>
  typeof v === 'string' ? [v] : v && typeof v === 'object' ? Object.values(v).flatMap(strings) : [];
/** Characters GB18030 encodes in four bytes (outside GBK): where a decoder that is really GBK goes wrong. */
const fourByteChars = (s: string): string[] => [...s].filter((ch) => iconv.encode(ch, 'gb18030').length === 4);

const RETRY = { maxAttempts: 4, initialDelayMs: 10, maxDelayMs: 40, breakerThreshold: 1000, halfOpenAfterMs: 100 };

/**
 * Registers the contract suite for `source` (one describe block with its own seeded system).
 */
export function connectorContract(source: DepartmentSource, o: ContractOptions): void {
  const ALL = o.items.map((i) => i.sourceRecordId).sort();
  const MALFORMED = new Set(o.items.filter((i) => i.dirt?.malformed).map((i) => i.sourceRecordId));
  const carried = o.carried ?? ((i: WorldItem) => i.record);
  const ids = (envs: SourceEnvelope[]) => envs.map((e) => e.sourceRecordId);
  const failingFault = (mode: FaultSettings['mode']) =>
    `${mode}${skipped(o.midStream) ? ' (switched on before the run: ' + o.midStream.skip + ')' : ''}`;

  describe(`${source.id}: connector contract`, () => {
    let db: SeededSystem['db'];
    let env: SimulatorEnv;
    let sim: RunningSimulator;
    const opened: Connector[] = [];
    const connect = (timeoutMs = 3000, extra: Record<string, unknown> = {}): Connector => {
      const c = source.createConnector({ timeoutMs, ...sim.connectorOptions, ...extra }, quietDeps);
      opened.push(c);
      return c;
    };
    /**
     * The connector as the hub runs it (resilience around it), its change stream counting its starts:
     * `onStart(n)` runs before the nth start (the first run and every retry, which restarts from the last watermark).
     */
    const resilient = (timeoutMs: number, onStart: (n: number) => Promise<void> = async () => {}, attempts = RETRY.maxAttempts) => {
      const inner = connect(timeoutMs);
      let starts = 0;
      const counted: Connector = {
        id: inner.id,
        department: inner.department,
        provides: inner.provides,
        fetchByKeys: (k, opts) => inner.fetchByKeys(k, opts),
        async *changesSince(w, opts) {
          await onStart(++starts);
          yield* inner.changesSince(w, opts);
        },
        health: () => inner.health(),
        close: () => inner.close(),
      };
      return { connector: withResilience(counted, { timeoutMs, resilience: { ...RETRY, maxAttempts: attempts } }), starts: () => starts };
    };

    /**
     * Reads a run, switching `fault` on after the first batch (or before the run when faults are not met
     * mid-stream). Returns what arrived and the error that ended the run, if one did.
     */
    async function runWithFault(c: Connector, fault: FaultSettings, batchSize = 2): Promise<{ batches: ChangeBatch[]; error: unknown }> {
      const batches: ChangeBatch[] = [];
      if (skipped(o.midStream)) await sim.setFaults(fault);
      try {
        for await (const b of c.changesSince(null, { batchSize })) {
          batches.push(b);
          if (batches.length === 1 && !skipped(o.midStream)) await sim.setFaults(fault);
        }
        return { batches, error: null };
      } catch (error) {
        return { batches, error };
      }
    }

    beforeAll(async () => {
      const seeded = await seededSystem(source, o.items, o.splitAt, o.betweenResets);
      ({ db, env } = seeded);
      expect(seeded.written).toBe(o.items.length);
      sim = await source.simulator.start(env);
    });
    afterAll(async () => {
      for (const c of opened) await c.close().catch(() => undefined);
      await sim?.setFaults({ mode: 'none' }).catch(() => undefined);
      await sim?.close();
      await db?.drop();
    });
    beforeEach(async () => {
      await sim.setFaults({ mode: 'none' });
    });

    it('the fixture plants dirt: malformed records and references reduced as old systems keep them', () => {
      expect(MALFORMED.size).toBeGreaterThan(0);
      expect(o.items.some((i) => i.dirt?.refStyle)).toBe(true);
      expect(new Set(ALL).size).toBe(ALL.length);
      expect(o.touches.length).toBeGreaterThanOrEqual(2);
    });

    it('dirty records come as envelopes for quarantine (id, kind, raw, the reason); every clean record as its canonical record', async () => {
      const envelopes = flat(await collect(connect().changesSince(null)));
      expect(ids(envelopes).sort()).toEqual(ALL);
      for (const item of o.items) {
        const e = envelopes.find((x) => x.sourceRecordId === item.sourceRecordId)!;
        expect(e.kind, item.sourceRecordId).toBe(item.record.kind);
        expect(e.raw, item.sourceRecordId).toBeTruthy();
        if (MALFORMED.has(item.sourceRecordId)) {
          expect(e.record, item.sourceRecordId).toBeUndefined();
          expect(e.error, item.sourceRecordId).toMatch(o.dirtError);
        } else {
          expect(e.error, `${item.sourceRecordId}: ${e.error}`).toBeUndefined();
          expect(e.updatedAt, item.sourceRecordId).toBe(item.updatedAt);
          expect(e.record, item.sourceRecordId).toEqual(carried(item));
        }
      }
    });

    it('the malformed fault (garbage from the system) gives an error envelope per record, raw kept, not a throw', async () => {
      await sim.setFaults({ mode: 'malformed' });
      const envs = flat(await collect(connect().changesSince(null, { batchSize: 3 })));
      expect(ids(envs).sort()).toEqual(ALL);
      for (const e of envs) {
        expect(e.kind, e.sourceRecordId).toBe(o.items.find((i) => i.sourceRecordId === e.sourceRecordId)!.record.kind);
        expect(e.record, e.sourceRecordId).toBeUndefined();
        expect(e.error, e.sourceRecordId).toBeTruthy();
        expect(e.raw, e.sourceRecordId).toBeTruthy();
      }
      await sim.setFaults({ mode: 'none' });
      expect(
        flat(await collect(connect().changesSince(null)))
          .filter((e) => e.error)
          .map((e) => e.sourceRecordId)
          .sort(),
      ).toEqual([...MALFORMED].sort());
    });

    it('pages to the end: in batches of 1, 2 and 5 every record exactly once, no batch empty or too big; resumed after any batch, nothing skipped or repeated', async () => {
      const c = connect();
      for (const batchSize of [1, 5]) {
        const batches = await collect(c.changesSince(null, { batchSize }));
        expect(
          batches.every((b) => b.records.length >= 1 && b.records.length <= batchSize),
          `batches of ${batchSize}`,
        ).toBe(true);
        expect(ids(flat(batches)).sort(), `batches of ${batchSize}`).toEqual(ALL);
        expect(batches.length).toBeGreaterThanOrEqual(Math.ceil(ALL.length / batchSize));
      }
      await expectResumableFeed(c, ALL, { batchSize: 2, resumeBatchSize: 3 });
      // the connector's own batch size, and one larger than the whole system
      expect(ids(flat(await collect(c.changesSince(null)))).sort()).toEqual(ALL);
      expect(ids(flat(await collect(c.changesSince(null, { batchSize: 10_000 })))).sort()).toEqual(ALL);
    });

    it('fetchByKeys of no codes asks the system nothing; of codes it holds, finds their records once each', async () => {
      const c = connect();
      await c.health();
      sim.resetCallCount();
      expect(await c.fetchByKeys([])).toEqual([]);
      expect(sim.callCount()).toBe(0);
      const found = ids(await c.fetchByKeys([...o.keys, ...o.keys]));
      expect(found.length).toBeGreaterThan(0);
      expect(new Set(found).size).toBe(found.length);
      expect(found.every((id) => ALL.includes(id))).toBe(true);
    });

    if (skipped(o.gb18030)) {
      it.skip(`GB18030: ${o.gb18030.skip}`, () => {});
    } else {
      const gb = o.gb18030;
      it('GB18030: records the system stores in GB18030 come back exact, four-byte characters included', async () => {
        const envs = flat(await collect(connect().changesSince(null)));
        for (const id of gb.ids) {
          const item = o.items.find((i) => i.sourceRecordId === id)!;
          const text = strings(carried(item));
          const rare = text.flatMap(fourByteChars);
          expect(rare.length, `${id} has text GB18030 needs four bytes for`).toBeGreaterThan(0);
          expect(envs.find((e) => e.sourceRecordId === id)!.record, id).toEqual(carried(item));
          const bytes = await gb.wireBytes(sim, id);
          const decoded = iconv.decode(bytes, 'gb18030');
          for (const s of text.filter((t) => fourByteChars(t).length)) {
            expect(decoded, `${id} is stored in GB18030`).toContain(s);
            expect(bytes.includes(Buffer.from(s, 'utf8')), `${id} is not stored in UTF-8`).toBe(false);
          }
        }
      });
    }

    it('health: not ok while the system fails, ok again after', async () => {
      const c = connect();
      expect((await c.health()).ok).toBe(true);
      await sim.setFaults({ mode: 'error' });
      expect((await c.health()).ok).toBe(false);
      await sim.setFaults({ mode: 'none' });
      expect((await c.health()).ok).toBe(true);
    });

    it('a hanging source: every call fails on its deadline (TIMEOUT), the run fails without hanging; it recovers after', async () => {
      const quick = connect(300);
      await sim.setFaults({ mode: 'hang' });
      const t0 = Date.now();
      const e = await failure(quick.fetchByKeys(o.keys));
      expect(e.reason).toBe('TIMEOUT');
      expect((await failure(collect(quick.changesSince(null)))).reason).toBe('TIMEOUT');
      expect(Date.now() - t0).toBeLessThan(3000);

      // as the hub runs it: each retry meets the deadline too, and the run ends in bounded time
      const { connector } = resilient(300, async () => {}, 2);
      const t1 = Date.now();
      const run = await runWithFault(connector, { mode: 'hang' });
      expect(run.error).toBeInstanceOf(SourceError);
      expect((run.error as SourceError).reason).toBe('TIMEOUT');
      expect(Date.now() - t1).toBeLessThan(4000);

      await sim.setFaults({ mode: 'none' });
      const resumed = flat(await collect(connector.changesSince(run.batches.at(-1)?.watermark ?? null)));
      expect([...ids(flat(run.batches)), ...ids(resumed)].sort()).toEqual(ALL);
      expect((await quick.fetchByKeys(o.keys)).length).toBeGreaterThan(0);
    });

    it('a slow source: answers within the timeout arrive whole; slower than it is TIMEOUT', async () => {
      await sim.setFaults({ mode: 'slow', delayMs: 150 });
      expect(ids(flat(await collect(connect().changesSince(null, { batchSize: 50 })))).sort()).toEqual(ALL);
      await sim.setFaults({ mode: 'slow', delayMs: 5000 });
      expect((await failure(connect(300).fetchByKeys(o.keys))).reason).toBe('TIMEOUT');
    });

    for (const [mode, reasons] of [
      ['error', ['UNAVAILABLE']],
      ['drop', ['UNAVAILABLE', 'BAD_RESPONSE']],
    ] as const) {
      const what = mode === 'error' ? 'failing (5xx / SQL error / unreadable file)' : 'dropping connections mid-answer';
      it(`${what} for a while: the retries ride it out within the run, every record read exactly once [${failingFault(mode)}]`, async () => {
        const raw = connect();
        await sim.setFaults({ mode });
        expect(reasons).toContain((await failure(raw.fetchByKeys(o.keys))).reason);
        await sim.setFaults({ mode: 'none' });

        // the fault stays on for two failed attempts and is cleared before the third start of the stream
        const { connector, starts } = resilient(3000, async (n) => {
          if (n === 3) await sim.setFaults({ mode: 'none' });
        });
        const run = await runWithFault(connector, { mode });
        expect(run.error).toBeNull();
        expect(starts(), 'the fault was met and retried').toBe(3);
        const got = ids(flat(run.batches));
        expect(new Set(got).size).toBe(got.length);
        expect(got.sort()).toEqual(ALL);
      });

      it(`${what} for longer than the retries: the run fails with a SourceError keeping what it read; the next run resumes exactly [${failingFault(mode)}]`, async () => {
        const { connector, starts } = resilient(3000);
        const run = await runWithFault(connector, { mode });
        expect(run.error).toBeInstanceOf(SourceError);
        expect(reasons).toContain((run.error as SourceError).reason);
        expect(starts()).toBeGreaterThan(1); // it was retried before giving up
        expect(run.batches.length).toBe(skipped(o.midStream) ? 0 : 1);

        await sim.setFaults({ mode: 'none' });
        const resumed = flat(await collect(connector.changesSince(run.batches.at(-1)?.watermark ?? null, { batchSize: 2 })));
        const got = [...ids(flat(run.batches)), ...ids(resumed)];
        expect(new Set(got).size).toBe(got.length);
        expect(got.sort()).toEqual(ALL);
      });
    }

    if (skipped(o.refused)) {
      it.skip(`refused credentials: ${o.refused.skip}`, () => {});
    } else {
      const refused = o.refused;
      it('refused credentials are REFUSED, for reads and health, and not retried', async () => {
        const c = connect(3000, refused.options(sim.connectorOptions));
        expect((await failure(c.fetchByKeys(o.keys))).reason).toBe('REFUSED');
        expect((await failure(collect(c.changesSince(null)))).reason).toBe('REFUSED');
        expect((await c.health()).ok).toBe(false);
        let starts = 0;
        const wrapped = withResilience(
          {
            id: c.id,
            department: c.department,
            provides: c.provides,
            changesSince: (w, opts) => (starts++, c.changesSince(w, opts)),
            fetchByKeys: (k, opts) => c.fetchByKeys(k, opts),
            health: () => c.health(),
            close: () => c.close(),
          },
          { timeoutMs: 3000, resilience: RETRY },
        );
        expect((await failure(collect(wrapped.changesSince(null)))).reason).toBe('REFUSED');
        expect(starts).toBe(1);
      });
    }

    // these change the system: they run last
    it('resumes from a watermark: the end of a run yields nothing; after each change exactly the changed record, nothing else', async () => {
      const c = connect();
      let mark = (await collect(c.changesSince(null))).at(-1)!.watermark;
      expect(flat(await collect(c.changesSince(mark)))).toEqual([]);
      const latest = Math.max(...o.items.map((i) => Date.parse(i.updatedAt)));
      for (const t of o.touches) {
        await source.simulator.touch(env, t.id, t.change);
        const run = await collect(c.changesSince(mark));
        const changed = flat(run);
        expect(ids(changed), `after touching ${t.id}`).toEqual([t.id]);
        expect(changed[0]!.record).toEqual(t.expected);
        expect(Date.parse(changed[0]!.updatedAt!)).toBeGreaterThan(latest);
        mark = run.at(-1)!.watermark;
        expect(flat(await collect(c.changesSince(mark)))).toEqual([]);
      }
      await expect(source.simulator.touch(env, 'NO-SUCH-RECORD', o.touches[0]!.change)).rejects.toThrow(/NO-SUCH-RECORD/);
    });

    it('a record changed while a run pages through the system is read again with its change; no record is lost', async () => {
      const c = connect();
      const got: SourceEnvelope[] = [];
      let touched: string | null = null;
      const t = o.touches[0]!;
      for await (const b of c.changesSince(null, { batchSize: 1 })) {
        got.push(...b.records);
        if (!touched && got.some((e) => e.sourceRecordId === t.id)) {
          await source.simulator.touch(env, t.id, t.change);
          touched = t.id;
        }
      }
      expect(touched).toBe(t.id);
      const seen = ids(got);
      expect([...new Set(seen)].sort()).toEqual(ALL);
      // only changed records may come more than once (a system keeping history hands out earlier versions too)
      const changed = new Set(o.touches.map((x) => x.id));
      expect(seen.filter((id) => !changed.has(id)).length).toBe(ALL.length - changed.size);
      expect(got.filter((e) => e.sourceRecordId === t.id).at(-1)!.record).toEqual(t.expected);
    });
  });
}
