import { describe, expect, it } from 'vitest';
import { qualificationExpiredRule as rule } from '../../../src/compliance/rules/qualification-expired.js';
import { BUILDER, GC, cleanTree, contract, cred, enterprise, onContracts, projectContext } from '../kit.js';

const withQual = (validFrom: string, validTo: string, status: 'VALID' | 'EXPIRED' | 'SUSPENDED' = 'VALID') => [
  enterprise(BUILDER),
  enterprise(GC, {
    credentials: [
      cred('CONSTRUCTION_QUALIFICATION', {
        holder: GC,
        category: '施工总承包',
        scope: '建筑工程',
        grade: '一级',
        validFrom,
        validTo,
        status,
      }),
    ],
  }),
];
const run = (ents: ReturnType<typeof withQual>, asOf = '2025-06-01') =>
  onContracts(
    rule,
    projectContext({ contracts: [contract('C1', 'GENERAL', BUILDER, GC, { signedOn: '2025-03-01' })], enterprises: ents, asOf }),
  );

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

  // issue 18: a qualification first valid after the signing date did not cover the contract (无资质承包 at signing)
  it('is its own violation when the qualification became valid only after the contract date', () => {
    const found = run(withQual('2025-04-01', '2030-01-01'));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ ruleId: 'QUALIFICATION_NOT_YET_VALID', severity: 'VIOLATION', contractNumber: 'C1', creditCode: GC });
    expect(found[0]!.clause).toBe(rule.clause);
    expect(found[0]!.messageZh).toContain('2025-04-01');
    expect(found[0]!.messageZh).toContain('2025-03-01');
    expect(found[0]!.evidence.find((e) => e.kind === 'credential')!.description).toContain('2025-04-01');
    // the day after signing is already too late; the signing day itself is covered
    expect(run(withQual('2025-03-02', '2030-01-01'))[0]!.ruleId).toBe('QUALIFICATION_NOT_YET_VALID');
    expect(run(withQual('2025-03-01', '2030-01-01'))).toEqual([]);
  });

  it('is not-yet-valid even when an older one had lapsed before signing (a gap around the contract date)', () => {
    const ents = [
      enterprise(BUILDER),
      enterprise(GC, {
        credentials: [
          cred('CONSTRUCTION_QUALIFICATION', {
            holder: GC,
            category: '施工总承包',
            scope: '建筑工程',
            grade: '一级',
            validFrom: '2019-01-01',
            validTo: '2025-01-31',
            status: 'EXPIRED',
          }),
          cred('CONSTRUCTION_QUALIFICATION', {
            holder: GC,
            category: '施工总承包',
            scope: '建筑工程',
            grade: '一级',
            validFrom: '2025-04-01',
            validTo: '2030-01-01',
          }),
        ],
      }),
    ];
    expect(run(ents).map((f) => f.ruleId)).toEqual(['QUALIFICATION_NOT_YET_VALID']);
  });

  it('accepts one valid at signing that lapsed since and was renewed (a later one valid now)', () => {
    const ents = [
      enterprise(BUILDER),
      enterprise(GC, {
        credentials: [
          cred('CONSTRUCTION_QUALIFICATION', {
            holder: GC,
            category: '施工总承包',
            scope: '建筑工程',
            grade: '一级',
            validFrom: '2019-01-01',
            validTo: '2025-04-30',
            status: 'EXPIRED',
          }),
          cred('CONSTRUCTION_QUALIFICATION', {
            holder: GC,
            category: '施工总承包',
            scope: '建筑工程',
            grade: '一级',
            validFrom: '2025-05-01',
            validTo: '2030-04-30',
          }),
        ],
      }),
    ];
    expect(run(ents)).toEqual([]);
  });

  it('lists the not-yet-valid finding in the rule catalogue with its own id and clause', () => {
    expect(rule.variants?.map((v) => [v.id, v.severity, v.clause])).toEqual([['QUALIFICATION_NOT_YET_VALID', 'VIOLATION', rule.clause]]);
  });
});
