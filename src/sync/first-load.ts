/**
 * A first load builds the record tables' secondary indexes and foreign keys after its rows are in,
 * instead of maintaining them row by row: in a 100,000-enterprise load that maintenance was about a
 * quarter of PostgreSQL's CPU (the role table's 464,026 rows: COPY 4.1 s into the bare table, 13.5 s
 * with its indexes, 21.8 s with its two foreign keys too), building them afterwards 5.1 s, validating
 * the keys 0.7 s.
 *
 * Only when every one of these tables is empty as a syncAll starts, and only these tables: enterprise
 * and person keep everything (linking and the person probes read them during the load), and unique
 * constraints stay everywhere (they are the upserts' conflict targets). The definitions are saved in
 * deferred_store_ddl in the transaction that drops them; the load rebuilds them at its end, and a load
 * that was killed or stopped leaves them to the next sync, which rebuilds them before it starts. One
 * process at a time: an advisory lock is held for the whole load and for a rebuild. While the load
 * runs, the API's reads of these tables are slower (no secondary indexes), never different.
 */
import type pg from 'pg';
import type { SyncDeps } from './apply.js';
import { trySyncLock } from './locks.js';
import { errorText } from './mask.js';

export const DEFERRED_TABLES = [
  'enterprise_person_role',
  'credential',
  'penalty',
  'hidden_danger',
  'accident',
  'inspection',
  'vehicle',
  'transport_violation',
  'project',
  'contract',
  'insurance_policy',
  'list_entry',
] as const;

/** the sync lock held for a first load and for a rebuild */
const DDL_LOCK = 'store-ddl';

export interface FirstLoad {
  /** Rebuilds what was deferred and lets go of the lock; never throws (what fails stays for the next sync). */
  finish(): Promise<void>;
  /** Lets go of the lock without rebuilding (a stopped load): the next sync rebuilds. */
  leave(): Promise<void>;
}

interface Deferred {
  object_name: string;
  table_name: string;
  kind: 'INDEX' | 'FOREIGN_KEY';
  definition: string;
}

const ident = (s: string): string => {
  if (!/^[a-z_][a-z0-9_]*$/.test(s)) throw new Error(`unexpected identifier in deferred_store_ddl: ${s}`);
  return `"${s}"`;
};

/** Rebuilds every deferred index and foreign key, each in its own transaction (what is built stays built). */
async function rebuild(deps: SyncDeps, client: pg.PoolClient): Promise<void> {
  const { rows } = await client.query<Deferred>(
    `SELECT object_name, table_name, kind, definition FROM deferred_store_ddl ORDER BY kind DESC, object_name`,
  );
  if (!rows.length) return;
  const t0 = Date.now();
  for (const d of rows) {
    const done = `DELETE FROM deferred_store_ddl WHERE object_name = $1`;
    try {
      if (d.kind === 'INDEX') {
        await client.query('BEGIN');
        await client.query(`SET LOCAL maintenance_work_mem = '256MB'`);
        await client.query(d.definition.replace(/^CREATE INDEX /, 'CREATE INDEX IF NOT EXISTS '));
        await client.query(done, [d.object_name]);
        await client.query('COMMIT');
        continue;
      }
      // the key back first (NOT VALID: it guards new rows at once), then proven for the loaded rows; a rebuild
      // stopped between the two finds the key and only validates it
      const exists = await client.query(`SELECT 1 FROM pg_constraint WHERE conname = $1 AND conrelid = $2::regclass`, [
        d.object_name,
        d.table_name,
      ]);
      if (!exists.rowCount) {
        await client.query(
          `ALTER TABLE ${ident(d.table_name)} ADD CONSTRAINT ${ident(d.object_name)} ${d.definition.replace(/ NOT VALID$/, '')} NOT VALID`,
        );
      }
      try {
        await client.query('BEGIN');
        await client.query(`ALTER TABLE ${ident(d.table_name)} VALIDATE CONSTRAINT ${ident(d.object_name)}`);
        await client.query(done, [d.object_name]);
        await client.query('COMMIT');
      } catch (err) {
        // rows the loaded data breaks: the key stays NOT VALID, still guarding every row written from now on
        await client.query('ROLLBACK');
        await client.query(done, [d.object_name]);
        deps.log.error(
          { table: d.table_name, constraint: d.object_name, error: errorText(err) },
          'loaded rows break a foreign key; it is back NOT VALID (enforced for new rows, not proven for the loaded ones)',
        );
      }
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      deps.log.error(
        { table: d.table_name, object: d.object_name, error: errorText(err) },
        'could not rebuild a deferred index or key; the next sync tries again',
      );
    }
  }
  deps.log.info({ objects: rows.length, ms: Date.now() - t0 }, 'rebuilt the secondary indexes and foreign keys deferred by a first load');
}

