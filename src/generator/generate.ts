/**
 * The world, streamed: chunks of enterprises with everything the departments hold about them,
 * filtered to one department for its seeder. `generateInto` fills every department system from the
 * same seed; each seeder walks the world on its own (the world is a pure function of the seed), so
 * memory stays flat at any size.
 */
import type { DepartmentSource, SimulatorEnv } from '../../connectors/types.js';
import type { Department } from '../domain/canonical.js';
import { DEPARTMENT_WORLDS } from '../generated/department-worlds.js';
import { todayIso } from '../kernel/dates.js';
import { enterpriseRecords } from './enterprise-records.js';
import { PLANTED_COUNT, PlantedWorld, type ScenarioIndex } from './planted.js';
import { enterpriseProfile, type WorldParams } from './profile.js';
import { backgroundProjects, projectRecords } from './projects.js';
import type { WorldItem } from './world.js';

export interface GenerateOptions {
  enterprises: number;
  seed: number;
  /** the world's today (default: today in China) */
  today?: string;
  /** background list-entry rates × this (default 1); see WorldParams.listDensity */
  listDensity?: number;
  /** enterprises per chunk handed to the seeders */
  chunkSize?: number;
  onProgress?: (source: string, enterprisesDone: number) => void;
}

export function worldParams(o: Pick<GenerateOptions, 'enterprises' | 'seed' | 'today' | 'listDensity'>): WorldParams {
  const listDensity = o.listDensity ?? 1;
  if (!Number.isFinite(listDensity) || listDensity < 0) throw new Error(`listDensity must be a non-negative number, not ${o.listDensity}`);
  return { seed: o.seed, enterprises: o.enterprises, today: o.today ?? todayIso(), listDensity };
}

/** Items of enterprises [from, to), for the departments `keep` accepts. */
export function worldSlice(p: WorldParams, from: number, to: number, keep?: (d: Department) => boolean): WorldItem[] {
  const planted = new PlantedWorld(p);
  const firstFree = planted.active ? PLANTED_COUNT : 0;
  const items: WorldItem[] = [];
  // the department packages' own parts (their own random streams)
  const worlds = DEPARTMENT_WORLDS.filter((w) => !keep || keep(w.department)).map((w) => w.world(p));
  for (let i = from; i < to; i++) {
    const planned = planted.planFor(i);
    const profile = planned?.profile ?? enterpriseProfile(p, i);
    items.push(...enterpriseRecords(p, profile, planned?.plan ?? null, keep).items);
    for (const w of worlds) items.push(...w(profile));
    if (profile.sector !== 'REAL_ESTATE') continue;
    if (planned) {
      if (i === planted.indexOf('builder')) for (const x of planted.projects()) items.push(...projectRecords(p, x, false, keep).items);
    } else if (p.enterprises - firstFree > 20) {
      for (const x of backgroundProjects(p, profile, firstFree)) items.push(...projectRecords(p, x, true, keep).items);
    }
  }
  return items;
}

/** The world in chunks of enterprises, for one department (or all). */
export async function* worldChunks(
  p: WorldParams,
  keep?: (d: Department) => boolean,
  chunkSize = 500,
  onChunk?: (done: number) => void,
): AsyncGenerator<WorldItem[]> {
  for (let from = 0; from < p.enterprises; from += chunkSize) {
    const to = Math.min(p.enterprises, from + chunkSize);
    yield worldSlice(p, from, to, keep);
    onChunk?.(to);
    // let I/O (the seeder's inserts, other seeders) run between chunks
    await new Promise((r) => setImmediate(r));
  }
}

export interface GenerateResult {
  scenarios: ScenarioIndex;
  written: Record<string, number>;
}

/**
 * One pass over the world feeding several consumers: each chunk is split by department and queued
 * for that department's seeder, the producer waiting while any queue is full (memory stays flat).
 */
class DepartmentQueue implements AsyncIterable<WorldItem[]> {
  private readonly chunks: WorldItem[][] = [];
  private done = false;
  private wake: (() => void) | null = null;
  private drained: (() => void) | null = null;
  failed: unknown = null;

  push(chunk: WorldItem[]) {
    this.chunks.push(chunk);
    this.wake?.();
  }
  end() {
    this.done = true;
    this.wake?.();
  }
  fail(err: unknown) {
    this.failed = err;
    this.drained?.();
  }
  /** resolves once the consumer has taken chunks below `max` (or gave up) */
  async room(max: number): Promise<void> {
    while (this.chunks.length >= max && !this.failed) await new Promise<void>((r) => (this.drained = r));
  }
  async *[Symbol.asyncIterator](): AsyncIterator<WorldItem[]> {
    for (;;) {
      const next = this.chunks.shift();
      this.drained?.();
      if (next) {
        yield next;
        continue;
      }
      if (this.done) return;
      await new Promise<void>((r) => (this.wake = r));
      this.wake = null;
    }
  }
}

/** Empties each department system and writes the generated world into it, all from one pass. */
export async function generateInto(env: SimulatorEnv, o: GenerateOptions, sources: readonly DepartmentSource[]): Promise<GenerateResult> {
  if (!Number.isInteger(o.enterprises) || o.enterprises < 1)
    throw new Error(`enterprises must be a positive whole number, not ${o.enterprises}`);
  const p = worldParams(o);
  const chunkSize = o.chunkSize ?? 500;
  await Promise.all(sources.map((s) => s.simulator.reset(env)));
  const queues = new Map(sources.map((s) => [s.department, new DepartmentQueue()]));
  const written: Record<string, number> = {};
  const seeding = sources.map(async (s) => {
    const q = queues.get(s.department)!;
    try {
      written[s.id] = (await s.simulator.seed(env, q)).written;
    } catch (err) {
      q.fail(err);
      throw err;
    }
  });
  const producing = (async () => {
    try {
      for (let from = 0; from < p.enterprises; from += chunkSize) {
        const to = Math.min(p.enterprises, from + chunkSize);
        const byDept = new Map<Department, WorldItem[]>();
        for (const item of worldSlice(p, from, to, (d) => queues.has(d))) {
          let list = byDept.get(item.department);
          if (!list) byDept.set(item.department, (list = []));
          list.push(item);
        }
        for (const [d, q] of queues) q.push(byDept.get(d) ?? []);
        for (const s of sources) o.onProgress?.(s.id, to);
        for (const q of queues.values()) {
          if (q.failed) throw q.failed;
          await q.room(3);
        }
      }
    } finally {
      for (const q of queues.values()) q.end();
    }
  })();
  await Promise.all([producing, ...seeding]);
  return { scenarios: new PlantedWorld(p).index(), written };
}
