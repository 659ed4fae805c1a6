/**
 * The logic of a joint-punishment check 联合惩戒核查, as pure functions over rows already loaded:
 * which entries are in force on a date, which subjects they hit, which measures apply, the decision.
 * Which measure applies to which list and matter is data (the catalogue), not code.
 */
import { entryInForce } from '../records/rules.js';
import type {
  CheckedPersonRef,
  Decision,
  HitSubject,
  ListEntryRow,
  MeasureRow,
  PersonFollowPolicy,
  PersonRoleRow,
  StatusPolicyRow,
} from './model.js';

/**
 * In force on `asOf` (dates inclusive): started, not past its end date, not removed (移出/信用修复)
 * on or before that day. Periods count as the civil code does: a ban "five years from" a date ends
 * on the same calendar day five years later, which is the entry's end date.
 */
export function inForce(e: Pick<ListEntryRow, 'start_date' | 'end_date' | 'removed_date'>, asOf: string): boolean {
  return entryInForce(e.start_date, e.end_date, e.removed_date, asOf);
}

/** Person capacities a principal ban concerns: being (or becoming) the unit's principal. */
const BAN_CAPACITIES: HitSubject[] = ['PRINCIPAL', 'LEGAL_REPRESENTATIVE', 'NAMED_PERSON'];

/**
 * Whether a person's entry hits in a given capacity. A ban for the same industry (lifetime, after a
 * major accident) hits only when the enterprise is in that industry (GB/T 4754 prefix match).
 */
export function personEntryHits(e: ListEntryRow, capacity: HitSubject, enterpriseIndustry: string): boolean {
  if (e.list !== 'PRINCIPAL_BAN') return true;
  if (!BAN_CAPACITIES.includes(capacity)) return false;
  if (e.ban_scope === 'INDUSTRY') {
    const ban = (e.ban_industry ?? '').toUpperCase();
    return ban.length > 0 && enterpriseIndustry.toUpperCase().startsWith(ban);
  }
  return true;
}

/**
 * Which capacity a hit names when a person holds several (often the legal representative is also the
 * principal): a ban concerns the principal first; a listing names the legal representative first, as
 * the memoranda list the persons. Fixed, so the same check always answers the same.
 */
const BAN_ORDER: HitSubject[] = ['PRINCIPAL', 'LEGAL_REPRESENTATIVE', 'NAMED_PERSON', 'ACTUAL_CONTROLLER'];
const LISTING_ORDER: HitSubject[] = ['LEGAL_REPRESENTATIVE', 'PRINCIPAL', 'ACTUAL_CONTROLLER', 'NAMED_PERSON'];

/** What a listing that follows its persons needs: the persons' roles elsewhere, those enterprises' entries, the policy. */
export interface FollowInput {
  roles: readonly PersonRoleRow[];
  /** enterprise entries by credit code (only the enterprises in `roles` are looked at) */
  entriesByCode: ReadonlyMap<string, readonly ListEntryRow[]>;
  policy: readonly PersonFollowPolicy[];
}

export interface Hit {
  entry: ListEntryRow;
  subject: HitSubject;
  person?: CheckedPersonRef;
  /** the listed enterprise whose entry followed the person here, the person's role there and the basis */
  via?: { creditCode: string; name: string; role: HitSubject; legalBasis: string };
}

/**
 * Whether a role covered a date (the listing's start): the persons a listing targets are those who were
 * the legal representative or principal when the enterprise was listed. A missing date is not evidence
 * that the role did not cover it.
 */
export const roleCovered = (r: Pick<PersonRoleRow, 'since' | 'until'>, date: string): boolean =>
  (r.since === null || r.since <= date) && (r.until === null || r.until >= date);

export function findHits(
  enterprise: { credit_code: string; industry_code: string },
  persons: CheckedPersonRef[],
  enterpriseEntries: ListEntryRow[],
  personEntries: ListEntryRow[],
  asOf: string,
  follow?: FollowInput,
): Hit[] {
  const hits: Hit[] = [];
  for (const e of enterpriseEntries) {
    if (e.credit_code === enterprise.credit_code && e.subject_type === 'ENTERPRISE' && inForce(e, asOf)) {
      hits.push({ entry: e, subject: 'ENTERPRISE' });
    }
  }
  for (const p of persons) {
    for (const e of personEntries) {
      if (e.person_key !== p.personKey || !inForce(e, asOf)) continue;
      // one hit per entry and person, in the first capacity (in a fixed order) that it concerns
      const order = e.list === 'PRINCIPAL_BAN' ? BAN_ORDER : LISTING_ORDER;
      const capacity = order.find((r) => p.roles.includes(r) && personEntryHits(e, r, enterprise.industry_code));
      if (capacity) hits.push({ entry: e, subject: capacity, person: p });
    }
  }
  if (follow) hits.push(...followedHits(enterprise.credit_code, persons, follow, asOf));
  return hits;
}

/**
 * A listing follows its people (issue 18.1): an enterprise entry in force of a list the policy names hits
 * the applicant when a person who was the listed enterprise's legal representative or principal on the
 * listing day is the applicant's legal representative, principal or a proposed person. One hit per entry
 * and person, named in the person's first capacity at the applicant (as for a person's own listing).
 */
