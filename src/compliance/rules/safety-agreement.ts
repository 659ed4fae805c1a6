/** 未签订安全生产协议: the parties of every contract must sign a safety production agreement. */
import { finding, type Rule } from '../model.js';
import { contractEvidence, contractParties, describeContract } from './common.js';
import { cite } from '../../domain/documents.js';

export const safetyAgreementRule: Rule = {
  id: 'NO_SAFETY_AGREEMENT',
  severity: 'VIOLATION',
  clause: cite('004', '（一）4'),
  titleZh: '发包方与承包方未签订安全生产协议',
  titleEn: 'No safety production agreement between the parties of a contract',
  onContract(node, ctx) {
    const c = node.contract;
    if (c.safetyAgreementSigned) return [];
    return [
      finding(this, {
        contractNumber: c.contractNumber,
        creditCode: c.employer,
        parties: contractParties(node, ctx),
        messageZh: `${c.contractNumber} 的发包方与承包方未签订安全生产协议`,
        messageEn: `no safety production agreement was signed between the parties of ${c.contractNumber}`,
        evidence: [{ ...contractEvidence(node), description: `${describeContract(node)}（未签订安全生产协议）` }],
      }),
    ];
  },
};
