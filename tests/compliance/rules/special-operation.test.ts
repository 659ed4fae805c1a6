import { describe, expect, it } from 'vitest';
import { specialOperationRule as rule } from '../../../src/compliance/rules/special-operation.js';
import { code, cred, enterprise, enterpriseContext, person, role } from '../kit.js';
import { cite } from '../../../src/domain/documents.js';

const MINE = code(60);
const op = person(300, '李强');
const cert = (o: { validTo?: string; department?: 'EMERGENCY' | 'HOUSING' } = {}) =>
  cred('SPECIAL_OPERATION_CERTIFICATE', {
    person: op,
    registeredWith: MINE,
    category: '电工作业',
    issuerDepartment: 'EMERGENCY',
    department: o.department ?? 'EMERGENCY',
    validTo: o.validTo ?? '2030-01-01',
  });
const check = (certs: ReturnType<typeof cert>[]) =>
  rule.onEnterprise!(
    enterprise(MINE, { industryCode: 'B0610', roles: [role('SPECIAL_OPERATOR', op, MINE)] }),
    enterpriseContext('CONSTRUCTION', { personCredentials: [[op.personKey, certs]] }),
  );

describe('SPECIAL_OPERATION_CERTIFICATE', () => {
  it('passes an operator whose valid certificate the issuing department holds', () => {
    expect(check([cert()])).toEqual([]);
  });

  it('flags a missing certificate, an expired one, and one only another department reports (possible fake)', () => {
    const [missing] = check([]);
    expect(missing).toMatchObject({ ruleId: 'SPECIAL_OPERATION_CERTIFICATE', clause: cite('003', '（十五）'), creditCode: MINE });
    expect(missing!.parties[1]).toMatchObject({ role: 'SPECIAL_OPERATOR', personName: '李强', idNumber: '420106********0300' });
    expect(check([cert({ validTo: '2025-01-01' })])[0]!.messageEn).toContain('not valid on 2025-06-01');
    const [fake] = check([cert({ department: 'HOUSING' })]);
    expect(fake!.messageEn).toContain('unknown to the issuing department EMERGENCY (possible fake)');
    expect(fake!.evidence.map((e) => e.kind)).toEqual(['role', 'credential']);
  });
});
