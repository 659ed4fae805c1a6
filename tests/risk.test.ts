/**
 * Risk score and tier (002 (二十四)): hand-computed examples over records stored through the sync path,
 * the factor explanations with their evidence, the incremental update after a sync batch, and the
 * GraphQL view of it. Weights of version 1 (migrations/1732700000000-RiskAnalytics.ts):
 * overdue major 15, open major 6, larger accident 25, penalty 3 (cap 5), list entry 12, violations per
 * vehicle 5, no insurance 10, expired credential 6, no safety director 8; tiers B ≥ 10, C ≥ 25, D ≥ 50.
 */
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import type { CanonicalRecord } from '../src/domain/canonical.js';
import { idNumberCheckChar } from '../src/domain/codes.js';
import { activeRiskModel, recomputeAllRisk, riskBatchHook, riskByCodes } from '../src/risk/service.js';
import { PiiVault } from '../src/security/pii.js';
import { createHubServer, type HubServer } from '../src/server/app.js';
import { openStore } from '../src/store/data-source.js';
import { code, daysAgo, store } from './analytics-world.js';
import { mintToken, TEST_JWT_SECRET } from './support/auth.js';
import { createTestDatabase } from './support/db.js';
import { gql, registerToken } from './support/graphql-client.js';

type Rec = CanonicalRecord & { id: string };
const enterprise = (i: number, industryCode: string): Rec => ({
  id: `E-${i}`,
  kind: 'enterprise',
  creditCode: code(i),
  orgCode: code(i).slice(8, 17),
  name: `风险测试${i}有限公司`,
  type: '有限责任公司',
  status: 'ACTIVE',
  legalRepresentative: '王五',
  divisionCode: '420106',
  industryCode,
  registeredCapital: 100,
  establishedDate: '2010-01-01',
});
const ref = (i: number) => ({ creditCode: code(i) });

