import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Secondary indexes and foreign keys a first load builds after its rows are in (src/sync/first-load.ts):
 * their definitions wait here while they are dropped, so a load that is killed leaves them to the next
 * sync to rebuild, and one that ends rebuilds them and empties the table.
 */
export class DeferredStoreDdl1732740000000 implements MigrationInterface {
  name = 'DeferredStoreDdl1732740000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE deferred_store_ddl (
      object_name text PRIMARY KEY,
      table_name text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('INDEX', 'FOREIGN_KEY')),
      definition text NOT NULL,
      deferred_at timestamptz NOT NULL DEFAULT now()
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE deferred_store_ddl`);
  }
}
