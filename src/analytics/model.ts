/** The analytics module's answers (codegen maps the schema's types onto these): nothing here imports src/generated. */
import type { EnterpriseNode } from '../enterprise/store.js';
import type { RiskTier, StoredFactor } from '../risk/service.js';

export interface StatsRow {
  region_code: string | null;
  industry: string | null;
  risk_tier: RiskTier | null;
  status: string | null;
  department: string | null;
  list: string | null;
  count: number | null;
  registered_capital_sum: number | null;
  risk_score_avg: number | null;
  high_risk_count: number | null;
}

export interface KeySupervisionEntryView {
  rank: number;
  enterprise: EnterpriseNode;
  score: number;
  tier: RiskTier;
  reasons: StoredFactor[];
}
export interface KeySupervisionListView {
  regionCode: string;
  generatedAt: Date;
  entries: KeySupervisionEntryView[];
}
