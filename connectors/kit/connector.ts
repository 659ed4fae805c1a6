/**
 * Small pieces every connector needs alike: its options checked once with zod (every problem named
 * in one message), a versioned JSON watermark, and a health probe that times itself.
 */
import type { z } from 'zod';
import type { HealthReport, SourceEnvelope } from '../types.js';

/** Parses a connector's options; throws one error naming every field at fault and why. */
export function parseOptions<S extends z.ZodType>(source: string, schema: S, options: unknown): z.infer<S> {
  const parsed = schema.safeParse(options);
  if (!parsed.success)
    throw new Error(`${source} connector options: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
  return parsed.data;
}

/**
 * A watermark `{"v":1,"<field>":{…}}`: one position per endpoint/table/resource. `check` may throw
 * to refuse positions it cannot resume from.
 */
export function versionedWatermark<P>(source: string, field: string, check?: (positions: P) => void) {
  return {
    parse(w: string | null): P {
      if (!w) return {} as P;
      try {
        const parsed = JSON.parse(w) as Record<string, unknown>;
        const pos = parsed[field];
        if (parsed.v !== 1 || typeof pos !== 'object' || pos === null) throw new Error('unknown version');
        check?.(pos as P);
        return { ...pos } as P;
      } catch (e) {
        throw new Error(`${source}: unreadable watermark '${w}': ${(e as Error).message}`);
      }
    },
    format: (pos: P): string => JSON.stringify({ v: 1, [field]: pos }),
  };
}

/** Health from a probe: ok, detail and the probe's latency; a probe that throws is not ok, its message the detail. */
export async function probeHealth(probe: () => Promise<{ ok: boolean; detail?: string }>): Promise<HealthReport> {
  const t0 = Date.now();
  try {
    const { ok, detail } = await probe();
    return { ok, latencyMs: Date.now() - t0, detail };
  } catch (e) {
    return { ok: false, latencyMs: Date.now() - t0, detail: e instanceof Error ? e.message : String(e) };
  }
}

/** The distinct keys in chunks of at most `size`: a batched source answers one chunk per call. */
export function chunksOf<T>(keys: readonly T[], size: number): T[][] {
  const distinct = [...new Set(keys)];
  const out: T[][] = [];
  for (let i = 0; i < distinct.length; i += size) out.push(distinct.slice(i, i + size));
  return out;
}

/** Envelopes kept once per key, in the order first seen (a record can be reached from two asked codes). */
export class DistinctEnvelopes {
  private readonly seen = new Set<string>();
  readonly all: SourceEnvelope[] = [];

  add(key: string, env: SourceEnvelope): void {
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.all.push(env);
  }
}

/** The caller's batch size, or the connector's default, within 1..max. */
export const batchSizeOf = (asked: number | undefined, dflt: number, max: number): number => Math.min(Math.max(1, asked ?? dflt), max);
