/**
 * Joint-punishment check 联合惩戒核查 end to end: a generated world (src/generator/planted.ts) in the five
 * simulated department systems, synced into the hub, checked over HTTP (GraphQL and REST). Every
 * expectation comes from what the generator planted (its own records, read back with worldSlice) or from
 * the measures catalogue in the database — never from what the service answered elsewhere.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEPARTMENT_CODES } from '../connectors/registry.js';
import { loadConfig } from '../src/config.js';
import type { ListEntryRecord } from '../src/domain/canonical.js';
import { maskIdNumber } from '../src/domain/codes.js';
import { worldParams, worldSlice } from '../src/generator/generate.js';
import type { ScenarioIndex } from '../src/generator/planted.js';
import { addDays } from '../src/generator/random.js';
import { createHubServer, type HubServer } from '../src/server/app.js';
import { startHubFixture, type HubFixture } from './support/hub-fixture.js';
import { TEST_JWT_SECRET, bearer } from './support/auth.js';
import { authHeaders, gql } from './support/graphql-client.js';

const CHECK = `
  checkId checkedAt matter asOf decision summary catalogueVersion policyVersion statusBasis printUrl caseNumber office checkedByName feedbackStatus
  enterprise { creditCode name status industryCode }
  hits { entryId list department reason legalBasis decisionNumber startDate endDate subject personName personIdNumber banScope
    listedEnterprise { creditCode name role legalBasis } }
  measures { code text applyingDepartment effect mandatory legalBasis triggeredBy }
  personsChecked { idNumber name roles }
  sources { source department lastSyncedAt stale }
  feedback { id action note measuresApplied recordedBy recordedByName office amends recordedAt }`;
const RUN = `mutation($input: JointPunishmentCheckInput!) { runJointPunishmentCheck(input: $input) { ${CHECK} } }`;
const RUN_MANY = `mutation($inputs: [JointPunishmentCheckInput!]!) { runJointPunishmentChecks(inputs: $inputs) { ${CHECK} } }`;

/** The department that keeps each list (DOMAIN.md, capability 1). */
const LIST_DEPARTMENT: Record<string, string> = {
  SAFETY_DISHONEST: 'EMERGENCY',
  SERIOUS_ILLEGAL_DISHONEST: 'MARKET',
  ABNORMAL_OPERATION: 'MARKET',
  CONSTRUCTION_BLACKLIST: 'HOUSING',
  TRANSPORT_DISHONEST: 'TRANSPORT',
  FIRE_DISHONEST: 'FIRE',
};
const LISTS = Object.keys(LIST_DEPARTMENT);

interface Hit {
  entryId: string;
  list: string;
  department: string;
  reason: string;
  legalBasis: string;
  decisionNumber: string;
  startDate: string;
  endDate: string | null;
  subject: string;
  personName: string | null;
  personIdNumber: string | null;
  banScope: string | null;
  listedEnterprise: { creditCode: string; name: string; role: string; legalBasis: string } | null;
}
interface Check {
  checkId: string;
  checkedAt: string;
  matter: string;
  asOf: string;
  decision: 'PASS' | 'RESTRICT' | 'DENY';
  summary: string;
  catalogueVersion: number;
  printUrl: string;
  feedbackStatus: string;
  policyVersion: number | null;
  statusBasis: string | null;
  enterprise: { creditCode: string; name: string; status: string; industryCode: string };
  hits: Hit[];
  measures: {
    code: string;
    text: string;
    applyingDepartment: string;
    effect: string;
    mandatory: boolean;
    legalBasis: string;
    triggeredBy: string[];
  }[];
  personsChecked: { idNumber: string; name: string | null; roles: string[] }[];
  sources: { source: string; department: string; lastSyncedAt: string | null; stale: boolean }[];
  feedback: { id: string; action: string; note: string | null; measuresApplied: string[]; recordedBy: string; recordedAt: string }[];
}

let hub: HubFixture;
let sc: ScenarioIndex;
let officer: Record<string, string>;
const today = () => sc.today;

/** The list entries the generator planted for a scenario enterprise (its own truth, not the hub's). */
function plantedEntries(key: string): ListEntryRecord[] {
  const e = sc.enterprises[key]!;
  const p = worldParams({ enterprises: sc.size, seed: sc.seed, today: sc.today });
  return worldSlice(p, e.index, e.index + 1).flatMap((i) => (i.record.kind === 'list_entry' ? [i.record] : []));
}

/** Measure codes the catalogue (in the database) names for a list, matter and subject type. */
async function catalogueCodes(list: string, matter: string, subjectType: 'ENTERPRISE' | 'PERSON', banScope?: string): Promise<string[]> {
  const rows: { code: string }[] = await hub.ds.query(
    `SELECT code FROM measure WHERE active AND $1 = ANY(trigger_lists) AND $2 = ANY(matters) AND $3 = ANY(subject_types)
       AND ($4::text IS NULL OR trigger_ban_scopes IS NULL OR $4 = ANY(trigger_ban_scopes)) ORDER BY code`,
    [list, matter, subjectType, banScope ?? null],
  );
  return rows.map((r) => r.code);
}

async function run(input: Record<string, unknown>, headers: Record<string, string> = officer, url = hub.url): Promise<Check> {
  const r = await gql<{ runJointPunishmentCheck: Check }>(url, RUN, { input }, headers);
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  return r.data!.runJointPunishmentCheck;
}
const code = (key: string) => sc.enterprises[key]!.creditCode;

beforeAll(async () => {
  hub = await startHubFixture();
  sc = hub.generated.scenarios;
  officer = bearer(await hub.token(['licensing_officer'], { subject: 'officer-li', department: 'HOUSING' }));
}, 300_000);

afterAll(async () => {
  await hub?.close();
});

describe('the world', () => {
  it('every source synced recently, so nothing is stale unless a test makes it so', async () => {
    const c = await run({ creditCode: code('clean.general'), matter: 'PUBLIC_BIDDING' });
    expect(c.sources.map((s) => s.department).sort()).toEqual([...DEPARTMENT_CODES].sort());
    expect(c.sources.filter((s) => s.stale)).toEqual([]);
    expect(c.decision).toBe('PASS');
    expect(c.hits).toEqual([]);
    expect(c.measures).toEqual([]);
  });
});

