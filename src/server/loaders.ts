/**
 * Per-request DataLoaders: every list resolves its keys in one query per kind (no N+1), and live
 * reads go to each department source once per batch of up to 100 enterprises.
 */
import DataLoader from 'dataloader';
import { JointPunishmentService, type FeedbackRow } from '../credit/service.js';
import { liveLoaderFor, type LiveOutcome } from '../departments/live.js';
import type { EnterpriseRef } from '../domain/canonical.js';
import { ENTERPRISES_BY_CODES, enterprisesInOrder, type EnterpriseRow } from '../enterprise/store.js';
import {
  LAST_SUCCESSFUL_RUNS, latestRunsOf, openQuarantineCounts, recordCountsOf, refCandidates, runsInOrder, type KindCount, type SyncRunRow,
} from '../ops/store.js';
import { personsByKeys, type PersonView } from '../person/store.js';
import { readBatchOf } from '../store/read-batch.js';
import { itemsByPersonKeys, itemsFromRows, itemsStatement } from '../records/store.js';
import { ITEM_KINDS, type ItemKind, type ItemViews } from '../records/views.js';
import type { Candidate } from '../sync/link.js';
import type { HubContext } from '../kernel/context.js';

type ItemLoaders = { [K in ItemKind]: DataLoader<string, ItemViews[K][]> };
type PersonItemKind = 'role' | 'credential' | 'list_entry' | 'contract';
type PersonItemLoaders = { [K in PersonItemKind]: DataLoader<string, ItemViews[K][]> };

export interface Loaders {
  enterprise: DataLoader<string, EnterpriseRow | null>;
  checkFeedback: DataLoader<string, FeedbackRow[]>;
  /** an enterprise's stored records of one kind (all departments) */
  items: ItemLoaders;
  /** a person's stored records of one kind, by person key */
  personItems: PersonItemLoaders;
  person: DataLoader<string, PersonView | null>;
  lastSuccessfulSync: DataLoader<string, SyncRunRow | null>;
  lastSync: DataLoader<string, SyncRunRow | null>;
  recordCounts: DataLoader<string, KindCount[]>;
  quarantineCount: DataLoader<string, number>;
  /** candidate enterprises of a quarantined record's reference, computed now (one link query and one similar-name search per batch) */
  refCandidates: DataLoader<EnterpriseRef, Candidate[], string>;
  /** live reads of one source, keyed by credit code (one fetchByKeys per batch of ≤100 codes) */
  live(source: string): DataLoader<string, LiveOutcome>;
}

export function createLoaders(ctx: HubContext): Loaders {
  // the store reads of one turn (an enterprise, its sections' sync runs, every kind a profile lists; other requests' too) share one round trip
  const batch = readBatchOf(ctx.ds);
  const items = Object.fromEntries(
    ITEM_KINDS.map((k) => [k, new DataLoader(async (codes: readonly string[]) => itemsFromRows(k, await batch.read(itemsStatement(k), codes), codes), { maxBatchSize: 1000 })]),
  ) as unknown as ItemLoaders;
  const personKinds: PersonItemKind[] = ['role', 'credential', 'list_entry', 'contract'];
  const personItems = Object.fromEntries(
    personKinds.map((k) => [k, new DataLoader((keys: readonly string[]) => itemsByPersonKeys(ctx.ds, k, keys), { maxBatchSize: 1000 })]),
  ) as unknown as PersonItemLoaders;
  const live = new Map<string, DataLoader<string, LiveOutcome>>();
  return {
    enterprise: new DataLoader(async (codes) => enterprisesInOrder(await batch.read(ENTERPRISES_BY_CODES, codes), codes), { maxBatchSize: 1000 }),
    checkFeedback: new DataLoader((ids) => new JointPunishmentService(ctx).feedbackFor(ids)),
    items,
    personItems,
    person: new DataLoader((keys) => personsByKeys(ctx.ds, keys), { maxBatchSize: 1000 }),
    lastSuccessfulSync: new DataLoader(async (ids) => runsInOrder(await batch.read(LAST_SUCCESSFUL_RUNS, ids), ids)),
    lastSync: new DataLoader((ids) => latestRunsOf(ctx.ds, ids)),
    recordCounts: new DataLoader((ids) => recordCountsOf(ctx.ds, ids)),
    quarantineCount: new DataLoader((ids) => openQuarantineCounts(ctx.ds, ids)),
    refCandidates: new DataLoader((refs) => refCandidates(ctx.ds, refs), {
      cacheKeyFn: (r) => JSON.stringify([r.creditCode ?? null, r.orgCode ?? null, r.name ?? null]),
      maxBatchSize: 1000,
    }),
    live(source) {
      let l = live.get(source);
      if (!l) live.set(source, (l = liveLoaderFor(ctx, source)));
      return l;
    },
  };
}
