/** Enterprise.risk and the active risk model: stored scores read through a per-request DataLoader. */
import DataLoader from 'dataloader';
import type { Resolvers } from '../generated/graphql.js';
import type { HubContext } from '../server/context.js';
import { activeRiskModel, riskByCodes, type RiskRow } from './service.js';

// one loader per request context (contexts are built per request, so nothing is shared across callers)
const loaders = new WeakMap<HubContext, DataLoader<string, RiskRow | null>>();
function riskLoader(ctx: HubContext): DataLoader<string, RiskRow | null> {
  let l = loaders.get(ctx);
  if (!l) {
    l = new DataLoader((codes: readonly string[]) => riskByCodes(ctx.ds, codes), { maxBatchSize: 1000 });
    loaders.set(ctx, l);
  }
  return l;
}

export const riskResolvers: Resolvers = {
  Query: {
    riskModel: (_p, _a, ctx) => activeRiskModel(ctx.ds),
  },
  Enterprise: {
    risk: (e, _a, ctx) => riskLoader(ctx).load(e.credit_code),
  },
  RiskProfile: {
    score: (r) => r.score,
    tier: (r) => r.tier,
    version: (r) => r.version,
    asOf: (r) => r.as_of,
    computedAt: (r) => r.computed_at,
    factors: (r) => r.factors,
  },
  RiskFactor: {
    factor: (f) => f.factor,
    description: (f) => f.description,
    weight: (f) => f.weight,
    cap: (f) => f.cap,
    value: (f) => f.value,
    contribution: (f) => f.contribution,
    evidenceCount: (f) => f.evidenceCount,
    evidence: (f) => f.evidence.map((e) => ({ ...e, note: e.note ?? null })),
  },
};