describe('each list hits with its list, department, reason, legal basis, period and subject', () => {
  for (const list of LISTS) {
    it(list, async () => {
      const key = `list.${list}`;
      const [planted] = plantedEntries(key).filter((x) => x.list === list);
      expect(planted, 'the generator planted one entry').toBeDefined();
      const c = await run({ creditCode: code(key), matter: 'PUBLIC_BIDDING' });
      expect(c.enterprise).toMatchObject({ creditCode: code(key), name: sc.enterprises[key]!.name, status: 'ACTIVE' });
      expect(c.hits).toHaveLength(1);
      expect(c.hits[0]).toMatchObject({
        list,
        department: LIST_DEPARTMENT[list],
        reason: planted!.reason,
        legalBasis: planted!.legalBasis,
        decisionNumber: planted!.decisionNumber,
        startDate: planted!.startDate,
        endDate: planted!.endDate,
        subject: 'ENTERPRISE',
        personName: null,
        personIdNumber: null,
      });
      // measures: exactly those the catalogue names for this list and matter, each triggered by the hit
      const expected = await catalogueCodes(list, 'PUBLIC_BIDDING', 'ENTERPRISE');
      expect(expected.length, 'the seeded catalogue covers bidding for every list').toBeGreaterThan(0);
      expect(c.measures.map((m) => m.code).sort()).toEqual(expected);
      for (const m of c.measures) expect(m.triggeredBy).toEqual([c.hits[0]!.entryId]);
      const effects: { effect: string }[] = await hub.ds.query(`SELECT effect FROM measure WHERE code = ANY($1)`, [expected]);
      expect(c.decision).toBe(effects.some((e) => e.effect === 'DENY') ? 'DENY' : 'RESTRICT');
    });
  }

  it('a measure applies only to the matter the catalogue names (the same listing, another matter)', async () => {
    // 交通运输严重失信: road transport licence is denied (JP-TRA-01), fire acceptance is not in any of its measures
    const road = await run({ creditCode: code('list.TRANSPORT_DISHONEST'), matter: 'ROAD_TRANSPORT_LICENCE' });
    expect(road.measures.map((m) => m.code).sort()).toEqual(
      await catalogueCodes('TRANSPORT_DISHONEST', 'ROAD_TRANSPORT_LICENCE', 'ENTERPRISE'),
    );
    const fire = await run({ creditCode: code('list.TRANSPORT_DISHONEST'), matter: 'FIRE_SAFETY_ACCEPTANCE' });
    expect(await catalogueCodes('TRANSPORT_DISHONEST', 'FIRE_SAFETY_ACCEPTANCE', 'ENTERPRISE')).toEqual([]);
    expect(fire.hits).toHaveLength(1);
    expect(fire.measures).toEqual([]);
    expect(fire.decision).toBe('PASS');
    expect(fire.summary).toContain('无适用措施');
  });

  it('a listed legal representative hits through the enterprise, in that role', async () => {
    const person = sc.persons['person.legalRepListed']!;
    const [planted] = plantedEntries('person.legalRepListed');
    const c = await run({ creditCode: code('person.legalRepListed'), matter: 'PRINCIPAL_APPOINTMENT' });
    expect(c.hits).toHaveLength(1);
    expect(c.hits[0]).toMatchObject({
      list: 'SAFETY_DISHONEST',
      subject: 'LEGAL_REPRESENTATIVE',
      personName: person.name,
      personIdNumber: maskIdNumber(person.idNumber),
      decisionNumber: planted!.decisionNumber,
      startDate: planted!.startDate,
    });
    expect(c.measures.map((m) => m.code).sort()).toEqual(await catalogueCodes('SAFETY_DISHONEST', 'PRINCIPAL_APPOINTMENT', 'PERSON'));
  });
});

describe('entries not in force do not hit', () => {
  it('an expired entry', async () => {
    const [planted] = plantedEntries('list.expired');
    expect(planted!.endDate! < today()).toBe(true);
    const c = await run({ creditCode: code('list.expired'), matter: 'PUBLIC_BIDDING' });
    expect(c.hits).toEqual([]);
    expect(c.decision).toBe('PASS');
    // … but it did hit on its last day
    const then = await run({ creditCode: code('list.expired'), matter: 'PUBLIC_BIDDING', asOf: planted!.endDate });
    expect(then.hits.map((h) => h.decisionNumber)).toEqual([planted!.decisionNumber]);
  });

  it('a removed (信用修复) entry', async () => {
    const [planted] = plantedEntries('list.removed');
    expect(planted!.removedDate! < today()).toBe(true);
    const c = await run({ creditCode: code('list.removed'), matter: 'PUBLIC_BIDDING' });
    expect(c.hits).toEqual([]);
    expect(c.decision).toBe('PASS');
    const before = await run({ creditCode: code('list.removed'), matter: 'PUBLIC_BIDDING', asOf: addDays(planted!.removedDate!, -1) });
    expect(before.hits.map((h) => h.decisionNumber)).toEqual([planted!.decisionNumber]);
  });

  it('an entry that starts after asOf: not today, but as of a date after its start', async () => {
    const [planted] = plantedEntries('list.future');
    expect(planted!.startDate > today()).toBe(true);
    const now = await run({ creditCode: code('list.future'), matter: 'PUBLIC_BIDDING' });
    expect(now.asOf).toBe(today());
    expect(now.hits).toEqual([]);
    const dayBefore = await run({ creditCode: code('list.future'), matter: 'PUBLIC_BIDDING', asOf: addDays(planted!.startDate, -1) });
    expect(dayBefore.hits).toEqual([]);
    const later = await run({ creditCode: code('list.future'), matter: 'PUBLIC_BIDDING', asOf: addDays(planted!.startDate, 1) });
    expect(later.asOf).toBe(addDays(planted!.startDate, 1));
    expect(later.hits.map((h) => [h.decisionNumber, h.startDate])).toEqual([[planted!.decisionNumber, planted!.startDate]]);
    expect(later.decision).toBe('DENY');
  });
});

