import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Access control and audit: API keys for machine clients (only a hash is stored), and the
 * append-only audit log of clear-text access to personal information. Each audit entry carries the
 * hash of the previous one, so an edit made directly in the database breaks the chain
 * (`npm run audit:verify`).
 */
export class AccessAudit1732500000000 implements MigrationInterface {
  name = 'AccessAudit1732500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE api_key (
      id          bigserial PRIMARY KEY,
      name        text NOT NULL,
      key_hash    text NOT NULL UNIQUE,
      key_prefix  text NOT NULL,
      roles       text[] NOT NULL,
      department  text,
      created_at  timestamptz NOT NULL DEFAULT now(),
      created_by  text NOT NULL,
      revoked_at  timestamptz)`);

    await q.query(`CREATE TABLE audit_log (
      seq          bigint PRIMARY KEY,
      at           timestamptz NOT NULL DEFAULT now(),
      actor        text NOT NULL,
      actor_department text,
      actor_roles  text[] NOT NULL,
      request_id   text,
      action       text NOT NULL,
      subject_kind text NOT NULL,
      subject_ref  text NOT NULL,
      fields       text[] NOT NULL,
      purpose      text,
      prev_hash    text NOT NULL,
      hash         text NOT NULL)`);
    await q.query(`CREATE INDEX audit_actor ON audit_log (actor, at DESC)`);
    await q.query(`CREATE INDEX audit_subject ON audit_log (subject_ref, at DESC)`);
    await q.query(
      `CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION refuse_change()`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS audit_log, api_key`);
  }
}
