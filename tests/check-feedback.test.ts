/**
 * Feedback integrity and checks that belong to their office (issues 16.2, 17.4), over GraphQL and the
 * printed record. Applicants come from the planted scenarios (src/generator/planted.ts); which measures
 * are mandatory is read from the measures catalogue in the database, never from the service's answer.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScenarioIndex } from '../src/generator/planted.js';
import type { Role } from '../src/security/roles.js';
import { startHubFixture, type HubFixture } from './support/hub-fixture.js';
import { bearer, mintToken } from './support/auth.js';
import { gql } from './support/graphql-client.js';

const FB = `id action note measuresApplied recordedBy recordedByName office amends recordedAt`;
const CHECK = `checkId decision caseNumber office checkedByName feedbackStatus printUrl
  measures { code mandatory effect legalBasis } hits { legalBasis } feedback { ${FB} } currentFeedback { id }`;
const RUN = `mutation($input: JointPunishmentCheckInput!) { runJointPunishmentCheck(input: $input) { ${CHECK} } }`;
const FEEDBACK = `mutation($id: ID!, $a: FeedbackAction!, $n: String, $m: [String!], $amends: ID) {
  recordCheckFeedback(checkId: $id, action: $a, note: $n, measuresApplied: $m, amends: $amends) { ${FB} } }`;
const LIST = `query($f: CheckFilter, $first: Int) { checks(filter: $f, first: $first) { totalCount edges { node { checkId caseNumber feedbackStatus } } } }`;
const GET = `query($id: ID!) { check(checkId: $id) { ${CHECK} } }`;
const STATS = `query($from: DateTime, $to: DateTime) { checkFeedbackStats(from: $from, to: $to) { office checks withFeedback awaiting feedbackRate } }`;

interface Feedback {
  id: string;
  action: string;
  note: string | null;
  measuresApplied: string[];
  recordedBy: string;
  recordedByName: string | null;
  office: string | null;
  amends: string | null;
  recordedAt: string;
}
interface Check {
  checkId: string;
  decision: string;
  caseNumber: string | null;
  office: string | null;
  checkedByName: string | null;
  feedbackStatus: string;
  printUrl: string;
  measures: { code: string; mandatory: boolean; effect: string; legalBasis: string }[];
  hits: { legalBasis: string }[];
  feedback: Feedback[];
  currentFeedback: { id: string } | null;
}

const OFFICE_A = 'HB-WH-ZJ-XK';
const OFFICE_B = 'HB-YC-XK';

let hub: HubFixture;
let sc: ScenarioIndex;
const h = {} as Record<'a1' | 'a2' | 'b' | 'admin' | 'inspector', Record<string, string>>;
const code = (key: string) => sc.enterprises[key]!.creditCode;
const token = async (roles: Role[], subject: string, office: string | null, name: string | null) =>
  bearer(await mintToken(roles, { subject, office, name, department: 'HOUSING', ttl: '12h' }));

async function run(input: Record<string, unknown>, who = h.a1): Promise<Check> {
  const r = await gql<{ runJointPunishmentCheck: Check }>(hub.url, RUN, { input }, who);
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  return r.data!.runJointPunishmentCheck;
}
const feedback = (who: Record<string, string>, v: { id: string; a: string; n?: string; m?: string[]; amends?: string }) =>
  gql<{ recordCheckFeedback: Feedback }>(hub.url, FEEDBACK, v, who);

/** Mandatory measure codes the catalogue names for a list, matter and enterprise subject. */
async function mandatoryOf(list: string, matter: string): Promise<string[]> {
  const rows: { code: string }[] = await hub.ds.query(
    `SELECT code FROM measure WHERE active AND mandatory AND $1 = ANY(trigger_lists) AND $2 = ANY(matters) AND 'ENTERPRISE' = ANY(subject_types) ORDER BY code`,
    [list, matter],
  );
  return rows.map((r) => r.code);
}

beforeAll(async () => {
  hub = await startHubFixture();
  sc = hub.generated.scenarios;
  h.a1 = await token(['licensing_officer'], 'officer-a1', OFFICE_A, '李明');
  h.a2 = await token(['licensing_officer'], 'officer-a2', OFFICE_A, '王芳');
  h.b = await token(['licensing_officer'], 'officer-b', OFFICE_B, '张伟');
  h.admin = await token(['admin'], 'admin-1', null, '管理员');
  h.inspector = await token(['inspector'], 'inspector-1', null, '执法员');
}, 300_000);

