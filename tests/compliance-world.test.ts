/**
 * The compliance checks on a generated world: every planted project (src/generator/planted.ts) stored
 * through the sync path (applyEnvelopes), then checked. Each planted violation must be found with its
 * evidence; the clean project must produce nothing; the bulk run must cover every project.
 */
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectCheckResult } from '../src/compliance/model.js';
import { runProjectChecks, ComplianceService } from '../src/compliance/service.js';
import { CheckRunner } from '../src/credit/check.js';
import { ReadBatch } from '../src/store/read-batch.js';
import { loadConfig } from '../src/config.js';
import type { Department } from '../src/domain/canonical.js';
import { worldParams, worldSlice } from '../src/generator/generate.js';
import { PLANTED_MIN_ENTERPRISES, PlantedWorld, type ScenarioIndex } from '../src/generator/planted.js';
import { SLOT } from '../src/generator/profile.js';
import { maskIdNumber } from '../src/domain/codes.js';
import { PiiVault } from '../src/security/pii.js';
import { openStore } from '../src/store/data-source.js';
import { applyEnvelopes } from '../src/sync/apply.js';
import { createTestDatabase } from './support/db.js';

const SOURCES: [string, Department][] = [
  ['market', 'MARKET'],
  ['housing', 'HOUSING'],
  ['emergency', 'EMERGENCY'],
  ['transport', 'TRANSPORT'],
  ['fire', 'FIRE'],
];

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let ds: DataSource;
let service: ComplianceService;
let index: ScenarioIndex;
let world: PlantedWorld;
const results = new Map<string, ProjectCheckResult>();

beforeAll(async () => {
  db = await createTestDatabase('compliance_world');
  ds = await openStore(db.url);
  const vault = new PiiVault(Buffer.alloc(32, 7));
  const log = pino({ level: 'silent' });
  const p = worldParams({ enterprises: PLANTED_MIN_ENTERPRISES + 40, seed: 20261101 });
  world = new PlantedWorld(p);
  index = world.index();
  const items = worldSlice(p, 0, p.enterprises).filter((i) => !i.dirt?.malformed);
  for (const [id, department] of SOURCES) {
    const mine = items.filter((i) => i.department === department);
    for (let k = 0; k < mine.length; k += 2000) {
      await applyEnvelopes(
        { ds, vault, log },
        { id, department },
        mine.slice(k, k + 2000).map((i) => ({ sourceRecordId: i.sourceRecordId, kind: i.record.kind, raw: i.record, record: i.record })),
      );
    }
  }
  service = new ComplianceService(
    { ds, vault, connectors: new Map(), config: loadConfig({ NODE_ENV: 'test' }), checks: new CheckRunner(ds), reads: new ReadBatch(ds) },
    { subject: 'test', department: null },
  );
  for (const [key, x] of Object.entries(index.projects)) results.set(key, await service.projectCheck(x.projectCode, index.today));
});

afterAll(async () => {
  await ds?.destroy();
  await db?.drop();
});

