/** The enterprise module's per-request loaders. */
import DataLoader from 'dataloader';
import type { Loaders } from '../kernel/context.js';
import type { ReadBatch } from '../store/read-batch.js';
import { ENTERPRISES_BY_CODES, enterprisesInOrder, type EnterpriseRow } from './store.js';

declare module '../kernel/context.js' {
  interface Loaders {
    enterprise: DataLoader<string, EnterpriseRow | null>;
  }
}

export function enterpriseLoaders(batch: ReadBatch): Pick<Loaders, 'enterprise'> {
  return {
    enterprise: new DataLoader(async (codes) => enterprisesInOrder(await batch.read(ENTERPRISES_BY_CODES, codes), codes), {
      maxBatchSize: 1000,
    }),
  };
}