afterAll(async () => {
  await hub?.close();
});

describe('申请事项编号 case number', () => {
  it('is validated, stored with the office and officer, filterable, and printed', async () => {
    const bad = await gql(
      hub.url,
      RUN,
      { input: { creditCode: code('clean.general'), matter: 'PUBLIC_BIDDING', caseNumber: 'A B<script>' } },
      h.a1,
    );
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.caseNumber' });
    expect(String(bad.errors?.[0]?.extensions?.messageZh)).toMatch(/申请事项编号/);
    const tooLong = await gql(
      hub.url,
      RUN,
      { input: { creditCode: code('clean.general'), matter: 'PUBLIC_BIDDING', caseNumber: 'X'.repeat(65) } },
      h.a1,
    );
    expect(tooLong.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.caseNumber' });

    const caseNumber = `建许〔2026〕${randomUUID().slice(0, 8)}号`;
    const c = await run({ creditCode: code('clean.general'), matter: 'PUBLIC_BIDDING', caseNumber });
    expect(c).toMatchObject({ caseNumber, office: OFFICE_A, checkedByName: '李明', feedbackStatus: 'AWAITING' });
    const [row] = await hub.ds.query(`SELECT case_number, caller_office, caller_name FROM joint_punishment_check WHERE check_id = $1`, [
      c.checkId,
    ]);
    expect(row).toEqual({ case_number: caseNumber, caller_office: OFFICE_A, caller_name: '李明' });

    const listed = await gql(hub.url, LIST, { f: { caseNumber } }, h.a1);
    expect(listed.data.checks).toEqual({
      totalCount: 1,
      edges: [{ node: { checkId: c.checkId, caseNumber, feedbackStatus: 'AWAITING' } }],
    });

    const ok = await feedback(h.a1, { id: c.checkId, a: 'GRANTED', n: '无不良记录，准予许可' });
    expect(ok.errors).toBeUndefined();
    const res = await fetch(`${hub.url}${c.printUrl}`, { headers: h.a1 });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    for (const s of ['申请事项编号', caseNumber, '经办人', '李明', '办理机构', OFFICE_A, '准予许可']) expect(html, s).toContain(s);
  });
});

describe('feedback follows the decision', () => {
  it('a DENY check cannot be recorded as GRANTED (Chinese message)', async () => {
    const c = await run({ creditCode: code('list.CONSTRUCTION_BLACKLIST'), matter: 'CONSTRUCTION_QUALIFICATION' });
    expect(c.decision).toBe('DENY');
    const mandatory = await mandatoryOf('CONSTRUCTION_BLACKLIST', 'CONSTRUCTION_QUALIFICATION');
    // even naming every mandatory measure: granting contradicts the decision
    const r = await feedback(h.a1, { id: c.checkId, a: 'GRANTED', m: mandatory });
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'DECISION_CONTRADICTED', field: 'action' });
    expect(r.errors?.[0]?.extensions?.messageZh).toBe('该核查结论为不予许可（DENY），不能反馈为准予许可');
    const [{ n }] = await hub.ds.query(`SELECT count(*)::int AS n FROM check_feedback WHERE check_id = $1`, [c.checkId]);
    expect(n).toBe(0);
  });

  it('mandatory measures must all be named as applied; none-applied only where no mandatory measure applies, and with a reason', async () => {
    const c = await run({ creditCode: code('list.SAFETY_DISHONEST'), matter: 'GOVERNMENT_PROCUREMENT' });
    const mandatory = await mandatoryOf('SAFETY_DISHONEST', 'GOVERNMENT_PROCUREMENT');
    const discretionary: string[] = (
      await hub.ds.query(
        `SELECT code FROM measure WHERE active AND NOT mandatory AND 'SAFETY_DISHONEST' = ANY(trigger_lists) AND 'GOVERNMENT_PROCUREMENT' = ANY(matters) ORDER BY code`,
      )
    ).map((x: { code: string }) => x.code);
    expect(mandatory.length, 'the catalogue has a mandatory measure here').toBeGreaterThan(0);
    expect(discretionary.length, 'and a discretionary one').toBeGreaterThan(0);

    const onlyDiscretionary = await feedback(h.a1, { id: c.checkId, a: 'MEASURES_APPLIED', m: discretionary });
    expect(onlyDiscretionary.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'MANDATORY_MEASURES_MISSING',
      field: 'measuresApplied',
      measures: mandatory,
    });
    expect(String(onlyDiscretionary.errors?.[0]?.extensions?.messageZh)).toMatch(/约束性措施/);
    const none = await feedback(h.a1, { id: c.checkId, a: 'NO_MEASURE_APPLIED', n: '申请人已撤回' });
    expect(none.errors?.[0]?.extensions).toMatchObject({ reason: 'MANDATORY_MEASURES_MISSING' });
    const refusedWithout = await feedback(h.a1, { id: c.checkId, a: 'REFUSED', n: '不予许可' });
    expect(refusedWithout.errors?.[0]?.extensions).toMatchObject({ reason: 'MANDATORY_MEASURES_MISSING' });
    const foreign = await feedback(h.a1, { id: c.checkId, a: 'MEASURES_APPLIED', m: [...mandatory, 'JP-TRA-01'] });
    expect(foreign.errors?.[0]?.extensions).toMatchObject({ reason: 'UNKNOWN_MEASURE', field: 'measuresApplied' });
    expect(String(foreign.errors?.[0]?.extensions?.messageZh)).toContain('JP-TRA-01');

    const ok = await feedback(h.a1, { id: c.checkId, a: 'MEASURES_APPLIED', m: mandatory, n: '限制参与政府采购' });
    expect(ok.errors).toBeUndefined();
    expect(ok.data!.recordCheckFeedback).toMatchObject({
      action: 'MEASURES_APPLIED',
      measuresApplied: mandatory,
      recordedBy: 'officer-a1',
      recordedByName: '李明',
      office: OFFICE_A,
      amends: null,
    });
  });

  it('a check with discretionary measures only may be granted, or closed with none applied given a reason', async () => {
    const c = await run({ creditCode: code('list.ABNORMAL_OPERATION'), matter: 'PUBLIC_BIDDING' });
    expect(await mandatoryOf('ABNORMAL_OPERATION', 'PUBLIC_BIDDING')).toEqual([]);
    const noReason = await feedback(h.a1, { id: c.checkId, a: 'NO_MEASURE_APPLIED', n: '  ' });
    expect(noReason.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'note', reason: 'REASON_REQUIRED' });
    expect(noReason.errors?.[0]?.extensions?.messageZh).toBeTruthy();
    const ok = await feedback(h.a1, { id: c.checkId, a: 'NO_MEASURE_APPLIED', n: '已移出经营异常名录，材料已核实' });
    expect(ok.errors).toBeUndefined();
  });
});