describe('bans on persons (000 (三), 003 (十))', () => {
  it('a banned principal hits through the enterprise, on subject PRINCIPAL', async () => {
    const person = sc.persons['ban.fiveYear']!;
    const c = await run({ creditCode: code('ban.fiveYear'), matter: 'CONSTRUCTION_SAFETY_LICENCE' });
    expect(c.hits).toHaveLength(1);
    expect(c.hits[0]).toMatchObject({
      list: 'PRINCIPAL_BAN',
      department: 'EMERGENCY',
      subject: 'PRINCIPAL',
      personName: person.name,
      personIdNumber: maskIdNumber(person.idNumber),
      endDate: person.banEnds,
      banScope: 'ALL_UNITS',
    });
    expect(c.personsChecked.find((p) => p.idNumber === maskIdNumber(person.idNumber))?.roles).toContain('PRINCIPAL');
    // the five-year measure, not the lifetime one
    expect(c.measures.map((m) => m.code).sort()).toEqual(
      await catalogueCodes('PRINCIPAL_BAN', 'CONSTRUCTION_SAFETY_LICENCE', 'PERSON', 'ALL_UNITS'),
    );
    expect(c.decision).toBe('DENY');
  });

  it('the five-year ban ends on the right day: its end day (the same calendar day five years on) still hits, the next does not', async () => {
    // "五年内不得担任": counted as the civil code counts years, the period ends on the day five years on,
    // which the listing department records as the entry's end date — that day is inside the ban.
    const { banEnds } = sc.persons['ban.fiveYear']!;
    const [planted] = plantedEntries('ban.fiveYear');
    expect(planted!.endDate).toBe(banEnds);
    expect(addDays(planted!.startDate, 0).slice(5)).toBe(banEnds!.slice(5));
    const last = await run({ creditCode: code('ban.fiveYear'), matter: 'PRINCIPAL_APPOINTMENT', asOf: banEnds });
    expect(last.hits.map((h) => h.subject)).toEqual(['PRINCIPAL']);
    expect(last.decision).toBe('DENY');
    const after = await run({ creditCode: code('ban.fiveYear'), matter: 'PRINCIPAL_APPOINTMENT', asOf: addDays(banEnds!, 1) });
    expect(after.hits).toEqual([]);
    expect(after.decision).toBe('PASS');
  });

  it('the lifetime ban applies in its industry only: the same principal hits at a coal mine, not at the other firm', async () => {
    const person = sc.persons['ban.lifetime']!;
    expect(sc.enterprises['ban.lifetime.sameIndustry']!.industryCode.startsWith(person.banIndustry!)).toBe(true);
    expect(sc.enterprises['ban.lifetime.otherIndustry']!.industryCode.startsWith(person.banIndustry!)).toBe(false);
    const same = await run({ creditCode: code('ban.lifetime.sameIndustry'), matter: 'MINE_SAFETY_LICENCE' });
    expect(same.hits).toHaveLength(1);
    expect(same.hits[0]).toMatchObject({
      list: 'PRINCIPAL_BAN',
      subject: 'PRINCIPAL',
      personIdNumber: maskIdNumber(person.idNumber),
      endDate: null,
      banScope: 'INDUSTRY',
    });
    expect(same.measures.map((m) => m.code).sort()).toEqual(
      await catalogueCodes('PRINCIPAL_BAN', 'MINE_SAFETY_LICENCE', 'PERSON', 'INDUSTRY'),
    );
    expect(same.decision).toBe('DENY');
    // decades later still in force (lifetime)
    const later = await run({
      creditCode: code('ban.lifetime.sameIndustry'),
      matter: 'MINE_SAFETY_LICENCE',
      asOf: addDays(today(), 365 * 30),
    });
    expect(later.hits).toHaveLength(1);

    const other = await run({ creditCode: code('ban.lifetime.otherIndustry'), matter: 'PRINCIPAL_APPOINTMENT' });
    expect(
      other.personsChecked.find((p) => p.idNumber === maskIdNumber(person.idNumber))?.roles,
      'the same person is its principal',
    ).toContain('PRINCIPAL');
    expect(other.hits).toEqual([]);
    expect(other.decision).toBe('PASS');
  });

  it('a person named in the input is checked too (the proposed principal)', async () => {
    const person = sc.persons['ban.fiveYear']!;
    const c = await run({ creditCode: code('clean.general'), matter: 'PRINCIPAL_APPOINTMENT', persons: [person.idNumber] });
    expect(c.hits.map((h) => [h.list, h.subject, h.personIdNumber])).toEqual([
      ['PRINCIPAL_BAN', 'NAMED_PERSON', maskIdNumber(person.idNumber)],
    ]);
    expect(c.personsChecked.find((p) => p.roles.includes('NAMED_PERSON'))).toMatchObject({
      idNumber: maskIdNumber(person.idNumber),
      name: person.name,
    });
    expect(c.decision).toBe('DENY');
  });
});

/**
 * Issue 18.1: the memoranda target the listed enterprise and its legal representative and principal
 * (发改财金〔2016〕1001号; 企业信息公示暂行条例 第十七条). The persons followed are those who held the role on
 * the listing day; an entry not in force follows nobody; which lists follow is policy data (list_person_policy).
 */
