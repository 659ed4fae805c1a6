import { describe, expect, it } from 'vitest';
import { resubcontractRule as rule } from '../../../src/compliance/rules/resubcontract.js';
import { BUILDER, GC, LABOUR, PROF, PROF2, cleanTree, contract, onContracts, projectContext } from '../kit.js';

describe('RESUBCONTRACT', () => {
  it('does not count labour below a professional subcontract as 再分包', () => {
    expect(onContracts(rule, projectContext({ contracts: cleanTree() }))).toEqual([]);
  });

  it('flags only the professional-below-professional contract in a four-level tree with labour at the bottom', () => {
    const ctx = projectContext({
      contracts: [
        contract('C1', 'GENERAL', BUILDER, GC),
        contract('C2', 'PROFESSIONAL_SUBCONTRACT', GC, PROF, { parent: 'C1' }),
        contract('C3', 'PROFESSIONAL_SUBCONTRACT', PROF, PROF2, { parent: 'C2' }),
        contract('C4', 'LABOUR_SUBCONTRACT', PROF2, LABOUR, { parent: 'C3' }),
      ],
    });
    const found = onContracts(rule, ctx);
    expect(found.map((f) => f.contractNumber)).toEqual(['C3']);
    expect(found[0]!.parties.map((p) => [p.role, p.creditCode])).toEqual([
      ['EMPLOYER', GC],
      ['TRANSFERRING', PROF],
      ['UNDERTAKING', PROF2],
    ]);
  });

  it('flags a labour subcontractor subcontracting again', () => {
    const ctx = projectContext({ contracts: [...cleanTree(), contract('C4', 'LABOUR_SUBCONTRACT', LABOUR, PROF2, { parent: 'C3' })] });
    const [f] = onContracts(rule, ctx);
    expect(f).toMatchObject({ contractNumber: 'C4', ruleId: 'RESUBCONTRACT' });
    expect(f!.messageZh).toContain('劳务分包单位');
  });
});