describe('checks belong to their office', () => {
  it("another office's officer can neither see, record nor amend; a colleague of the office and an admin can", async () => {
    const caseNumber = `OFFICE-${randomUUID().slice(0, 8)}`;
    const c = await run({ creditCode: code('list.CONSTRUCTION_BLACKLIST'), matter: 'CONSTRUCTION_QUALIFICATION', caseNumber });
    const mandatory = await mandatoryOf('CONSTRUCTION_BLACKLIST', 'CONSTRUCTION_QUALIFICATION');

    // not seen: not in the list, and the id answers as an unknown one does
    expect((await gql(hub.url, LIST, { f: { caseNumber } }, h.b)).data.checks.totalCount).toBe(0);
    const seen = await gql(hub.url, GET, { id: c.checkId }, h.b);
    expect(seen.errors).toBeUndefined();
    expect(seen.data.check).toBeNull();
    expect((await fetch(`${hub.url}${c.printUrl}`, { headers: h.b })).status).toBe(404);

    const other = await feedback(h.b, { id: c.checkId, a: 'REFUSED', m: mandatory, n: '不予受理' });
    expect(other.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'NOT_OWN_OFFICE' });
    expect(String(other.errors?.[0]?.extensions?.messageZh)).toMatch(/办理机构/);

    // a colleague of the same office records it
    const colleague = await feedback(h.a2, { id: c.checkId, a: 'REFUSED', m: mandatory, n: '建筑市场主体黑名单在列，不予许可' });
    expect(colleague.errors).toBeUndefined();
    expect(colleague.data!.recordCheckFeedback).toMatchObject({ recordedBy: 'officer-a2', recordedByName: '王芳', office: OFFICE_A });
    expect((await gql(hub.url, LIST, { f: { caseNumber } }, h.a2)).data.checks.totalCount).toBe(1);

    const otherAmends = await feedback(h.b, {
      id: c.checkId,
      a: 'MEASURES_APPLIED',
      m: mandatory,
      n: '更正',
      amends: colleague.data!.recordCheckFeedback.id,
    });
    expect(otherAmends.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'NOT_OWN_OFFICE' });

    // an administrator sees and amends any office's check
    expect((await gql(hub.url, LIST, { f: { caseNumber } }, h.admin)).data.checks.totalCount).toBe(1);
    const byAdmin = await feedback(h.admin, {
      id: c.checkId,
      a: 'MEASURES_APPLIED',
      m: mandatory,
      n: '更正：应记为已实施惩戒措施',
      amends: colleague.data!.recordCheckFeedback.id,
    });
    expect(byAdmin.errors).toBeUndefined();
    // inspectors read every office's checks (policy.ts), and record nothing
    expect((await gql(hub.url, LIST, { f: { caseNumber } }, h.inspector)).data.checks.totalCount).toBe(1);
    const byInspector = await feedback(h.inspector, {
      id: c.checkId,
      a: 'MEASURES_APPLIED',
      m: mandatory,
      n: 'x',
      amends: byAdmin.data!.recordCheckFeedback.id,
    });
    expect(byInspector.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('amendments 更正 keep the history', () => {
  it('a second feedback must name the current one and say why; stale ones are refused; the printout marks them', async () => {
    const caseNumber = `AMEND-${randomUUID().slice(0, 8)}`;
    const c = await run({ creditCode: code('list.SAFETY_DISHONEST'), matter: 'PUBLIC_BIDDING', caseNumber });
    const mandatory = await mandatoryOf('SAFETY_DISHONEST', 'PUBLIC_BIDDING');
    const first = await feedback(h.a1, { id: c.checkId, a: 'MEASURES_APPLIED', m: mandatory, n: '已限制参与招标' });
    expect(first.errors).toBeUndefined();
    const firstId = first.data!.recordCheckFeedback.id;

    const noAmends = await feedback(h.a1, { id: c.checkId, a: 'REFUSED', m: mandatory, n: '改为不予许可' });
    expect(noAmends.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'amends', reason: 'AMENDS_REQUIRED' });
    const noNote = await feedback(h.a1, { id: c.checkId, a: 'REFUSED', m: mandatory, amends: firstId });
    expect(noNote.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'note', reason: 'AMENDMENT_NOTE_REQUIRED' });

    const second = await feedback(h.a2, { id: c.checkId, a: 'REFUSED', m: mandatory, n: '更正：申请已被驳回，不予许可', amends: firstId });
    expect(second.errors).toBeUndefined();
    expect(second.data!.recordCheckFeedback).toMatchObject({ amends: firstId, action: 'REFUSED', recordedByName: '王芳' });
    // amending the first again is stale: the current feedback is the second
    const stale = await feedback(h.a1, { id: c.checkId, a: 'MEASURES_APPLIED', m: mandatory, n: '再次更正', amends: firstId });
    expect(stale.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'amends',
      reason: 'STALE_AMENDMENT',
      current: second.data!.recordCheckFeedback.id,
    });
    expect(stale.errors?.[0]?.extensions?.messageZh).toBeTruthy();

    const got = (await gql<{ check: Check }>(hub.url, GET, { id: c.checkId }, h.a1)).data!.check;
    expect(got.feedback.map((f) => [f.action, f.amends, f.recordedBy])).toEqual([
      ['MEASURES_APPLIED', null, 'officer-a1'],
      ['REFUSED', firstId, 'officer-a2'],
    ]);
    expect(got.currentFeedback).toEqual({ id: second.data!.recordCheckFeedback.id });
    expect(got.feedbackStatus).toBe('RECORDED');
    // the rows are evidence: still append-only
    await expect(hub.ds.query(`UPDATE check_feedback SET note = 'x' WHERE id = $1`, [firstId])).rejects.toThrow(/append-only/);

    const html = await (await fetch(`${hub.url}${c.printUrl}`, { headers: h.a1 })).text();
    for (const s of [caseNumber, '已限制参与招标', '更正：申请已被驳回，不予许可', '（更正第1条）', '李明', '王芳', OFFICE_A])
      expect(html, s).toContain(s);
    expect(html.indexOf('已限制参与招标')).toBeLessThan(html.indexOf('更正：申请已被驳回'));
  });
});

