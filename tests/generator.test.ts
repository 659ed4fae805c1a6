/**
 * The synthetic world: deterministic from its seed, valid codes everywhere, the planted cases where the
 * scenario index says they are, realistic dirt, and one pass writing a department system for real.
 */
import { describe, expect, it } from 'vitest';
import { DEPARTMENT_CODES } from '../connectors/registry.js';
import type { CanonicalRecord, ContractRecord, CredentialRecord, EnterpriseRecord, ListEntryRecord } from '../src/domain/canonical.js';
import { checkCreditCode, checkIdNumber } from '../src/domain/codes.js';
import { normaliseName } from '../src/domain/names.js';
import { worldParams, worldSlice } from '../src/generator/generate.js';
import { PLANTED_COUNT, PlantedWorld } from '../src/generator/planted.js';
import { COUNTIES } from '../src/generator/vocab.js';
import { DEPARTMENT_WORLDS } from '../src/generated/department-worlds.js';

const P = worldParams({ enterprises: 400, seed: 77, today: '2026-11-23' });
const items = worldSlice(P, 0, P.enterprises);
const records = <K extends CanonicalRecord['kind']>(kind: K) =>
  items.filter((i) => i.record.kind === kind).map((i) => i.record as Extract<CanonicalRecord, { kind: K }>);
const scenarios = new PlantedWorld(P).index();
const ofEnterprise = (code: string) => items.filter((i) => JSON.stringify(i.record).includes(code));

