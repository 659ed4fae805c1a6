import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Console sign-in (issue 16): people who sign in to the web console, and their browser sessions.
 * Passwords are kept only as scrypt hashes with a salt per user; sessions only as the SHA-256 of the
 * cookie's session id, so a copy of the table signs nobody in. A session ends when idle too long, at its
 * absolute expiry, or when revoked (sign-out).
 */
export class ConsoleSessions1732800000000 implements MigrationInterface {
  name = 'ConsoleSessions1732800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE console_user (
      id            bigserial PRIMARY KEY,
      username      text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9._-]{0,63}$'),
      display_name  text NOT NULL,
      password_hash text NOT NULL,
      roles         text[] NOT NULL,
      department    text,
      office_code   text,
      office_name   text,
      active        boolean NOT NULL DEFAULT true,
      created_at    timestamptz NOT NULL DEFAULT now(),
      updated_at    timestamptz NOT NULL DEFAULT now())`);

    await q.query(`CREATE TABLE console_session (
      id_hash       text PRIMARY KEY,
      user_id       bigint NOT NULL REFERENCES console_user (id) ON DELETE CASCADE,
      csrf_token    text NOT NULL,
      created_at    timestamptz NOT NULL DEFAULT now(),
      expires_at    timestamptz NOT NULL,
      last_seen_at  timestamptz NOT NULL DEFAULT now(),
      revoked_at    timestamptz)`);
    await q.query(`CREATE INDEX console_session_user ON console_session (user_id)`);
    // old sessions are deleted by expiry
    await q.query(`CREATE INDEX console_session_expiry ON console_session (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS console_session, console_user`);
  }
}
