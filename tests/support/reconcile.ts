/**
 * Reconciles a hub store against what a department system holds (tests/support/source-truth.ts reads it
 * from the system's own storage and judges every record): each record is stored exactly once, or sits in
 * open quarantine with the reason the source data calls for (unreadable → PARSE_ERROR; reference matching
 * no enterprise → UNLINKED, several → AMBIGUOUS_LINK), and nothing else is. The expected quarantine comes
 * from the source, never from the hub's own count: a record quarantined by mistake, or a bad record
 * stored, is a difference.
 * Persons are keyed by person (several records may name one), so their check is by source record id too:
 * a person record's id is stored (as the person row's provenance) or quarantined.
 */
import type { DataSource } from 'typeorm';
import type { RecordKind } from '../../src/domain/canonical.js';
import type { QuarantineCode, SourceTruth } from './source-truth.js';

export { readSourceTruth, type SourceTruth } from './source-truth.js';

/** The hub's tables per record kind (the store's schema, migrations/). */
const TABLE: Record<RecordKind, string> = {
  enterprise: 'enterprise',
  person: 'person',
  role: 'enterprise_person_role',
  credential: 'credential',
  penalty: 'penalty',
  hidden_danger: 'hidden_danger',
  accident: 'accident',
  inspection: 'inspection',
  vehicle: 'vehicle',
  transport_violation: 'transport_violation',
  project: 'project',
  contract: 'contract',
  insurance_policy: 'insurance_policy',
  list_entry: 'list_entry',
};

export interface KindReconciliation {
  /** records of this kind in the source */
  source: number;
  stored: number;
  quarantined: number;
  /** how many the source data says must be quarantined */
  expectedQuarantined: number;
  /** source records neither stored nor quarantined */
  missing: string[];
  /** ids stored and also quarantined, or stored/quarantined without being in the source */
  extra: string[];
  /**
   * records present in the store in another state than the source calls for:
   * `id: expected <STORED|code>, found <STORED|code>`
   */
  wrong: string[];
}

export type Reconciliation = Partial<Record<RecordKind, KindReconciliation>>;

/**
 * `personKey` (the hub's keyed hash of an ID number): when several systems hold a record of one person, the
 * person row carries the provenance of one of them; with the key, a person record counts as stored when
 * its person's row was written from a person record (of any system). Without it, only by provenance.
 */
export async function reconcile(
  ds: DataSource,
  sourceId: string,
  truth: SourceTruth,
  o: { personKey?: (idNumber: string) => string } = {},
): Promise<Reconciliation> {
  const out: Reconciliation = {};
  for (const [kind, ids] of truth.ids) {
    // persons: derived person rows carry the id of the record that named them; only person records count
    const stored = (await ds.query(
      `SELECT source_record_id AS id FROM ${TABLE[kind]} WHERE source = $1 ${kind === 'person' ? `AND content_hash NOT LIKE 'derived:%'` : ''}`,
      [sourceId],
    )) as { id: string }[];
    if (kind === 'person' && o.personKey) {
      const own = new Set(stored.map((r) => r.id));
      const byKey = new Map<string, string[]>();
      for (const id of ids) {
        const idNumber = truth.idNumbers.get(id);
        // an unreadable record's person may well be stored from another system's record: that is not this one
        if (!idNumber || own.has(id) || truth.quarantine.has(`person:${id}`)) continue;
        const key = o.personKey(idNumber);
        byKey.set(key, [...(byKey.get(key) ?? []), id]);
      }
      const rows = (await ds.query(
        `SELECT person_key FROM person WHERE person_key = ANY($1::text[]) AND source <> $2 AND content_hash NOT LIKE 'derived:%'`,
        [[...byKey.keys()], sourceId],
      )) as { person_key: string }[];
      for (const r of rows) for (const id of byKey.get(r.person_key)!) stored.push({ id });
    }
    const quarantined = (await ds.query(
      `SELECT source_record_id AS id, reason_code AS code FROM quarantined_record WHERE source = $1 AND kind = $2 AND resolved_at IS NULL`,
      [sourceId, kind],
    )) as { id: string; code: string }[];
    const want = new Set(ids);
    const seen = new Map<string, number>();
    const found = new Map<string, string>();
    for (const r of stored) found.set(r.id, 'STORED');
    for (const r of quarantined) found.set(r.id, r.code);
    for (const r of [...stored, ...quarantined]) seen.set(r.id, (seen.get(r.id) ?? 0) + 1);
    const expected = (id: string): string => truth.quarantine.get(`${kind}:${id}`) ?? 'STORED';
    out[kind] = {
      source: ids.length,
      stored: stored.length,
      quarantined: quarantined.length,
      expectedQuarantined: ids.filter((id) => expected(id) !== 'STORED').length,
      missing: ids.filter((id) => !seen.has(id)),
      extra: [...seen].filter(([id, n]) => n > 1 || !want.has(id)).map(([id]) => id),
      wrong: ids
        .filter((id) => found.has(id) && found.get(id) !== expected(id))
        .map((id) => `${id}: expected ${expected(id)}, found ${found.get(id)}${why(truth, kind, id)}`),
    };
  }
  return out;
}

const why = (truth: SourceTruth, kind: RecordKind, id: string): string => {
  const w = truth.why.get(`${kind}:${id}`);
  return w ? ` (${w})` : '';
};

/** Compact figures for an equality assertion: per kind, source = stored + quarantined, and every difference by id. */
export function balanced(r: Reconciliation): Record<string, { figures: string; missing: string[]; extra: string[]; wrong: string[] }> {
  return Object.fromEntries(
    Object.entries(r).map(([k, v]) => [
      k,
      {
        figures: `${v.source} = ${v.stored} + ${v.quarantined}`,
        missing: v.missing,
        extra: v.extra,
        wrong: v.wrong,
      },
    ]),
  );
}

/**
 * What a reconciliation must look like (for `expect(balanced(r)).toEqual(perfect(r))`): the quarantine
 * exactly as large as the source data calls for, no record missing, extra or in the wrong state.
 */
export function perfect(r: Reconciliation): ReturnType<typeof balanced> {
  return Object.fromEntries(
    Object.entries(r).map(([k, v]) => [
      k,
      {
        figures: `${v.source} = ${v.source - v.expectedQuarantined} + ${v.expectedQuarantined}`,
        missing: [],
        extra: [],
        wrong: [],
      },
    ]),
  );
}

/**
 * For a store a sync has only partly filled (stopped or killed mid-way): differences no reading order
 * can explain. A record read before the enterprise it names may wait as UNLINKED although it will link
 * once its enterprise arrives; anything else in the wrong state (a bad record stored, a readable one
 * quarantined as unreadable, a reference resolving to no or several enterprises stored) is a bug.
 */
export function contradictions(r: Reconciliation): string[] {
  return Object.values(r).flatMap((v) =>
    v.wrong.filter((w) => !/: expected [A-Z_]+, found UNLINKED/.test(w) || /expected PARSE_ERROR/.test(w)),
  );
}

/** Totals of a reconciliation: how many source records the store accounts for (stored or quarantined). */
export function accounted(r: Reconciliation): number {
  return Object.values(r).reduce((n, k) => n + k.stored + k.quarantined, 0);
}

export type { QuarantineCode };