function followedHits(applicant: string, persons: CheckedPersonRef[], f: FollowInput, asOf: string): Hit[] {
  const policyOf = new Map(f.policy.map((p) => [p.list, p]));
  const hits: Hit[] = [];
  for (const p of persons) {
    const elsewhere = f.roles.filter((r) => r.person_key === p.personKey && r.credit_code !== applicant);
    const seen = new Set<number>();
    for (const code of new Set(elsewhere.map((r) => r.credit_code))) {
      for (const e of f.entriesByCode.get(code) ?? []) {
        const pol = policyOf.get(e.list);
        if (!pol || e.subject_type !== 'ENTERPRISE' || e.credit_code !== code || seen.has(e.id) || !inForce(e, asOf)) continue;
        const held = elsewhere.filter((r) => r.credit_code === code && has(pol.follows_roles, r.role) && roleCovered(r, e.start_date));
        const role = LISTING_ORDER.find((x) => held.some((r) => r.role === x));
        const capacity = LISTING_ORDER.find((x) => p.roles.includes(x) && pol.applicant_roles.includes(x));
        if (!role || !capacity) continue;
        seen.add(e.id);
        hits.push({
          entry: e,
          subject: capacity,
          person: p,
          via: { creditCode: code, name: held[0]!.enterprise_name, role, legalBasis: pol.legal_basis },
        });
      }
    }
  }
  return hits;
}

// rows read from the store compare as plain strings (a widening, never a cast to the enums)
const has = (values: readonly string[] | null, v: string) => values?.includes(v) ?? false;

export interface Applied {
  measure: MeasureRow;
  triggeredBy: string[];
}

export function applicableMeasures(hits: Hit[], measures: MeasureRow[], matter: string): Applied[] {
  const out: Applied[] = [];
  for (const m of measures) {
    if (!m.active || !has(m.matters, matter)) continue;
    const triggeredBy = hits
      .filter((h) => has(m.trigger_lists, h.entry.list) && m.subject_types.includes(h.subject === 'ENTERPRISE' ? 'ENTERPRISE' : 'PERSON'))
      // a five-year ban and a lifetime ban are both PRINCIPAL_BAN: the measure says which it follows
      .filter((h) => !m.trigger_ban_scopes?.length || (h.entry.ban_scope !== null && has(m.trigger_ban_scopes, h.entry.ban_scope)))
      .map((h) => h.entry.source_record_id);
    if (triggeredBy.length > 0) out.push({ measure: m, triggeredBy: [...new Set(triggeredBy)] });
  }
  return out;
}

export interface DecisionInput {
  enterpriseStatus: 'ACTIVE' | 'REVOKED' | 'CANCELLED';
  applied: Applied[];
  hits: Hit[];
  staleSources: string[];
  failClosed: boolean;
  /** the registration-status rows of the policy (a status without a row decides nothing by itself) */
  statusPolicy: readonly StatusPolicyRow[];
}

const STATUS_LABEL = { REVOKED: '吊销', CANCELLED: '注销' } as const;
const RANK: Record<Decision, number> = { PASS: 0, RESTRICT: 1, DENY: 2 };

/** The decision; `statusBasis` is the legal basis when the registration status decided it. */
export function decide(d: DecisionInput): { decision: Decision; summary: string; statusBasis: string | null } {
  const byLists = decideOnLists(d);
  const rule = d.enterpriseStatus === 'ACTIVE' ? undefined : d.statusPolicy.find((r) => r.status === d.enterpriseStatus);
  if (!rule || RANK[rule.decision] < RANK[byLists.decision]) return { ...byLists, statusBasis: null };
  const label = STATUS_LABEL[d.enterpriseStatus as keyof typeof STATUS_LABEL];
  const said = rule.decision === 'DENY' ? '不具备申请资格' : '应从严审查';
  return {
    decision: rule.decision,
    summary: `企业登记状态为${label}，${said}（依据：${rule.legal_basis}）。`,
    statusBasis: rule.legal_basis,
  };
}

function decideOnLists(d: DecisionInput): { decision: Decision; summary: string } {
  const deny = d.applied.filter((a) => a.measure.effect === 'DENY');
  if (deny.length > 0) {
    return { decision: 'DENY', summary: `命中${d.hits.length}条名单记录，适用禁止性措施：${deny.map((a) => a.measure.code).join('、')}。` };
  }
  if (d.applied.length > 0) {
    return {
      decision: 'RESTRICT',
      summary: `命中${d.hits.length}条名单记录，适用限制性措施：${d.applied.map((a) => a.measure.code).join('、')}。`,
    };
  }
  const stale = d.staleSources.length > 0 ? `数据未及时更新：${d.staleSources.join('、')}。` : '';
  if (stale && d.failClosed) return { decision: 'RESTRICT', summary: `${stale}按从严原则转为限制，请人工核实。` };
  const info = d.hits.length > 0 ? `命中${d.hits.length}条名单记录，但对本事项无适用措施。` : '未命中任何名单。';
  return { decision: 'PASS', summary: info + stale };
}
