import { describe, expect, it } from 'vitest';
import { safetyAgreementRule as rule } from '../../../src/compliance/rules/safety-agreement.js';
import { GC, PROF, cleanTree, contract, onContracts, projectContext } from '../kit.js';
import { cite } from '../../../src/domain/documents.js';

describe('NO_SAFETY_AGREEMENT', () => {
  it('finds nothing when every contract has its safety agreement', () => {
    expect(onContracts(rule, projectContext({ contracts: cleanTree() }))).toEqual([]);
  });

  it('flags the contract without one, naming both parties', () => {
    const contracts = cleanTree();
    contracts[1] = contract('C2', 'PROFESSIONAL_SUBCONTRACT', GC, PROF, { parent: 'C1', safetyAgreementSigned: false });
    const [f, ...rest] = onContracts(rule, projectContext({ contracts }));
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ ruleId: 'NO_SAFETY_AGREEMENT', clause: cite('004', '（一）4'), contractNumber: 'C2' });
    expect(f!.parties.map((p) => [p.role, p.creditCode])).toEqual([
      ['EMPLOYER', GC],
      ['CONTRACTOR', PROF],
    ]);
    expect(f!.evidence[0]).toMatchObject({ department: 'HOUSING', source: 'housing', sourceRecordId: 'C2', kind: 'contract' });
  });
});
