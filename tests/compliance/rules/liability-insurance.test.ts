import { describe, expect, it } from 'vitest';
import { liabilityInsuranceRule as rule } from '../../../src/compliance/rules/liability-insurance.js';
import { GC, enterprise, enterpriseContext, insurance } from '../kit.js';
import { cite } from '../../../src/domain/documents.js';

describe('NO_LIABILITY_INSURANCE', () => {
  it('passes with a policy in force', () => {
    expect(rule.onEnterprise!(enterprise(GC), enterpriseContext('CONSTRUCTION'))).toEqual([]);
  });

  it('flags an expired policy (as evidence) and a missing one', () => {
    const [f] = rule.onEnterprise!(
      enterprise(GC, { insurance: [insurance(GC, '2024-01-01', '2025-05-01')] }),
      enterpriseContext('CONSTRUCTION'),
    );
    expect(f).toMatchObject({ ruleId: 'NO_LIABILITY_INSURANCE', clause: cite('002', '（二十一）'), creditCode: GC });
    expect(f!.evidence.map((e) => e.kind)).toEqual(['enterprise', 'insurance_policy']);
    expect(rule.onEnterprise!(enterprise(GC, { insurance: [] }), enterpriseContext('CONSTRUCTION'))).toHaveLength(1);
  });

  it('does not apply outside the listed industries', () => {
    expect(rule.onEnterprise!(enterprise(GC, { insurance: [] }), enterpriseContext(null))).toEqual([]);
  });
});
