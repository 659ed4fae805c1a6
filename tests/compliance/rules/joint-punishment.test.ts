import { describe, expect, it } from 'vitest';
import { blacklistedPartyRule as rule } from '../../../src/compliance/rules/joint-punishment.js';
import type { JointPunishmentOutcome } from '../../../src/compliance/model.js';
import { PROF, enterprise, enterpriseContext, policy } from '../kit.js';

type Hit = JointPunishmentOutcome['hits'][number];
const hit: Hit = {
  entryId: 'BL-1',
  source: 'housing',
  list: 'CONSTRUCTION_BLACKLIST',
  department: 'HOUSING',
  reason: '转包',
  decisionNumber: '建黑〔2025〕1号',
  subject: 'ENTERPRISE',
  personName: null,
};

describe('BLACKLISTED_PARTY', () => {
  it('finds nothing when the joint-punishment check has no hit', () => {
    const ctx = enterpriseContext(null, { jointPunishment: [[PROF, { checkId: 'c1', decision: 'PASS', hits: [] }]] });
    expect(rule.onEnterprise!(enterprise(PROF), ctx)).toEqual([]);
  });

  it('is a violation when a denying measure applies, with the list entry and the check record as evidence', () => {
    const ctx = enterpriseContext(null, { jointPunishment: [[PROF, { checkId: 'c2', decision: 'DENY', hits: [hit] }]] });
    const [f] = rule.onEnterprise!(enterprise(PROF), ctx);
    expect(f).toMatchObject({ ruleId: 'BLACKLISTED_PARTY', severity: 'VIOLATION', creditCode: PROF });
    expect(f!.evidence).toEqual([
      {
        department: 'HOUSING',
        source: 'housing',
        sourceRecordId: 'BL-1',
        kind: 'list_entry',
        description: 'CONSTRUCTION_BLACKLIST 建黑〔2025〕1号: 转包',
      },
      {
        department: null,
        source: 'joint_punishment_check',
        sourceRecordId: 'c2',
        kind: 'joint_punishment_check',
        description: 'decision DENY',
      },
    ]);
  });

  it('is a warning when the hits only restrict', () => {
    const ctx = enterpriseContext(null, { jointPunishment: [[PROF, { checkId: 'c3', decision: 'RESTRICT', hits: [hit] }]] });
    expect(rule.onEnterprise!(enterprise(PROF), ctx)[0]!.severity).toBe('WARNING');
  });

  it('counts only the lists the policy names as blacklists: an abnormal-operation notice alone is no finding', () => {
    const abnormal: Hit = { ...hit, entryId: 'AB-1', list: 'ABNORMAL_OPERATION', department: 'MARKET' };
    const ctx = enterpriseContext(null, { jointPunishment: [[PROF, { checkId: 'c4', decision: 'RESTRICT', hits: [abnormal] }]] });
    expect(rule.onEnterprise!(enterprise(PROF), ctx)).toEqual([]);
    // with both, only the blacklist entry is evidence, and the message names its basis
    const both = enterpriseContext(null, { jointPunishment: [[PROF, { checkId: 'c5', decision: 'DENY', hits: [abnormal, hit] }]] });
    const [f] = rule.onEnterprise!(enterprise(PROF), both);
    expect(f!.evidence.map((x) => x.sourceRecordId)).toEqual(['BL-1', 'c5']);
    expect(f!.messageZh).toContain('basis of CONSTRUCTION_BLACKLIST');
  });

  it('follows the policy data: a list taken off the blacklist table no longer makes a finding', () => {
    const narrowed = { ...policy, blacklistLists: new Map([...policy.blacklistLists].filter(([l]) => l !== 'CONSTRUCTION_BLACKLIST')) };
    const ctx = {
      ...enterpriseContext(null, { jointPunishment: [[PROF, { checkId: 'c6', decision: 'DENY', hits: [hit] }]] }),
      policy: narrowed,
    };
    expect(rule.onEnterprise!(enterprise(PROF), ctx)).toEqual([]);
  });
});
