/** Every stored row carries these provenance columns; one resolver set serves them all. */
import type { Department } from '../domain/canonical.js';

export interface ProvenanceRow {
  department: string;
  source: string;
  source_record_id: string;
  fetched_at: Date;
  source_updated_at: Date | null;
}

export const provenanceResolvers = {
  source: (p: ProvenanceRow) => p.source,
  department: (p: ProvenanceRow) => p.department as Department,
  sourceRecordId: (p: ProvenanceRow) => p.source_record_id,
  fetchedAt: (p: ProvenanceRow) => p.fetched_at,
  sourceUpdatedAt: (p: ProvenanceRow) => p.source_updated_at,
};
