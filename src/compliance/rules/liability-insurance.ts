/** 002 (二十一): enterprises of the listed high-risk industries must have safety liability insurance 安全生产责任保险 in force. */
import { insuranceInForce } from '../../records/rules.js';
import { evidenceOf, finding, partyOf, type Rule } from '../model.js';
import { cite } from '../../domain/documents.js';

export const liabilityInsuranceRule: Rule = {
  id: 'NO_LIABILITY_INSURANCE',
  severity: 'VIOLATION',
  clause: cite('002', '（二十一）'),
  titleZh: '高危行业企业未投保安全生产责任保险',
  titleEn: 'High-risk enterprise without safety liability insurance in force',
  onEnterprise(e, ctx) {
    if (!ctx.industry?.liabilityInsuranceRequired) return [];
    const policies = e.insurance.filter((p) => p.insuranceKind === 'SAFETY_LIABILITY');
    if (policies.some((p) => insuranceInForce(p, ctx.asOf))) return [];
    return [
      finding(this, {
        contractNumber: null,
        creditCode: e.creditCode,
        parties: [partyOf(ctx, ctx.role, e.creditCode)],
        messageZh: `${ctx.industry.nameZh}企业 ${e.name} 于 ${ctx.asOf} 无有效的安全生产责任保险${policies.length ? '（保单已过期或未生效）' : ''}`,
        messageEn: `${e.name} (${ctx.industry.industry}) has no safety liability insurance in force on ${ctx.asOf}${policies.length ? ' (its policies are expired or not yet in force)' : ''}`,
        evidence: [
          e.evidence,
          ...policies.map((p) =>
            evidenceOf(p, 'insurance_policy', `安全生产责任保险 ${p.policyNumber} ${p.insurer} ${p.validFrom}~${p.validTo}`),
          ),
        ],
      }),
    ];
  },
};