describe('a listing follows its people', () => {
  const followBasis = async (list: string): Promise<string> =>
    ((await hub.ds.query(`SELECT legal_basis FROM list_person_policy WHERE list = $1`, [list])) as { legal_basis: string }[])[0]!
      .legal_basis;
  /** The decision the catalogue's effects give (DENY beats RESTRICT; none: PASS). */
  async function decisionOf(codes: string[]): Promise<string> {
    const effects: { effect: string }[] = await hub.ds.query(`SELECT effect FROM measure WHERE code = ANY($1)`, [codes]);
    return effects.some((e) => e.effect === 'DENY') ? 'DENY' : effects.length ? 'RESTRICT' : 'PASS';
  }
  /** The planted role records of a scenario enterprise (the generator's truth). */
  function plantedRoles(key: string) {
    const e = sc.enterprises[key]!;
    const p = worldParams({ enterprises: sc.size, seed: sc.seed, today: sc.today });
    return worldSlice(p, e.index, e.index + 1).flatMap((i) => (i.record.kind === 'role' ? [i.record] : []));
  }

  it('a serious-dishonesty listing hits the enterprise its legal representative and principal also run, naming the listed enterprise; the person measures apply', async () => {
    const [planted] = plantedEntries('follow.listed');
    expect(planted).toMatchObject({ list: 'SERIOUS_ILLEGAL_DISHONEST', subjectType: 'ENTERPRISE' });
    const lr = sc.persons['follow.legalRep']!;
    const pr = sc.persons['follow.principal']!;
    const listed = {
      creditCode: code('follow.listed'),
      name: sc.enterprises['follow.listed']!.name,
      legalBasis: await followBasis('SERIOUS_ILLEGAL_DISHONEST'),
    };
    for (const matter of ['PRINCIPAL_APPOINTMENT', 'PUBLIC_BIDDING']) {
      const c = await run({ creditCode: code('follow.applicant'), matter });
      const common = {
        list: 'SERIOUS_ILLEGAL_DISHONEST',
        department: 'MARKET',
        decisionNumber: planted!.decisionNumber,
        startDate: planted!.startDate,
        endDate: planted!.endDate,
        reason: planted!.reason,
      };
      expect(c.hits).toEqual([
        expect.objectContaining({
          ...common,
          subject: 'LEGAL_REPRESENTATIVE',
          personName: lr.name,
          personIdNumber: maskIdNumber(lr.idNumber),
          listedEnterprise: { ...listed, role: 'LEGAL_REPRESENTATIVE' },
        }),
        expect.objectContaining({
          ...common,
          subject: 'PRINCIPAL',
          personName: pr.name,
          personIdNumber: maskIdNumber(pr.idNumber),
          listedEnterprise: { ...listed, role: 'PRINCIPAL' },
        }),
      ]);
      // the measures for persons (not those for enterprises) of this list and matter
      const expected = await catalogueCodes('SERIOUS_ILLEGAL_DISHONEST', matter, 'PERSON');
      expect(c.measures.map((m) => m.code).sort()).toEqual(expected);
      for (const m of c.measures) expect(m.triggeredBy).toEqual([c.hits[0]!.entryId]);
      expect(c.decision).toBe(await decisionOf(expected));
    }
    // 企业信息公示暂行条例 第十七条: the person may not be legal representative or principal of another enterprise
    expect(await catalogueCodes('SERIOUS_ILLEGAL_DISHONEST', 'PRINCIPAL_APPOINTMENT', 'PERSON')).not.toEqual([]);
  });

  it("a safety-dishonesty listing follows its legal representative into the principal's seat of another enterprise", async () => {
    const person = sc.persons['follow.safetyLegalRep']!;
    const c = await run({ creditCode: code('follow.safety.applicant'), matter: 'PRINCIPAL_APPOINTMENT' });
    expect(c.hits).toHaveLength(1);
    expect(c.hits[0]).toMatchObject({
      list: 'SAFETY_DISHONEST',
      department: 'EMERGENCY',
      subject: 'PRINCIPAL',
      personIdNumber: maskIdNumber(person.idNumber),
      decisionNumber: plantedEntries('list.SAFETY_DISHONEST')[0]!.decisionNumber,
      listedEnterprise: {
        creditCode: code('list.SAFETY_DISHONEST'),
        name: sc.enterprises['list.SAFETY_DISHONEST']!.name,
        role: 'LEGAL_REPRESENTATIVE',
        legalBasis: await followBasis('SAFETY_DISHONEST'),
      },
    });
    const expected = await catalogueCodes('SAFETY_DISHONEST', 'PRINCIPAL_APPOINTMENT', 'PERSON');
    expect(c.measures.map((m) => m.code).sort()).toEqual(expected);
    expect(c.decision).toBe(await decisionOf(expected));
  });

  it('the listed enterprise itself is hit once, as the enterprise', async () => {
    const c = await run({ creditCode: code('follow.listed'), matter: 'PUBLIC_BIDDING' });
    expect(c.hits.map((h) => [h.subject, h.listedEnterprise])).toEqual([['ENTERPRISE', null]]);
  });

  it('a check as of the day before the listing does not hit', async () => {
    const [planted] = plantedEntries('follow.listed');
    const c = await run({ creditCode: code('follow.applicant'), matter: 'PRINCIPAL_APPOINTMENT', asOf: addDays(planted!.startDate, -1) });
    expect(c.hits).toEqual([]);
    expect(c.decision).toBe('PASS');
  });

  it('does not follow a legal representative who left before the listing', async () => {
    const person = sc.persons['follow.formerRep']!;
    // the generator's truth: the person's term at the listed enterprise ended before its listing started
    const [listing] = plantedEntries('follow.formerRep.listed');
    const former = plantedRoles('follow.formerRep.listed').filter((r) => r.idNumber === person.idNumber);
    expect(former).toHaveLength(1);
    expect(former[0]!.until! < listing!.startDate).toBe(true);
    const c = await run({ creditCode: code('follow.formerRep.applicant'), matter: 'PRINCIPAL_APPOINTMENT' });
    expect(c.personsChecked.find((p) => p.idNumber === maskIdNumber(person.idNumber))?.roles).toContain('LEGAL_REPRESENTATIVE');
    expect(c.hits).toEqual([]);
    expect(c.decision).toBe('PASS');
    // the listed enterprise itself is listed all the same
    expect(
      (await run({ creditCode: code('follow.formerRep.listed'), matter: 'PRINCIPAL_APPOINTMENT' })).hits.map((h) => h.subject),
    ).toEqual(['ENTERPRISE']);
  });

  it('does not follow from an expired listing, nor from a list that does not follow its people (经营异常名录)', async () => {
    for (const [applicant, person, listed] of [
      ['follow.expired.applicant', 'follow.expiredLegalRep', 'list.expired'],
      ['follow.notFollowing.applicant', 'follow.abnormalLegalRep', 'list.ABNORMAL_OPERATION'],
    ] as const) {
      const who = sc.persons[person]!;
      const c = await run({ creditCode: code(applicant), matter: 'PRINCIPAL_APPOINTMENT' });
      expect(c.personsChecked.find((p) => p.idNumber === maskIdNumber(who.idNumber))?.roles, applicant).toContain('LEGAL_REPRESENTATIVE');
      expect(c.hits, applicant).toEqual([]);
      expect(c.decision, applicant).toBe('PASS');
      expect(plantedEntries(listed), listed).toHaveLength(1);
    }
    expect(((await hub.ds.query(`SELECT list FROM list_person_policy WHERE list = 'ABNORMAL_OPERATION'`)) as unknown[]).length).toBe(0);
  });

  it('which lists follow is data: with the serious-dishonesty row taken out, the listing no longer follows', async () => {
    // TypeORM answers a DELETE … RETURNING with [rows, count]
    const [[row]] = await hub.ds.query(`DELETE FROM list_person_policy WHERE list = 'SERIOUS_ILLEGAL_DISHONEST' RETURNING *`);
    try {
      const c = await run({ creditCode: code('follow.applicant'), matter: 'PRINCIPAL_APPOINTMENT' });
      expect(c.hits).toEqual([]);
    } finally {
      await hub.ds.query(`INSERT INTO list_person_policy (list, follows_roles, applicant_roles, legal_basis) VALUES ($1,$2,$3,$4)`, [
        row.list,
        row.follows_roles,
        row.applicant_roles,
        row.legal_basis,
      ]);
    }
  });

  it('a five-year ban follows the banned person to another enterprise where they are principal (a person entry, no listed enterprise)', async () => {
    const person = sc.persons['ban.fiveYear']!;
    const c = await run({ creditCode: code('ban.fiveYear.elsewhere'), matter: 'PUBLIC_BIDDING' });
    expect(c.hits).toHaveLength(1);
    expect(c.hits[0]).toMatchObject({
      list: 'PRINCIPAL_BAN',
      subject: 'PRINCIPAL',
      personIdNumber: maskIdNumber(person.idNumber),
      banScope: 'ALL_UNITS',
      listedEnterprise: null,
    });
    const expected = await catalogueCodes('PRINCIPAL_BAN', 'PUBLIC_BIDDING', 'PERSON', 'ALL_UNITS');
    expect(c.measures.map((m) => m.code).sort()).toEqual(expected);
    expect(c.decision).toBe(await decisionOf(expected));
  });

  it('the printed record says which listed enterprise the hit came from, and why', async () => {
    const c = await run({ creditCode: code('follow.applicant'), matter: 'PRINCIPAL_APPOINTMENT' });
    const html = await (await fetch(`${hub.url}${c.printUrl}`, { headers: officer })).text();
    for (const s of ['名单随人', sc.enterprises['follow.listed']!.name, code('follow.listed'), '企业信息公示暂行条例'])
      expect(html, s).toContain(s);
  });
});

