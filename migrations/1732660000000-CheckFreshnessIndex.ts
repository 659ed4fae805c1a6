import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every joint-punishment check reads each source's last successful sync (its data freshness). sync_run
 * grows by every scheduled run (five sources every 15 minutes): one index probe per source keeps that
 * read constant-time instead of a scan of the whole history.
 */
export class CheckFreshnessIndex1732660000000 implements MigrationInterface {
  name = 'CheckFreshnessIndex1732660000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX IF NOT EXISTS sync_run_succeeded ON sync_run (connector, finished_at DESC) WHERE status = 'SUCCEEDED'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS sync_run_succeeded`);
  }
}
