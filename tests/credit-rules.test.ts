import { describe, expect, it } from 'vitest';
import { todayIso } from '../src/kernel/dates.js';
import type {
  CheckedPersonRef,
  ListEntryRow,
  MeasureRow,
  PersonFollowPolicy,
  PersonRoleRow,
  StatusPolicyRow,
} from '../src/credit/model.js';
import { applicableMeasures, decide, findHits, inForce, personEntryHits, type FollowInput } from '../src/credit/rules.js';

const entry = (over: Partial<ListEntryRow>): ListEntryRow => ({
  id: 1,
  source_record_id: 'E1',
  department: 'EMERGENCY',
  list: 'SAFETY_DISHONEST',
  subject_type: 'ENTERPRISE',
  credit_code: 'C1',
  person_key: null,
  person_name: null,
  reason: 'r',
  legal_basis: 'b',
  decision_number: 'd',
  start_date: '2026-01-01',
  end_date: '2026-12-31',
  removed_date: null,
  ban_scope: null,
  ban_industry: null,
  ...over,
});
const measure = (over: Partial<MeasureRow>): MeasureRow => ({
  code: 'M1',
  text: 't',
  applying_department: 'EMERGENCY',
  trigger_lists: ['SAFETY_DISHONEST'],
  trigger_ban_scopes: null,
  matters: ['PUBLIC_BIDDING'],
  subject_types: ['ENTERPRISE'],
  effect: 'DENY',
  mandatory: true,
  legal_basis: 'b',
  active: true,
  updated_at: new Date(),
  updated_by: 'x',
  ...over,
});

/** The seeded policy: 吊销 and 注销 deny (the bases are data; here any text). */
const STATUS: StatusPolicyRow[] = [
  { status: 'REVOKED', decision: 'DENY', legal_basis: '公司法第二百二十九条' },
  { status: 'CANCELLED', decision: 'DENY', legal_basis: '市场主体登记管理条例第三十一条' },
];

describe('the default as-of date', () => {
  it('is the calendar day in China, not in UTC: after 16:00 UTC it is already tomorrow', () => {
    expect(todayIso(new Date('2026-11-23T15:59:59Z'))).toBe('2026-11-23');
    expect(todayIso(new Date('2026-11-23T16:11:50Z'))).toBe('2026-11-24');
  });
});

describe('entries in force', () => {
  it('counts start and end days as inside the period', () => {
    const e = entry({});
    expect(inForce(e, '2025-12-31')).toBe(false);
    expect(inForce(e, '2026-01-01')).toBe(true);
    expect(inForce(e, '2026-12-31')).toBe(true);
    expect(inForce(e, '2027-01-01')).toBe(false);
  });
  it('stops on the removal (信用修复) day', () => {
    const e = entry({ removed_date: '2026-06-01' });
    expect(inForce(e, '2026-05-31')).toBe(true);
    expect(inForce(e, '2026-06-01')).toBe(false);
  });
  it('a five-year ban from 2020-03-15 ends on 2025-03-15 inclusive', () => {
    const ban = entry({
      list: 'PRINCIPAL_BAN',
      subject_type: 'PERSON',
      start_date: '2020-03-15',
      end_date: '2025-03-15',
      ban_scope: 'ALL_UNITS',
    });
    expect(inForce(ban, '2025-03-15')).toBe(true);
    expect(inForce(ban, '2025-03-16')).toBe(false);
  });
  it('an open-ended (lifetime) entry never expires', () => {
    expect(inForce(entry({ end_date: null }), '2090-01-01')).toBe(true);
  });
});

