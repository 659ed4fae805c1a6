/** Hub stores for one test file, each migrated on a database of its own, all dropped at the end. */
import type { DataSource } from 'typeorm';
import type { PiiVault } from '../../src/security/pii.js';
import { openStore } from '../../src/store/data-source.js';
import type { SyncDeps, SyncLog } from '../../src/sync/apply.js';
import { createTestDatabase } from './db.js';

export class ThrowawayHubs {
  readonly made: { ds: DataSource; name: string; drop(): Promise<void> }[] = [];

  constructor(
    private readonly prefix: string,
    private readonly deps: { vault: PiiVault; log: SyncLog },
  ) {}

  /** a new, empty, migrated hub store; `name` is its database (for pg_stat_activity and the like) */
  async fresh(): Promise<SyncDeps & { name: string }> {
    const db = await createTestDatabase(this.prefix);
    const ds = await openStore(db.url);
    this.made.push({ ds, name: db.name, drop: db.drop });
    return { ds, vault: this.deps.vault, log: this.deps.log, name: db.name };
  }

  async dropAll(): Promise<void> {
    for (const h of this.made.splice(0)) {
      await h.ds.destroy().catch(() => undefined);
      await h.drop().catch(() => undefined);
    }
  }
}
