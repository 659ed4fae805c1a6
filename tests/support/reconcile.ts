/**
 * Reconciles a hub store against a department source's truth (the generated world filtered to that
 * department, which is exactly what its seeder wrote into the simulated system): every record the
 * source holds must be stored once or sit in open quarantine — nothing lost, nothing twice, nothing extra.
 * Persons are keyed by person (several records may name one), so their check is by source record id too:
 * a person record's id is stored (as the person row's provenance) or quarantined.
 */
import type { DataSource } from 'typeorm';
import type { Department, RecordKind } from '../../src/domain/canonical.js';
import { worldSlice, type GenerateOptions, worldParams } from '../../src/generator/generate.js';
import { KIND_SPECS } from '../../src/sync/rows.js';

const TABLE: Record<RecordKind, string> = {
  enterprise: 'enterprise',
  person: 'person',
  ...Object.fromEntries(Object.entries(KIND_SPECS).map(([k, s]) => [k, s.table])),
} as Record<RecordKind, string>;

export interface KindReconciliation {
  /** records of this kind in the source */
  source: number;
  stored: number;
  quarantined: number;
  /** source records neither stored nor quarantined */
  missing: string[];
  /** ids stored and also quarantined, or stored/quarantined without being in the source */
  extra: string[];
}

export type Reconciliation = Partial<Record<RecordKind, KindReconciliation>>;

/** Source record ids per kind that the source holds (world items of the department). */
export function sourceIds(o: Pick<GenerateOptions, 'enterprises' | 'seed' | 'today'>, department: Department): Map<RecordKind, string[]> {
  const p = worldParams({ enterprises: o.enterprises, seed: o.seed, today: o.today });
  const out = new Map<RecordKind, string[]>();
  for (const item of worldSlice(p, 0, p.enterprises, (d) => d === department)) {
    let list = out.get(item.record.kind);
    if (!list) out.set(item.record.kind, (list = []));
    list.push(item.sourceRecordId);
  }
  return out;
}

export async function reconcile(ds: DataSource, sourceId: string, expected: Map<RecordKind, string[]>): Promise<Reconciliation> {
  const out: Reconciliation = {};
  for (const [kind, ids] of expected) {
    // persons: derived person rows carry the id of the record that named them; only person records count
    const stored = (await ds.query(
      `SELECT source_record_id AS id FROM ${TABLE[kind]} WHERE source = $1 ${kind === 'person' ? `AND content_hash NOT LIKE 'derived:%'` : ''}`,
      [sourceId],
    )) as { id: string }[];
    const quarantined = (await ds.query(
      `SELECT source_record_id AS id FROM quarantined_record WHERE source = $1 AND kind = $2 AND resolved_at IS NULL`,
      [sourceId, kind],
    )) as { id: string }[];
    const want = new Set(ids);
    const seen = new Map<string, number>();
    for (const r of [...stored, ...quarantined]) seen.set(r.id, (seen.get(r.id) ?? 0) + 1);
    out[kind] = {
      source: ids.length,
      stored: stored.length,
      quarantined: quarantined.length,
      missing: ids.filter((id) => !seen.has(id)),
      extra: [...seen].filter(([id, n]) => n > 1 || !want.has(id)).map(([id]) => id),
    };
  }
  return out;
}

/** Compact figures for an equality assertion: per kind, source = stored + quarantined, none missing or extra. */
export function balanced(r: Reconciliation): Record<string, string> {
  return Object.fromEntries(
    Object.entries(r).map(([k, v]) => [k, `${v.source} = ${v.stored} + ${v.quarantined}; missing ${v.missing.length}; extra ${v.extra.length}`]),
  );
}

/** What a balanced reconciliation looks like (for `expect(balanced(r)).toEqual(perfect(r))`). */
export function perfect(r: Reconciliation): Record<string, string> {
  return Object.fromEntries(
    Object.entries(r).map(([k, v]) => [k, `${v.source} = ${v.source - v.quarantined} + ${v.quarantined}; missing 0; extra 0`]),
  );
}