describe('principal bans', () => {
  const lifetime = entry({ list: 'PRINCIPAL_BAN', subject_type: 'PERSON', ban_scope: 'INDUSTRY', ban_industry: 'B06', end_date: null });
  it('a lifetime ban hits only in its industry', () => {
    expect(personEntryHits(lifetime, 'PRINCIPAL', 'B0610')).toBe(true);
    expect(personEntryHits(lifetime, 'PRINCIPAL', 'E4710')).toBe(false);
  });
  it('a ban concerns the principal capacity, not the actual controller', () => {
    const all = entry({ list: 'PRINCIPAL_BAN', subject_type: 'PERSON', ban_scope: 'ALL_UNITS' });
    expect(personEntryHits(all, 'LEGAL_REPRESENTATIVE', 'E4710')).toBe(true);
    expect(personEntryHits(all, 'ACTUAL_CONTROLLER', 'E4710')).toBe(false);
  });
  it('hits through the enterprise when its principal is banned', () => {
    const ban = entry({ list: 'PRINCIPAL_BAN', subject_type: 'PERSON', credit_code: null, person_key: 'P1', ban_scope: 'ALL_UNITS' });
    const hits = findHits(
      { credit_code: 'C9', industry_code: 'E4710' },
      [{ personKey: 'P1', idMasked: 'x', name: '张三', roles: ['PRINCIPAL'] }],
      [],
      [ban],
      '2026-03-01',
    );
    expect(hits).toHaveLength(1);
    expect(hits[0]!.subject).toBe('PRINCIPAL');
  });
});

describe('measures and decision', () => {
  const hits = findHits({ credit_code: 'C1', industry_code: 'E4710' }, [], [entry({})], [], '2026-03-01');
  it('applies only measures for the matter, list and subject type', () => {
    const ms = [
      measure({}),
      measure({ code: 'M2', matters: ['ROAD_TRANSPORT_LICENCE'] }),
      measure({ code: 'M3', subject_types: ['PERSON'] }),
      measure({ code: 'M4', active: false }),
    ];
    expect(applicableMeasures(hits, ms, 'PUBLIC_BIDDING').map((a) => a.measure.code)).toEqual(['M1']);
  });
  it('DENY beats RESTRICT; no measure → PASS; revoked enterprise → DENY', () => {
    const deny = applicableMeasures(hits, [measure({}), measure({ code: 'M2', effect: 'RESTRICT' })], 'PUBLIC_BIDDING');
    expect(
      decide({ enterpriseStatus: 'ACTIVE', applied: deny, hits, staleSources: [], failClosed: true, statusPolicy: STATUS }).decision,
    ).toBe('DENY');
    const restrict = applicableMeasures(hits, [measure({ effect: 'RESTRICT' })], 'PUBLIC_BIDDING');
    expect(
      decide({ enterpriseStatus: 'ACTIVE', applied: restrict, hits, staleSources: [], failClosed: true, statusPolicy: STATUS }).decision,
    ).toBe('RESTRICT');
    expect(
      decide({ enterpriseStatus: 'ACTIVE', applied: [], hits: [], staleSources: [], failClosed: true, statusPolicy: STATUS }).decision,
    ).toBe('PASS');
    expect(
      decide({ enterpriseStatus: 'REVOKED', applied: [], hits: [], staleSources: [], failClosed: false, statusPolicy: STATUS }),
    ).toEqual({ decision: 'DENY', summary: expect.stringContaining('吊销'), statusBasis: '公司法第二百二十九条' });
  });
  it('stale data turns PASS into RESTRICT only when failing closed', () => {
    expect(
      decide({ enterpriseStatus: 'ACTIVE', applied: [], hits: [], staleSources: ['fire'], failClosed: true, statusPolicy: STATUS })
        .decision,
    ).toBe('RESTRICT');
    expect(
      decide({ enterpriseStatus: 'ACTIVE', applied: [], hits: [], staleSources: ['fire'], failClosed: false, statusPolicy: STATUS }),
    ).toEqual({ decision: 'PASS', summary: expect.stringContaining('fire'), statusBasis: null });
  });
});