describe('awaiting feedback and feedback rate per office', () => {
  it('counts what this test did, for the office and for the officer', async () => {
    const office = `STATS-${randomUUID().slice(0, 8)}`;
    const from = new Date(Date.now() - 1000).toISOString();
    const me = await token(['licensing_officer'], 'officer-stats-1', office, '赵静');
    const colleague = await token(['licensing_officer'], 'officer-stats-2', office, '钱亮');
    const mine = [
      await run({ creditCode: code('clean.general'), matter: 'PUBLIC_BIDDING' }, me),
      await run({ creditCode: code('list.ABNORMAL_OPERATION'), matter: 'PUBLIC_BIDDING' }, me),
      await run({ creditCode: code('clean.mine'), matter: 'MINE_SAFETY_LICENCE' }, me),
    ];
    const theirs = await run({ creditCode: code('clean.general'), matter: 'GOVERNMENT_PROCUREMENT' }, colleague);
    expect((await feedback(me, { id: mine[0]!.checkId, a: 'GRANTED' })).errors).toBeUndefined();
    expect((await feedback(colleague, { id: theirs.checkId, a: 'GRANTED' })).errors).toBeUndefined();

    // mine awaiting: checks 2 and 3; the office awaiting: the same two (the colleague's has feedback)
    const awaitingMine = await gql(hub.url, LIST, { f: { awaitingFeedback: true, mine: true } }, me);
    expect(awaitingMine.data.checks.edges.map((e: { node: { checkId: string } }) => e.node.checkId).sort()).toEqual(
      [mine[1]!.checkId, mine[2]!.checkId].sort(),
    );
    expect((await gql(hub.url, LIST, { f: { awaitingFeedback: false } }, me)).data.checks.totalCount).toBe(2);
    expect((await gql(hub.url, LIST, { f: { mine: true } }, colleague)).data.checks.totalCount).toBe(1);
    expect((await gql(hub.url, LIST, {}, me)).data.checks.totalCount).toBe(4);

    const expected = { office, checks: 4, withFeedback: 2, awaiting: 2, feedbackRate: 0.5 };
    const own = await gql(hub.url, STATS, { from }, me);
    expect(own.errors).toBeUndefined();
    expect(own.data.checkFeedbackStats).toEqual([expected]);
    const all = await gql(hub.url, STATS, { from }, h.admin);
    expect(all.data.checkFeedbackStats).toContainEqual(expected);
    expect(all.data.checkFeedbackStats.length).toBeGreaterThan(1);
    // a window before the checks: nothing
    expect((await gql(hub.url, STATS, { to: from }, me)).data.checkFeedbackStats).toEqual([]);
    expect((await gql(hub.url, STATS, {}, await token(['analyst'], 'analyst-1', null, null))).errors?.[0]?.extensions?.code).toBe(
      'FORBIDDEN',
    );
  });
});

