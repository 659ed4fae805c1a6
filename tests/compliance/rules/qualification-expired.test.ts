import { describe, expect, it } from 'vitest';
import { qualificationExpiredRule as rule } from '../../../src/compliance/rules/qualification-expired.js';
import { BUILDER, GC, cleanTree, contract, cred, enterprise, onContracts, projectContext } from '../kit.js';

const withQual = (validFrom: string, validTo: string, status: 'VALID' | 'EXPIRED' | 'SUSPENDED' = 'VALID') => [
  enterprise(BUILDER),
  enterprise(GC, { credentials: [cred('CONSTRUCTION_QUALIFICATION', { holder: GC, category: '施工总承包', scope: '建筑工程', grade: '一级', validFrom, validTo, status })] }),
];
const run = (ents: ReturnType<typeof withQual>, asOf = '2025-06-01') =>
  onContracts(rule, projectContext({ contracts: [contract('C1', 'GENERAL', BUILDER, GC, { signedOn: '2025-03-01' })], enterprises: ents, asOf }));

describe('QUALIFICATION_EXPIRED', () => {
  it('finds nothing on a clean tree', () => {
    expect(onContracts(rule, projectContext({ contracts: cleanTree() }))).toEqual([]);
  });

  it('is a violation when the qualification had expired on the contract date', () => {
    const [f] = run(withQual('2019-01-01', '2025-02-28'));
    expect(f).toMatchObject({ ruleId: 'QUALIFICATION_EXPIRED', severity: 'VIOLATION', contractNumber: 'C1' });
    expect(f!.messageZh).toContain('2025-03-01');
    expect(f!.evidence.find((e) => e.kind === 'credential')!.description).toContain('2025-02-28');
  });

  it('is a violation when the qualification was suspended', () => {
    expect(run(withQual('2019-01-01', '2030-01-01', 'SUSPENDED'))[0]!.severity).toBe('VIOLATION');
  });

  it('is a warning when it lapsed after signing while the work goes on', () => {
    const [f] = run(withQual('2019-01-01', '2025-05-01'));
    expect(f).toMatchObject({ severity: 'WARNING' });
    expect(run(withQual('2019-01-01', '2025-05-01'), '2025-04-01')).toEqual([]);
  });

  it('takes a certificate first valid after signing as a renewal (the source keeps only the current one)', () => {
    expect(run(withQual('2025-04-01', '2030-01-01'))).toEqual([]);
  });
});
