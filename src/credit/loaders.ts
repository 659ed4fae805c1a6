/** The joint-punishment module's per-request loaders: each check's feedback. */
import DataLoader from 'dataloader';
import type { HubContext, Loaders } from '../kernel/context.js';
import type { FeedbackRow } from './model.js';
import { JointPunishmentService } from './service.js';

declare module '../kernel/context.js' {
  interface Loaders {
    checkFeedback: DataLoader<string, FeedbackRow[]>;
  }
}

export function creditLoaders(ctx: HubContext): Pick<Loaders, 'checkFeedback'> {
  return { checkFeedback: new DataLoader((ids) => new JointPunishmentService(ctx).feedbackFor(ids)) };
}
