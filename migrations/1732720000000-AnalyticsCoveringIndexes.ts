import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Analytic filters at 1,000,000 enterprises: a page of `enterprises(where:)` walks enterprises in key order
 * and tests each against registration fields and relation EXISTS probes. Every store row carries its raw
 * source record, so reading rows only to reject them dominated (420,000 passed over for one page of
 * "湖北 construction firms with an overdue major hidden danger": 308 ms).
 * - enterprise_page_keys: the key with the registration fields filters use most, for an index-only walk
 *   (the page query finds keys first, then reads its 50 rows).
 * - hidden_danger_enterprise_cover replaces hidden_danger_enterprise (credit_code, level, status): the
 *   fields of "overdue" (status, deadline, closed_date) ride along, so the probe needs no heap either.
 * Together: 308 → 73 ms, and 312 → 116 ms for the city-wide OR across three departments.
 */
export class AnalyticsCoveringIndexes1732720000000 implements MigrationInterface {
  name = 'AnalyticsCoveringIndexes1732720000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX IF NOT EXISTS enterprise_page_keys ON enterprise (credit_code) INCLUDE (division_code, industry_code, status)`,
    );
    await q.query(
      `CREATE INDEX IF NOT EXISTS hidden_danger_enterprise_cover ON hidden_danger (credit_code, level) INCLUDE (status, deadline, closed_date)`,
    );
    await q.query(`DROP INDEX IF EXISTS hidden_danger_enterprise`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX IF NOT EXISTS hidden_danger_enterprise ON hidden_danger (credit_code, level, status)`);
    await q.query(`DROP INDEX IF EXISTS hidden_danger_enterprise_cover`);
    await q.query(`DROP INDEX IF EXISTS enterprise_page_keys`);
  }
}