describe('risk score and tier', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let ds: DataSource;
  let server: HubServer;
  let url: string;
  const vault = new PiiVault(Buffer.alloc(32, 7));

  beforeAll(async () => {
    db = await createTestDatabase('risk');
    ds = await openStore(db.url);
    // 0: construction (high risk, needs a safety director); 1: textiles, clean; 2: road transport; 3: textiles, on a list; 4: textiles, 7 penalties
    await store(ds, vault, 'MARKET', [
      enterprise(0, 'E4710'),
      enterprise(1, 'C1810'),
      enterprise(2, 'G5430'),
      enterprise(3, 'C1810'),
      enterprise(4, 'C1810'),
      {
        id: 'L-1',
        kind: 'list_entry',
        list: 'ABNORMAL_OPERATION',
        subjectType: 'ENTERPRISE',
        enterprise: ref(3),
        reason: '未年报',
        legalBasis: '条例',
        decisionNumber: 'A1',
        startDate: daysAgo(100),
      },
      {
        id: 'L-2',
        kind: 'list_entry',
        list: 'ABNORMAL_OPERATION',
        subjectType: 'ENTERPRISE',
        enterprise: ref(3),
        reason: '已移出',
        legalBasis: '条例',
        decisionNumber: 'A2',
        startDate: daysAgo(400),
        removedDate: daysAgo(10),
      },
      ...Array.from({ length: 7 }, (_, k): Rec => ({
        id: `P4-${k}`,
        kind: 'penalty',
        enterprise: ref(4),
        decisionNumber: `P4-${k}`,
        decisionDate: daysAgo(30 + k),
        penaltyType: '罚款',
        reason: '违法',
      })),
    ]);
    await store(ds, vault, 'EMERGENCY', [
      {
        id: 'HD-overdue',
        kind: 'hidden_danger',
        enterprise: ref(0),
        level: 'MAJOR',
        description: '逾期',
        foundDate: daysAgo(90),
        deadline: daysAgo(30),
        foundBy: 'ENFORCEMENT',
        status: 'OPEN',
      },
      {
        id: 'HD-open',
        kind: 'hidden_danger',
        enterprise: ref(0),
        level: 'MAJOR',
        description: '未逾期',
        foundDate: daysAgo(10),
        deadline: daysAgo(-20),
        foundBy: 'ENFORCEMENT',
        status: 'RECTIFYING',
      },
      {
        id: 'HD-closed',
        kind: 'hidden_danger',
        enterprise: ref(0),
        level: 'MAJOR',
        description: '已销号',
        foundDate: daysAgo(90),
        deadline: daysAgo(60),
        foundBy: 'ENFORCEMENT',
        status: 'CLOSED',
        closedDate: daysAgo(70),
      },
      {
        id: 'HD-general',
        kind: 'hidden_danger',
        enterprise: ref(0),
        level: 'GENERAL',
        description: '一般',
        foundDate: daysAgo(90),
        deadline: daysAgo(60),
        foundBy: 'SELF_INSPECTION',
        status: 'OPEN',
      },
      {
        id: 'ACC-1',
        kind: 'accident',
        enterprise: ref(0),
        occurredOn: daysAgo(365),
        level: 'LARGER',
        deaths: 3,
        seriousInjuries: 0,
        directLoss: 500,
        description: '较大事故',
      },
      {
        id: 'ACC-old',
        kind: 'accident',
        enterprise: ref(0),
        occurredOn: daysAgo(4 * 365),
        level: 'MAJOR',
        deaths: 10,
        seriousInjuries: 0,
        directLoss: 900,
        description: '4年前',
      },
      ...[100, 200, 300].map((d, k): Rec => ({
        id: `P0-${k}`,
        kind: 'penalty',
        enterprise: ref(0),
        decisionNumber: `P0-${k}`,
        decisionDate: daysAgo(d),
        penaltyType: '罚款',
        reason: '违法',
      })),
      {
        id: 'P0-old',
        kind: 'penalty',
        enterprise: ref(0),
        decisionNumber: 'P0-old',
        decisionDate: daysAgo(3 * 365),
        penaltyType: '罚款',
        reason: '违法',
      },
      {
        id: 'INS-2',
        kind: 'insurance_policy',
        enterprise: ref(2),
        policyNumber: 'INS-2',
        insuranceKind: 'SAFETY_LIABILITY',
        insurer: '人保',
        validFrom: daysAgo(100),
        validTo: daysAgo(-265),
      },
    ]);
    await store(ds, vault, 'TRANSPORT', [
      {
        id: 'V-1',
        kind: 'vehicle',
        enterprise: ref(2),
        plateNumber: '鄂A00001',
        vehicleKind: 'DANGEROUS_GOODS',
        operatingCertificate: 'OC1',
        certificateValidTo: daysAgo(-100),
        monitoringOnline: true,
      },
      {
        id: 'V-2',
        kind: 'vehicle',
        enterprise: ref(2),
        plateNumber: '鄂A00002',
        vehicleKind: 'DANGEROUS_GOODS',
        operatingCertificate: 'OC2',
        certificateValidTo: daysAgo(5),
        monitoringOnline: true,
      },
      ...[10, 20, 30, 40, 50].map((d, k): Rec => ({
        id: `TV-${k}`,
        kind: 'transport_violation',
        enterprise: ref(2),
        plateNumber: '鄂A00001',
        occurredAt: `${daysAgo(d)}T02:00:00Z`,
        violationKind: 'OVERSPEED',
      })),
      {
        id: 'TV-old',
        kind: 'transport_violation',
        enterprise: ref(2),
        plateNumber: '鄂A00001',
        occurredAt: `${daysAgo(500)}T02:00:00Z`,
        violationKind: 'FATIGUE',
      },
    ]);
    await recomputeAllRisk(ds);

    const config = loadConfig({
      NODE_ENV: 'test',
      HUB_DATA_DIR: '.data/test-risk',
      HUB_JWT_SECRET: TEST_JWT_SECRET,
      HUB_RATE_LIMIT_POINTS: '0',
    });
    server = await createHubServer({ ds, config, vault, connectors: new Map(), log: pino({ level: 'silent' }) });
    url = await server.listen(0, '127.0.0.1');
    registerToken(url, await mintToken(['inspector']));
  });
  afterAll(async () => {
    await server?.close();
    await ds?.destroy();
    await db?.drop();
  });

  const risk = async (i: number) => (await riskByCodes(ds, [code(i)]))[0]!;
  const factorMap = (r: Awaited<ReturnType<typeof risk>>) => Object.fromEntries(r.factors.map((f) => [f.factor, f]));

  it('scores a construction firm by hand: 15 + 6 + 25 + 3×3 + 10 + 8 = 73 → D', async () => {
    const r = await risk(0);
    expect(r.score).toBe(73);
    expect(r.tier).toBe('D');
    expect(r.version).toBe(1);
    const f = factorMap(r);
    expect(Object.keys(f).sort()).toEqual([
      'ACCIDENT_LARGER_3Y',
      'MAJOR_HIDDEN_DANGER_OPEN',
      'MAJOR_HIDDEN_DANGER_OVERDUE',
      'NO_SAFETY_DIRECTOR',
      'NO_SAFETY_LIABILITY_INSURANCE',
      'PENALTIES_2Y',
    ]);
    expect(f.MAJOR_HIDDEN_DANGER_OVERDUE).toMatchObject({ weight: 15, value: 1, contribution: 15, evidenceCount: 1 });
    expect(f.MAJOR_HIDDEN_DANGER_OVERDUE!.evidence).toEqual([
      { department: 'EMERGENCY', source: 'emergency', sourceRecordId: 'HD-overdue', kind: 'hidden_danger' },
    ]);
    expect(f.MAJOR_HIDDEN_DANGER_OPEN!.evidence.map((e) => e.sourceRecordId)).toEqual(['HD-open']);
    // the accident four years ago and the penalty three years ago are outside their windows
    expect(f.ACCIDENT_LARGER_3Y).toMatchObject({ value: 1, contribution: 25 });
    expect(f.PENALTIES_2Y).toMatchObject({ weight: 3, value: 3, contribution: 9 });
    expect(f.PENALTIES_2Y!.evidence.map((e) => e.sourceRecordId)).toEqual(['P0-0', 'P0-1', 'P0-2']);
    // absence factors point at the registration record they are judged from
    expect(f.NO_SAFETY_DIRECTOR!.evidence).toEqual([{ department: 'MARKET', source: 'market', sourceRecordId: 'E-0', kind: 'enterprise' }]);
    // largest contribution first
    expect(r.factors.map((x) => x.contribution)).toEqual([...r.factors.map((x) => x.contribution)].sort((a, b) => b - a));
  });

  it('a clean enterprise outside high-risk industries scores 0 → A with no factors', async () => {
    const r = await risk(1);
    expect(r).toMatchObject({ score: 0, tier: 'A', factors: [] });
  });

  it('transport: 5 violations this year over 2 vehicles = 2.5 × 5 = 12.5, plus one expired operating certificate 6 = 18.5 → B', async () => {
    const r = await risk(2);
    const f = factorMap(r);
    expect(f.TRANSPORT_VIOLATIONS_PER_VEHICLE).toMatchObject({ value: 2.5, contribution: 12.5, evidenceCount: 5 });
    expect(f.EXPIRED_CREDENTIAL_IN_USE).toMatchObject({ value: 1, contribution: 6 });
    expect(f.EXPIRED_CREDENTIAL_IN_USE!.evidence[0]).toMatchObject({ sourceRecordId: 'V-2', kind: 'vehicle' });
    expect(f.NO_SAFETY_LIABILITY_INSURANCE).toBeUndefined(); // insured
    expect(r.score).toBe(18.5);
    expect(r.tier).toBe('B');
  });

  it('only list entries in force count (a removed one does not): 12 → B; penalties are capped at 5: 15 → B', async () => {
    const r3 = await risk(3);
    expect(factorMap(r3).LIST_ENTRIES_IN_FORCE).toMatchObject({ value: 1, contribution: 12 });
    expect(r3.score).toBe(12);
    const r4 = await risk(4);
    expect(factorMap(r4).PENALTIES_2Y).toMatchObject({ value: 7, cap: 5, contribution: 15, evidenceCount: 7 });
    expect(r4).toMatchObject({ score: 15, tier: 'B' });
  });

  it('recomputes incrementally after a sync batch: a new accident and a safety director change the score', async () => {
    const hook = riskBatchHook(ds);
    const before = await risk(1);
    const a = await store(ds, vault, 'EMERGENCY', [
      {
        id: 'ACC-new',
        kind: 'accident',
        enterprise: ref(1),
        occurredOn: daysAgo(3),
        level: 'MAJOR',
        deaths: 11,
        seriousInjuries: 2,
        directLoss: 3000,
        description: '新事故',
      },
    ]);
    expect([...a.affectedCreditCodes]).toEqual([code(1)]);
    await hook(a.affectedCreditCodes);
    const after = await risk(1);
    expect(after).toMatchObject({ score: 45, tier: 'C' });
    expect(after.computed_at.getTime()).toBeGreaterThanOrEqual(before.computed_at.getTime());
    expect(factorMap(after).ACCIDENT_MAJOR_3Y!.evidence[0]!.sourceRecordId).toBe('ACC-new');

    const untouched = await risk(0);
    const b = await store(ds, vault, 'EMERGENCY', [
      {
        id: 'ROLE-SD',
        kind: 'role',
        enterprise: ref(0),
        idNumber: '42010619800101123' + idNumberCheckChar('42010619800101123'),
        personName: '赵六',
        role: 'SAFETY_DIRECTOR',
        since: daysAgo(5),
      },
    ]);
    await hook(b.affectedCreditCodes.size ? b.affectedCreditCodes : new Set([code(0)]));
    const r0 = await risk(0);
    expect(r0.score).toBe(untouched.score - 8);
    expect(factorMap(r0).NO_SAFETY_DIRECTOR).toBeUndefined();
  });

  it('the model is data: version, weights and cut-offs', async () => {
    const m = await activeRiskModel(ds);
    expect(m.version).toBe(1);
    expect(m.cutoffs.map((c) => [c.tier, c.minScore])).toEqual([
      ['A', 0],
      ['B', 10],
      ['C', 25],
      ['D', 50],
    ]);
    expect(m.weights.find((w) => w.factor === 'MAJOR_HIDDEN_DANGER_OVERDUE')).toMatchObject({ weight: 15, cap: 3 });
  });

  it('answers Enterprise.risk over GraphQL with factors and evidence', async () => {
    const res = await gql(
      url,
      `query($c: ID!) { enterprise(creditCode: $c) { name risk { score tier version asOf computedAt
      factors { factor description weight cap value contribution evidenceCount evidence { department source sourceRecordId kind } } } } }`,
      { c: code(0) },
    );
    expect(res.errors).toBeUndefined();
    const p = res.data.enterprise.risk;
    expect(p).toMatchObject({ tier: 'D', version: 1 });
    expect(p.factors[0]).toMatchObject({ factor: 'ACCIDENT_LARGER_3Y', contribution: 25 });
    expect(p.factors.find((f: { factor: string }) => f.factor === 'MAJOR_HIDDEN_DANGER_OVERDUE').description).toContain('逾期');
    const model = await gql(url, `{ riskModel { version cutoffs { tier minScore } weights { factor weight } } }`);
    expect(model.data.riskModel.cutoffs).toHaveLength(4);
  });
});
