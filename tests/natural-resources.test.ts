/**
 * The sixth department, 自然资源 natural resources, added as a package (connectors/natural-resources/ and its
 * registry line), end to end in a whole test hub: its simulator started and synced, its section in the
 * profile, its list and licences in the cross-department filters, its list in the joint-punishment check as
 * its policy data (the package's migration) say, and its Chinese names on the printed record. Expected values
 * come from what the generator planted (read back with worldSlice), the catalogue in the database and the
 * package's own metadata.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import nr from '../connectors/natural-resources/department.js';
import { NaturalResourcesWorld, type PlantedCase, type PlantedMine } from '../connectors/natural-resources/generate.js';
import type { CanonicalRecord } from '../src/domain/canonical.js';
import { worldParams, worldSlice } from '../src/generator/generate.js';
import { bearer } from './support/auth.js';
import { gql } from './support/graphql-client.js';
import { startHubFixture, type HubFixture } from './support/hub-fixture.js';

let hub: HubFixture;
let cases: Partial<Record<PlantedCase, PlantedMine>>;
let today: string;
const headers: Record<string, Record<string, string>> = {};

/** What the generator gave this department about a planted mine. */
function generated(key: PlantedCase): CanonicalRecord[] {
  const s = hub.generated.scenarios;
  const mine = cases[key]!;
  return worldSlice(
    worldParams({ enterprises: s.size, seed: s.seed, today: s.today }),
    mine.index,
    mine.index + 1,
    (d) => d === nr.code,
  ).map((i) => i.record);
}
const ofKind = <K extends CanonicalRecord['kind']>(rs: CanonicalRecord[], kind: K) =>
  rs.filter((r): r is Extract<CanonicalRecord, { kind: K }> => r.kind === kind);

async function ask<T>(role: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const r = await gql<T>(hub.url, query, variables, headers[role]);
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  return r.data!;
}

beforeAll(async () => {
  hub = await startHubFixture();
  const s = hub.generated.scenarios;
  today = s.today;
  cases = new NaturalResourcesWorld(worldParams({ enterprises: s.size, seed: s.seed, today: s.today })).plantedCases();
  headers.operator = bearer(await hub.token(['department_operator'], { department: nr.code }));
  headers.inspector = bearer(await hub.token(['inspector'], { department: 'EMERGENCY' }));
  headers.analyst = bearer(await hub.token(['analyst']));
  headers.officer = bearer(await hub.token(['licensing_officer'], { subject: 'officer-zr', department: 'EMERGENCY' }));
}, 300_000);

afterAll(async () => {
  await hub?.close();
});

