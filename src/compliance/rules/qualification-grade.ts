/** 超越资质等级: the contractor's qualification of the right category is of a grade that may not undertake the project's scale (grade ↔ scale is policy data). */
import { finding, type Rule } from '../model.js';
import { gradeCovers, UNGRADED } from '../policy.js';
import { contractEvidence, contractParties } from './common.js';
import { qualificationEvidence, qualificationsOf, requiredQualification, SCALE_ZH } from './qualification.js';
import { cite } from '../../domain/documents.js';

export const qualificationGradeRule: Rule = {
  id: 'QUALIFICATION_GRADE',
  severity: 'VIOLATION',
  clause: cite('000', '（十）'),
  titleZh: '超越资质等级承接工程',
  titleEn: 'Qualification grade does not cover the project scale',
  onContract(node, ctx) {
    const c = node.contract;
    const need = requiredQualification(c, ctx.project);
    const ofCategory = qualificationsOf(ctx.enterprises.get(c.contractor)).filter(need.accepts);
    const scale = ctx.project.scale;
    if (ofCategory.length === 0 || ofCategory.some((q) => gradeCovers(ctx.policy, q.category ?? '', q.grade, scale))) return [];
    const grades = [...new Set(ofCategory.map((q) => q.grade ?? UNGRADED))].join('、');
    return [
      finding(this, {
        contractNumber: c.contractNumber,
        creditCode: c.contractor,
        parties: contractParties(node, ctx),
        messageZh: `承包方${need.zh}资质等级（${grades}）不能承接${SCALE_ZH[scale] ?? scale}工程`,
        messageEn: `the contractor's ${need.en} grade (${grades}) does not cover a ${scale.toLowerCase()} project`,
        evidence: [contractEvidence(node), ...qualificationEvidence(ofCategory)],
      }),
    ];
  },
};
