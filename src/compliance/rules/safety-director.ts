/** 000 (四): enterprises of mines, construction and other listed high-risk industries must have a safety director 安全总监. */
import { finding, partyOf, type Rule } from '../model.js';
import { roleActive } from './common.js';
import { cite } from '../../domain/documents.js';

export const safetyDirectorRule: Rule = {
  id: 'NO_SAFETY_DIRECTOR',
  severity: 'VIOLATION',
  clause: cite('000', '（四）'),
  titleZh: '高危行业企业未配备安全总监',
  titleEn: 'High-risk enterprise without a safety director',
  onEnterprise(e, ctx) {
    if (!ctx.industry?.safetyDirectorRequired) return [];
    if (e.roles.some((r) => r.role === 'SAFETY_DIRECTOR' && roleActive(r, ctx.asOf))) return [];
    return [
      finding(this, {
        contractNumber: null,
        creditCode: e.creditCode,
        parties: [partyOf(ctx, ctx.role, e.creditCode)],
        messageZh: `${ctx.industry.nameZh}企业 ${e.name} 于 ${ctx.asOf} 未配备安全总监`,
        messageEn: `${e.name} (${ctx.industry.industry}) has no safety director on ${ctx.asOf}`,
        evidence: [e.evidence],
      }),
    ];
  },
};
