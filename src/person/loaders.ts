/** The person module's per-request loaders: stored persons, and this request's disclosures of personal data. */
import DataLoader from 'dataloader';
import type { HubContext, Loaders } from '../kernel/context.js';
import { newDisclosure, type Disclosure } from './disclosure.js';
import { personsByKeys, type PersonView } from './store.js';

declare module '../kernel/context.js' {
  interface Loaders {
    person: DataLoader<string, PersonView | null>;
    /** clear values asked for, audited and disclosed this request (disclosure.ts); made on first use */
    disclosure(): Disclosure;
  }
}

export function personLoaders(ctx: HubContext): Pick<Loaders, 'person' | 'disclosure'> {
  let disclosure: Disclosure | null = null;
  return {
    person: new DataLoader((keys) => personsByKeys(ctx.ds, keys), { maxBatchSize: 1000 }),
    disclosure: () => (disclosure ??= newDisclosure(ctx)),
  };
}
