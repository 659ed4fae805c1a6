/**
 * Deterministic randomness for the generator. Every enterprise, person and project draws from its
 * own stream (seed, kind, index), so any part of the world can be produced alone, in any order, and
 * still come out the same: the five seeders each walk the world without holding it in memory.
 */

/** splitmix32-style mixing of a few integers into one 32-bit state. */
function mix(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

export class Rng {
  private s: number;
  constructor(...seedParts: number[]) {
    this.s = mix(...seedParts) || 1;
  }

  /** uniform in [0, 1) (mulberry32) */
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** integer in [min, max] */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** an item chosen by weight: [[item, weight], …] */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    const total = items.reduce((s, [, w]) => s + w, 0);
    let r = this.next() * total;
    for (const [item, w] of items) {
      r -= w;
      if (r < 0) return item;
    }
    return items[items.length - 1]![0];
  }
}

/** Stream kinds, so that enterprise 7 and project 7 draw different numbers. */
export const STREAM = { enterprise: 1, person: 2, project: 3, records: 4 } as const;

// ---------------------------------------------------------------- calendar arithmetic on ISO dates

const DAY = 86_400_000;
export const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
export const dayMs = (iso: string): number => Date.parse(`${iso}T00:00:00Z`);
export const addDays = (iso: string, days: number): string => isoDay(dayMs(iso) + days * DAY);
export const addYears = (iso: string, years: number): string => {
  const d = new Date(dayMs(iso));
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return isoDay(d.getTime());
};
export const daysBetween = (a: string, b: string): number => Math.round((dayMs(b) - dayMs(a)) / DAY);
