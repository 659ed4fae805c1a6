/** Enterprise.risk and the active risk model: stored scores read through a per-request DataLoader. */
import type { Resolvers } from '../generated/graphql.js';
import { activeRiskModel } from './service.js';

export const riskResolvers: Resolvers = {
  Query: {
    riskModel: (_p, _a, ctx) => activeRiskModel(ctx.ds),
  },
  Enterprise: {
    risk: (e, _a, ctx) => ctx.loaders.risk.load(e.credit_code),
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
