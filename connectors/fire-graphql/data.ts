/**
 * What the fire service's assessment system knows, from the generator's world (the same deterministic
 * data the other simulators hold): per enterprise, its fire-safety inspections graded by the rule in
 * schema.graphql, and, for some, another enterprise owning the premises (产权单位).
 */
import { worldParams, worldSlice } from '../../src/generator/generate.js';
import { fnv1a } from '../kit/dirt.js';

export type FireSafetyGrade = 'A' | 'B' | 'C';

export interface FireAssessment {
  creditCode: string;
  grade: FireSafetyGrade;
  inspectionCount: number;
  hazardInspectionCount: number;
  sealedCount: number;
  lastInspectedOn: string;
  keyFireSafetyUnit: boolean | null;
  /** credit code of the enterprise owning the premises, when another one does */
  premisesOwner: string | null;
}

export interface WorldOptions {
  enterprises: number;
  seed: number;
  /** the world's today (default: today in China, as the generator) */
  today?: string;
}

/** The grade of a set of inspections: C when any sealed the premises up, B when any found hazards, else A. */
export function gradeOf(results: readonly string[]): FireSafetyGrade {
  if (results.includes('SEALED')) return 'C';
  return results.includes('HAZARDS_FOUND') ? 'B' : 'A';
}

export function fireAssessments(o: WorldOptions): Map<string, FireAssessment> {
  const p = worldParams(o);
  const byCode = new Map<string, { on: string; result: string; key: boolean | null }[]>();
  for (const item of worldSlice(p, 0, p.enterprises, (d) => d === 'FIRE')) {
    const r = item.record;
    if (r.kind !== 'inspection' || !r.enterprise.creditCode) continue;
    const list = byCode.get(r.enterprise.creditCode) ?? [];
    list.push({ on: r.inspectedOn, result: r.result, key: r.keyFireSafetyUnit ?? null });
    byCode.set(r.enterprise.creditCode, list);
  }
  const codes = [...byCode.keys()].sort();
  const out = new Map<string, FireAssessment>();
  codes.forEach((code, i) => {
    const list = byCode.get(code)!.sort((a, b) => a.on.localeCompare(b.on));
    const latest = list.at(-1)!;
    // one in four rents its premises from the next assessed enterprise (by credit code)
    const owner = codes.length > 1 && fnv1a(code) % 4 === 0 ? codes[(i + 1) % codes.length]! : null;
    out.set(code, {
      creditCode: code,
      grade: gradeOf(list.map((x) => x.result)),
      inspectionCount: list.length,
      hazardInspectionCount: list.filter((x) => x.result !== 'PASSED').length,
      sealedCount: list.filter((x) => x.result === 'SEALED').length,
      lastInspectedOn: latest.on,
      keyFireSafetyUnit: latest.key,
      premisesOwner: owner,
    });
  });
  return out;
}
