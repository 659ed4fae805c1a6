import { describe, expect, it } from 'vitest';
import { wholeTransferRule as rule } from '../../../src/compliance/rules/whole-transfer.js';
import { BUILDER, GC, LABOUR, PROF, PROF2, cleanTree, contract, onContracts, projectContext } from '../kit.js';
import { cite } from '../../../src/domain/documents.js';

describe('WHOLE_TRANSFER', () => {
  it('finds nothing on a clean tree', () => {
    expect(onContracts(rule, projectContext({ contracts: cleanTree() }))).toEqual([]);
  });

  it('flags a subcontract that takes all the work, naming employer, transferring and undertaking parties', () => {
    const ctx = projectContext({
      contracts: [
        contract('C1', 'GENERAL', BUILDER, GC),
        contract('C2', 'PROFESSIONAL_SUBCONTRACT', GC, PROF, { parent: 'C1', coversAllWork: true }),
      ],
    });
    const [f, ...rest] = onContracts(rule, ctx);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ ruleId: 'WHOLE_TRANSFER', severity: 'VIOLATION', clause: cite('002', '（十四）'), contractNumber: 'C2' });
    expect(f!.parties.map((p) => [p.role, p.creditCode])).toEqual([
      ['EMPLOYER', BUILDER],
      ['TRANSFERRING', GC],
      ['UNDERTAKING', PROF],
    ]);
    expect(f!.evidence.map((e) => e.sourceRecordId)).toEqual(['C1', 'C2']);
  });

  it('flags a general contract split into subcontracts worth all of it (肢解)', () => {
    const ctx = projectContext({
      contracts: [
        contract('C1', 'GENERAL', BUILDER, GC, { value: 1000 }),
        contract('C2', 'PROFESSIONAL_SUBCONTRACT', GC, PROF, { parent: 'C1', value: 600 }),
        contract('C3', 'PROFESSIONAL_SUBCONTRACT', GC, PROF2, { parent: 'C1', value: 400 }),
        contract('C4', 'LABOUR_SUBCONTRACT', GC, LABOUR, { parent: 'C1', value: 300 }),
      ],
    });
    const [f] = onContracts(rule, ctx);
    expect(f!.contractNumber).toBe('C1');
    expect(f!.parties.filter((p) => p.role === 'UNDERTAKING').map((p) => p.creditCode)).toEqual([PROF, PROF2]);
  });

  it('does not count labour subcontracts as transfer', () => {
    const ctx = projectContext({
      contracts: [
        contract('C1', 'GENERAL', BUILDER, GC, { value: 500 }),
        contract('C2', 'LABOUR_SUBCONTRACT', GC, LABOUR, { parent: 'C1', value: 500, coversAllWork: true }),
      ],
    });
    expect(onContracts(rule, ctx)).toEqual([]);
  });
});
