/** The risk module's per-request loaders: stored risk profiles by credit code. */
import DataLoader from 'dataloader';
import type { HubContext, Loaders } from '../kernel/context.js';
import { riskByCodes, type RiskRow } from './service.js';

declare module '../kernel/context.js' {
  interface Loaders {
    risk: DataLoader<string, RiskRow | null>;
  }
}

export function riskLoaders(ctx: HubContext): Pick<Loaders, 'risk'> {
  return { risk: new DataLoader((codes: readonly string[]) => riskByCodes(ctx.ds, codes), { maxBatchSize: 1000 }) };
}
