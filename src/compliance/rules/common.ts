/** Small helpers the rules share: evidence for contracts and enterprises, role activity, contract parties. */
import { credentialValidOn } from '../../records/rules.js';
import type { CredentialView, RoleView } from '../../records/views.js';
import { contractKindZh, partyOf, type Evidence, type Facts, type Party, type TreeNode } from '../model.js';

/** A role held on a date (open ends count as held). */
export const roleActive = (r: RoleView, on: string): boolean => (!r.since || r.since <= on) && (!r.until || on <= r.until);

export const contractEvidence = (n: TreeNode): Evidence => n.contract.evidence;

/** 发包方 + 承包方 of one contract. */
export const contractParties = (n: TreeNode, ctx: Facts): Party[] => [
  partyOf(ctx, 'EMPLOYER', n.contract.employer),
  partyOf(ctx, 'CONTRACTOR', n.contract.contractor),
];

/** 发包方 (of the parent), 转包方/分包方 (the node's employer), 承揽方 (the node's contractor): checked together, 000 (十). */
export const chainParties = (n: TreeNode, ctx: Facts): Party[] => [
  ...(n.parent ? [partyOf(ctx, 'EMPLOYER', n.parent.contract.employer)] : []),
  partyOf(ctx, 'TRANSFERRING', n.contract.employer),
  partyOf(ctx, 'UNDERTAKING', n.contract.contractor),
];

export const describeContract = (n: TreeNode): string =>
  `${contractKindZh(n.contract.kind)} ${n.contract.contractNumber}: ${n.contract.scope}, ${n.contract.value} 万元, ${n.contract.signedOn}`;

/** The enterprise's registration record as evidence (absent when the enterprise is not in the store). */
export const enterpriseEvidence = (ctx: Facts, creditCode: string): Evidence[] => {
  const e = ctx.enterprises.get(creditCode);
  return e ? [e.evidence] : [];
};

export type ContractValidity = 'VALID' | 'EXPIRED_AT_SIGNING' | 'EXPIRED_SINCE';

/**
 * Whether any of these credentials covered a contract: valid on the signing date and still on `asOf`
 * (the work goes on). A certificate first valid after the signing date counts as the renewal of one the
 * source no longer holds (sources keep only the current certificate), so it is judged on `asOf` alone.
 */
export function contractValidity(cs: readonly CredentialView[], signedOn: string, asOf: string): ContractValidity {
  let best: ContractValidity = 'EXPIRED_AT_SIGNING';
  for (const c of cs) {
    const atSigning = credentialValidOn(c, signedOn) || (!!c.validFrom && c.validFrom > signedOn);
    if (!atSigning) continue;
    if (asOf < signedOn || credentialValidOn(c, asOf)) return 'VALID';
    best = 'EXPIRED_SINCE';
  }
  return best;
}
