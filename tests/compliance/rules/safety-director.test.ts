import { describe, expect, it } from 'vitest';
import { safetyDirectorRule as rule } from '../../../src/compliance/rules/safety-director.js';
import { GC, enterprise, enterpriseContext, person, role } from '../kit.js';
import { cite } from '../../../src/domain/documents.js';

describe('NO_SAFETY_DIRECTOR', () => {
  it('passes a construction enterprise with a safety director in office', () => {
    expect(rule.onEnterprise!(enterprise(GC), enterpriseContext('CONSTRUCTION'))).toEqual([]);
  });

  it('flags one without, or whose director left before the date', () => {
    const [f] = rule.onEnterprise!(enterprise(GC, { roles: [] }), enterpriseContext('CONSTRUCTION'));
    expect(f).toMatchObject({ ruleId: 'NO_SAFETY_DIRECTOR', clause: cite('000', '（四）'), creditCode: GC, contractNumber: null });
    expect(f!.evidence[0]!.kind).toBe('enterprise');
    const left = enterprise(GC, { roles: [role('SAFETY_DIRECTOR', person(1), GC, { until: '2025-01-01' })] });
    expect(rule.onEnterprise!(left, enterpriseContext('CONSTRUCTION'))).toHaveLength(1);
  });

  it('does not apply to industries the policy does not name', () => {
    expect(rule.onEnterprise!(enterprise(GC, { roles: [] }), enterpriseContext('HAZCHEM'))).toEqual([]);
  });
});
