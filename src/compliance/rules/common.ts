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

export type ContractValidity = 'VALID' | 'EXPIRED_AT_SIGNING' | 'NOT_YET_VALID_AT_SIGNING' | 'EXPIRED_SINCE';

/**
 * Whether these credentials covered a contract: one valid on the signing date (as `credentialValidOn` judges
 * it), and one valid on `asOf` while the work goes on — the same certificate or its renewal. A certificate
 * first valid after the signing date did not cover the contract (issue 18: not a renewal of one the source
 * no longer holds): with none valid at signing, that is NOT_YET_VALID_AT_SIGNING, else EXPIRED_AT_SIGNING.
 */
export function contractValidity(cs: readonly CredentialView[], signedOn: string, asOf: string): ContractValidity {
  if (!cs.some((c) => credentialValidOn(c, signedOn))) {
    return cs.some((c) => !!c.validFrom && c.validFrom > signedOn) ? 'NOT_YET_VALID_AT_SIGNING' : 'EXPIRED_AT_SIGNING';
  }
  if (asOf < signedOn || cs.some((c) => credentialValidOn(c, asOf))) return 'VALID';
  return 'EXPIRED_SINCE';
}

/** The earliest start among certificates first valid after the signing date (for the message). */
export const firstValidAfter = (cs: readonly CredentialView[], signedOn: string): string | null =>
  cs
    .map((c) => c.validFrom ?? '')
    .filter((d) => d > signedOn)
    .sort()[0] ?? null;
