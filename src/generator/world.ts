/**
 * The synthetic world: the generator's truth, department by department. Each department's seeder
 * renders its items into that department's own system (wire format, conventions, dirt); its
 * connector must map them back to the same canonical records. Round trip = the connector test.
 */
import type { CanonicalRecord, Department } from '../domain/canonical.js';

export interface WorldItem {
  /** which department system holds this record */
  department: Department;
  /** stable id in that department's system (the seeder uses it as the source's primary key) */
  sourceRecordId: string;
  record: CanonicalRecord;
  /** source modification time (ISO instant) */
  updatedAt: string;
  /**
   * Dirt the seeder must plant, faithfully to how the department's system would carry it:
   * - refStyle: how the record names its enterprise (credit code, only organisation code, only name,
   *   name with full-width characters/brackets/spaces)
   * - malformed: the row is broken (unparseable date, missing mandatory field, bad enum) and must
   *   land in quarantine, not be stored
   */
  dirt?: {
    refStyle?: 'creditCode' | 'orgCode' | 'name' | 'fullWidthName';
    malformed?: boolean;
  };
}
