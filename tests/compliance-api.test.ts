/**
 * The compliance queries over real HTTP: a hub server on a store filled through the sync path with a
 * generated world; projectCheck, contractCheck (with its bad-input errors), enterpriseComplianceCheck,
 * projects, and who may call them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import type { Department } from '../src/domain/canonical.js';
import { makeCreditCode, maskIdNumber } from '../src/domain/codes.js';
import { worldParams, worldSlice } from '../src/generator/generate.js';
import { PLANTED_MIN_ENTERPRISES, PlantedWorld, type ScenarioIndex } from '../src/generator/planted.js';
import { SLOT } from '../src/generator/profile.js';
import { PiiVault } from '../src/security/pii.js';
import { createHubServer, type HubServer } from '../src/server/app.js';
import { openStore } from '../src/store/data-source.js';
import { applyEnvelopes } from '../src/sync/apply.js';
import { TEST_JWT_SECRET, bearer, mintToken } from './support/auth.js';
import { createTestDatabase } from './support/db.js';
import { gql } from './support/graphql-client.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let ds: DataSource;
let server: HubServer;
let url: string;
let officer: Record<string, string>;
let world: PlantedWorld;
let index: ScenarioIndex;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'compliance-api-'));

beforeAll(async () => {
  db = await createTestDatabase('compliance_api');
  ds = await openStore(db.url);
  const vault = new PiiVault(Buffer.alloc(32, 7));
  const log = pino({ level: 'silent' });
  const p = worldParams({ enterprises: PLANTED_MIN_ENTERPRISES + 10, seed: 7 });
  world = new PlantedWorld(p);
  index = world.index();
  const items = worldSlice(p, 0, p.enterprises).filter((i) => !i.dirt?.malformed);
  for (const [id, department] of [
    ['market', 'MARKET'],
    ['housing', 'HOUSING'],
    ['emergency', 'EMERGENCY'],
    ['transport', 'TRANSPORT'],
    ['fire', 'FIRE'],
  ] as [string, Department][]) {
    const mine = items.filter((i) => i.department === department);
    await applyEnvelopes(
      { ds, vault, log },
      { id, department },
      mine.map((i) => ({ sourceRecordId: i.sourceRecordId, kind: i.record.kind, raw: i.record, record: i.record })),
    );
  }
  const config = loadConfig({
    NODE_ENV: 'test',
    HUB_DATA_DIR: dataDir,
    HUB_JWT_SECRET: TEST_JWT_SECRET,
    HUB_RATE_LIMIT_POINTS: '0',
    LOG_LEVEL: 'silent',
  });
  server = await createHubServer({ ds, config, vault, connectors: new Map(), log });
  url = await server.listen(0, '127.0.0.1');
  officer = bearer(await mintToken(['licensing_officer']));
});

afterAll(async () => {
  await server?.close();
  await ds?.destroy();
  await db?.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const PROJECT_CHECK = `query($code: ID!, $asOf: Date) { projectCheck(projectCode: $code, asOf: $asOf) {
  status policyVersion project { projectCode scale }
  findings { ruleId severity clause messageZh messageEn contractNumber parties { role creditCode name personName idNumber } evidence { department source sourceRecordId kind description } }
  tree { contractNumber parentContractNumber kind depth chainDepth status proposed contractor { creditCode name } contract { contractNumber provenance { source } } } } }`;
const CONTRACT_CHECK = `query($input: ProposedContractInput!) { contractCheck(input: $input) {
  contractNumber status findings { ruleId severity contractNumber parties { role creditCode idNumber } evidence { source kind sourceRecordId } }
  tree { contractNumber depth status proposed contract { contractNumber } } } }`;

const code = (key: string) => index.enterprises[key]!.creditCode;
const projectOf = (key: string) => index.projects[key]!.projectCode;

describe('projectCheck over HTTP', () => {
  it('answers a clean project with no findings and its tree of stored contracts', async () => {
    const r = await gql(url, PROJECT_CHECK, { code: projectOf('project.clean'), asOf: index.today }, officer);
    expect(r.errors).toBeUndefined();
    const c = r.data.projectCheck;
    expect(c.status).toBe('OK');
    expect(c.findings).toEqual([]);
    // the current version of the policy data (each migration that changes it adds one)
    const [{ v }] = await ds.query(`SELECT max(version)::int AS v FROM compliance_policy_version`);
    expect(c.policyVersion).toBe(v);
    expect(
      c.tree.map((n: { kind: string; depth: number; status: string; contract: { provenance: { source: string } } }) => [
        n.kind,
        n.depth,
        n.status,
        n.contract.provenance.source,
      ]),
    ).toEqual([
      ['GENERAL', 1, 'OK', 'housing'],
      ['PROFESSIONAL_SUBCONTRACT', 2, 'OK', 'housing'],
      ['LABOUR_SUBCONTRACT', 3, 'OK', 'housing'],
    ]);
  });

  it('answers a transfer with the three parties and the contracts as evidence', async () => {
    const r = await gql(url, PROJECT_CHECK, { code: projectOf('project.transfer'), asOf: index.today }, officer);
    const f = r.data.projectCheck.findings.find((x: { ruleId: string }) => x.ruleId === 'WHOLE_TRANSFER');
    expect(f.parties.map((p: { role: string; creditCode: string }) => [p.role, p.creditCode])).toEqual([
      ['EMPLOYER', code('builder')],
      ['TRANSFERRING', code('contractor.gcClean')],
      ['UNDERTAKING', code('contractor.gc2Clean')],
    ]);
    expect(f.evidence.map((e: { kind: string; source: string }) => [e.kind, e.source])).toEqual([
      ['contract', 'housing'],
      ['contract', 'housing'],
    ]);
    expect(r.data.projectCheck.tree[1].status).toBe('VIOLATION');
  });

  // issue 18.2: the not-yet-valid findings are listed in the catalogue with their own id and clause, and found over HTTP
  it('answers a contract signed before the qualification was issued with its own finding, listed in the rule catalogue', async () => {
    const r = await gql(url, PROJECT_CHECK, { code: projectOf('project.qualificationNotYetValid'), asOf: index.today }, officer);
    expect(r.errors).toBeUndefined();
    expect(r.data.projectCheck.status).toBe('VIOLATION');
    expect(r.data.projectCheck.findings.map((f: { ruleId: string }) => f.ruleId)).toEqual(['QUALIFICATION_NOT_YET_VALID']);
    const rules = await gql(url, `{ complianceRules { id severity clause } }`, {}, officer);
    const byId = new Map(rules.data.complianceRules.map((x: { id: string; severity: string; clause: string }) => [x.id, x]));
    for (const [variant, parent] of [
      ['QUALIFICATION_NOT_YET_VALID', 'QUALIFICATION_EXPIRED'],
      ['SAFETY_LICENCE_NOT_YET_VALID', 'NO_SAFETY_LICENCE'],
      ['CONSTRUCTOR_NOT_YET_REGISTERED', 'QUALIFICATION_BORROWING'],
    ]) {
      expect(byId.get(variant), variant).toMatchObject({ severity: 'VIOLATION', clause: (byId.get(parent) as { clause: string }).clause });
    }
    expect(r.data.projectCheck.findings[0].clause).toBe((byId.get('QUALIFICATION_NOT_YET_VALID') as { clause: string }).clause);
  });

  it('refuses an unknown project as BAD_USER_INPUT naming projectCode', async () => {
    const r = await gql(url, PROJECT_CHECK, { code: 'XM-NOT-THERE' }, officer);
    expect(r.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'projectCode' });
  });

  it('is for licensing officers and inspectors, not analysts', async () => {
    const r = await gql(url, PROJECT_CHECK, { code: projectOf('project.clean') }, bearer(await mintToken(['analyst'])));
    expect(r.errors![0]!.extensions!.code).toBe('FORBIDDEN');
  });
});

describe('contractCheck over HTTP', () => {
  const tree = async () =>
    (await gql(url, PROJECT_CHECK, { code: projectOf('project.clean'), asOf: index.today }, officer)).data.projectCheck.tree;
  const input = async (o: Record<string, unknown> = {}) => {
    const t = await tree();
    return {
      projectCode: projectOf('project.clean'),
      parentContractNumber: t[1].contractNumber,
      kind: 'LABOUR_SUBCONTRACT',
      employerCreditCode: code('contractor.profClean'),
      contractorCreditCode: code('contractor.labourClean'),
      scope: '劳务作业',
      value: 120,
      safetyAgreementSigned: true,
      signedOn: index.today,
      ...o,
    };
  };

  it('passes a lawful labour subcontract under the professional one, shown in the tree as proposed', async () => {
    const r = await gql(url, CONTRACT_CHECK, { input: await input() }, officer);
    expect(r.errors).toBeUndefined();
    expect(r.data.contractCheck.status).toBe('OK');
    expect(r.data.contractCheck.findings).toEqual([]);
    const proposed = r.data.contractCheck.tree.find((n: { proposed: boolean }) => n.proposed);
    expect(proposed).toMatchObject({ contractNumber: 'PROPOSED', depth: 3, status: 'OK', contract: null });
  });

  it('finds re-subcontracting, a missing safety agreement and a borrowed project manager on a proposed professional subcontract', async () => {
    const pm = world.person('contractor.gc2Clean', SLOT.PROJECT_MANAGER).idNumber;
    const r = await gql(
      url,
      CONTRACT_CHECK,
      {
        input: await input({
          contractNumber: 'NEW-1',
          kind: 'PROFESSIONAL_SUBCONTRACT',
          contractorCreditCode: code('contractor.prof2Clean'),
          scope: '地基基础工程',
          safetyAgreementSigned: false,
          projectManagerIdNumber: pm,
        }),
      },
      officer,
    );
    expect(r.errors).toBeUndefined();
    const c = r.data.contractCheck;
    expect(c.status).toBe('VIOLATION');
    expect(c.findings.map((f: { ruleId: string }) => f.ruleId).sort()).toEqual([
      'NO_SAFETY_AGREEMENT',
      'QUALIFICATION_BORROWING',
      'RESUBCONTRACT',
    ]);
    for (const f of c.findings) expect(f.contractNumber).toBe('NEW-1');
    expect(c.findings.find((f: { ruleId: string }) => f.ruleId === 'RESUBCONTRACT').evidence.at(-1)).toEqual({
      source: 'proposal',
      kind: 'contract',
      sourceRecordId: 'NEW-1',
    });
    const borrowed = c.findings.find((f: { ruleId: string }) => f.ruleId === 'QUALIFICATION_BORROWING');
    expect(borrowed.parties.find((p: { role: string }) => p.role === 'PROJECT_MANAGER').idNumber).toBe(maskIdNumber(pm));
    expect(JSON.stringify(r.data)).not.toContain(pm);
  });

  const bad: [string, () => Record<string, unknown>, string][] = [
    ['an unknown project', () => ({ projectCode: 'XM-NOT-THERE' }), 'input.projectCode'],
    ['a parent contract that does not exist', () => ({ parentContractNumber: 'HT-NOPE-01' }), 'input.parentContractNumber'],
    ['a negative value', () => ({ value: -1 }), 'input.value'],
    ['a malformed credit code', () => ({ contractorCreditCode: '91420106MA4K00001' }), 'input.contractorCreditCode'],
    [
      'a credit code with a wrong check character',
      () => ({ contractorCreditCode: `${makeCreditCode('9', '1', '420106', 'MA4K0001').slice(0, 17)}0` }),
      'input.contractorCreditCode',
    ],
    ['a malformed ID number', () => ({ projectManagerIdNumber: '42010619900101123' }), 'input.projectManagerIdNumber'],
    [
      "an employer who is not the parent contract's contractor",
      () => ({ employerCreditCode: code('contractor.gc2Clean') }),
      'input.employerCreditCode',
    ],
    ['a subcontract without its parent', () => ({ parentContractNumber: null }), 'input.parentContractNumber'],
  ];
  it.each(bad)('refuses %s as BAD_USER_INPUT naming the field', async (_what, change, field) => {
    const r = await gql(url, CONTRACT_CHECK, { input: await input(change()) }, officer);
    expect(r.data).toBeNull();
    expect(r.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(r.errors![0]!.message.startsWith(`${field}: `)).toBe(true);
  });
});

describe('enterpriseComplianceCheck and projects over HTTP', () => {
  const Q = `query($code: ID!, $industry: HighRiskIndustry, $asOf: Date) { enterpriseComplianceCheck(creditCode: $code, industry: $industry, asOf: $asOf) {
    creditCode industry status findings { ruleId clause parties { role creditCode } evidence { kind source } } } }`;

  it('derives the industry from the industry code, or takes the one given', async () => {
    const r = await gql(url, Q, { code: code('highRisk.noSafetyDirector'), asOf: index.today }, officer);
    expect(r.data.enterpriseComplianceCheck).toMatchObject({ industry: 'MINE', status: 'VIOLATION' });
    expect(r.data.enterpriseComplianceCheck.findings.map((f: { ruleId: string }) => f.ruleId)).toEqual(['NO_SAFETY_DIRECTOR']);
    const clean = await gql(url, Q, { code: code('clean.general'), industry: 'CONSTRUCTION', asOf: index.today }, officer);
    expect(clean.data.enterpriseComplianceCheck.industry).toBe('CONSTRUCTION');
    expect(clean.data.enterpriseComplianceCheck.findings.map((f: { ruleId: string }) => f.ruleId)).toContain('NO_SAFETY_LICENCE');
  });

  it('refuses a malformed credit code', async () => {
    const r = await gql(url, Q, { code: 'ABC' }, officer);
    expect(r.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'creditCode' });
  });

  it('lists projects in pages with a filter', async () => {
    const P = `query($after: String, $where: ProjectWhere) { projects(first: 5, after: $after, where: $where) { totalCount nodes { projectCode } pageInfo { hasNextPage endCursor } } }`;
    const first = await gql(url, P, {}, officer);
    const all: string[] = [];
    let page = first.data.projects;
    all.push(...page.nodes.map((n: { projectCode: string }) => n.projectCode));
    while (page.pageInfo.hasNextPage) {
      page = (await gql(url, P, { after: page.pageInfo.endCursor }, officer)).data.projects;
      all.push(...page.nodes.map((n: { projectCode: string }) => n.projectCode));
    }
    expect(all.length).toBe(first.data.projects.totalCount);
    expect([...all].sort()).toEqual(all);
    expect(all).toContain(projectOf('project.clean'));
    const byContractor = await gql(url, P, { where: { contractorCreditCode: code('contractor.gcGrade3') } }, officer);
    expect(byContractor.data.projects.nodes.map((n: { projectCode: string }) => n.projectCode)).toEqual([projectOf('project.gradeTooLow')]);
  });
});

/** Issue 18.6: the thresholds and the blacklist lists are policy data with their legal basis. */
describe('compliancePolicy over HTTP', () => {
  const Q = `{ compliancePolicy { version settings { key value description legalBasis } blacklistLists { list legalBasis } } }`;
  const E = `query($code: ID!) { enterpriseComplianceCheck(creditCode: $code) { findings { ruleId severity messageZh evidence { kind sourceRecordId description } } } }`;

  it('shows the settings and the blacklist lists as stored, each with its basis, at the current version', async () => {
    const r = await gql(url, Q, {}, officer);
    expect(r.errors).toBeUndefined();
    const p = r.data.compliancePolicy as {
      version: number;
      settings: { key: string; value: string; legalBasis: string | null }[];
      blacklistLists: { list: string; legalBasis: string }[];
    };
    const [{ v }] = await ds.query(`SELECT max(version)::int AS v FROM compliance_policy_version`);
    expect(p.version).toBe(v);
    const depth = p.settings.find((x) => x.key === 'max_chain_depth')!;
    const [{ value }] = await ds.query(`SELECT value FROM compliance_setting WHERE key = 'max_chain_depth'`);
    expect(JSON.parse(depth.value)).toBe(value);
    // 000 (十四) names 层层转包
    expect(depth.legalBasis).toContain('（十四）');
    const stored = ((await ds.query(`SELECT list FROM blacklist_list ORDER BY list`)) as { list: string }[]).map((x) => x.list);
    expect(p.blacklistLists.map((x) => x.list).sort()).toEqual(stored);
    // 经营异常名录 is a notice, not a blacklist; the five core blacklists and the principal ban are (a department package may add its own)
    expect(stored).toEqual(
      expect.arrayContaining([
        'CONSTRUCTION_BLACKLIST',
        'FIRE_DISHONEST',
        'PRINCIPAL_BAN',
        'SAFETY_DISHONEST',
        'SERIOUS_ILLEGAL_DISHONEST',
        'TRANSPORT_DISHONEST',
      ]),
    );
    expect(stored).not.toContain('ABNORMAL_OPERATION');
    for (const x of p.blacklistLists) expect(x.legalBasis, x.list).toMatch(/《.+》/);
  });

  it('an enterprise only on the abnormal-operation list is not a blacklisted party; one on the construction blacklist is', async () => {
    const abnormal = await gql(url, E, { code: code('list.ABNORMAL_OPERATION') }, officer);
    expect(abnormal.errors).toBeUndefined();
    expect(abnormal.data.enterpriseComplianceCheck.findings.map((f: { ruleId: string }) => f.ruleId)).not.toContain('BLACKLISTED_PARTY');
    const black = await gql(url, E, { code: code('list.CONSTRUCTION_BLACKLIST') }, officer);
    expect(black.data.enterpriseComplianceCheck.findings.map((f: { ruleId: string }) => f.ruleId)).toContain('BLACKLISTED_PARTY');
  });

  it('a party whose legal representative a serious-dishonesty listing followed is a blacklisted party, the evidence naming the listed enterprise', async () => {
    const r = await gql(url, E, { code: code('follow.applicant') }, officer);
    expect(r.errors).toBeUndefined();
    const f = r.data.enterpriseComplianceCheck.findings.find((x: { ruleId: string }) => x.ruleId === 'BLACKLISTED_PARTY');
    expect(f).toBeDefined();
    const entries = f.evidence.filter((x: { kind: string }) => x.kind === 'list_entry');
    expect(entries.length).toBe(2);
    for (const x of entries) expect(x.description).toContain(index.enterprises['follow.listed']!.name);
  });
});
