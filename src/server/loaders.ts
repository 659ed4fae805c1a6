/**
 * Per-request loaders, assembled from every module's own (each module's loaders.ts declares and
 * builds them): every list resolves its keys in one query per kind (no N+1), and live reads go to
 * each department source once per batch of up to 100 enterprises.
 */
import { creditLoaders } from '../credit/loaders.js';
import { departmentLoaders } from '../departments/loaders.js';
import { enterpriseLoaders } from '../enterprise/loaders.js';
import type { HubContext, Loaders } from '../kernel/context.js';
import { opsLoaders } from '../ops/loaders.js';
import { personLoaders } from '../person/loaders.js';
import { recordLoaders } from '../records/loaders.js';
import { riskLoaders } from '../risk/loaders.js';

export function createLoaders(ctx: HubContext): Loaders {
  // the store reads of one turn (an enterprise, its sections' sync runs, every kind a profile lists; other requests' too) share one round trip
  const batch = ctx.reads;
  return {
    ...enterpriseLoaders(batch),
    ...creditLoaders(ctx),
    ...recordLoaders(ctx, batch),
    ...personLoaders(ctx),
    ...opsLoaders(ctx, batch),
    ...riskLoaders(ctx),
    ...departmentLoaders(ctx),
  };
}
