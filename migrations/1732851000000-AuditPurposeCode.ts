import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Purposes are codes from a configured list of lawful purposes (src/security/purposes.ts, issue 17.3): each
 * audit entry keeps the code beside the Chinese text. Earlier entries keep NULL (their hash has no code).
 */
export class AuditPurposeCode1732851000000 implements MigrationInterface {
  name = 'AuditPurposeCode1732851000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_log ADD COLUMN purpose_code text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_log DROP COLUMN purpose_code`);
  }
}
