/**
 * 安全生产许可证: a construction contractor needs a valid construction safety production licence on the
 * contract date; an enterprise of a licensed high-risk industry needs one of its industry's licences today.
 */
import { credentialValidOn } from '../../records/rules.js';
import type { CredentialView } from '../../records/views.js';
import { evidenceOf, finding, partyOf, type Rule, type RuleMeta } from '../model.js';
import { contractEvidence, contractParties, contractValidity, enterpriseEvidence, firstValidAfter } from './common.js';
import { cite } from '../../domain/documents.js';

const KIND_ZH: Record<string, string> = {
  CONSTRUCTION_SAFETY_LICENCE: '建筑施工企业安全生产许可证',
  SAFETY_PRODUCTION_LICENCE: '安全生产许可证',
  HAZCHEM_OPERATION_LICENCE: '危险化学品经营许可证',
  ROAD_TRANSPORT_LICENCE: '道路运输经营许可证',
  GAS_OPERATION_LICENCE: '燃气经营许可证',
};
const licenceEvidence = (ls: CredentialView[]) =>
  ls.map((l) =>
    evidenceOf(
      l,
      'credential',
      `${KIND_ZH[l.credentialKind] ?? l.credentialKind} ${l.number} ${l.validFrom ?? ''}~${l.validTo ?? ''} ${l.status}`,
    ),
  );

/** a licence first valid after the signing date did not cover the contract (issue 18) */
const notYetValid: RuleMeta = {
  id: 'SAFETY_LICENCE_NOT_YET_VALID',
  severity: 'VIOLATION',
  clause: cite('004', '（一）4'),
  titleZh: '合同签订时尚未取得安全生产许可证（许可证有效期始于签订日之后）',
  titleEn: 'Safety production licence not yet valid when the contract was signed',
};

export const noSafetyLicenceRule: Rule = {
  id: 'NO_SAFETY_LICENCE',
  variants: [notYetValid],
  severity: 'VIOLATION',
  clause: cite('004', '（一）4'),
  titleZh: '无有效安全生产许可证',
  titleEn: 'No valid safety production licence',
  onContract(node, ctx) {
    const c = node.contract;
    const held = (ctx.enterprises.get(c.contractor)?.credentials ?? []).filter((l) => l.credentialKind === 'CONSTRUCTION_SAFETY_LICENCE');
    const v = contractValidity(held, c.signedOn, ctx.asOf);
    if (held.length && v === 'VALID') return [];
    if (v === 'NOT_YET_VALID_AT_SIGNING') {
      const from = firstValidAfter(held, c.signedOn)!;
      return [
        finding(notYetValid, {
          contractNumber: c.contractNumber,
          creditCode: c.contractor,
          parties: contractParties(node, ctx),
          messageZh: `承包方建筑施工企业安全生产许可证自 ${from} 起有效，合同签订日（${c.signedOn}）尚未取得`,
          messageEn: `the contractor's construction safety production licence is valid only from ${from}, after the contract date ${c.signedOn}`,
          evidence: [contractEvidence(node), ...enterpriseEvidence(ctx, c.contractor), ...licenceEvidence(held)],
        }),
      ];
    }
    const since = held.length > 0 && v === 'EXPIRED_SINCE';
    return [
      finding(this, {
        severity: since ? 'WARNING' : 'VIOLATION',
        contractNumber: c.contractNumber,
        creditCode: c.contractor,
        parties: contractParties(node, ctx),
        messageZh: !held.length
          ? '承包方无建筑施工企业安全生产许可证'
          : since
            ? `承包方建筑施工企业安全生产许可证已于合同签订后失效，截至 ${ctx.asOf} 无有效许可证`
            : `承包方建筑施工企业安全生产许可证在合同签订日（${c.signedOn}）无效`,
        messageEn: !held.length
          ? 'the contractor holds no construction safety production licence'
          : since
            ? `the contractor's construction safety production licence lapsed after signing; none is valid on ${ctx.asOf}`
            : `the contractor's construction safety production licence was not valid on the contract date ${c.signedOn}`,
        evidence: [contractEvidence(node), ...enterpriseEvidence(ctx, c.contractor), ...licenceEvidence(held)],
      }),
    ];
  },
  onEnterprise(e, ctx) {
    const kinds = ctx.industry?.licenceKinds ?? [];
    if (kinds.length === 0) return [];
    const held = e.credentials.filter((l) => kinds.includes(l.credentialKind));
    if (held.some((l) => credentialValidOn(l, ctx.asOf))) return [];
    const names = kinds.map((k) => KIND_ZH[k] ?? k).join('或');
    return [
      finding(this, {
        contractNumber: null,
        creditCode: e.creditCode,
        parties: [partyOf(ctx, ctx.role, e.creditCode)],
        messageZh: `${ctx.industry!.nameZh}企业于 ${ctx.asOf} 无有效的${names}`,
        messageEn: `no valid ${kinds.join(' or ')} on ${ctx.asOf} for an enterprise of the ${ctx.industry!.industry} industry`,
        evidence: [e.evidence, ...licenceEvidence(held)],
      }),
    ];
  },
};
