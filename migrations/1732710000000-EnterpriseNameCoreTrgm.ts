import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Similar names for quarantined references no enterprise matches are searched when quarantine is read
 * (QuarantinedRecord.candidates), no longer by the sync. They are compared without the legal form:
 * 有限公司 / 有限责任公司 / 股份有限公司 trigrams are in nearly every name, so on the full name any
 * enterprise of the same city and industry passed the index's first cut and had to be rechecked (about
 * 1.2 s a name at 1,000,000 enterprises). enterprise_name_core drops brackets and a trailing legal form
 * (with 集团 before it) from the normalised name; both sides of the search use it.
 *
 * The expression index replaces enterprise_name_trgm, whose only user was the sync's search, so an
 * enterprise upsert still maintains one trigram index: 100,000 rows inserted into 1,000,000 took 18-21 s
 * with either (11 s with neither), and the index is smaller (39 MB instead of 53 MB at 1,000,000).
 */
export class EnterpriseNameCoreTrgm1732710000000 implements MigrationInterface {
  name = 'EnterpriseNameCoreTrgm1732710000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE FUNCTION enterprise_name_core(name_normalised text) RETURNS text
      LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
      AS $$ SELECT regexp_replace(translate(name_normalised, '()', ''), '(集团)?(股份有限公司|有限责任公司|有限公司|公司)$', '') $$`);
    await q.query(`DROP INDEX IF EXISTS enterprise_name_trgm`);
    await q.query(`CREATE INDEX enterprise_name_core_trgm ON enterprise USING gin (enterprise_name_core(name_normalised) gin_trgm_ops)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS enterprise_name_core_trgm`);
    await q.query(`DROP FUNCTION IF EXISTS enterprise_name_core(text)`);
    await q.query(`CREATE INDEX IF NOT EXISTS enterprise_name_trgm ON enterprise USING gin (name gin_trgm_ops)`);
  }
}