describe('the check policy is data with its legal basis (issue 18.6)', () => {
  const POLICY = `{ jointPunishmentPolicy { version registrationStatuses { status decision legalBasis } listsFollowingPersons { list followsRoles applicantRoles legalBasis } } }`;
  it('is shown in the API, as stored, with its version', async () => {
    const r = await gql<{
      jointPunishmentPolicy: {
        version: number;
        registrationStatuses: { status: string; decision: string; legalBasis: string }[];
        listsFollowingPersons: { list: string; legalBasis: string }[];
      };
    }>(hub.url, POLICY, {}, officer);
    expect(r.errors).toBeUndefined();
    const p = r.data!.jointPunishmentPolicy;
    const [{ v }] = await hub.ds.query(`SELECT max(version)::int AS v FROM check_policy_version`);
    expect(p.version).toBe(v);
    // 吊销 and 注销 deny (DOMAIN.md capability 1), each with a basis
    expect(p.registrationStatuses.map((x) => [x.status, x.decision])).toEqual([
      ['CANCELLED', 'DENY'],
      ['REVOKED', 'DENY'],
    ]);
    for (const x of p.registrationStatuses) expect(x.legalBasis).toMatch(/《.+》第.+条/);
    // the two memoranda that target the enterprise's persons (DOMAIN.md; issue 18.1)
    expect(p.listsFollowingPersons.map((x) => x.list)).toEqual(['SAFETY_DISHONEST', 'SERIOUS_ILLEGAL_DISHONEST']);
    expect(p.listsFollowingPersons[0]!.legalBasis).toContain('发改财金〔2016〕1001号');
  });

  it('a revoked enterprise is denied on the stored basis, which the check and its printed record name', async () => {
    const [{ legal_basis: basis }] = await hub.ds.query(`SELECT legal_basis FROM registration_status_policy WHERE status = 'REVOKED'`);
    const c = await run({ creditCode: code('enterprise.revoked'), matter: 'PUBLIC_BIDDING' });
    expect(c.decision).toBe('DENY');
    expect(c.statusBasis).toBe(basis);
    const [{ v }] = await hub.ds.query(`SELECT max(version)::int AS v FROM check_policy_version`);
    expect(c.policyVersion).toBe(v);
    const html = await (await fetch(`${hub.url}${c.printUrl}`, { headers: officer })).text();
    expect(html).toContain(basis);
    // an active enterprise's decision is not the status's
    expect((await run({ creditCode: code('clean.general'), matter: 'PUBLIC_BIDDING' })).statusBasis).toBeNull();
  });

  it('with the status row taken out, a revoked enterprise without hits is no longer denied for its status', async () => {
    const [[row]] = await hub.ds.query(`DELETE FROM registration_status_policy WHERE status = 'REVOKED' RETURNING *`);
    try {
      const c = await run({ creditCode: code('enterprise.revoked'), matter: 'PUBLIC_BIDDING' });
      expect(c.hits).toEqual([]);
      expect(c.decision).toBe('PASS');
      expect(c.statusBasis).toBeNull();
    } finally {
      await hub.ds.query(`INSERT INTO registration_status_policy (status, decision, legal_basis) VALUES ($1,$2,$3)`, [
        row.status,
        row.decision,
        row.legal_basis,
      ]);
    }
  });
});

