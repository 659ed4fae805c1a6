import { describe, expect, it } from 'vitest';
import { qualificationMissingRule as rule } from '../../../src/compliance/rules/qualification-missing.js';
import { BUILDER, GC, PROF, cleanTree, contract, enterprise, onContracts, projectContext } from '../kit.js';
import { cite } from '../../../src/domain/documents.js';

describe('QUALIFICATION_MISSING', () => {
  it('finds nothing on a clean tree', () => {
    expect(onContracts(rule, projectContext({ contracts: cleanTree() }))).toEqual([]);
  });

  it('flags a professional-only contractor holding the general contract, with its qualification as evidence', () => {
    const ctx = projectContext({
      contracts: [contract('C1', 'GENERAL', BUILDER, GC)],
      enterprises: [enterprise(BUILDER), enterprise(GC, { qualification: { category: '专业承包', scope: '钢结构工程', grade: '二级' } })],
    });
    const [f, ...rest] = onContracts(rule, ctx);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      ruleId: 'QUALIFICATION_MISSING',
      severity: 'VIOLATION',
      clause: cite('000', '（十）'),
      contractNumber: 'C1',
      creditCode: GC,
    });
    expect(f!.parties.map((p) => [p.role, p.creditCode])).toEqual([
      ['EMPLOYER', BUILDER],
      ['CONTRACTOR', GC],
    ]);
    expect(f!.evidence.map((e) => e.kind)).toEqual(['contract', 'enterprise', 'credential']);
    expect(f!.evidence[2]!.description).toContain('钢结构工程');
  });

  it('accepts a general contractor qualification of the project sequence for professional work, refuses a professional one of another speciality', () => {
    const ok = projectContext({
      contracts: [contract('C1', 'GENERAL', BUILDER, GC), contract('C2', 'PROFESSIONAL_SUBCONTRACT', GC, GC, { parent: 'C1' })],
    });
    expect(onContracts(rule, ok)).toEqual([]);
    const wrong = projectContext({
      contracts: [
        contract('C1', 'GENERAL', BUILDER, GC),
        contract('C2', 'PROFESSIONAL_SUBCONTRACT', GC, PROF, { parent: 'C1', scope: '消防设施工程' }),
      ],
      enterprises: [
        enterprise(BUILDER),
        enterprise(GC),
        enterprise(PROF, { qualification: { category: '专业承包', scope: '地基基础工程', grade: '一级' } }),
      ],
    });
    expect(onContracts(rule, wrong).map((f) => f.contractNumber)).toEqual(['C2']);
  });

  it('flags a contractor with no qualification at all', () => {
    const ctx = projectContext({
      contracts: [contract('C1', 'GENERAL', BUILDER, GC)],
      enterprises: [enterprise(BUILDER), enterprise(GC, { qualification: null })],
    });
    expect(onContracts(rule, ctx)[0]!.messageEn).toContain('holds no 施工总承包 / 建筑工程 qualification');
  });
});
