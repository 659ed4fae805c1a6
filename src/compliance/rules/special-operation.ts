/**
 * 000 (五), 003 (十五): special operations 特种作业 only by persons holding a valid special-operation
 * certificate known to the department that issues it. A certificate valid on paper that the issuing
 * department's own system does not hold (only another department reports it) is a possible fake.
 */
import { credentialValidOn } from '../../records/rules.js';
import { evidenceOf, finding, partyOf, type Finding, type Rule } from '../model.js';
import { roleActive } from './common.js';
import { cite } from '../../domain/documents.js';

export const specialOperationRule: Rule = {
  id: 'SPECIAL_OPERATION_CERTIFICATE',
  severity: 'VIOLATION',
  clause: cite('003', '（十五）'),
  titleZh: '特种作业人员无证、证书过期或证书不为发证部门所知（疑似假证）',
  titleEn: 'Special operator without a certificate, with an expired one, or one unknown to the issuing department (possible fake)',
  onEnterprise(e, ctx) {
    if (!ctx.industry?.specialOperationsChecked) return [];
    const out: Finding[] = [];
    const operators = new Map(
      e.roles.filter((r) => r.role === 'SPECIAL_OPERATOR' && roleActive(r, ctx.asOf)).map((r) => [r.person.personKey, r]),
    );
    for (const [key, role] of operators) {
      const certs = (ctx.personCredentials.get(key) ?? []).filter((c) => c.credentialKind === 'SPECIAL_OPERATION_CERTIFICATE');
      const valid = certs.filter((c) => credentialValidOn(c, ctx.asOf));
      const known = valid.filter((c) => c.department === c.issuerDepartment);
      if (known.length > 0) continue;
      const who = `${role.person.name ?? ''}（${role.person.idMasked}）`;
      const [zh, en] =
        certs.length === 0
          ? ['无特种作业操作证', 'holds no special-operation certificate']
          : valid.length === 0
            ? [`特种作业操作证于 ${ctx.asOf} 已过期或失效`, `special-operation certificate not valid on ${ctx.asOf}`]
            : [
                `特种作业操作证 ${valid.map((c) => c.number).join('、')} 发证部门（${valid[0]!.issuerDepartment}）无此记录，疑似假证`,
                `special-operation certificate ${valid.map((c) => c.number).join(', ')} is unknown to the issuing department ${valid[0]!.issuerDepartment} (possible fake)`,
              ];
      out.push(
        finding(this, {
          contractNumber: null,
          creditCode: e.creditCode,
          parties: [
            partyOf(ctx, ctx.role, e.creditCode),
            { role: 'SPECIAL_OPERATOR', creditCode: null, name: null, personName: role.person.name, idNumber: role.person.idMasked },
          ],
          messageZh: `${e.name} 的特种作业人员 ${who}${zh}`,
          messageEn: `${e.name}: special operator ${role.person.idMasked} ${en}`,
          evidence: [
            evidenceOf(role, 'role', `特种作业人员 ${who}`),
            ...certs.map((c) =>
              evidenceOf(
                c,
                'credential',
                `特种作业操作证 ${c.number} ${c.category ?? ''} 发证 ${c.issuerDepartment} ${c.validFrom ?? ''}~${c.validTo ?? ''} ${c.status}`,
              ),
            ),
          ],
        }),
      );
    }
    return out;
  },
};
