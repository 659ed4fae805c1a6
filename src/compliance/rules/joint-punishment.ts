/**
 * 黑名单: every party of a project (builder, employers, contractors) is run through the joint-punishment
 * check (capability 1) for the policy's matter; a party with a hit in force on a list the policy counts as
 * a blacklist (blacklist_list, with its basis: not 经营异常名录) is a finding (a denying check makes it a
 * violation, otherwise a warning).
 */
import { finding, partyOf, type Rule } from '../model.js';
import { cite } from '../../domain/documents.js';

export const blacklistedPartyRule: Rule = {
  id: 'BLACKLISTED_PARTY',
  severity: 'VIOLATION',
  clause: cite('002', '（十八）'),
  titleZh: '参与方被列入失信联合惩戒名单或黑名单',
  titleEn: 'A party is on a joint-punishment list or blacklist',
  parties: 'ALL',
  onEnterprise(e, ctx) {
    const r = ctx.jointPunishment.get(e.creditCode);
    const hits = (r?.hits ?? []).filter((h) => ctx.policy.blacklistLists.has(h.list));
    if (!r || hits.length === 0) return [];
    const lists = [...new Set(hits.map((h) => h.list))].join('、');
    const bases = [...new Set(hits.map((h) => ctx.policy.blacklistLists.get(h.list)!))].join('；');
    return [
      finding(this, {
        severity: r.decision === 'DENY' ? 'VIOLATION' : 'WARNING',
        contractNumber: null,
        creditCode: e.creditCode,
        parties: [partyOf(ctx, ctx.role, e.creditCode)],
        messageZh: `${e.name} 联合惩戒核查命中 ${hits.length} 条黑名单记录（${lists}；依据：${bases}），核查结论 ${r.decision}（核查编号 ${r.checkId}）`,
        messageEn: `${e.name}: ${hits.length} blacklist hit(s) (${lists}), decision ${r.decision} (check ${r.checkId})`,
        evidence: [
          ...hits.map((h) => ({
            department: h.department,
            source: h.source,
            sourceRecordId: h.entryId,
            kind: 'list_entry',
            description:
              `${h.list} ${h.decisionNumber}: ${h.reason}${h.personName ? `（${h.subject} ${h.personName}）` : ''}` +
              (h.listedEnterprise ? `（名单随人：${h.listedEnterprise.name} ${h.listedEnterprise.creditCode}）` : ''),
          })),
          {
            department: null,
            source: 'joint_punishment_check',
            sourceRecordId: r.checkId,
            kind: 'joint_punishment_check',
            description: `decision ${r.decision}`,
          },
        ],
      }),
    ];
  },
};
