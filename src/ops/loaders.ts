/** The operations module's per-request loaders: sync runs, record and quarantine counts per source, quarantined references' candidates. */
import DataLoader from 'dataloader';
import type { EnterpriseRef } from '../domain/canonical.js';
import type { HubContext, Loaders } from '../kernel/context.js';
import type { ReadBatch } from '../store/read-batch.js';
import type { Candidate } from '../sync/link.js';
import {
  LAST_SUCCESSFUL_RUNS,
  latestRunsOf,
  openQuarantineCounts,
  recordCountsOf,
  refCandidates,
  runsInOrder,
  type KindCount,
  type SyncRunRow,
} from './store.js';

declare module '../kernel/context.js' {
  interface Loaders {
    lastSuccessfulSync: DataLoader<string, SyncRunRow | null>;
    lastSync: DataLoader<string, SyncRunRow | null>;
    recordCounts: DataLoader<string, KindCount[]>;
    quarantineCount: DataLoader<string, number>;
    /** candidate enterprises of a quarantined record's reference, computed now (one link query and one similar-name search per batch) */
    refCandidates: DataLoader<EnterpriseRef, Candidate[], string>;
  }
}

type OpsLoaders = Pick<Loaders, 'lastSuccessfulSync' | 'lastSync' | 'recordCounts' | 'quarantineCount' | 'refCandidates'>;

export function opsLoaders(ctx: HubContext, batch: ReadBatch): OpsLoaders {
  return {
    lastSuccessfulSync: new DataLoader(async (ids) => runsInOrder(await batch.read(LAST_SUCCESSFUL_RUNS, ids), ids)),
    lastSync: new DataLoader((ids) => latestRunsOf(ctx.ds, ids)),
    recordCounts: new DataLoader((ids) => recordCountsOf(ctx.ds, ids)),
    quarantineCount: new DataLoader((ids) => openQuarantineCounts(ctx.ds, ids)),
    refCandidates: new DataLoader((refs) => refCandidates(ctx.ds, refs), {
      cacheKeyFn: (r) => JSON.stringify([r.creditCode ?? null, r.orgCode ?? null, r.name ?? null]),
      maxBatchSize: 1000,
    }),
  };
}
