import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The principal-ban measures told apart by the ban they follow: the five-year ban (any unit) and the
 * lifetime ban (its industry) are both PRINCIPAL_BAN entries, and a measure naming only the list made a
 * five-year ban also answer with the lifetime measure. `trigger_ban_scopes` (null: any) narrows a
 * measure to entries of those ban scopes; the seeded two measures get theirs, as a catalogue version.
 */
export class JointPunishmentBanScope1732650000000 implements MigrationInterface {
  name = 'JointPunishmentBanScope1732650000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE measure ADD COLUMN trigger_ban_scopes text[]`);
    await q.query(
      `UPDATE measure SET trigger_ban_scopes = '{ALL_UNITS}', updated_at = now(), updated_by = 'migration' WHERE code = 'JP-BAN-01'`,
    );
    await q.query(
      `UPDATE measure SET trigger_ban_scopes = '{INDUSTRY}', updated_at = now(), updated_by = 'migration' WHERE code = 'JP-BAN-02'`,
    );
    await q.query(
      `INSERT INTO measure_catalogue_version (version, changed_by, change)
       SELECT coalesce(max(version), 0) + 1, 'migration', '{"banScopes": {"JP-BAN-01": ["ALL_UNITS"], "JP-BAN-02": ["INDUSTRY"]}}' FROM measure_catalogue_version`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE measure DROP COLUMN trigger_ban_scopes`);
  }
}
