/**
 * 挂靠 / 个人资格: the project manager of a general or professional contract must be a registered constructor
 * (注册建造师) registered with the contractor itself (谁的资质谁负责、挂谁的牌子谁负责), of the specialty the
 * work needs and of a level that may manage the project's scale, valid on the contract date.
 */
import { credentialValidOn } from '../../records/rules.js';
import type { CredentialView } from '../../records/views.js';
import { evidenceOf, finding, partyOf, type Party, type Rule, type RuleMeta, type TreeNode, type ProjectContext } from '../model.js';
import { specialtyFor } from '../policy.js';
import { contractEvidence, contractValidity, firstValidAfter } from './common.js';
import { cite } from '../../domain/documents.js';

const certEvidence = (cs: CredentialView[]) =>
  cs.map((c) =>
    evidenceOf(
      c,
      'credential',
      `注册建造师 ${c.number} ${c.category ?? ''} ${c.scope ?? ''} 注册单位 ${c.registeredEnterprise?.creditCode ?? '无'} ${c.validFrom ?? ''}~${c.validTo ?? ''} ${c.status}`,
    ),
  );

function parties(node: TreeNode, ctx: ProjectContext, extra: Party[] = []): Party[] {
  const pm = node.contract.projectManager;
  return [
    partyOf(ctx, 'EMPLOYER', node.contract.employer),
    partyOf(ctx, 'CONTRACTOR', node.contract.contractor),
    ...(pm ? [{ role: 'PROJECT_MANAGER' as const, creditCode: null, name: null, personName: pm.name, idNumber: pm.idMasked }] : []),
    ...extra,
  ];
}

/** a registration first valid after the signing date did not make the PM a registered constructor for the contract (issue 18) */
const notYetValid: RuleMeta = {
  id: 'CONSTRUCTOR_NOT_YET_REGISTERED',
  severity: 'VIOLATION',
  clause: cite('002', '（十四）'),
  titleZh: '合同签订时项目经理尚未取得注册建造师注册（注册有效期始于签订日之后）',
  titleEn: 'The project manager was not yet a registered constructor when the contract was signed',
};

