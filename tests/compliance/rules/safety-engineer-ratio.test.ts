import { describe, expect, it } from 'vitest';
import { safetyEngineerRatioRule as rule } from '../../../src/compliance/rules/safety-engineer-ratio.js';
import { code, cred, enterprise, enterpriseContext, person, role } from '../kit.js';
import { cite } from '../../../src/domain/documents.js';

const CHEM = code(50);
const staff = (n: number) => Array.from({ length: n }, (_, i) => role('SAFETY_MANAGER', person(100 + i), CHEM));
const engineer = (grade: string) =>
  cred('REGISTERED_SAFETY_ENGINEER', { person: person(100), registeredWith: CHEM, grade, issuerDepartment: 'EMERGENCY' });

describe('SAFETY_ENGINEER_RATIO', () => {
  it('passes one intermediate engineer among four safety managers (25 %)', () => {
    const e = enterprise(CHEM, { industryCode: 'C2614', roles: staff(4), registeredPersonCredentials: [engineer('中级')] });
    expect(rule.onEnterprise!(e, enterpriseContext('HAZCHEM'))).toEqual([]);
  });

  it('flags when the only engineer is 初级, or when one engineer is among seven (14.3 %)', () => {
    const junior = enterprise(CHEM, { industryCode: 'C2614', roles: staff(4), registeredPersonCredentials: [engineer('初级')] });
    const [f] = rule.onEnterprise!(junior, enterpriseContext('HAZCHEM'));
    expect(f).toMatchObject({ ruleId: 'SAFETY_ENGINEER_RATIO', clause: cite('002', '（四）'), creditCode: CHEM });
    expect(f!.messageEn).toContain('0 intermediate-or-above registered safety engineers among 4 safety staff');
    const thin = enterprise(CHEM, { industryCode: 'C2614', roles: staff(7), registeredPersonCredentials: [engineer('高级')] });
    expect(rule.onEnterprise!(thin, enterpriseContext('HAZCHEM'))[0]!.messageEn).toContain('(14.3%)');
  });

  it('does not apply to construction', () => {
    const e = enterprise(CHEM, { roles: staff(4) });
    expect(rule.onEnterprise!(e, enterpriseContext('CONSTRUCTION'))).toEqual([]);
  });
});
