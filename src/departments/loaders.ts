/** The departments module's per-request loaders: live reads of each source. */
import type DataLoader from 'dataloader';
import type { HubContext, Loaders } from '../kernel/context.js';
import { liveLoaderFor, type LiveOutcome } from './live.js';

declare module '../kernel/context.js' {
  interface Loaders {
    /** live reads of one source, keyed by credit code (one fetchByKeys per batch of ≤100 codes) */
    live(source: string): DataLoader<string, LiveOutcome>;
  }
}

export function departmentLoaders(ctx: HubContext): Pick<Loaders, 'live'> {
  const live = new Map<string, DataLoader<string, LiveOutcome>>();
  return {
    live(source) {
      let l = live.get(source);
      if (!l) live.set(source, (l = liveLoaderFor(ctx, source)));
      return l;
    },
  };
}
