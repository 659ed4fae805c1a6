/**
 * 再分包: a professional subcontractor may subcontract only labour; a labour subcontractor may not
 * subcontract at all.
 */
import { finding, type Rule } from '../model.js';
import { chainParties, contractEvidence, describeContract } from './common.js';
import { cite } from '../../domain/documents.js';

export const resubcontractRule: Rule = {
  id: 'RESUBCONTRACT',
  severity: 'VIOLATION',
  clause: cite('002', '（十四）'),
  titleZh: '违法分包：分包单位将其承包的工程再分包',
  titleEn: 'Illegal subcontracting: a subcontractor subcontracts again',
  onContract(node, ctx) {
    const p = node.parent;
    if (!p) return [];
    const c = node.contract;
    const illegal =
      (p.contract.kind === 'PROFESSIONAL_SUBCONTRACT' && c.kind !== 'LABOUR_SUBCONTRACT') || p.contract.kind === 'LABOUR_SUBCONTRACT';
    if (!illegal) return [];
    const byLabour = p.contract.kind === 'LABOUR_SUBCONTRACT';
    return [
      finding(this, {
        contractNumber: c.contractNumber,
        creditCode: c.employer,
        parties: chainParties(node, ctx),
        messageZh: byLabour
          ? `劳务分包单位通过 ${c.contractNumber} 将 ${p.contract.contractNumber} 的劳务再分包`
          : `专业分包单位通过 ${c.contractNumber} 将 ${p.contract.contractNumber} 的专业工程再分包（劳务分包除外）`,
        messageEn: byLabour
          ? `a labour subcontractor subcontracted the labour of ${p.contract.contractNumber} again through ${c.contractNumber}`
          : `a professional subcontractor subcontracted the work of ${p.contract.contractNumber} again through ${c.contractNumber} (only labour may be subcontracted)`,
        evidence: [
          { ...contractEvidence(p), description: describeContract(p) },
          { ...contractEvidence(node), description: describeContract(node) },
        ],
      }),
    ];
  },
};
