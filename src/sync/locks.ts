/** The sync's session advisory locks: one per connector's run, one for a first load's store DDL. */
import type pg from 'pg';
import { checkoutClient } from '../store/data-source.js';
import type { SyncDeps } from './apply.js';

// first key of the two-key advisory lock: this application's namespace for sync locks
const LOCK_NAMESPACE = 0x53594e43; // 'SYNC'

export interface SyncLock {
  /** the connection holding the lock (its session owns it): usable for the work the lock guards */
  client: pg.PoolClient;
  release(): Promise<void>;
}

/** Takes the named lock on a connection of its own, kept until release(); null when another session holds it. */
export async function trySyncLock(deps: SyncDeps, name: string): Promise<SyncLock | null> {
  const client = await checkoutClient(deps.ds);
  try {
    const { rows } = await client.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok`, [LOCK_NAMESPACE, name]);
    if (!rows[0]?.ok) {
      client.release();
      return null;
    }
  } catch (err) {
    client.release(err as Error);
    throw err;
  }
  return {
    client,
    async release() {
      try {
        await client.query(`SELECT pg_advisory_unlock($1, hashtext($2))`, [LOCK_NAMESPACE, name]);
        client.release();
      } catch (err) {
        client.release(err as Error); // closing the session releases the lock anyway
      }
    },
  };
}
