/** The records module's per-request loaders: every kind of record by enterprise or by person, and the accident-level thresholds. */
import DataLoader from 'dataloader';
import type { HubContext, Loaders } from '../kernel/context.js';
import type { ReadBatch } from '../store/read-batch.js';
import { loadAccidentThresholds, type AccidentLevelThreshold } from './accident-level.js';
import { itemsByPersonKeys, itemsFromRows, itemsStatement } from './store.js';
import { ITEM_KINDS, type ItemKind, type ItemViews } from './views.js';

type ItemLoaders = { [K in ItemKind]: DataLoader<string, ItemViews[K][]> };
type PersonItemKind = 'role' | 'credential' | 'list_entry' | 'contract';
type PersonItemLoaders = { [K in PersonItemKind]: DataLoader<string, ItemViews[K][]> };

declare module '../kernel/context.js' {
  interface Loaders {
    /** an enterprise's stored records of one kind (all departments) */
    items: ItemLoaders;
    /** a person's stored records of one kind, by person key */
    personItems: PersonItemLoaders;
    /** the accident-level thresholds, read once per request (a few rows, and may be edited between requests) */
    accidentThresholds(): Promise<AccidentLevelThreshold[]>;
  }
}

export function recordLoaders(ctx: HubContext, batch: ReadBatch): Pick<Loaders, 'items' | 'personItems' | 'accidentThresholds'> {
  const items = Object.fromEntries(
    ITEM_KINDS.map((k) => [
      k,
      new DataLoader(async (codes: readonly string[]) => itemsFromRows(k, await batch.read(itemsStatement(k), codes), codes), {
        maxBatchSize: 1000,
      }),
    ]),
  ) as unknown as ItemLoaders;
  const personKinds: PersonItemKind[] = ['role', 'credential', 'list_entry', 'contract'];
  const personItems = Object.fromEntries(
    personKinds.map((k) => [k, new DataLoader((keys: readonly string[]) => itemsByPersonKeys(ctx.ds, k, keys), { maxBatchSize: 1000 })]),
  ) as unknown as PersonItemLoaders;
  let thresholds: Promise<AccidentLevelThreshold[]> | null = null;
  return { items, personItems, accidentThresholds: () => (thresholds ??= loadAccidentThresholds(ctx.ds)) };
}
