/** 主体结构分包: the main structure of the work may not be subcontracted (labour for it may). */
import { finding, type Rule } from '../model.js';
import { chainParties, contractEvidence, describeContract } from './common.js';
import { cite } from '../../domain/documents.js';

export const mainStructureRule: Rule = {
  id: 'MAIN_STRUCTURE_SUBCONTRACTED',
  severity: 'VIOLATION',
  clause: cite('002', '（十四）'),
  titleZh: '违法分包：将主体结构施工分包给他人',
  titleEn: 'Illegal subcontracting: the main structure is subcontracted',
  onContract(node, ctx) {
    const c = node.contract;
    if (!node.parent || c.kind === 'LABOUR_SUBCONTRACT' || !c.coversMainStructure) return [];
    return [
      finding(this, {
        contractNumber: c.contractNumber,
        creditCode: c.employer,
        parties: chainParties(node, ctx),
        messageZh: `${node.parent.contract.contractNumber} 的承包方通过 ${c.contractNumber} 将主体结构施工分包给他人`,
        messageEn: `the contractor of ${node.parent.contract.contractNumber} subcontracted the main structure through ${c.contractNumber}`,
        evidence: [
          { ...contractEvidence(node.parent), description: describeContract(node.parent) },
          { ...contractEvidence(node), description: `${describeContract(node)}（含主体结构）` },
        ],
      }),
    ];
  },
};
