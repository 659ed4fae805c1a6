/**
 * 002 (四): in hazardous-goods, mining and metallurgy enterprises, intermediate-or-above registered safety
 * engineers must be at least 15 % of the safety management staff (ratio and grades are policy data).
 * Staff = persons holding a safety manager, safety director or registered safety engineer role on the date;
 * engineers = persons with a valid qualifying certificate registered with the enterprise.
 */
import { credentialValidOn } from '../../records/rules.js';
import { evidenceOf, finding, partyOf, type Rule } from '../model.js';
import { roleActive } from './common.js';
import { cite } from '../../domain/documents.js';

const STAFF_ROLES = new Set(['SAFETY_MANAGER', 'SAFETY_DIRECTOR', 'REGISTERED_SAFETY_ENGINEER']);

export const safetyEngineerRatioRule: Rule = {
  id: 'SAFETY_ENGINEER_RATIO',
  severity: 'VIOLATION',
  clause: cite('002', '（四）'),
  titleZh: '中级及以上注册安全工程师占安全管理人员比例低于规定',
  titleEn: 'Too few intermediate-or-above registered safety engineers among safety managers',
  onEnterprise(e, ctx) {
    if (!ctx.industry?.engineerRatioRequired) return [];
    const staff = new Set(e.roles.filter((r) => STAFF_ROLES.has(r.role) && roleActive(r, ctx.asOf)).map((r) => r.person.personKey));
    const staffCreds = [...staff].flatMap((k) => ctx.personCredentials.get(k) ?? []);
    const certs = [...e.registeredPersonCredentials, ...staffCreds].filter(
      (c) =>
        c.credentialKind === 'REGISTERED_SAFETY_ENGINEER' &&
        c.person &&
        ctx.policy.engineerMinGrades.includes(c.grade ?? '') &&
        credentialValidOn(c, ctx.asOf) &&
        (!c.registeredEnterprise?.creditCode || c.registeredEnterprise.creditCode === e.creditCode),
    );
    const engineers = new Set(certs.map((c) => c.person!.personKey));
    for (const k of engineers) staff.add(k);
    if (staff.size === 0) return [];
    const ratio = engineers.size / staff.size;
    if (ratio >= ctx.policy.engineerMinRatio) return [];
    const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;
    return [
      finding(this, {
        contractNumber: null,
        creditCode: e.creditCode,
        parties: [partyOf(ctx, ctx.role, e.creditCode)],
        messageZh: `${e.name} 安全管理人员 ${staff.size} 人，其中中级及以上注册安全工程师 ${engineers.size} 人（${pct(ratio)}），低于 ${pct(ctx.policy.engineerMinRatio)}`,
        messageEn: `${e.name}: ${engineers.size} intermediate-or-above registered safety engineers among ${staff.size} safety staff (${pct(ratio)}), below ${pct(ctx.policy.engineerMinRatio)}`,
        evidence: [
          e.evidence,
          ...e.roles
            .filter((r) => STAFF_ROLES.has(r.role) && roleActive(r, ctx.asOf))
            .map((r) => evidenceOf(r, 'role', `${r.role} ${r.person.name ?? ''}（${r.person.idMasked}）`)),
          ...certs.map((c) => evidenceOf(c, 'credential', `注册安全工程师 ${c.number} ${c.grade ?? ''} ${c.validTo ?? ''}`)),
        ],
      }),
    ];
  },
};