describe('ban scopes and capacities', () => {
  const ban = (scope: 'ALL_UNITS' | 'INDUSTRY') =>
    entry({
      list: 'PRINCIPAL_BAN',
      subject_type: 'PERSON',
      credit_code: null,
      person_key: 'P1',
      ban_scope: scope,
      ban_industry: scope === 'INDUSTRY' ? 'B06' : null,
      end_date: null,
    });
  const five = measure({ code: 'BAN-5', trigger_lists: ['PRINCIPAL_BAN'], trigger_ban_scopes: ['ALL_UNITS'], subject_types: ['PERSON'] });
  const life = measure({ code: 'BAN-L', trigger_lists: ['PRINCIPAL_BAN'], trigger_ban_scopes: ['INDUSTRY'], subject_types: ['PERSON'] });
  const principal = { personKey: 'P1', idMasked: 'x', name: '张三', roles: ['LEGAL_REPRESENTATIVE', 'PRINCIPAL'] as const };
  it('a measure for one ban scope is not triggered by the other', () => {
    const h5 = findHits(
      { credit_code: 'C1', industry_code: 'B0610' },
      [{ ...principal, roles: [...principal.roles] }],
      [],
      [ban('ALL_UNITS')],
      '2026-03-01',
    );
    expect(applicableMeasures(h5, [five, life], 'PUBLIC_BIDDING').map((a) => a.measure.code)).toEqual(['BAN-5']);
    const hl = findHits(
      { credit_code: 'C1', industry_code: 'B0610' },
      [{ ...principal, roles: [...principal.roles] }],
      [],
      [ban('INDUSTRY')],
      '2026-03-01',
    );
    expect(applicableMeasures(hl, [five, life], 'PUBLIC_BIDDING').map((a) => a.measure.code)).toEqual(['BAN-L']);
  });
  it('names the principal for a ban and the legal representative for a listing, whatever order the roles came in', () => {
    const listing = entry({ subject_type: 'PERSON', credit_code: null, person_key: 'P1' });
    for (const roles of [
      ['LEGAL_REPRESENTATIVE', 'PRINCIPAL'],
      ['PRINCIPAL', 'LEGAL_REPRESENTATIVE'],
    ] as const) {
      const p = [{ ...principal, roles: [...roles] }];
      expect(
        findHits({ credit_code: 'C1', industry_code: 'E4710' }, p, [], [ban('ALL_UNITS')], '2026-03-01').map((h) => h.subject),
      ).toEqual(['PRINCIPAL']);
      expect(findHits({ credit_code: 'C1', industry_code: 'E4710' }, p, [], [listing], '2026-03-01').map((h) => h.subject)).toEqual([
        'LEGAL_REPRESENTATIVE',
      ]);
    }
  });
});

describe('registration status is policy data (issue 18.6)', () => {
  const base = { applied: [], hits: [], staleSources: [], failClosed: false };
  it('a cancelled enterprise is denied, and the decision names the basis of the policy row', () => {
    const d = decide({ ...base, enterpriseStatus: 'CANCELLED', statusPolicy: STATUS });
    expect(d.decision).toBe('DENY');
    expect(d.statusBasis).toBe('市场主体登记管理条例第三十一条');
    expect(d.summary).toContain('注销');
    expect(d.summary).toContain('市场主体登记管理条例第三十一条');
  });
  it('a status the policy has no row for decides nothing by itself; a RESTRICT row restricts, but a denying measure still denies', () => {
    expect(decide({ ...base, enterpriseStatus: 'REVOKED', statusPolicy: [] })).toMatchObject({ decision: 'PASS', statusBasis: null });
    const restrictRow: StatusPolicyRow[] = [{ status: 'REVOKED', decision: 'RESTRICT', legal_basis: 'B' }];
    expect(decide({ ...base, enterpriseStatus: 'REVOKED', statusPolicy: restrictRow })).toMatchObject({
      decision: 'RESTRICT',
      statusBasis: 'B',
    });
    const hits = findHits({ credit_code: 'C1', industry_code: 'E4710' }, [], [entry({})], [], '2026-03-01');
    const applied = applicableMeasures(hits, [measure({})], 'PUBLIC_BIDDING');
    expect(decide({ ...base, hits, applied, enterpriseStatus: 'REVOKED', statusPolicy: restrictRow })).toMatchObject({
      decision: 'DENY',
      statusBasis: null,
    });
  });
  it('an active enterprise is never decided by the status rows', () => {
    expect(decide({ ...base, enterpriseStatus: 'ACTIVE', statusPolicy: STATUS })).toMatchObject({ decision: 'PASS', statusBasis: null });
  });
});