/** Rebuilds what a killed or stopped first load left (nothing when another process holds the lock). */
export async function rebuildDeferred(deps: SyncDeps): Promise<void> {
  const [pending] = (await deps.ds.query(`SELECT EXISTS (SELECT 1 FROM deferred_store_ddl) AS any`)) as { any: boolean }[];
  if (!pending?.any) return;
  const lock = await trySyncLock(deps, DDL_LOCK);
  if (!lock) return;
  try {
    await rebuild(deps, lock.client);
  } finally {
    await lock.release();
  }
}

/**
 * Starts a first load when every deferred table is empty: drops their secondary indexes and foreign
 * keys (definitions kept) and holds the lock until finish() or leave(). Null otherwise (after rebuilding
 * what an earlier load left), or when the drop cannot get its locks within 5 s (the load then keeps them).
 */
export async function beginFirstLoad(deps: SyncDeps): Promise<FirstLoad | null> {
  const lock = await trySyncLock(deps, DDL_LOCK);
  if (!lock) return null;
  const { client } = lock;
  try {
    await rebuild(deps, client);
    const [state] = (
      await client.query<{ empty: boolean }>(
        `SELECT ${DEFERRED_TABLES.map((t) => `NOT EXISTS (SELECT 1 FROM ${t})`).join(' AND ')} AS empty`,
      )
    ).rows;
    if (!state?.empty) {
      await lock.release();
      return null;
    }
    await client.query('BEGIN');
    try {
      await client.query(`SET LOCAL lock_timeout = '5s'`);
      const { rows } = await client.query<Deferred>(
        `SELECT c.relname AS object_name, t.relname AS table_name, 'INDEX' AS kind, pg_get_indexdef(i.indexrelid) AS definition
         FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
         WHERE t.relnamespace = current_schema()::regnamespace AND t.relname = ANY($1::text[]) AND NOT i.indisunique
           AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
         UNION ALL
         SELECT k.conname, t.relname, 'FOREIGN_KEY', pg_get_constraintdef(k.oid)
         FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid
         WHERE k.contype = 'f' AND t.relnamespace = current_schema()::regnamespace AND t.relname = ANY($1::text[])`,
        [DEFERRED_TABLES],
      );
      for (const d of rows) {
        await client.query(`INSERT INTO deferred_store_ddl (object_name, table_name, kind, definition) VALUES ($1, $2, $3, $4)`, [
          d.object_name,
          d.table_name,
          d.kind,
          d.definition,
        ]);
        await client.query(
          d.kind === 'INDEX'
            ? `DROP INDEX ${ident(d.object_name)}`
            : `ALTER TABLE ${ident(d.table_name)} DROP CONSTRAINT ${ident(d.object_name)}`,
        );
      }
      await client.query('COMMIT');
      deps.log.info(
        { indexes: rows.filter((d) => d.kind === 'INDEX').length, foreignKeys: rows.filter((d) => d.kind === 'FOREIGN_KEY').length },
        'first load: secondary indexes and foreign keys of the record tables are built after the rows are in',
      );
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      deps.log.warn({ error: errorText(err) }, "first load: could not defer the record tables' indexes; loading with them");
      await lock.release();
      return null;
    }
  } catch (err) {
    await lock.release();
    throw err;
  }
  let open = true;
  return {
    async finish() {
      if (!open) return;
      open = false;
      try {
        await rebuild(deps, client);
      } catch (err) {
        deps.log.error({ error: errorText(err) }, 'could not rebuild the deferred indexes and keys; the next sync tries again');
      } finally {
        await lock.release();
      }
    },
    async leave() {
      if (!open) return;
      open = false;
      deps.log.warn({}, 'first load stopped: its deferred indexes and foreign keys are rebuilt by the next sync');
      await lock.release();
    },
  };
}
