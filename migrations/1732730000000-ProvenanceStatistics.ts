import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * No planner statistics for the provenance columns nothing filters or joins on but their unique keys:
 * the raw source record, the content hash, the source's record id, the encrypted ID and phone numbers.
 * ANALYZE sorted a 30,000-row sample of each (jsonb comparisons for `raw`) to build histograms no
 * query uses: ANALYZE person took 624 ms at 100,000 enterprises and 257 ms without them, and a first
 * load refreshes statistics as its tables double.
 */
const TABLES = [
  'enterprise',
  'person',
  'enterprise_person_role',
  'credential',
  'penalty',
  'hidden_danger',
  'accident',
  'inspection',
  'vehicle',
  'transport_violation',
  'project',
  'contract',
  'insurance_policy',
  'list_entry',
  'quarantined_record',
];
const COLUMNS = ['raw', 'record', 'candidates', 'content_hash', 'source_record_id', 'id_encrypted', 'phone_encrypted'];

export class ProvenanceStatistics1732730000000 implements MigrationInterface {
  name = 'ProvenanceStatistics1732730000000';

  async up(q: QueryRunner): Promise<void> {
    await this.setTarget(q, 0);
  }

  async down(q: QueryRunner): Promise<void> {
    await this.setTarget(q, -1);
  }

  private async setTarget(q: QueryRunner, target: number): Promise<void> {
    const cols = (await q.query(
      `SELECT table_name, column_name FROM information_schema.columns
       WHERE table_schema = current_schema() AND table_name = ANY($1::text[]) AND column_name = ANY($2::text[]) ORDER BY 1, 2`,
      [TABLES, COLUMNS],
    )) as { table_name: string; column_name: string }[];
    const byTable = new Map<string, string[]>();
    for (const c of cols) byTable.set(c.table_name, [...(byTable.get(c.table_name) ?? []), c.column_name]);
    for (const [table, columns] of byTable) {
      await q.query(`ALTER TABLE ${table} ${columns.map((c) => `ALTER COLUMN ${c} SET STATISTICS ${target}`).join(', ')}`);
    }
  }
}