describe(`${nr.nameZh} as a package`, () => {
  it('the world has a mine for every planted case', () => {
    expect(Object.keys(cases).sort()).toEqual(
      ['hazard.overdueMajor', 'licence.expired', 'licence.revoked', `list.${Object.keys(nr.listKinds!)[0]}`].sort(),
    );
  });

  it('is synced: its source listed under its department, its records in the store', async () => {
    const d = await ask<{ sources: { id: string; department: string; lastSync: { status: string } | null; totalRecords: number }[] }>(
      'operator',
      '{ sources { id department lastSync { status } totalRecords } }',
    );
    const source = d.sources.find((s) => s.id === nr.id);
    expect(source).toMatchObject({ department: nr.code, lastSync: { status: 'SUCCEEDED' } });
    const [{ n }] = await hub.ds.query(`SELECT count(*)::int AS n FROM credential WHERE department = $1`, [nr.code]);
    expect(source!.totalRecords).toBeGreaterThanOrEqual(n);
    expect(n).toBeGreaterThan(0);
  });

  it('is in the profile: licences, hazards and list entries as the generator planted them', async () => {
    const q = `query($c: ID!) { enterprise(creditCode: $c) { ${nr.field} { department source mode stale
      miningLicences(first: 50) { nodes { kind number status validTo } }
      geologicalHazards(overdue: true, first: 50) { nodes { level status deadline overdue } }
      listEntries(first: 50) { nodes { list decisionNumber startDate } } } } }`;
    type Section = {
      department: string;
      source: string;
      mode: string;
      stale: boolean;
      miningLicences: { nodes: { kind: string; number: string; status: string; validTo: string | null }[] };
      geologicalHazards: { nodes: { level: string; status: string; deadline: string; overdue: boolean }[] };
      listEntries: { nodes: { list: string; decisionNumber: string; startDate: string }[] };
    };
    const section = async (key: PlantedCase) =>
      (await ask<{ enterprise: Record<string, Section> }>('inspector', q, { c: cases[key]!.creditCode })).enterprise[nr.field]!;

    const expired = await section('licence.expired');
    expect(expired).toMatchObject({ department: nr.code, source: nr.id, mode: 'STORED', stale: false });
    const licences = ofKind(generated('licence.expired'), 'credential');
    expect(expired.miningLicences.nodes.map((l) => l.number).sort()).toEqual(licences.map((l) => l.number).sort());
    expect(licences.some((l) => l.validTo! < today)).toBe(true);
    for (const l of expired.miningLicences.nodes) expect(l.kind).toBe(Object.keys(nr.credentialKinds!)[0]);

    const revoked = await section('licence.revoked');
    expect(revoked.miningLicences.nodes.map((l) => l.status)).toEqual(
      ofKind(generated('licence.revoked'), 'credential').map((l) => l.status),
    );
    expect(revoked.miningLicences.nodes.map((l) => l.status)).toContain('REVOKED');

    const hazards = ofKind(generated('hazard.overdueMajor'), 'hidden_danger').filter((h) => h.status !== 'CLOSED' && h.deadline < today);
    const overdue = (await section('hazard.overdueMajor')).geologicalHazards.nodes;
    expect(overdue.map((h) => [h.level, h.deadline]).sort()).toEqual(hazards.map((h) => [h.level, h.deadline]).sort());
    expect(overdue.map((h) => h.level)).toContain('MAJOR');

    const listKey = `list.${Object.keys(nr.listKinds!)[0]}` as PlantedCase;
    const entries = ofKind(generated(listKey), 'list_entry');
    expect((await section(listKey)).listEntries.nodes.map((e) => e.decisionNumber).sort()).toEqual(
      entries.map((e) => e.decisionNumber).sort(),
    );
  });

  it('is in the cross-department filters: its list, its licence kind and its department', async () => {
    const list = Object.keys(nr.listKinds!)[0]!;
    const kind = Object.keys(nr.credentialKinds!)[0]!;
    const q = `query($w: EnterpriseWhere) { enterprises(first: 100, where: $w) { nodes { creditCode } } }`;
    const codes = async (w: object) =>
      (await ask<{ enterprises: { nodes: { creditCode: string }[] } }>('analyst', q, { w })).enterprises.nodes.map((n) => n.creditCode);
    expect(await codes({ listEntries: { _some: { list: { _eq: list }, inForce: { _eq: true } } } })).toContain(
      cases[`list.${list}` as PlantedCase]!.creditCode,
    );
    expect(await codes({ listEntries: { _some: { department: { _eq: nr.code } } } })).toContain(
      cases[`list.${list}` as PlantedCase]!.creditCode,
    );
    const revoked = await codes({ credentials: { _some: { kind: { _eq: kind }, status: { _eq: 'REVOKED' } } } });
    expect(revoked).toContain(cases['licence.revoked']!.creditCode);
    expect(revoked).not.toContain(cases['licence.expired']!.creditCode);
  });

  it('is in the joint-punishment check as its policy data say, and the printed record names it in Chinese', async () => {
    const [list, listZh] = Object.entries(nr.listKinds!)[0]!;
    const mine = cases[`list.${list}` as PlantedCase]!;
    const [entry] = ofKind(generated(`list.${list}` as PlantedCase), 'list_entry');
    const matter = 'MINE_SAFETY_LICENCE';
    const { runJointPunishmentCheck: c } = await ask<{
      runJointPunishmentCheck: {
        decision: string;
        printUrl: string;
        hits: { list: string; department: string; decisionNumber: string }[];
        measures: { code: string }[];
        sources: { source: string; department: string }[];
      };
    }>(
      'officer',
      `mutation($i: JointPunishmentCheckInput!) { runJointPunishmentCheck(input: $i) {
      decision printUrl hits { list department decisionNumber } measures { code } sources { source department } } }`,
      { i: { creditCode: mine.creditCode, matter } },
    );
    expect(c.hits).toEqual([{ list, department: nr.code, decisionNumber: entry!.decisionNumber }]);
    const catalogue: { code: string; effect: string }[] = await hub.ds.query(
      `SELECT code, effect FROM measure WHERE active AND $1 = ANY(trigger_lists) AND $2 = ANY(matters) AND 'ENTERPRISE' = ANY(subject_types) ORDER BY code`,
      [list, matter],
    );
    expect(catalogue.length, 'the package migration gives its list a measure on mine safety licences').toBeGreaterThan(0);
    expect(c.measures.map((m) => m.code).sort()).toEqual(catalogue.map((m) => m.code));
    expect(c.decision).toBe(catalogue.some((m) => m.effect === 'DENY') ? 'DENY' : 'RESTRICT');
    expect(c.sources).toContainEqual({ source: nr.id, department: nr.code });

    const html = await (await fetch(`${hub.url}${c.printUrl}`, { headers: headers.officer })).text();
    // the hit's row: the list and the department by their Chinese names (the package's labels)
    expect(html).toContain(`<td>${listZh}</td><td>${nr.nameZh}</td>`);
  });
});
