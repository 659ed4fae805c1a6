/** Reads of persons from the hub store, by the keyed hash of the ID number (the ID is never stored in clear). */
import type { DataSource } from 'typeorm';
import type { ProvenanceRow } from '../kernel/provenance.js';
import type { PersonRef } from '../records/views.js';

/** What the Person type resolves from: a stored person, or only what a (live) record says of them. */
export interface PersonView {
  personKey: string;
  name: string | null;
  idMasked: string;
  phoneMasked: string | null;
  /** null when the person is known only from a live record */
  provenance: ProvenanceRow | null;
}

interface PersonRow extends ProvenanceRow {
  person_key: string;
  name: string;
  id_masked: string;
  phone_masked: string | null;
}

export async function personsByKeys(ds: DataSource, keys: readonly string[]): Promise<(PersonView | null)[]> {
  const rows: PersonRow[] = await ds.query(
    `SELECT person_key, name, id_masked, phone_masked, department, source, source_record_id, fetched_at, source_updated_at
     FROM person WHERE person_key = ANY($1::text[])`,
    [keys],
  );
  const by = new Map(rows.map((r) => [r.person_key, r]));
  return keys.map((k) => {
    const r = by.get(k);
    return r ? { personKey: r.person_key, name: r.name, idMasked: r.id_masked, phoneMasked: r.phone_masked, provenance: r } : null;
  });
}

/** A person a record names but the store does not (yet) hold. */
export const personFromRef = (p: PersonRef): PersonView => ({ ...p, phoneMasked: null, provenance: null });
