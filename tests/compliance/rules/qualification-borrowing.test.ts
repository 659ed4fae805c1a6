import { describe, expect, it } from 'vitest';
import { qualificationBorrowingRule as rule } from '../../../src/compliance/rules/qualification-borrowing.js';
import { BUILDER, GC, OTHER, cleanTree, contract, cred, onContracts, person, projectContext } from '../kit.js';

const pm = person(7, '张伟');
const constructor = (o: { registeredWith?: string; category?: string; scope?: string; validFrom?: string; validTo?: string } = {}) =>
  cred('REGISTERED_CONSTRUCTOR', {
    person: pm,
    registeredWith: o.registeredWith ?? GC,
    category: o.category ?? '一级建造师',
    scope: o.scope ?? '建筑工程',
    validFrom: o.validFrom ?? '2020-01-01',
    validTo: o.validTo ?? '2030-01-01',
  });
const run = (certs: ReturnType<typeof constructor>[], scale: 'LARGE' | 'MEDIUM' = 'MEDIUM') =>
  onContracts(
    rule,
    projectContext({
      contracts: [contract('C1', 'GENERAL', BUILDER, GC, { projectManager: pm })],
      personCredentials: [[pm.personKey, certs]],
      scale,
    }),
  );

describe('QUALIFICATION_BORROWING', () => {
  it('passes a project manager registered with the contractor, right specialty and level', () => {
    expect(run([constructor()], 'LARGE')).toEqual([]);
  });

  it('flags a certificate registered with another enterprise (挂靠), naming it; the ID number stays masked', () => {
    const [f, ...rest] = run([constructor({ registeredWith: OTHER })]);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ ruleId: 'QUALIFICATION_BORROWING', severity: 'VIOLATION', contractNumber: 'C1', creditCode: GC });
    expect(f!.parties.find((p) => p.role === 'REGISTERED_ENTERPRISE')!.creditCode).toBe(OTHER);
    expect(f!.parties.find((p) => p.role === 'PROJECT_MANAGER')).toMatchObject({ personName: '张伟', idNumber: '420106********0007' });
    expect(JSON.stringify(f)).not.toMatch(/\d{17}[\dX]/);
    expect(f!.evidence.find((e) => e.kind === 'credential')!.description).toContain(OTHER);
  });

  it('flags the wrong specialty, and a second-class constructor on a large project', () => {
    expect(run([constructor({ scope: '市政公用工程' })])[0]!.messageEn).toContain('the work needs 建筑工程');
    expect(run([constructor({ category: '二级建造师' })], 'MEDIUM')).toEqual([]);
    expect(run([constructor({ category: '二级建造师' })], 'LARGE')[0]!.messageEn).toContain('may not manage a large project');
  });

  it('flags a project manager without any certificate, or with an expired one', () => {
    expect(run([])[0]!.messageEn).toContain('holds no registered constructor certificate');
    expect(run([constructor({ validTo: '2025-01-01' })])[0]!.messageEn).toContain('not valid');
  });

  // issue 18: registered after the contract date, the PM was not a registered constructor for it
  it('reports a registration first valid after the contract date on its own, and accepts a renewal of one valid at signing', () => {
    const found = run([constructor({ validFrom: '2025-03-10' })]);
    expect(found.map((f) => [f.ruleId, f.severity, f.contractNumber])).toEqual([['CONSTRUCTOR_NOT_YET_REGISTERED', 'VIOLATION', 'C1']]);
    expect(found[0]!.clause).toBe(rule.clause);
    expect(found[0]!.messageZh).toContain('2025-03-10');
    expect(found[0]!.parties.find((p) => p.role === 'PROJECT_MANAGER')).toMatchObject({ idNumber: '420106********0007' });
    expect(found[0]!.evidence.find((e) => e.kind === 'credential')!.description).toContain('2025-03-10');
    expect(run([constructor({ validTo: '2025-04-30' }), constructor({ validFrom: '2025-05-01', validTo: '2028-04-30' })])).toEqual([]);
    // the registration on the contract date decides; both elsewhere is 挂靠
    expect(run([constructor({ validTo: '2025-04-30' }), constructor({ validFrom: '2025-05-01', registeredWith: OTHER })])).toEqual([]);
    expect(
      run([
        constructor({ validTo: '2025-04-30', registeredWith: OTHER }),
        constructor({ validFrom: '2025-05-01', registeredWith: OTHER }),
      ])[0]!.ruleId,
    ).toBe('QUALIFICATION_BORROWING');
    expect(rule.variants?.map((v) => v.id)).toEqual(['CONSTRUCTOR_NOT_YET_REGISTERED']);
  });

  it('warns when a general contract names no project manager; labour contracts need none', () => {
    const [f] = onContracts(rule, projectContext({ contracts: cleanTree() }));
    expect(f).toMatchObject({ severity: 'WARNING', contractNumber: 'C1' });
  });
});
