/**
 * 资质过期: the contractor's qualification of the right category and grade was not valid when the contract
 * was signed (a violation), or has lapsed since while the work goes on (a warning). One first valid after
 * the signing date did not cover the contract: 无资质承包 at signing, reported as QUALIFICATION_NOT_YET_VALID.
 */
import { finding, type Rule, type RuleMeta } from '../model.js';
import { gradeCovers } from '../policy.js';
import { contractEvidence, contractParties, contractValidity, firstValidAfter } from './common.js';
import { qualificationEvidence, qualificationsOf, requiredQualification } from './qualification.js';
import { cite } from '../../domain/documents.js';

const notYetValid: RuleMeta = {
  id: 'QUALIFICATION_NOT_YET_VALID',
  severity: 'VIOLATION',
  clause: cite('000', '（十）'),
  titleZh: '合同签订时尚未取得资质（资质有效期始于签订日之后）',
  titleEn: 'Qualification not yet valid when the contract was signed',
};

export const qualificationExpiredRule: Rule = {
  id: 'QUALIFICATION_EXPIRED',
  variants: [notYetValid],
  severity: 'VIOLATION',
  clause: cite('000', '（十）'),
  titleZh: '资质在合同签订时或施工期间已过期、被暂停或撤销',
  titleEn: 'Qualification expired, suspended or revoked at signing or since',
  onContract(node, ctx) {
    const c = node.contract;
    const need = requiredQualification(c, ctx.project);
    const covering = qualificationsOf(ctx.enterprises.get(c.contractor)).filter(
      (q) => need.accepts(q) && gradeCovers(ctx.policy, q.category ?? '', q.grade, ctx.project.scale),
    );
    if (covering.length === 0) return [];
    const v = contractValidity(covering, c.signedOn, ctx.asOf);
    if (v === 'VALID') return [];
    if (v === 'NOT_YET_VALID_AT_SIGNING') {
      const from = firstValidAfter(covering, c.signedOn)!;
      return [
        finding(notYetValid, {
          contractNumber: c.contractNumber,
          creditCode: c.contractor,
          parties: contractParties(node, ctx),
          messageZh: `承包方${need.zh}资质自 ${from} 起有效，合同签订日（${c.signedOn}）尚未取得，不能覆盖该合同`,
          messageEn: `the contractor's ${need.en} qualification is valid only from ${from}, after the contract date ${c.signedOn}, so it did not cover the contract`,
          evidence: [contractEvidence(node), ...qualificationEvidence(covering)],
        }),
      ];
    }
    const atSigning = v === 'EXPIRED_AT_SIGNING';
    return [
      finding(this, {
        severity: atSigning ? 'VIOLATION' : 'WARNING',
        contractNumber: c.contractNumber,
        creditCode: c.contractor,
        parties: contractParties(node, ctx),
        messageZh: atSigning
          ? `承包方${need.zh}资质在合同签订日（${c.signedOn}）已过期或被暂停、撤销`
          : `承包方${need.zh}资质已于合同签订后失效，截至 ${ctx.asOf} 无有效资质`,
        messageEn: atSigning
          ? `the contractor's ${need.en} qualification was not valid on the contract date ${c.signedOn}`
          : `the contractor's ${need.en} qualification lapsed after signing; none is valid on ${ctx.asOf}`,
        evidence: [contractEvidence(node), ...qualificationEvidence(covering)],
      }),
    ];
  },
};
