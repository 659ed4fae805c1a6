/**
 * 无资质承包 / 超越资质: the contractor must hold a construction qualification of the category (and sequence)
 * the work needs, of a grade that covers the project's scale (grade ↔ scale is policy data), valid on the
 * date the contract was signed.
 */
import { credentialValidOn } from '../../records/rules.js';
import type { CredentialView, ProjectView } from '../../records/views.js';
import { evidenceOf, finding, type ContractFact, type Rule } from '../model.js';
import { gradeCovers } from '../policy.js';
import { contractEvidence, contractParties, enterpriseEvidence } from './common.js';

const SCALE_ZH: Record<string, string> = { LARGE: '大型', MEDIUM: '中型', SMALL: '小型' };

/** The qualification a contract's work needs, as a predicate and a description. */
export function requiredQualification(c: Pick<ContractFact, 'kind' | 'scope'>, project: Pick<ProjectView, 'requiredCategory' | 'requiredSequence'>): {
  zh: string; en: string; accepts(q: CredentialView): boolean;
} {
  switch (c.kind) {
    case 'GENERAL':
      return {
        zh: `${project.requiredCategory}（${project.requiredSequence}）`,
        en: `${project.requiredCategory} / ${project.requiredSequence}`,
        accepts: (q) => q.category === project.requiredCategory && q.scope === project.requiredSequence,
      };
    case 'PROFESSIONAL_SUBCONTRACT':
      // a general contractor's qualification also covers professional work of its own sequence
      return {
        zh: `专业承包（${c.scope}）`,
        en: `专业承包 covering "${c.scope}"`,
        accepts: (q) => (q.category === '专业承包' && !!q.scope && c.scope.includes(q.scope))
          || (q.category === '施工总承包' && q.scope === project.requiredSequence),
      };
    case 'LABOUR_SUBCONTRACT':
      return { zh: '施工劳务', en: '施工劳务 (labour)', accepts: (q) => q.category === '施工劳务' };
  }
}

export const qualificationRule: Rule = {
  id: 'QUALIFICATION',
  severity: 'VIOLATION',
  clause: '000 (十)',
  titleZh: '承包方无相应资质、资质等级不符或资质过期',
  titleEn: 'Contractor lacks the required qualification, its grade does not cover the scale, or it had expired',
  onContract(node, ctx) {
    const c = node.contract;
    const need = requiredQualification(c, ctx.project);
    const quals = (ctx.enterprises.get(c.contractor)?.credentials ?? []).filter((q) => q.credentialKind === 'CONSTRUCTION_QUALIFICATION');
    const ofCategory = quals.filter(need.accepts);
    const base = { contractNumber: c.contractNumber, creditCode: c.contractor, parties: contractParties(node, ctx) };
    const qualEvidence = (qs: CredentialView[]) =>
      qs.map((q) => evidenceOf(q, 'credential', `建筑业企业资质 ${q.number} ${q.category ?? ''} ${q.scope ?? ''} ${q.grade ?? ''} ${q.validFrom ?? ''}~${q.validTo ?? ''} ${q.status}`));
    if (ofCategory.length === 0) {
      return [finding(this, {
        ...base,
        messageZh: `承包方无${need.zh}资质（无资质承包）`,
        messageEn: `the contractor holds no ${need.en} qualification (contracting without qualification)`,
        evidence: [contractEvidence(node), ...enterpriseEvidence(ctx, c.contractor), ...qualEvidence(quals)],
      })];
    }
    const scale = ctx.project.scale;
    const covering = ofCategory.filter((q) => gradeCovers(ctx.policy, q.category ?? '', q.grade, scale));
    if (covering.length === 0) {
      const grades = [...new Set(ofCategory.map((q) => q.grade ?? '不分等级'))].join('、');
      return [finding(this, {
        ...base,
        messageZh: `承包方${need.zh}资质等级（${grades}）不能承接${SCALE_ZH[scale] ?? scale}工程`,
        messageEn: `the contractor's ${need.en} grade (${grades}) does not cover a ${scale.toLowerCase()} project`,
        evidence: [contractEvidence(node), ...qualEvidence(ofCategory)],
      })];
    }
    if (!covering.some((q) => credentialValidOn(q, c.signedOn))) {
      return [finding(this, {
        ...base,
        messageZh: `承包方${need.zh}资质在合同签订日（${c.signedOn}）已过期或被暂停、撤销`,
        messageEn: `the contractor's ${need.en} qualification was not valid on the contract date ${c.signedOn} (expired, suspended or revoked)`,
        evidence: [contractEvidence(node), ...qualEvidence(covering)],
      })];
    }
    return [];
  },
};
