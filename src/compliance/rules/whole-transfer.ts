/**
 * 转包: a contractor passes on all the work it contracted in one subcontract that covers all of it, or the
 * general contractor splits all of it into subcontracts that together are worth the whole contract
 * (肢解后分别转给他人). Labour subcontracts are not transfers.
 */
import { finding, partyOf, type Rule } from '../model.js';
import { chainParties, contractEvidence, describeContract } from './common.js';
import { cite } from '../../domain/documents.js';

export const wholeTransferRule: Rule = {
  id: 'WHOLE_TRANSFER',
  severity: 'VIOLATION',
  clause: cite('002', '（十四）'),
  titleZh: '转包：承包单位将承包的全部工程转给他人',
  titleEn: 'Whole-project transfer: a contractor passes on all of its work',
  onContract(node, ctx) {
    const out = [];
    const c = node.contract;
    if (node.parent && c.kind !== 'LABOUR_SUBCONTRACT' && c.coversAllWork) {
      out.push(
        finding(this, {
          contractNumber: c.contractNumber,
          creditCode: c.employer,
          parties: chainParties(node, ctx),
          messageZh: `${node.parent.contract.contractNumber} 的承包方将其承包的全部工程通过 ${c.contractNumber} 转给他人（转包）`,
          messageEn: `the contractor of ${node.parent.contract.contractNumber} passed all of its work on to another enterprise through ${c.contractNumber} (transfer)`,
          evidence: [
            { ...contractEvidence(node.parent), description: describeContract(node.parent) },
            { ...contractEvidence(node), description: `${describeContract(node)}（全部工程转出）` },
          ],
        }),
      );
    }
    // split transfer by the general contractor: its non-labour subcontracts together are worth all of its contract
    const subs = node.children.filter((ch) => ch.contract.kind !== 'LABOUR_SUBCONTRACT');
    if (c.kind === 'GENERAL' && c.value > 0 && subs.length > 0 && !subs.some((s) => s.contract.coversAllWork)) {
      const total = subs.reduce((t, s) => t + s.contract.value, 0);
      if (total >= c.value) {
        out.push(
          finding(this, {
            contractNumber: c.contractNumber,
            creditCode: c.contractor,
            parties: [
              partyOf(ctx, 'EMPLOYER', c.employer),
              partyOf(ctx, 'TRANSFERRING', c.contractor),
              ...[...new Set(subs.map((s) => s.contract.contractor))].map((code) => partyOf(ctx, 'UNDERTAKING', code)),
            ],
            messageZh: `${c.contractNumber} 的承包方将工程肢解后分别分包，分包合同额合计 ${total} 万元，不低于本合同额 ${c.value} 万元（转包）`,
            messageEn: `the contractor of ${c.contractNumber} split the work into subcontracts worth ${total} (10k yuan) in total, at least the contract's own ${c.value} (transfer)`,
            evidence: [contractEvidence(node), ...subs.map((s) => ({ ...contractEvidence(s), description: describeContract(s) }))],
          }),
        );
      }
    }
    return out;
  },
};