/**
 * Issue 18.1: the memoranda target the listed enterprise and its legal representative and principal
 * (发改财金〔2016〕1001号; 企业信息公示暂行条例 第十七条: 3 years not legal representative or principal of
 * another enterprise). Those who held the role when the enterprise was listed are followed; an entry
 * not in force follows nobody; only lists the policy names follow.
 */
describe('a listing follows its people', () => {
  const APPLICANT = { credit_code: 'CY', industry_code: 'I6510' };
  const POLICY: PersonFollowPolicy[] = [
    {
      list: 'SERIOUS_ILLEGAL_DISHONEST',
      follows_roles: ['LEGAL_REPRESENTATIVE', 'PRINCIPAL'],
      applicant_roles: ['LEGAL_REPRESENTATIVE', 'PRINCIPAL', 'NAMED_PERSON'],
      legal_basis: '条例第十七条',
    },
    {
      list: 'SAFETY_DISHONEST',
      follows_roles: ['LEGAL_REPRESENTATIVE', 'PRINCIPAL'],
      applicant_roles: ['LEGAL_REPRESENTATIVE', 'PRINCIPAL', 'NAMED_PERSON'],
      legal_basis: '1001号',
    },
  ];
  // X listed on 2026-01-01 for a year
  const listing = entry({ id: 7, source_record_id: 'SID-7', department: 'MARKET', list: 'SERIOUS_ILLEGAL_DISHONEST', credit_code: 'CX' });
  const atX = (over: Partial<PersonRoleRow> = {}): PersonRoleRow => ({
    credit_code: 'CX',
    enterprise_name: '甲公司',
    person_key: 'P1',
    role: 'LEGAL_REPRESENTATIVE',
    since: '2020-01-01',
    until: null,
    ...over,
  });
  const person = (roles: CheckedPersonRef['roles'], key = 'P1'): CheckedPersonRef => ({
    personKey: key,
    idMasked: 'x',
    name: '张三',
    roles,
  });
  const follow = (roles: PersonRoleRow[], entries: ListEntryRow[] = [listing], policy = POLICY): FollowInput => ({
    roles,
    entriesByCode: new Map([['CX', entries]]),
    policy,
  });
  const hitsOf = (p: CheckedPersonRef[], f: FollowInput, asOf = '2026-03-01') => findHits(APPLICANT, p, [], [], asOf, f);

  it("hits the applicant whose legal representative was the listed enterprise's legal representative, naming the enterprise, the role there and the basis", () => {
    const hits = hitsOf([person(['LEGAL_REPRESENTATIVE'])], follow([atX()]));
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ entry: { source_record_id: 'SID-7' }, subject: 'LEGAL_REPRESENTATIVE', person: { personKey: 'P1' } });
    expect(hits[0]!.via).toEqual({ creditCode: 'CX', name: '甲公司', role: 'LEGAL_REPRESENTATIVE', legalBasis: '条例第十七条' });
  });

  it("follows the listed enterprise's principal too, into the applicant's principal capacity", () => {
    const hits = hitsOf([person(['PRINCIPAL'])], follow([atX({ role: 'PRINCIPAL' })]));
    expect(hits.map((h) => [h.subject, h.via?.role])).toEqual([['PRINCIPAL', 'PRINCIPAL']]);
  });

  it('applies the measures for persons, not those for enterprises', () => {
    const hits = hitsOf([person(['LEGAL_REPRESENTATIVE'])], follow([atX()]));
    const forPersons = measure({
      code: 'SID-P',
      trigger_lists: ['SERIOUS_ILLEGAL_DISHONEST'],
      subject_types: ['PERSON'],
      matters: ['PRINCIPAL_APPOINTMENT'],
    });
    const forEnterprises = measure({
      code: 'SID-E',
      trigger_lists: ['SERIOUS_ILLEGAL_DISHONEST'],
      subject_types: ['ENTERPRISE'],
      matters: ['PRINCIPAL_APPOINTMENT'],
    });
    expect(
      applicableMeasures(hits, [forPersons, forEnterprises], 'PRINCIPAL_APPOINTMENT').map((a) => [a.measure.code, a.triggeredBy]),
    ).toEqual([['SID-P', ['SID-7']]]);
  });

  it('follows only those who held the role on the listing day (inclusive)', () => {
    const p = [person(['LEGAL_REPRESENTATIVE'])];
    expect(hitsOf(p, follow([atX({ until: '2025-12-31' })]))).toEqual([]);
    expect(hitsOf(p, follow([atX({ since: '2026-01-02' })]))).toEqual([]);
    expect(hitsOf(p, follow([atX({ until: '2026-01-01' })]))).toHaveLength(1);
    expect(hitsOf(p, follow([atX({ since: '2026-01-01', until: '2026-01-01' })]))).toHaveLength(1);
  });

  it('an entry that has expired, was removed or has not started follows nobody', () => {
    const p = [person(['LEGAL_REPRESENTATIVE'])];
    expect(hitsOf(p, follow([atX()]), '2027-01-01')).toEqual([]);
    expect(hitsOf(p, follow([atX()], [{ ...listing, removed_date: '2026-02-01' }]))).toEqual([]);
    expect(hitsOf(p, follow([atX()]), '2025-12-31')).toEqual([]);
  });

  it('only lists the policy names follow their people; removing a row stops it', () => {
    const p = [person(['LEGAL_REPRESENTATIVE'])];
    const abnormal: ListEntryRow = { ...listing, list: 'ABNORMAL_OPERATION' };
    expect(hitsOf(p, follow([atX()], [abnormal]))).toEqual([]);
    expect(
      hitsOf(
        p,
        follow(
          [atX()],
          [listing],
          POLICY.filter((x) => x.list !== 'SERIOUS_ILLEGAL_DISHONEST'),
        ),
      ),
    ).toEqual([]);
  });

  it('a role the policy does not follow at the listed enterprise, or a capacity it does not name at the applicant, does not hit', () => {
    expect(hitsOf([person(['LEGAL_REPRESENTATIVE'])], follow([atX({ role: 'ACTUAL_CONTROLLER' })]))).toEqual([]);
    expect(hitsOf([person(['ACTUAL_CONTROLLER'])], follow([atX()]))).toEqual([]);
  });

  it('a person proposed in the check (e.g. for appointment as principal) is followed too', () => {
    expect(hitsOf([person(['NAMED_PERSON'])], follow([atX()])).map((h) => h.subject)).toEqual(['NAMED_PERSON']);
  });

  it('one hit per entry and person, however many roles they held there; one per person when two persons are followed', () => {
    const both = [atX(), atX({ role: 'PRINCIPAL' })];
    const hits = hitsOf([person(['LEGAL_REPRESENTATIVE', 'PRINCIPAL'])], follow(both));
    expect(hits.map((h) => [h.subject, h.via?.role])).toEqual([['LEGAL_REPRESENTATIVE', 'LEGAL_REPRESENTATIVE']]);
    const two = hitsOf(
      [person(['LEGAL_REPRESENTATIVE']), person(['PRINCIPAL'], 'P2')],
      follow([atX(), atX({ person_key: 'P2', role: 'PRINCIPAL' })]),
    );
    expect(two.map((h) => [h.person?.personKey, h.subject])).toEqual([
      ['P1', 'LEGAL_REPRESENTATIVE'],
      ['P2', 'PRINCIPAL'],
    ]);
  });

  it("the listed enterprise's own check hits it as the enterprise, not again through its persons", () => {
    const self = findHits(
      { credit_code: 'CX', industry_code: 'I6510' },
      [person(['LEGAL_REPRESENTATIVE'])],
      [listing],
      [],
      '2026-03-01',
      follow([atX()]),
    );
    expect(self.map((h) => h.subject)).toEqual(['ENTERPRISE']);
  });

  it("a principal ban follows the person into any enterprise that makes them principal (shared person), as the person's own entry", () => {
    const ban = entry({ list: 'PRINCIPAL_BAN', subject_type: 'PERSON', credit_code: 'CX', person_key: 'P1', ban_scope: 'ALL_UNITS' });
    const hits = findHits(APPLICANT, [person(['PRINCIPAL'])], [], [ban], '2026-03-01', follow([atX({ role: 'PRINCIPAL' })], []));
    expect(hits.map((h) => [h.subject, h.via])).toEqual([['PRINCIPAL', undefined]]);
  });
});