describe('legal bases cite document titles, never our seed file numbers', () => {
  const SEED_NUMBER = /\b00[0-4] ?\(/;
  it('in the measures catalogue, compliance rules, risk model and check answers', async () => {
    const m = await gql(
      hub.url,
      `{ measures(activeOnly: false) { version measures { code text legalBasis } } complianceRules { id clause titleZh } riskModel { description } }`,
      {},
      h.admin,
    );
    expect(m.errors).toBeUndefined();
    for (const x of m.data.measures.measures) expect(`${x.code} ${x.text} ${x.legalBasis}`).not.toMatch(SEED_NUMBER);
    for (const x of m.data.complianceRules) expect(`${x.id} ${x.clause} ${x.titleZh}`).not.toMatch(SEED_NUMBER);
    expect(m.data.riskModel.description).not.toMatch(SEED_NUMBER);
    const ban = m.data.measures.measures.find((x: { code: string }) => x.code === 'JP-BAN-02');
    for (const title of [
      '《湖北省安全生产委员会关于贯彻落实国务院安全生产委员会',
      '《中共湖南省委 湖南省人民政府关于推进安全生产领域改革发展的实施意见》（八）',
      '吉防办发〔2022〕42号）（十）',
    ]) {
      expect(ban.legalBasis).toContain(title);
    }
    // the change is a catalogue version of its own, so checks record which text they cited
    const [v] = await hub.ds.query(`SELECT version FROM measure_catalogue_version WHERE change ? 'legalBasisCitesTitles'`);
    expect(m.data.measures.version).toBeGreaterThanOrEqual(v.version);

    // the banned principal of a coal mine (planted): the lifetime-ban measure cites the three documents
    const c = await run({ creditCode: code('ban.lifetime.sameIndustry'), matter: 'MINE_SAFETY_LICENCE' });
    expect(c.measures.map((x) => x.code)).toContain('JP-BAN-02');
    for (const x of [...c.measures, ...c.hits]) expect(x.legalBasis).not.toMatch(SEED_NUMBER);
  });
});
