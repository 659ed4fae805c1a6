import { describe, expect, it } from 'vitest';
import { mainStructureRule as rule } from '../../../src/compliance/rules/main-structure.js';
import { BUILDER, GC, LABOUR, PROF, cleanTree, contract, onContracts, projectContext } from '../kit.js';

describe('MAIN_STRUCTURE_SUBCONTRACTED', () => {
  it('finds nothing on a clean tree (the general contract itself covers the main structure)', () => {
    expect(onContracts(rule, projectContext({ contracts: cleanTree() }))).toEqual([]);
  });

  it('flags a professional subcontract covering the main structure', () => {
    const ctx = projectContext({
      contracts: [
        contract('C1', 'GENERAL', BUILDER, GC),
        contract('C2', 'PROFESSIONAL_SUBCONTRACT', GC, PROF, { parent: 'C1', coversMainStructure: true, scope: '主体结构施工' }),
      ],
    });
    const [f, ...rest] = onContracts(rule, ctx);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ ruleId: 'MAIN_STRUCTURE_SUBCONTRACTED', contractNumber: 'C2', creditCode: GC });
    expect(f!.evidence[1]!.description).toContain('含主体结构');
  });

  it('allows labour for the main structure', () => {
    const ctx = projectContext({
      contracts: [
        contract('C1', 'GENERAL', BUILDER, GC),
        contract('C2', 'LABOUR_SUBCONTRACT', GC, LABOUR, { parent: 'C1', coversMainStructure: true }),
      ],
    });
    expect(onContracts(rule, ctx)).toEqual([]);
  });
});
