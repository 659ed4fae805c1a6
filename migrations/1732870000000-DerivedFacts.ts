import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One SQL definition per derived fact (issue 19.4), the twins of src/records/rules.ts: a list entry in
 * force on a date, a credential valid on a date, a hidden danger overdue on a date. Plain SQL functions
 * of one expression, IMMUTABLE and not STRICT (open ends are NULL), so the planner inlines them and an
 * index on the columns still serves; tests/derived-facts.test.ts holds the TypeScript and SQL readings to
 * the same answers on every boundary.
 */
export class DerivedFacts1732870000000 implements MigrationInterface {
  name = 'DerivedFacts1732870000000';

  async up(q: QueryRunner): Promise<void> {
    // started, not past its end date (inclusive), not removed (移出/信用修复) on or before the day
    await q.query(`CREATE FUNCTION list_entry_in_force(start_date date, end_date date, removed_date date, on_date date) RETURNS boolean
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
      $$ SELECT start_date <= on_date AND (end_date IS NULL OR on_date <= end_date) AND (removed_date IS NULL OR on_date < removed_date) $$`);
    // its period covers the day (open ends open) and it is not suspended or revoked; EXPIRED is a reading of
    // the dates (the period decides), as a credential expired now was valid on an earlier signing date
    await q.query(`CREATE FUNCTION credential_valid_on(valid_from date, valid_to date, status text, on_date date) RETURNS boolean
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
      $$ SELECT (valid_from IS NULL OR valid_from <= on_date) AND (valid_to IS NULL OR on_date <= valid_to) AND status NOT IN ('SUSPENDED', 'REVOKED') $$`);
    // open past its deadline on the day, or closed after it (a closing date missing counts as on the deadline)
    await q.query(`CREATE FUNCTION hidden_danger_overdue(status text, closed_date date, deadline date, on_date date) RETURNS boolean
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
      $$ SELECT CASE WHEN status = 'CLOSED' THEN coalesce(closed_date, deadline) ELSE on_date END > deadline $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION IF EXISTS list_entry_in_force(date, date, date, date)`);
    await q.query(`DROP FUNCTION IF EXISTS credential_valid_on(date, date, text, date)`);
    await q.query(`DROP FUNCTION IF EXISTS hidden_danger_overdue(text, date, date, date)`);
  }
}
