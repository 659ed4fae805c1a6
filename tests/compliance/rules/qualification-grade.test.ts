import { describe, expect, it } from 'vitest';
import { qualificationGradeRule as rule } from '../../../src/compliance/rules/qualification-grade.js';
import { BUILDER, GC, cleanTree, contract, enterprise, onContracts, policy, projectContext } from '../kit.js';

describe('QUALIFICATION_GRADE', () => {
  it('finds nothing on a clean tree, even for a large project (一级 and 施工劳务 cover it)', () => {
    expect(onContracts(rule, projectContext({ contracts: cleanTree(), scale: 'LARGE' }))).toEqual([]);
  });

  it('flags a 三级 general contractor on a large project, not on a small one', () => {
    const ents = [enterprise(BUILDER), enterprise(GC, { qualification: { category: '施工总承包', scope: '建筑工程', grade: '三级' } })];
    const large = onContracts(
      rule,
      projectContext({ contracts: [contract('C1', 'GENERAL', BUILDER, GC)], enterprises: ents, scale: 'LARGE' }),
    );
    expect(large).toHaveLength(1);
    expect(large[0]).toMatchObject({ ruleId: 'QUALIFICATION_GRADE', contractNumber: 'C1', creditCode: GC });
    expect(large[0]!.messageZh).toContain('三级');
    expect(large[0]!.evidence.some((e) => e.kind === 'credential')).toBe(true);
    expect(
      onContracts(rule, projectContext({ contracts: [contract('C1', 'GENERAL', BUILDER, GC)], enterprises: ents, scale: 'SMALL' })),
    ).toEqual([]);
  });

  it('reads grade coverage from the policy table, not from code', () => {
    const strict = {
      ...policy,
      gradeScales: new Map([...policy.gradeScales].map(([k, v]) => [k, k === '施工总承包|一级' ? new Set(['SMALL']) : v])),
    };
    const found = onContracts(rule, projectContext({ contracts: [contract('C1', 'GENERAL', BUILDER, GC)], policy: strict }));
    expect(found.map((f) => f.contractNumber)).toEqual(['C1']);
  });

  it('stays silent when the category is missing altogether (QUALIFICATION_MISSING reports that)', () => {
    const ents = [enterprise(BUILDER), enterprise(GC, { qualification: null })];
    expect(onContracts(rule, projectContext({ contracts: [contract('C1', 'GENERAL', BUILDER, GC)], enterprises: ents }))).toEqual([]);
  });
});