describe('the subject', () => {
  it('a name matching two enterprises is refused with both candidates', async () => {
    const a = sc.enterprises['name.ambiguous.1']!;
    const b = sc.enterprises['name.ambiguous.2']!;
    expect(a.name).toBe(b.name);
    const r = await gql(hub.url, RUN, { input: { name: a.name, matter: 'PUBLIC_BIDDING' } }, officer);
    expect(r.data).toBeNull();
    expect(r.errors).toHaveLength(1);
    const ext = r.errors![0]!.extensions!;
    expect(ext.code).toBe('BAD_USER_INPUT');
    expect(ext.field).toBe('input.name');
    const candidates = (ext.candidates as { creditCode: string; name: string }[]).map((x) => x.creditCode).sort();
    expect(candidates).toEqual([a.creditCode, b.creditCode].sort());
  });

  it('a unique name (even written with full-width brackets and spaces) finds its enterprise', async () => {
    const e = sc.enterprises['list.FIRE_DISHONEST']!;
    const c = await run({ name: ` ${e.name} `, matter: 'FIRE_SAFETY_ACCEPTANCE' });
    expect(c.enterprise.creditCode).toBe(e.creditCode);
    expect(c.hits.map((h) => h.list)).toEqual(['FIRE_DISHONEST']);
  });

  it('a 吊销 enterprise is reported as such (and denied); so is a 注销 one', async () => {
    const revoked = await run({ creditCode: code('enterprise.revoked'), matter: 'PUBLIC_BIDDING' });
    expect(revoked.enterprise.status).toBe('REVOKED');
    expect(revoked.decision).toBe('DENY');
    expect(revoked.summary).toContain('吊销');
    const cancelled = await run({ creditCode: code('enterprise.cancelled'), matter: 'PUBLIC_BIDDING' });
    expect(cancelled.enterprise.status).toBe('CANCELLED');
    expect(cancelled.summary).toContain('注销');
  });

  it('a really issued code failing its check character is checked when the store holds it, refused otherwise', async () => {
    const e = sc.enterprises['enterprise.checksumFailed']!;
    const c = await run({ creditCode: e.creditCode, matter: 'PUBLIC_BIDDING' });
    expect(c.enterprise).toMatchObject({ creditCode: e.creditCode, name: e.name });
    const unknown = e.creditCode.slice(0, 9) + (e.creditCode[9] === '1' ? '2' : '1') + e.creditCode.slice(10);
    const r = await gql(hub.url, RUN, { input: { creditCode: unknown, matter: 'PUBLIC_BIDDING' } }, officer);
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.creditCode' });
  });

  it('bad input names the field and the reason', async () => {
    const good = code('clean.general');
    const bad = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
    const r = await gql(hub.url, RUN, { input: { creditCode: bad.slice(0, 16) + 'I' + bad[17], matter: 'PUBLIC_BIDDING' } }, officer);
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.creditCode' });
    const p = await gql(hub.url, RUN, { input: { creditCode: good, matter: 'PUBLIC_BIDDING', persons: ['110101199003070000'] } }, officer);
    expect(p.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.persons[0]' });
    const none = await gql(hub.url, RUN, { input: { matter: 'PUBLIC_BIDDING' } }, officer);
    expect(none.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
  });
});

describe('personal information', () => {
  it('a licensing officer sees ID numbers masked, and they are never stored or logged in clear', async () => {
    const person = sc.persons['ban.fiveYear']!;
    const res = await fetch(`${hub.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...officer },
      body: JSON.stringify({
        query: RUN,
        variables: { input: { creditCode: code('ban.fiveYear'), matter: 'PUBLIC_BIDDING', persons: [person.idNumber] } },
      }),
    });
    const text = await res.text();
    expect(res.status).toBe(200);
    const c = (JSON.parse(text) as { data: { runJointPunishmentCheck: Check } }).data.runJointPunishmentCheck;
    expect(c.hits.length).toBeGreaterThan(0);
    for (const h of c.hits) expect(h.personIdNumber).toBe(maskIdNumber(person.idNumber));
    for (const p of c.personsChecked) expect(p.idNumber).toMatch(/^\d{6}\*{8}[\dX]{4}$/);
    expect(text).not.toContain(person.idNumber);
    const [stored] = await hub.ds.query(
      `SELECT input::text AS input, answer::text AS answer FROM joint_punishment_check WHERE check_id = $1`,
      [c.checkId],
    );
    expect(stored.input).toContain(maskIdNumber(person.idNumber));
    expect(stored.input + stored.answer).not.toContain(person.idNumber);
    expect(hub.logLines.join('')).not.toContain(person.idNumber);
  });
});

describe('stale source data', () => {
  const maxAgeHours = 24;
  let other: HubServer | null = null;
  let otherUrl = '';
  let staleSource = '';
  let saved: { id: number; finished_at: Date }[] = [];

  beforeAll(async () => {
    // a second hub on the same store, configured to fail open
    const config = loadConfig({
      NODE_ENV: 'test',
      HUB_DATA_DIR: '/tmp/jp-fail-open',
      HUB_JWT_SECRET: TEST_JWT_SECRET,
      HUB_RATE_LIMIT_POINTS: '0',
      HUB_CHECK_FAIL_CLOSED: 'false',
      HUB_CHECK_MAX_DATA_AGE_HOURS: String(maxAgeHours),
      LOG_LEVEL: 'silent',
    });
    other = await createHubServer({ ds: hub.ds, config, vault: hub.vault, connectors: hub.connectors, log: pino({ level: 'silent' }) });
    otherUrl = await other.listen(0, '127.0.0.1');
    // the fire service's last successful sync is made older than the maximum age
    staleSource = [...hub.connectors.values()].find((c) => c.department === 'FIRE')!.id;
    saved = await hub.ds.query(`SELECT id, finished_at FROM sync_run WHERE connector = $1 AND status = 'SUCCEEDED'`, [staleSource]);
    expect(saved.length).toBeGreaterThan(0);
    await hub.ds.query(
      `UPDATE sync_run SET finished_at = now() - make_interval(hours => $2) WHERE connector = $1 AND status = 'SUCCEEDED'`,
      [staleSource, maxAgeHours + 1],
    );
  });

  afterAll(async () => {
    for (const r of saved) await hub.ds.query(`UPDATE sync_run SET finished_at = $2 WHERE id = $1`, [r.id, r.finished_at]);
    await other?.close();
  });

  it('fail closed (the default): the answer names the stale source and PASS becomes RESTRICT', async () => {
    const c = await run({ creditCode: code('clean.general'), matter: 'PUBLIC_BIDDING' });
    expect(c.sources.filter((s) => s.stale).map((s) => [s.source, s.department])).toEqual([[staleSource, 'FIRE']]);
    expect(c.hits).toEqual([]);
    expect(c.decision).toBe('RESTRICT');
    expect(c.summary).toContain(staleSource);
  });

  it('fail open: the answer names the stale source and stays PASS', async () => {
    const token = bearer(await hub.token(['licensing_officer']));
    const c = await run({ creditCode: code('clean.general'), matter: 'PUBLIC_BIDDING' }, token, otherUrl);
    expect(c.sources.filter((s) => s.stale).map((s) => s.source)).toEqual([staleSource]);
    expect(c.decision).toBe('PASS');
    expect(c.summary).toContain(staleSource);
  });

  it('a hit decides as before either way (stale data never softens a DENY)', async () => {
    const c = await run({ creditCode: code('list.SAFETY_DISHONEST'), matter: 'PUBLIC_BIDDING' });
    expect(c.decision).toBe('DENY');
  });

  // issue 18.4: both modes, with hits and without. From the catalogue (migrations/1732400000000): the safety
  // dishonesty list has DENY measures for public bidding; the abnormal-operation list only JP-ABN-01 (RESTRICT),
  // for every matter but principal appointment; a revoked enterprise is refused whatever the lists say.
  // Only missing information (the stale source) turns a PASS into RESTRICT, and only when failing closed.
  it.each([
    ['clean.general', 'PUBLIC_BIDDING', 'no hit', 'RESTRICT', 'PASS'],
    ['list.ABNORMAL_OPERATION', 'PRINCIPAL_APPOINTMENT', 'a hit without a measure for the matter', 'RESTRICT', 'PASS'],
    ['list.ABNORMAL_OPERATION', 'PUBLIC_BIDDING', 'a hit with a RESTRICT measure', 'RESTRICT', 'RESTRICT'],
    ['list.SAFETY_DISHONEST', 'PUBLIC_BIDDING', 'a hit with a DENY measure', 'DENY', 'DENY'],
    ['enterprise.revoked', 'PUBLIC_BIDDING', 'a revoked enterprise', 'DENY', 'DENY'],
  ])('%s / %s (%s): fail closed %s, fail open %s, the stale source named either way', async (key, matter, _what, closed, open) => {
    const token = bearer(await hub.token(['licensing_officer']));
    const [c, o] = await Promise.all([run({ creditCode: code(key), matter }), run({ creditCode: code(key), matter }, token, otherUrl)]);
    expect([c.decision, o.decision]).toEqual([closed, open]);
    for (const x of [c, o]) expect(x.sources.filter((s) => s.stale).map((s) => s.source)).toEqual([staleSource]);
    // the hits do not depend on the mode
    expect(o.hits).toEqual(c.hits);
    if (key.startsWith('list.')) expect(c.hits.length).toBeGreaterThan(0);
  });
});

describe('audit trail and feedback 反馈', () => {
  it('stores every check with caller, input, answer and versions, append-only', async () => {
    const c = await run({ creditCode: code('list.SAFETY_DISHONEST'), matter: 'PUBLIC_BIDDING' });
    const [row] = await hub.ds.query(`SELECT * FROM joint_punishment_check WHERE check_id = $1`, [c.checkId]);
    const [{ version }] = await hub.ds.query(`SELECT max(version)::int AS version FROM measure_catalogue_version`);
    expect(row).toMatchObject({
      caller_subject: 'officer-li',
      caller_department: 'HOUSING',
      matter: 'PUBLIC_BIDDING',
      credit_code: code('list.SAFETY_DISHONEST'),
      decision: 'DENY',
      catalogue_version: version,
    });
    expect(row.answer.hits).toEqual(c.hits);
    expect(Object.keys(row.data_versions).sort()).toEqual([...hub.connectors.keys()].sort());
    await expect(hub.ds.query(`UPDATE joint_punishment_check SET decision = 'PASS' WHERE check_id = $1`, [c.checkId])).rejects.toThrow(
      /append-only/,
    );
  });

  it('records what the officer did, refuses feedback that does not fit the check, and lists it with the check', async () => {
    const c = await run({ creditCode: code('list.SAFETY_DISHONEST'), matter: 'PUBLIC_BIDDING' });
    const deny = c.measures.find((m) => m.effect === 'DENY')!;
    const FEEDBACK = `mutation($id: ID!, $a: FeedbackAction!, $n: String, $m: [String!]) { recordCheckFeedback(checkId: $id, action: $a, note: $n, measuresApplied: $m) { id action note measuresApplied recordedBy recordedAt } }`;
    // a mandatory measure applies (the DENY one): "none applied" is refused whatever the reason
    const noneApplied = await gql(hub.url, FEEDBACK, { id: c.checkId, a: 'NO_MEASURE_APPLIED', n: '理由' }, officer);
    expect(noneApplied.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'action',
      reason: 'MANDATORY_MEASURES_MISSING',
    });
    const foreign = await gql(hub.url, FEEDBACK, { id: c.checkId, a: 'MEASURES_APPLIED', m: ['JP-TRA-01'] }, officer);
    expect(foreign.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'measuresApplied' });
    const ok = await gql(hub.url, FEEDBACK, { id: c.checkId, a: 'MEASURES_APPLIED', n: '已限制其参与本次招标', m: [deny.code] }, officer);
    expect(ok.errors).toBeUndefined();
    expect(ok.data.recordCheckFeedback).toMatchObject({
      action: 'MEASURES_APPLIED',
      note: '已限制其参与本次招标',
      measuresApplied: [deny.code],
      recordedBy: 'officer-li',
    });

    const listed = await gql(
      hub.url,
      `query($f: CheckFilter) { checks(filter: $f, first: 50) { totalCount edges { node { checkId decision feedback { action measuresApplied note } } } } }`,
      { f: { creditCode: code('list.SAFETY_DISHONEST'), decision: 'DENY', callerSubject: 'officer-li' } },
      officer,
    );
    expect(listed.errors).toBeUndefined();
    const [{ n }] = await hub.ds.query(
      `SELECT count(*)::int AS n FROM joint_punishment_check WHERE credit_code = $1 AND decision = 'DENY' AND caller_subject = 'officer-li'`,
      [code('list.SAFETY_DISHONEST')],
    );
    expect(listed.data.checks.totalCount).toBe(n);
    const node = listed.data.checks.edges.map((e: { node: unknown }) => e.node).find((x: { checkId: string }) => x.checkId === c.checkId);
    expect(node.feedback).toEqual([{ action: 'MEASURES_APPLIED', measuresApplied: [deny.code], note: '已限制其参与本次招标' }]);
    const other = await gql(
      hub.url,
      `query($f: CheckFilter) { checks(filter: $f) { totalCount } }`,
      { f: { creditCode: code('list.SAFETY_DISHONEST'), matter: 'FIRE_SAFETY_ACCEPTANCE' } },
      officer,
    );
    expect(other.data.checks.totalCount).toBe(0);
  });

  it('the printable record /checks/{id} is a Chinese page with the decision, hits, measures and feedback', async () => {
    const c = await run({ creditCode: code('list.CONSTRUCTION_BLACKLIST'), matter: 'CONSTRUCTION_QUALIFICATION' });
    const mandatory = c.measures.filter((m) => m.mandatory).map((m) => m.code);
    const fb = await gql(
      hub.url,
      `mutation($id: ID!, $m: [String!]) { recordCheckFeedback(checkId: $id, action: REFUSED, note: "黑名单在列，不予受理", measuresApplied: $m) { id } }`,
      { id: c.checkId, m: mandatory },
      officer,
    );
    expect(fb.errors).toBeUndefined();
    const res = await fetch(`${hub.url}${c.printUrl}`, { headers: officer });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const html = await res.text();
    expect(html).toContain('<html lang="zh-CN">');
    for (const s of [
      '失信联合惩戒核查记录',
      sc.enterprises['list.CONSTRUCTION_BLACKLIST']!.name,
      code('list.CONSTRUCTION_BLACKLIST'),
      '建筑业企业资质',
      '建筑市场主体黑名单',
      '住房城乡建设',
      plantedEntries('list.CONSTRUCTION_BLACKLIST')[0]!.decisionNumber,
      '不予许可',
      '黑名单在列，不予受理',
      c.checkId,
    ]) {
      expect(html, s).toContain(s);
    }
    for (const m of c.measures) expect(html).toContain(m.code);
    expect((await fetch(`${hub.url}/checks/00000000-0000-4000-8000-000000000000`, { headers: officer })).status).toBe(404);
    expect((await fetch(`${hub.url}${c.printUrl}`)).status).toBe(401);
  });
});

describe('REST for approval systems', () => {
  const post = (body: unknown, headers: Record<string, string> = officer) =>
    fetch(`${hub.url}/api/v1/joint-punishment-checks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  const comparable = (c: Check) => ({ ...c, checkId: undefined, checkedAt: undefined, printUrl: undefined });

  it('answers the same as GraphQL, and records its own check', async () => {
    const person = sc.persons['ban.fiveYear']!;
    for (const input of [
      { creditCode: code('ban.fiveYear'), matter: 'PUBLIC_BIDDING', persons: [person.idNumber] },
      { creditCode: code('list.TRANSPORT_DISHONEST'), matter: 'ROAD_TRANSPORT_LICENCE', asOf: addDays(today(), -5) },
      { name: sc.enterprises['clean.general']!.name, matter: 'GOVERNMENT_PROCUREMENT' },
    ]) {
      const viaGraphql = await run(input);
      const res = await post(input);
      expect(res.status).toBe(201);
      const viaRest = (await res.json()) as Check;
      expect(comparable(viaRest)).toEqual(comparable(viaGraphql));
      expect(viaRest.checkId).not.toBe(viaGraphql.checkId);
      expect(viaRest.printUrl).toBe(`/checks/${viaRest.checkId}`);
      const [{ n }] = await hub.ds.query(`SELECT count(*)::int AS n FROM joint_punishment_check WHERE check_id = $1`, [viaRest.checkId]);
      expect(n).toBe(1);
    }
  });

  it('errors as HTTP statuses with the field and reason; the ambiguous name lists its candidates', async () => {
    const a = sc.enterprises['name.ambiguous.1']!;
    const amb = await post({ name: a.name, matter: 'PUBLIC_BIDDING' });
    expect(amb.status).toBe(400);
    const body = (await amb.json()) as { error: { code: string; details: { field: string; candidates: { creditCode: string }[] } } };
    expect(body.error.code).toBe('BAD_USER_INPUT');
    expect(body.error.details.candidates.map((x) => x.creditCode).sort()).toEqual(
      [a.creditCode, sc.enterprises['name.ambiguous.2']!.creditCode].sort(),
    );
    expect((await post({ creditCode: code('clean.general') })).status).toBe(400);
    expect((await post({ creditCode: code('clean.general'), matter: 'NOT_A_MATTER' })).status).toBe(400);
    expect((await post({ creditCode: code('clean.general'), matter: 'PUBLIC_BIDDING' }, {})).status).toBe(401);
    expect((await post({ creditCode: code('clean.general'), matter: 'PUBLIC_BIDDING' }, bearer(await hub.token(['analyst'])))).status).toBe(
      403,
    );
  });

  it('is documented at /api/v1/openapi.json, with every field the endpoint answers', async () => {
    const res = await fetch(`${hub.url}/api/v1/openapi.json`, { headers: authHeaders(hub.url) });
    expect(res.status).toBe(200);
    type Schema = { $ref?: string; required: string[]; properties: Record<string, unknown> };
    const doc = (await res.json()) as {
      openapi: string;
      paths: Record<string, { post?: { responses: Record<string, { content: { 'application/json': { schema: Schema } } }> } }>;
      components: { schemas: Record<string, Schema> };
    };
    expect(doc.openapi).toMatch(/^3\.1/);
    const answered = doc.paths['/api/v1/joint-punishment-checks']!.post!.responses['201']!.content['application/json'].schema;
    const schema = answered.$ref ? doc.components.schemas[answered.$ref.replace('#/components/schemas/', '')]! : answered;
    const answer = (await (await post({ creditCode: code('list.FIRE_DISHONEST'), matter: 'FIRE_SAFETY_ACCEPTANCE' })).json()) as Record<
      string,
      unknown
    >;
    expect(Object.keys(schema.properties).sort()).toEqual(Object.keys(answer).sort());
    expect([...schema.required].sort()).toEqual(Object.keys(answer).sort());
  });
});

describe('batch', () => {
  it('checks many subjects in one call, each answered as its own check, in input order', async () => {
    const keys = [
      ...LISTS.map((l) => `list.${l}`),
      'list.expired',
      'list.removed',
      'list.future',
      'ban.fiveYear',
      'ban.lifetime.sameIndustry',
      'ban.lifetime.otherIndustry',
      'enterprise.revoked',
      'clean.general',
      'clean.mine',
      'person.legalRepListed',
    ];
    const all: { credit_code: string }[] = await hub.ds.query(
      `SELECT credit_code FROM enterprise WHERE NOT credit_code_checksum_failed ORDER BY credit_code`,
    );
    const inputs = [
      ...keys.map((k) => ({ creditCode: code(k), matter: 'PUBLIC_BIDDING' })),
      ...all.map((r) => ({ creditCode: r.credit_code, matter: 'PUBLIC_BIDDING' })),
    ];
    expect(inputs.length).toBeGreaterThan(300);
    const before: [{ n: number }] = await hub.ds.query(`SELECT count(*)::int AS n FROM joint_punishment_check`);
    const r = await gql<{ runJointPunishmentChecks: Check[] }>(hub.url, RUN_MANY, { inputs }, officer);
    expect(r.errors).toBeUndefined();
    const answers = r.data!.runJointPunishmentChecks;
    expect(answers.map((a) => a.enterprise.creditCode)).toEqual(inputs.map((i) => i.creditCode));
    expect(new Set(answers.map((a) => a.checkId)).size).toBe(inputs.length);
    const after: [{ n: number }] = await hub.ds.query(`SELECT count(*)::int AS n FROM joint_punishment_check`);
    expect(after[0].n - before[0].n).toBe(inputs.length);

    const byKey = new Map(keys.map((k, i) => [k, answers[i]!]));
    for (const l of LISTS) {
      const planted = plantedEntries(`list.${l}`).filter((x) => x.list === l);
      expect(
        byKey.get(`list.${l}`)!.hits.map((h) => [h.list, h.decisionNumber, h.subject]),
        l,
      ).toEqual(planted.map((x) => [l, x.decisionNumber, 'ENTERPRISE']));
    }
    for (const k of ['list.expired', 'list.removed', 'list.future', 'ban.lifetime.otherIndustry', 'clean.general', 'clean.mine'])
      expect(byKey.get(k)!.hits, k).toEqual([]);
    expect(byKey.get('ban.fiveYear')!.hits.map((h) => [h.subject, h.personIdNumber])).toEqual([
      ['PRINCIPAL', maskIdNumber(sc.persons['ban.fiveYear']!.idNumber)],
    ]);
    expect(byKey.get('ban.lifetime.sameIndustry')!.hits.map((h) => [h.subject, h.banScope])).toEqual([['PRINCIPAL', 'INDUSTRY']]);
    expect(byKey.get('person.legalRepListed')!.hits.map((h) => h.subject)).toEqual(['LEGAL_REPRESENTATIVE']);
    expect(byKey.get('enterprise.revoked')!.decision).toBe('DENY');
    // the same subject inside a large batch answers as it does alone
    const alone = await run({ creditCode: code('ban.fiveYear'), matter: 'PUBLIC_BIDDING' });
    const inBatch = answers[inputs.findIndex((i, n) => n >= keys.length && i.creditCode === code('ban.fiveYear'))]!;
    expect({ ...inBatch, checkId: 0, checkedAt: 0, printUrl: 0 }).toEqual({ ...alone, checkId: 0, checkedAt: 0, printUrl: 0 });
  });

  it('single checks arriving together (they share reads and inserts) answer each as alone, each stored as its own check for its own caller; a bad one fails alone', async () => {
    const keys = [
      ...LISTS.map((l) => `list.${l}`),
      'ban.fiveYear',
      'ban.lifetime.sameIndustry',
      'ban.lifetime.otherIndustry',
      'person.legalRepListed',
      'clean.general',
      'enterprise.revoked',
    ];
    const inputs: Record<string, unknown>[] = keys.map((k, i) => ({
      creditCode: code(k),
      matter: i % 2 ? 'PUBLIC_BIDDING' : 'CONSTRUCTION_QUALIFICATION',
    }));
    // by name too: the shared read finds names and codes of several callers at once
    inputs.push({ name: sc.enterprises['list.FIRE_DISHONEST']!.name, matter: 'FIRE_SAFETY_ACCEPTANCE' });
    const alone: Check[] = [];
    for (const input of inputs) alone.push(await run(input));
    const other = bearer(await hub.token(['licensing_officer'], { subject: 'officer-wang', department: 'MARKET' }));
    const callerOf = (i: number) =>
      i % 3 === 0
        ? { headers: other, subject: 'officer-wang', department: 'MARKET' }
        : { headers: officer, subject: 'officer-li', department: 'HOUSING' };
    const before: [{ n: number }] = await hub.ds.query(`SELECT count(*)::int AS n FROM joint_punishment_check`);
    const [unknown, ambiguous, ...together] = await Promise.all([
      gql(hub.url, RUN, { input: { creditCode: '91110000MA00000002', matter: 'PUBLIC_BIDDING' } }, officer),
      gql(hub.url, RUN, { input: { name: sc.enterprises['name.ambiguous.1']!.name, matter: 'PUBLIC_BIDDING' } }, other),
      ...inputs.map((input, i) => run(input, callerOf(i).headers)),
    ]);
    expect(unknown!.errors?.[0]?.extensions).toMatchObject({ code: expect.stringMatching(/NOT_FOUND|BAD_USER_INPUT/) });
    expect(ambiguous!.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.name' });
    const strip = (c: Check) => ({ ...c, checkId: 0, checkedAt: 0, printUrl: 0 });
    expect((together as Check[]).map(strip)).toEqual(alone.map(strip));
    const checks = together as Check[];
    expect(new Set(checks.map((c) => c.checkId)).size).toBe(inputs.length);
    const stored: {
      check_id: string;
      credit_code: string;
      caller_subject: string;
      caller_department: string;
      matter: string;
      answer: Check;
    }[] = await hub.ds.query(
      `SELECT check_id, credit_code, caller_subject, caller_department, matter, answer FROM joint_punishment_check WHERE check_id = ANY($1::uuid[])`,
      [checks.map((c) => c.checkId)],
    );
    const byId = new Map(stored.map((s) => [s.check_id, s]));
    checks.forEach((c, i) => {
      const row = byId.get(c.checkId);
      expect(row, `check ${i} stored`).toBeDefined();
      expect(row).toMatchObject({
        credit_code: c.enterprise.creditCode,
        matter: inputs[i]!.matter,
        caller_subject: callerOf(i).subject,
        caller_department: callerOf(i).department,
      });
      // the stored record is the answer this caller was given
      const { feedback: _f, feedbackStatus: _s, ...answered } = c;
      expect(row!.answer).toMatchObject(answered);
    });
    const after: [{ n: number }] = await hub.ds.query(`SELECT count(*)::int AS n FROM joint_punishment_check`);
    expect(after[0].n - before[0].n).toBe(inputs.length);
  });

  it('refuses more than 1,000 subjects, and names the input at fault', async () => {
    const over = Array.from({ length: 1001 }, () => ({ creditCode: code('clean.general'), matter: 'PUBLIC_BIDDING' }));
    const r = await gql(hub.url, RUN_MANY, { inputs: over }, officer);
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'inputs' });
    const bad = await gql(
      hub.url,
      RUN_MANY,
      {
        inputs: [
          { creditCode: code('clean.general'), matter: 'PUBLIC_BIDDING' },
          { name: sc.enterprises['name.ambiguous.1']!.name, matter: 'PUBLIC_BIDDING' },
        ],
      },
      officer,
    );
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'inputs[1].name' });
  });
});
