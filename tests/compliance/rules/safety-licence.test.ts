import { describe, expect, it } from 'vitest';
import { noSafetyLicenceRule as rule } from '../../../src/compliance/rules/safety-licence.js';
import { BUILDER, GC, cleanTree, code, contract, cred, enterprise, enterpriseContext, onContracts, projectContext } from '../kit.js';

describe('NO_SAFETY_LICENCE', () => {
  it('finds nothing on a clean tree', () => {
    expect(onContracts(rule, projectContext({ contracts: cleanTree() }))).toEqual([]);
  });

  it('flags a contractor without a construction safety licence, and one whose licence had expired at signing', () => {
    const none = [
      enterprise(BUILDER),
      enterprise(GC, {
        credentials: [cred('CONSTRUCTION_QUALIFICATION', { holder: GC, category: '施工总承包', scope: '建筑工程', grade: '一级' })],
      }),
    ];
    const [f] = onContracts(rule, projectContext({ contracts: [contract('C1', 'GENERAL', BUILDER, GC)], enterprises: none }));
    expect(f).toMatchObject({ ruleId: 'NO_SAFETY_LICENCE', severity: 'VIOLATION', contractNumber: 'C1', creditCode: GC });
    expect(f!.messageEn).toBe('the contractor holds no construction safety production licence');

    const expired = [
      enterprise(BUILDER),
      enterprise(GC, {
        credentials: [cred('CONSTRUCTION_SAFETY_LICENCE', { holder: GC, validFrom: '2019-01-01', validTo: '2024-12-31' })],
      }),
    ];
    const [g] = onContracts(rule, projectContext({ contracts: [contract('C1', 'GENERAL', BUILDER, GC)], enterprises: expired }));
    expect(g!.severity).toBe('VIOLATION');
    expect(g!.evidence.map((e) => e.kind)).toContain('credential');
  });

  // issue 18: a licence first valid after the signing date did not cover the contract
  it('reports a licence issued after the contract date as not yet valid, and accepts a renewal of one valid at signing', () => {
    const licences = (...ls: [string, string][]) => [
      enterprise(BUILDER),
      enterprise(GC, {
        credentials: [
          cred('CONSTRUCTION_QUALIFICATION', { holder: GC, category: '施工总承包', scope: '建筑工程', grade: '一级' }),
          ...ls.map(([validFrom, validTo]) => cred('CONSTRUCTION_SAFETY_LICENCE', { holder: GC, validFrom, validTo })),
        ],
      }),
    ];
    const run = (ents: ReturnType<typeof licences>) =>
      onContracts(
        rule,
        projectContext({ contracts: [contract('C1', 'GENERAL', BUILDER, GC, { signedOn: '2025-03-01' })], enterprises: ents }),
      );
    const found = run(licences(['2025-03-15', '2028-03-14']));
    expect(found.map((f) => [f.ruleId, f.severity, f.contractNumber, f.creditCode])).toEqual([
      ['SAFETY_LICENCE_NOT_YET_VALID', 'VIOLATION', 'C1', GC],
    ]);
    expect(found[0]!.clause).toBe(rule.clause);
    expect(found[0]!.messageZh).toContain('2025-03-15');
    expect(found[0]!.evidence.map((e) => e.kind)).toEqual(['contract', 'enterprise', 'credential']);
    expect(run(licences(['2022-03-01', '2025-04-30'], ['2025-05-01', '2028-04-30']))).toEqual([]);
    expect(rule.variants?.map((v) => v.id)).toEqual(['SAFETY_LICENCE_NOT_YET_VALID']);
  });

  it('checks the industry licence of an enterprise on its own', () => {
    const chem = code(40);
    const without = enterprise(chem, { industryCode: 'C2614', credentials: [] });
    expect(rule.onEnterprise!(without, enterpriseContext('HAZCHEM'))[0]).toMatchObject({
      ruleId: 'NO_SAFETY_LICENCE',
      creditCode: chem,
      contractNumber: null,
    });
    const withLicence = enterprise(chem, {
      industryCode: 'C2614',
      credentials: [cred('SAFETY_PRODUCTION_LICENCE', { holder: chem, issuerDepartment: 'EMERGENCY' })],
    });
    expect(rule.onEnterprise!(withLicence, enterpriseContext('HAZCHEM'))).toEqual([]);
    expect(rule.onEnterprise!(without, enterpriseContext(null))).toEqual([]);
  });
});