describe('generated world', () => {
  it('is the same world for the same seed and another for another seed', () => {
    expect(JSON.stringify(worldSlice(P, 100, 130))).toBe(JSON.stringify(worldSlice({ ...P }, 100, 130)));
    expect(JSON.stringify(worldSlice({ ...P, seed: 78 }, 100, 130))).not.toBe(JSON.stringify(worldSlice(P, 100, 130)));
  });

  it("list density scales the background enterprises' list entries, deterministically, and nothing about who is who", () => {
    const indexOf = new Map(records('enterprise').map((e, i) => [e.creditCode, i]));
    const background = (xs: typeof items) =>
      xs.filter(
        (i) =>
          i.record.kind === 'list_entry' &&
          (indexOf.get((i.record as ListEntryRecord).enterprise?.creditCode ?? '') ?? -1) >= PLANTED_COUNT,
      ).length;
    const dense = worldSlice({ ...P, listDensity: 3 }, 0, P.enterprises);
    expect(JSON.stringify(worldSlice({ ...P, listDensity: 3 }, 0, P.enterprises))).toBe(JSON.stringify(dense));
    expect(dense.filter((i) => i.record.kind === 'enterprise').map((i) => i.record)).toEqual(records('enterprise'));
    expect(new PlantedWorld({ ...P, listDensity: 3 }).index()).toEqual(scenarios);
    const base = background(items);
    expect(base).toBeGreaterThan(10);
    expect(background(dense) / base).toBeGreaterThan(2);
    expect(background(dense) / base).toBeLessThan(4.5);
    // density 0: only what the planted scenarios put on lists (a department package's own part plants its cases
    // on background enterprises: connectors/<id>/generate.ts)
    const ownWorld = new Set(DEPARTMENT_WORLDS.map((w) => w.department));
    expect(background(worldSlice({ ...P, listDensity: 0 }, 0, P.enterprises).filter((i) => !ownWorld.has(i.department)))).toBe(0);
    expect(() => worldParams({ enterprises: 10, seed: 1, listDensity: -1 })).toThrow(/listDensity/);
  });

  it('generates any slice alone exactly as the whole walk does', () => {
    const whole = items.filter((i) => i.sourceRecordId.includes('-E150-') || i.sourceRecordId.includes('-E151-'));
    const alone = worldSlice(P, 150, 152).filter((i) => i.sourceRecordId.includes('-E15'));
    expect(alone).toEqual(whole);
  });

  it('uses valid credit codes and ID numbers, real divisions, unique record ids', () => {
    const enterprises = records('enterprise');
    expect(enterprises).toHaveLength(P.enterprises);
    const divisions = new Set(COUNTIES.map((c) => c.code));
    for (const e of enterprises) {
      if (!e.creditCodeChecksumFailed) expect(checkCreditCode(e.creditCode)).toEqual({ ok: true });
      expect(divisions.has(e.divisionCode)).toBe(true);
      expect(e.creditCode.slice(2, 8)).toBe(e.divisionCode);
    }
    expect(new Set(enterprises.map((e) => e.creditCode)).size).toBe(P.enterprises);
    for (const p of records('person')) expect(checkIdNumber(p.idNumber)).toEqual({ ok: true });
    const keys = items.map((i) => `${i.department}|${i.record.kind}|${i.sourceRecordId}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('represents the high-risk industries and every department', () => {
    const industries = records('enterprise').map((e) => e.industryCode[0]);
    expect(industries.filter((c) => c === 'B' || c === 'C' || c === 'E' || c === 'G').length / industries.length).toBeGreaterThan(0.5);
    expect(new Set(items.map((i) => i.department))).toEqual(new Set(DEPARTMENT_CODES));
    expect(new Set(records('accident').map((a) => a.level))).toEqual(new Set(['ESPECIALLY_MAJOR', 'MAJOR', 'LARGER', 'GENERAL']));
  });

  it('plants dirt: org-code-only, name-only, full-width references and malformed rows', () => {
    const styles = new Set(items.map((i) => i.dirt?.refStyle).filter(Boolean));
    expect(styles).toEqual(new Set(['orgCode', 'name', 'fullWidthName']));
    expect(items.some((i) => i.dirt?.malformed)).toBe(true);
    const nameOnly = scenarios.enterprises['dirt.nameOnly']!;
    const penalty = ofEnterprise(nameOnly.creditCode).find((i) => i.record.kind === 'penalty')!;
    expect(penalty.dirt).toEqual({ refStyle: 'name' });
  });

  it('puts every planted case where the scenario index says', () => {
    expect(Object.keys(scenarios.enterprises)).toHaveLength(PLANTED_COUNT);
    const listOf = (key: string) =>
      records('list_entry').filter((l) => l.enterprise?.creditCode === scenarios.enterprises[key]!.creditCode);
    for (const list of [
      'SAFETY_DISHONEST',
      'SERIOUS_ILLEGAL_DISHONEST',
      'ABNORMAL_OPERATION',
      'CONSTRUCTION_BLACKLIST',
      'TRANSPORT_DISHONEST',
      'FIRE_DISHONEST',
    ] as const) {
      const entries = listOf(`list.${list}`);
      expect(entries.map((l) => l.list)).toEqual([list]);
      expect(entries[0]!.startDate <= P.today && (!entries[0]!.endDate || entries[0]!.endDate >= P.today)).toBe(true);
    }
    expect(listOf('list.expired')[0]!.endDate! < P.today).toBe(true);
    expect(listOf('list.removed')[0]!.removedDate! < P.today).toBe(true);
    expect(listOf('list.future')[0]!.startDate > P.today).toBe(true);

    const five = records('list_entry').find((l) => l.list === 'PRINCIPAL_BAN' && l.banScope === 'ALL_UNITS') as ListEntryRecord;
    expect(five.idNumber).toBe(scenarios.persons['ban.fiveYear']!.idNumber);
    expect(five.endDate).toBe(scenarios.persons['ban.fiveYear']!.banEnds);
    const lifetime = records('list_entry').find((l) => l.list === 'PRINCIPAL_BAN' && l.banScope === 'INDUSTRY')!;
    expect(lifetime).toMatchObject({ endDate: null, banIndustry: 'B06', idNumber: scenarios.persons['ban.lifetime']!.idNumber });
    // the same person is principal of an enterprise in another industry
    const principalOf = records('role')
      .filter((r) => r.role === 'PRINCIPAL' && r.idNumber === lifetime.idNumber)
      .map((r) => r.enterprise.creditCode);
    expect(principalOf.sort()).toEqual(
      [
        scenarios.enterprises['ban.lifetime.sameIndustry']!.creditCode,
        scenarios.enterprises['ban.lifetime.otherIndustry']!.creditCode,
      ].sort(),
    );

    const statusOf = (key: string) => records('enterprise').find((e) => e.creditCode === scenarios.enterprises[key]!.creditCode)!.status;
    expect(statusOf('enterprise.revoked')).toBe('REVOKED');
    expect(normaliseName(scenarios.enterprises['name.ambiguous.1']!.name)).toBe(
      normaliseName(scenarios.enterprises['name.ambiguous.2']!.name),
    );
    const checksum = records('enterprise').find(
      (e) => e.creditCode === scenarios.enterprises['enterprise.checksumFailed']!.creditCode,
    ) as EnterpriseRecord;
    expect(checksum.creditCodeChecksumFailed).toBe(true);
    expect(checkCreditCode(checksum.creditCode).ok).toBe(false);
    const overdue = records('hidden_danger').filter(
      (h) => h.enterprise.creditCode === scenarios.enterprises['hiddenDanger.overdueMajor']!.creditCode,
    );
    expect(overdue).toEqual([expect.objectContaining({ level: 'MAJOR', status: 'RECTIFYING' })]);
    expect(overdue[0]!.deadline < P.today).toBe(true);
    const all = ofEnterprise(scenarios.enterprises['allDepartments']!.creditCode);
    expect(new Set(all.map((i) => i.department)).size).toBe(5);
  });

  it('plants the project trees the compliance checks must judge', () => {
    const contracts = (key: string) => records('contract').filter((c) => c.projectCode === scenarios.projects[key]!.projectCode);
    const deep = contracts('project.deepChainLabourBottom');
    expect(deep.map((c) => c.contractKind)).toEqual([
      'GENERAL',
      'PROFESSIONAL_SUBCONTRACT',
      'PROFESSIONAL_SUBCONTRACT',
      'LABOUR_SUBCONTRACT',
    ]);
    const depth = (c: ContractRecord): number =>
      c.parentContractNumber ? 1 + depth(deep.find((x) => x.contractNumber === c.parentContractNumber)!) : 1;
    expect(depth(deep[3]!)).toBe(4);
    expect(contracts('project.transfer')[1]!.coversAllWork).toBe(true);
    expect(contracts('project.mainStructure')[1]!.coversMainStructure).toBe(true);
    expect(contracts('project.noSafetyAgreement')[1]!.safetyAgreementSigned).toBe(false);
    const gc = contracts('project.pmElsewhere')[0]!;
    const registration = records('credential').find(
      (c) => c.credentialKind === 'REGISTERED_CONSTRUCTOR' && c.idNumber === gc.projectManagerIdNumber,
    ) as CredentialRecord;
    expect(registration.registeredEnterprise!.creditCode).not.toBe(gc.contractor.creditCode);
    const clean = contracts('project.clean');
    expect(clean.every((c) => c.safetyAgreementSigned && !c.coversAllWork)).toBe(true);
    expect(records('project').length).toBeGreaterThan(Object.keys(scenarios.projects).length);
  });
});