export const qualificationBorrowingRule: Rule = {
  id: 'QUALIFICATION_BORROWING',
  variants: [notYetValid],
  severity: 'VIOLATION',
  clause: cite('002', '（十四）'),
  titleZh: '挂靠资质：项目经理注册建造师证书不属于承包单位，或专业、等级不符',
  titleEn:
    'Qualification borrowing: the project manager is not a registered constructor of the contractor, or of the wrong specialty or level',
  onContract(node, ctx) {
    const c = node.contract;
    if (c.kind === 'LABOUR_SUBCONTRACT') return [];
    const base = { contractNumber: c.contractNumber, creditCode: c.contractor };
    const pm = c.projectManager;
    if (!pm) {
      if (c.kind !== 'GENERAL') return [];
      return [
        finding(this, {
          ...base,
          severity: 'WARNING',
          parties: parties(node, ctx),
          messageZh: `施工总承包合同 ${c.contractNumber} 未登记项目经理`,
          messageEn: `general contract ${c.contractNumber} names no project manager`,
          evidence: [contractEvidence(node)],
        }),
      ];
    }
    const certs = (ctx.personCredentials.get(pm.personKey) ?? []).filter((x) => x.credentialKind === 'REGISTERED_CONSTRUCTOR');
    const pmZh = `项目经理 ${pm.name ?? ''}（${pm.idMasked}）`;
    const pmEn = `project manager ${pm.idMasked}`;
    if (certs.length === 0) {
      return [
        finding(this, {
          ...base,
          parties: parties(node, ctx),
          messageZh: `${pmZh}无注册建造师证书`,
          messageEn: `${pmEn} holds no registered constructor certificate`,
          evidence: [contractEvidence(node)],
        }),
      ];
    }
    const v = contractValidity(certs, c.signedOn, ctx.asOf);
    if (v === 'NOT_YET_VALID_AT_SIGNING') {
      const from = firstValidAfter(certs, c.signedOn)!;
      return [
        finding(notYetValid, {
          ...base,
          parties: parties(node, ctx),
          messageZh: `${pmZh}的注册建造师注册自 ${from} 起有效，合同签订日（${c.signedOn}）尚未注册`,
          messageEn: `${pmEn}'s registered constructor registration is valid only from ${from}, after the contract date ${c.signedOn}`,
          evidence: [contractEvidence(node), ...certEvidence(certs)],
        }),
      ];
    }
    // the registrations that count: the one covering the signing date, and its renewal in force now
    const valid =
      v === 'VALID'
        ? certs.filter((x) => credentialValidOn(x, c.signedOn) || (ctx.asOf >= c.signedOn && credentialValidOn(x, ctx.asOf)))
        : [];
    if (valid.length === 0) {
      return [
        finding(this, {
          ...base,
          parties: parties(node, ctx),
          messageZh: `${pmZh}的注册建造师证书在合同签订日（${c.signedOn}）或截至 ${ctx.asOf} 无效`,
          messageEn: `${pmEn}'s registered constructor certificate was not valid on the contract date ${c.signedOn} or is not on ${ctx.asOf}`,
          evidence: [contractEvidence(node), ...certEvidence(certs)],
        }),
      ];
    }
    const own = valid.filter((x) => x.registeredEnterprise?.creditCode === c.contractor);
    if (own.length === 0) {
      const elsewhere = [...new Set(valid.flatMap((x) => (x.registeredEnterprise?.creditCode ? [x.registeredEnterprise.creditCode] : [])))];
      return [
        finding(this, {
          ...base,
          parties: parties(
            node,
            ctx,
            elsewhere.map((code) => partyOf(ctx, 'REGISTERED_ENTERPRISE', code)),
          ),
          messageZh: `${pmZh}的注册建造师证书注册在${elsewhere.length ? `其他单位（${elsewhere.join('、')}）` : '任何单位之外'}，不属于承包单位（挂靠）`,
          messageEn: `${pmEn}'s registered constructor certificate is registered with ${elsewhere.length ? `another enterprise (${elsewhere.join(', ')})` : 'no enterprise'}, not the contractor (qualification borrowing)`,
          evidence: [contractEvidence(node), ...certEvidence(valid)],
        }),
      ];
    }
    const specialty = specialtyFor(ctx.policy, ctx.project.requiredSequence);
    const rightSpecialty = own.filter((x) => x.scope === specialty);
    if (rightSpecialty.length === 0) {
      return [
        finding(this, {
          ...base,
          parties: parties(node, ctx),
          messageZh: `${pmZh}的注册专业（${[...new Set(own.map((x) => x.scope))].join('、')}）与工程所需专业（${specialty}）不符`,
          messageEn: `${pmEn} is registered for ${[...new Set(own.map((x) => x.scope))].join(', ')}, the work needs ${specialty}`,
          evidence: [contractEvidence(node), ...certEvidence(own)],
        }),
      ];
    }
    const scale = ctx.project.scale;
    if (!rightSpecialty.some((x) => ctx.policy.constructorScales.get(x.category ?? '')?.has(scale))) {
      return [
        finding(this, {
          ...base,
          parties: parties(node, ctx),
          messageZh: `${pmZh}为${[...new Set(rightSpecialty.map((x) => x.category))].join('、')}，不能担任${scale === 'LARGE' ? '大型' : scale === 'MEDIUM' ? '中型' : '小型'}工程项目经理`,
          messageEn: `${pmEn} (${[...new Set(rightSpecialty.map((x) => x.category))].join(', ')}) may not manage a ${scale.toLowerCase()} project`,
          evidence: [contractEvidence(node), ...certEvidence(rightSpecialty)],
        }),
      ];
    }
    return [];
  },
};
