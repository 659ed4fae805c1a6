/** Per-request DataLoaders: every list resolves its keys in one query (no N+1). */
import DataLoader from 'dataloader';
import { JointPunishmentService, type FeedbackRow } from '../credit/service.js';
import { enterprisesByCodes, type EnterpriseRow } from '../enterprise/store.js';
import type { HubContext } from './context.js';

export interface Loaders {
  enterprise: DataLoader<string, EnterpriseRow | null>;
  checkFeedback: DataLoader<string, FeedbackRow[]>;
}

export function createLoaders(ctx: HubContext): Loaders {
  return {
    enterprise: new DataLoader((codes) => enterprisesByCodes(ctx.ds, codes), { maxBatchSize: 1000 }),
    checkFeedback: new DataLoader((ids) => new JointPunishmentService(ctx).feedbackFor(ids)),
  };
}
