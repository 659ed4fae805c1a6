import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log refuses every change but INSERT (issue 17.5):
 * - a statement trigger refuses TRUNCATE (the row triggers already refuse UPDATE and DELETE). Triggers bind
 *   the table's owner too; only a superuser (or the owner) could disable them, which the anchors kept
 *   outside the database detect (src/security/audit-anchor.ts);
 * - where the hub does not connect as a superuser, its role loses UPDATE, DELETE and TRUNCATE on the table
 *   (and PUBLIC too), so it cannot change the log even by mistake.
 */
export class AuditLogLockdown1732853000000 implements MigrationInterface {
  name = 'AuditLogLockdown1732853000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()`);
    const [{ superuser }] = await q.query(`SELECT rolsuper AS superuser FROM pg_roles WHERE rolname = current_user`);
    if (!superuser) await q.query(`REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC, CURRENT_USER`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log`);
    const [{ superuser }] = await q.query(`SELECT rolsuper AS superuser FROM pg_roles WHERE rolname = current_user`);
    if (!superuser) await q.query(`GRANT UPDATE, DELETE, TRUNCATE ON audit_log TO CURRENT_USER`);
  }
}
