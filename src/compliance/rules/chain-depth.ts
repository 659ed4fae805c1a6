/** 层层转包: no more non-labour contract layers below the builder than the policy allows. */
import { finding, partyOf, type Rule, type TreeNode } from '../model.js';
import { contractEvidence, describeContract } from './common.js';
import { cite } from '../../domain/documents.js';

export const chainDepthRule: Rule = {
  id: 'CHAIN_TOO_DEEP',
  severity: 'VIOLATION',
  clause: cite('000', '（十四）'),
  titleZh: '层层转包：分包层级超过规定',
  titleEn: 'Chain of subcontracts deeper than allowed',
  onContract(node, ctx) {
    const c = node.contract;
    const max = ctx.policy.maxChainDepth;
    if (c.kind === 'LABOUR_SUBCONTRACT' || node.chainDepth <= max) return [];
    // the limit is policy data: the finding names the basis recorded with it
    const basis = ctx.policy.settings.find((s) => s.key === 'max_chain_depth')?.legalBasis;
    const path: TreeNode[] = [];
    for (let n: TreeNode | null = node; n; n = n.parent) path.unshift(n);
    return [
      finding(this, {
        contractNumber: c.contractNumber,
        creditCode: c.employer,
        parties: [
          partyOf(ctx, 'EMPLOYER', path[0]!.contract.employer),
          ...path.slice(0, -1).map((n) => partyOf(ctx, 'TRANSFERRING', n.contract.contractor)),
          partyOf(ctx, 'UNDERTAKING', c.contractor),
        ],
        messageZh: `${c.contractNumber} 处于第 ${node.chainDepth} 层分包，超过允许的 ${max} 层（层层转包${basis ? `；限值依据：${basis}` : ''}）`,
        messageEn: `${c.contractNumber} is subcontracting layer ${node.chainDepth}, deeper than the allowed ${max}`,
        evidence: path.map((n) => ({ ...contractEvidence(n), description: describeContract(n) })),
      }),
    ];
  },
};