describe('planted projects', () => {
  it('stored every planted project with its contracts', () => {
    expect(Object.keys(index.projects).length).toBeGreaterThanOrEqual(14);
    for (const [key, x] of Object.entries(index.projects)) expect(results.get(key)!.tree.length, key).toBe(x.contracts);
  });

  it('the clean project produces no findings and every node is OK', () => {
    const r = results.get('project.clean')!;
    expect(r.findings).toEqual([]);
    expect(r.status).toBe('OK');
    expect(r.tree.map((n) => [n.kind, n.status])).toEqual([
      ['GENERAL', 'OK'],
      ['PROFESSIONAL_SUBCONTRACT', 'OK'],
      ['LABOUR_SUBCONTRACT', 'OK'],
    ]);
  });

  it('finds every planted violation, each with evidence from the departments that hold it', () => {
    for (const [key, x] of Object.entries(index.projects)) {
      const r = results.get(key)!;
      const found = new Set(r.findings.map((f) => f.ruleId));
      for (const rule of x.expect) expect(found.has(rule), `${key} should show ${rule}, found ${[...found].join(', ')}`).toBe(true);
      for (const f of r.findings.filter((g) => x.expect.includes(g.ruleId))) {
        expect(f.evidence.length, `${key} ${f.ruleId}`).toBeGreaterThan(0);
        for (const e of f.evidence) expect(e.sourceRecordId).toBeTruthy();
        expect(f.parties.length).toBeGreaterThan(0);
      }
    }
  });

  it('judges the four-level tree with labour at the bottom: only the professional re-subcontract is wrong', () => {
    const r = results.get('project.deepChainLabourBottom')!;
    expect(r.tree.map((n) => [n.depth, n.kind])).toEqual([
      [1, 'GENERAL'],
      [2, 'PROFESSIONAL_SUBCONTRACT'],
      [3, 'PROFESSIONAL_SUBCONTRACT'],
      [4, 'LABOUR_SUBCONTRACT'],
    ]);
    const re = r.findings.filter((f) => f.ruleId === 'RESUBCONTRACT');
    expect(re.map((f) => f.contractNumber)).toEqual([r.tree[2]!.contractNumber]);
    expect(r.findings.some((f) => f.contractNumber === r.tree[3]!.contractNumber)).toBe(false);
    expect(r.findings.some((f) => f.ruleId === 'CHAIN_TOO_DEEP')).toBe(false);
    expect(r.tree[3]!.status).toBe('OK');
    expect(r.tree[2]!.status).toBe('VIOLATION');
  });

  it('names the borrowed project manager masked, and the enterprise the certificate belongs to', () => {
    const f = results.get('project.pmElsewhere')!.findings.find((g) => g.ruleId === 'QUALIFICATION_BORROWING')!;
    expect(f.parties.find((p) => p.role === 'REGISTERED_ENTERPRISE')!.creditCode).toBe(
      index.enterprises['contractor.gc2Clean']!.creditCode,
    );
    expect(f.parties.find((p) => p.role === 'PROJECT_MANAGER')!.idNumber).toMatch(/^\d{6}\*+[\dX]{4}$/);
    const clearId = world.person('contractor.gc2Clean', SLOT.PROJECT_MANAGER).idNumber;
    expect(f.parties.find((p) => p.role === 'PROJECT_MANAGER')!.idNumber).toBe(maskIdNumber(clearId));
    expect(JSON.stringify(results.get('project.pmElsewhere'))).not.toContain(clearId);
  });

  // issue 18.2: the qualification was issued after the contract was signed, so it did not cover it
  it('finds the contract signed before its contractor held the qualification, and nothing else about it', () => {
    const r = results.get('project.qualificationNotYetValid')!;
    expect(r.findings.map((f) => [f.ruleId, f.severity, f.contractNumber])).toEqual([
      ['QUALIFICATION_NOT_YET_VALID', 'VIOLATION', r.tree[0]!.contractNumber],
    ]);
    expect(r.findings[0]!.creditCode).toBe(index.enterprises['contractor.gcQualNotYetValid']!.creditCode);
    expect(r.findings[0]!.evidence.map((e) => [e.kind, e.department])).toEqual([
      ['contract', 'HOUSING'],
      ['credential', 'HOUSING'],
    ]);
  });

  it('reports the blacklisted subcontractor through the joint-punishment check, with the list entry', () => {
    const f = results.get('project.blacklistedParty')!.findings.find((g) => g.ruleId === 'BLACKLISTED_PARTY')!;
    expect(f.creditCode).toBe(index.enterprises['list.CONSTRUCTION_BLACKLIST']!.creditCode);
    expect(f.evidence.find((e) => e.kind === 'list_entry')).toMatchObject({ department: 'HOUSING', source: 'housing' });
  });
});

describe('enterprise-level rules on planted enterprises', () => {
  const cases: [string, string][] = [
    ['highRisk.noSafetyDirector', 'NO_SAFETY_DIRECTOR'],
    ['highRisk.engineersUnder15', 'SAFETY_ENGINEER_RATIO'],
    ['highRisk.noInsurance', 'NO_LIABILITY_INSURANCE'],
    ['highRisk.specialOperatorUncertified', 'SPECIAL_OPERATION_CERTIFICATE'],
  ];
  it.each(cases)('%s → %s', async (key, rule) => {
    const r = await service.enterpriseCheck(index.enterprises[key]!.creditCode, null, index.today);
    expect(r.findings.map((f) => f.ruleId)).toContain(rule);
  });

  it('a clean mine produces no findings', async () => {
    const r = await service.enterpriseCheck(index.enterprises['clean.mine']!.creditCode, null, index.today);
    expect(r.industry).toBe('MINE');
    expect(r.findings).toEqual([]);
  });
});

describe('bulk run', () => {
  it('checks every project in chunks and reports progress', async () => {
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM project`);
    const progress: number[] = [];
    const seen: string[] = [];
    const summary = await runProjectChecks(ds, {
      chunkSize: 7,
      asOf: index.today,
      onProgress: (done) => progress.push(done),
      onResult: (r) => void seen.push(r.project.projectCode),
    });
    expect(summary.projects).toBe(n);
    expect(new Set(seen).size).toBe(n);
    expect(progress.at(-1)).toBe(n);
    expect(progress.length).toBe(Math.ceil(n / 7));
    expect(summary.byRule['RESUBCONTRACT']).toBeGreaterThan(0);
    // background contractors' credentials were issued before their contracts were signed: the planted case is the only one
    expect(summary.byRule['QUALIFICATION_NOT_YET_VALID']).toBe(1);
    expect(summary.byRule['SAFETY_LICENCE_NOT_YET_VALID']).toBeUndefined();
    expect(summary.byRule['CONSTRUCTOR_NOT_YET_REGISTERED']).toBeUndefined();
    // the bulk path and the single check agree
    const clean = index.projects['project.clean']!.projectCode;
    expect(seen).toContain(clean);
  });
});
