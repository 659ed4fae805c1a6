/** 无资质承包: the contractor holds no construction qualification of the category (and sequence) the work needs. */
import { finding, type Rule } from '../model.js';
import { contractEvidence, contractParties, enterpriseEvidence } from './common.js';
import { qualificationEvidence, qualificationsOf, requiredQualification } from './qualification.js';
import { cite } from '../../domain/documents.js';

export const qualificationMissingRule: Rule = {
  id: 'QUALIFICATION_MISSING',
  severity: 'VIOLATION',
  clause: cite('000', '（十）'),
  titleZh: '无资质承包：承包方无工程所需类别的资质',
  titleEn: 'Contracting without the qualification category the work needs',
  onContract(node, ctx) {
    const c = node.contract;
    const need = requiredQualification(c, ctx.project);
    const quals = qualificationsOf(ctx.enterprises.get(c.contractor));
    if (quals.some(need.accepts)) return [];
    return [
      finding(this, {
        contractNumber: c.contractNumber,
        creditCode: c.contractor,
        parties: contractParties(node, ctx),
        messageZh: `承包方无${need.zh}资质（无资质承包）`,
        messageEn: `the contractor holds no ${need.en} qualification (contracting without qualification)`,
        evidence: [contractEvidence(node), ...enterpriseEvidence(ctx, c.contractor), ...qualificationEvidence(quals)],
      }),
    ];
  },
};
