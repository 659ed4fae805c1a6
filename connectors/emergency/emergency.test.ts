/**
 * 应急管理 source end to end: seeder → PostgreSQL (sim_emergency) → OAuth-protected HTTP simulator →
 * connector → canonical records. Real database, real sockets; nothing mocked. The behaviours every
 * source shares (paging, resuming, faults, dirt) come from the connector contract; here only this
 * system's own (its wire, OAuth, the occasional 503 with Retry-After).
 */
import axios from 'axios';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CanonicalRecord } from '../../src/domain/canonical.js';
import { idNumberCheckChar, makeCreditCode, orgCodeOfCreditCode } from '../../src/domain/codes.js';
import type { WorldItem } from '../../src/generator/world.js';
import { fullWidthName } from '../kit/dirt.js';
import { connectorContract } from '../kit/contract.js';
import { collect, failure, flat, quietDeps, seededSystem, type SeededSystem, worldItemsOf } from '../kit/testing.js';
import type { Connector, SimulatorEnv, SourceEnvelope } from '../types.js';
import source from './index.js';
import { toWireInstant } from './mapping.js';
import { startSimulator, type EmergencySimulator } from './simulator.js';

const T0 = '2025-01-01T00:00:00.000Z';
const T1 = '2025-02-01T08:30:00.000Z';
const idNo = (first17: string) => first17 + idNumberCheckChar(first17);

const E1 = makeCreditCode('9', '1', '420106', 'MA4K0E01');
const E2 = makeCreditCode('9', '1', '140105', '11020304');
const E3 = makeCreditCode('9', '1', '430181', 'MA4L0E03');
const E1_NAME = '湖北楚天化工(集团)有限公司';
const E3_NAME = '浏阳市花炮有限公司';
const P1 = idNo('42010619750203101'); // principal of E1, under a lifetime industry ban
const P2 = idNo('42010619800315202'); // safety director of E1
const P3 = idNo('42010619900420303'); // electrician at E1
const P4 = idNo('14010519850511404'); // registered safety engineer at E2
const P5 = idNo('14010519700101505'); // former principal of E2, banned
const P6 = idNo('43018119951231606'); // not linked to any enterprise

const item = worldItemsOf('EMERGENCY', T0);
const licence = (number: string, enterprise: object, extra: object = {}): CanonicalRecord =>
  ({
    kind: 'credential',
    credentialKind: 'SAFETY_PRODUCTION_LICENCE',
    number,
    enterprise,
    category: null,
    grade: null,
    scope: '危险化学品生产',
    issuerDepartment: 'EMERGENCY',
    validFrom: '2023-01-01',
    validTo: '2025-12-31',
    status: 'VALID',
    ...extra,
  }) as CanonicalRecord;
const danger = (enterprise: object, extra: object): CanonicalRecord =>
  ({
    kind: 'hidden_danger',
    enterprise,
    level: 'MAJOR',
    description: '储罐区可燃气体报警器失效',
    foundDate: '2024-09-01',
    deadline: '2024-10-01',
    foundBy: 'ENFORCEMENT',
    status: 'RECTIFYING',
    closedDate: null,
    ...extra,
  }) as CanonicalRecord;
const accident = (enterprise: object, extra: object): CanonicalRecord =>
  ({
    kind: 'accident',
    enterprise,
    occurredOn: '2023-06-12',
    level: 'GENERAL',
    deaths: 1,
    seriousInjuries: 0,
    directLoss: 85.25,
    description: '检修作业中触电',
    reportingViolation: null,
    ...extra,
  }) as CanonicalRecord;
const list = (extra: object): CanonicalRecord =>
  ({
    kind: 'list_entry',
    list: 'SAFETY_DISHONEST',
    subjectType: 'ENTERPRISE',
    reason: '发生较大生产安全事故并负有责任',
    legalBasis: '《对安全生产领域失信行为开展联合惩戒的实施办法》第三条',
    decisionNumber: '晋应急失信〔2024〕2号',
    startDate: '2024-03-01',
    endDate: '2025-03-01',
    removedDate: null,
    idNumber: null,
    personName: null,
    ...extra,
  }) as CanonicalRecord;

const ITEMS: WorldItem[] = [
  item('PER-0001', { kind: 'person', idNumber: P1, name: '李建国', phone: '13907100001' }),
  item('PER-0002', { kind: 'person', idNumber: P2, name: '王芳', phone: null }),
  item('PER-0003', { kind: 'person', idNumber: P3, name: '赵强', phone: '13807100003' }),
  item('PER-0004', { kind: 'person', idNumber: P4, name: '孙丽', phone: '13503510004' }),
  item('PER-0005', { kind: 'person', idNumber: P5, name: '周德海', phone: null }),
  item('PER-0006', { kind: 'person', idNumber: P6, name: '坏数据', phone: null }, T1, { malformed: true }),
  item('LIC-0001', licence('(鄂)WH安许证字〔2023〕0101', { creditCode: E1, name: E1_NAME }, { category: '危险化学品生产企业' })),
  item(
    'LIC-0002',
    licence(
      '(晋)MK安许证字〔2019〕0033',
      { orgCode: orgCodeOfCreditCode(E2) },
      { scope: '煤炭开采', validFrom: '2019-05-01', validTo: '2022-04-30', status: 'EXPIRED' },
    ),
    T0,
    { refStyle: 'orgCode' },
  ),
  item(
    'LIC-0003',
    licence(
      '鄂武危化经字〔2024〕0088',
      { creditCode: E1 },
      { credentialKind: 'HAZCHEM_OPERATION_LICENCE', category: '带储存经营', scope: '汽油、柴油、液化石油气', status: 'SUSPENDED' },
    ),
  ),
  item('LIC-0004', licence('(湘)YH安许证字〔2022〕0007', { name: E3_NAME }, { scope: '烟花爆竹生产', validTo: null }), T1, {
    refStyle: 'name',
  }),
  item('LIC-0005', licence('(鄂)WH安许证字〔2020〕0999', { creditCode: E1 }), T1, { malformed: true }),
  item('CERT-0001', {
    kind: 'credential',
    credentialKind: 'SPECIAL_OPERATION_CERTIFICATE',
    number: `T${P3}`,
    idNumber: P3,
    category: '电工作业',
    grade: null,
    scope: '低压电工作业',
    registeredEnterprise: { creditCode: E1 },
    issuerDepartment: 'EMERGENCY',
    validFrom: '2021-07-01',
    validTo: '2027-06-30',
    status: 'VALID',
  }),
  item('CERT-0002', {
    kind: 'credential',
    credentialKind: 'REGISTERED_SAFETY_ENGINEER',
    number: '0014010520190123',
    idNumber: P4,
    category: null,
    grade: '中级',
    scope: '煤矿安全',
    registeredEnterprise: { creditCode: E2 },
    issuerDepartment: 'EMERGENCY',
    validFrom: '2019-10-01',
    validTo: '2024-09-30',
    status: 'EXPIRED',
  }),
  item(
    'CERT-0003',
    {
      kind: 'credential',
      credentialKind: 'SPECIAL_OPERATION_CERTIFICATE',
      number: `T${P2}`,
      idNumber: P2,
      category: '危险化学品安全作业',
      grade: null,
      scope: '氯化工艺作业',
      registeredEnterprise: { name: E1_NAME },
      issuerDepartment: 'EMERGENCY',
      validFrom: null,
      validTo: null,
      status: 'REVOKED',
    },
    T0,
    { refStyle: 'fullWidthName' },
  ),
  item('ROLE-0001', {
    kind: 'role',
    enterprise: { creditCode: E1 },
    idNumber: P1,
    personName: '李建国',
    role: 'PRINCIPAL',
    since: '2018-01-01',
    until: null,
  }),
  item('ROLE-0002', {
    kind: 'role',
    enterprise: { creditCode: E1 },
    idNumber: P2,
    personName: '王芳',
    role: 'SAFETY_DIRECTOR',
    since: '2022-03-15',
    until: null,
  }),
  item('ROLE-0003', {
    kind: 'role',
    enterprise: { creditCode: E1 },
    idNumber: P3,
    personName: '赵强',
    role: 'SPECIAL_OPERATOR',
    since: null,
    until: '2026-01-31',
  }),
  item('ROLE-0004', {
    kind: 'role',
    enterprise: { creditCode: E2 },
    idNumber: P4,
    personName: '孙丽',
    role: 'REGISTERED_SAFETY_ENGINEER',
    since: '2020-01-01',
    until: null,
  }),
  item('ROLE-0005', {
    kind: 'role',
    enterprise: { creditCode: E2 },
    idNumber: P4,
    personName: '孙丽',
    role: 'SAFETY_MANAGER',
    since: '2020-01-01',
    until: null,
  }),
  item(
    'ROLE-0006',
    {
      kind: 'role',
      enterprise: { creditCode: E2 },
      idNumber: P5,
      personName: '周德海',
      role: 'PRINCIPAL',
      since: '2010-01-01',
      until: '2021-08-31',
    },
    T1,
    { malformed: true },
  ),
  // five hidden dangers on one updatedAt: batch boundaries must not skip or repeat
  item('HD-0001', danger({ creditCode: E1 }, {})),
  item(
    'HD-0002',
    danger(
      { creditCode: E1 },
      { level: 'GENERAL', foundBy: 'SELF_INSPECTION', status: 'CLOSED', closedDate: '2024-09-20', description: '安全出口指示灯损坏' },
    ),
  ),
  item('HD-0003', danger({ creditCode: E2 }, { foundBy: 'HIGHER_SUPERVISION', status: 'OPEN', description: '采空区未按规定探放水' })),
  item(
    'HD-0004',
    danger({ creditCode: E2 }, { level: 'GENERAL', foundBy: 'PUBLIC_REPORT', status: 'OPEN', description: '井下作业人员未佩戴自救器' }),
  ),
  item(
    'HD-0005',
    danger({ creditCode: E3 }, { foundBy: 'LOCAL_REPORT', status: 'CLOSED', closedDate: '2024-09-30', description: '药物混合工房超员' }),
  ),
  item('HD-0006', danger({ creditCode: E3 }, {}), T1, { malformed: true }),
  item('PEN-0001', {
    kind: 'penalty',
    enterprise: { creditCode: E1 },
    decisionNumber: '(鄂武)应急罚〔2024〕15号',
    decisionDate: '2024-10-08',
    penaltyType: '罚款',
    reason: '未按规定开展隐患排查治理',
    legalBasis: '《安全生产法》第一百零二条',
    amount: 30000,
  }),
  item(
    'PEN-0002',
    {
      kind: 'penalty',
      enterprise: { orgCode: orgCodeOfCreditCode(E2) },
      decisionNumber: '(晋)应急罚〔2021〕3号',
      decisionDate: '2021-09-01',
      penaltyType: '责令停产停业整顿',
      reason: '特种作业人员未持证上岗',
      legalBasis: null,
      amount: null,
    },
    T0,
    { refStyle: 'orgCode' },
  ),
  item(
    'PEN-0003',
    {
      kind: 'penalty',
      enterprise: { creditCode: E3 },
      decisionNumber: '(湘)应急罚〔2023〕1号',
      decisionDate: '2023-02-02',
      penaltyType: '罚款',
      reason: '安全生产责任制不落实',
      legalBasis: null,
      amount: 12345.67,
    },
    T1,
    { malformed: true },
  ),
  item(
    'ACC-0001',
    accident(
      { creditCode: E2 },
      {
        level: 'MAJOR',
        deaths: 12,
        seriousInjuries: 5,
        directLoss: 3560.5,
        description: '透水事故',
        reportingViolation: 'LATE',
        occurredOn: '2021-08-20',
      },
    ),
  ),
  item('ACC-0002', accident({ creditCode: E1 }, {})),
  item(
    'ACC-0003',
    accident(
      { creditCode: E3 },
      { level: 'LARGER', deaths: 3, seriousInjuries: 2, directLoss: 420, description: '爆炸事故', reportingViolation: 'CONCEALED' },
    ),
  ),
  item(
    'ACC-0004',
    accident(
      { creditCode: E2 },
      {
        level: 'ESPECIALLY_MAJOR',
        deaths: 31,
        seriousInjuries: 40,
        directLoss: 12000.75,
        description: '瓦斯爆炸',
        reportingViolation: 'FALSE',
        occurredOn: '2009-11-21',
      },
    ),
  ),
  item('ACC-0005', accident({ creditCode: E2 }, {}), T1, { malformed: true }),
  item('LST-0001', list({ enterprise: { creditCode: E2 } })),
  item(
    'LST-0002',
    list({
      subjectType: 'PERSON',
      enterprise: { creditCode: E2 },
      idNumber: P5,
      personName: '周德海',
      decisionNumber: '晋应急失信〔2024〕3号',
    }),
  ),
  item(
    'LST-0003',
    list({
      list: 'PRINCIPAL_BAN',
      subjectType: 'PERSON',
      idNumber: P5,
      personName: '周德海',
      reason: '对重大事故负有责任被撤职',
      legalBasis: '《安全生产法》第九十四条',
      decisionNumber: '晋应急禁〔2021〕1号',
      startDate: '2021-09-01',
      endDate: '2026-09-01',
      banScope: 'ALL_UNITS',
      banIndustry: null,
    }),
  ),
  item(
    'LST-0004',
    list({
      list: 'PRINCIPAL_BAN',
      subjectType: 'PERSON',
      idNumber: P1,
      personName: '李建国',
      reason: '对特别重大事故负有主要责任',
      legalBasis: '《安全生产法》第九十四条',
      decisionNumber: '应急禁〔2010〕9号',
      startDate: '2010-01-01',
      endDate: null,
      banScope: 'INDUSTRY',
      banIndustry: 'B06',
    }),
  ),
  item('LST-0005', list({ enterprise: { creditCode: E1 }, removedDate: '2024-12-01' })),
  item('LST-0006', list({ enterprise: { creditCode: E3 } }), T1, { malformed: true }),
  item('INS-0001', {
    kind: 'insurance_policy',
    enterprise: { creditCode: E1 },
    policyNumber: 'PICC-AQ-2025-000123',
    insuranceKind: 'SAFETY_LIABILITY',
    insurer: '中国人民财产保险股份有限公司武汉市分公司',
    validFrom: '2025-01-01',
    validTo: '2025-12-31',
  }),
  item(
    'INS-0002',
    {
      kind: 'insurance_policy',
      enterprise: { creditCode: E3, name: E3_NAME },
      policyNumber: 'CPIC-AQ-2024-7788',
      insuranceKind: 'SAFETY_LIABILITY',
      insurer: '中国太平洋财产保险股份有限公司长沙分公司',
      validFrom: '2024-07-01',
      validTo: '2025-06-30',
    },
    T1,
  ),
  item(
    'INS-0003',
    {
      kind: 'insurance_policy',
      enterprise: { creditCode: E2 },
      policyNumber: 'PA-AQ-2024-1',
      insuranceKind: 'SAFETY_LIABILITY',
      insurer: '平安财产保险股份有限公司',
      validFrom: '2024-01-01',
      validTo: '2024-12-31',
    },
    T1,
    { malformed: true },
  ),
];
const ALL_IDS = ITEMS.map((i) => i.sourceRecordId).sort();
const MALFORMED = new Set(ITEMS.filter((i) => i.dirt?.malformed).map((i) => i.sourceRecordId));
const byId = (id: string) => ITEMS.find((i) => i.sourceRecordId === id)!;

connectorContract(source, {
  items: ITEMS,
  splitAt: 20,
  // full-width names are stored as re-typed into the old forms
  carried: (i) =>
    i.sourceRecordId === 'CERT-0003'
      ? ({ ...i.record, registeredEnterprise: { name: fullWidthName(E1_NAME) } } as CanonicalRecord)
      : i.record,
  // the snake_case field and why, or the missing reference
  dirtError: /[a-z_]+: |names no enterprise/,
  keys: [E1, E2, E3],
  touches: [
    {
      id: 'HD-0001',
      change: { status: 'CLOSED', closedDate: '2025-01-20' },
      expected: { ...byId('HD-0001').record, status: 'CLOSED', closedDate: '2025-01-20' } as CanonicalRecord,
    },
    { id: 'PER-0002', change: { phone: '13900001111' }, expected: { ...byId('PER-0002').record, phone: '13900001111' } as CanonicalRecord },
  ],
  midStream: true,
  refused: { options: () => ({ clientSecret: 'wrong' }) },
  gb18030: { skip: 'an HTTP JSON API: its answers are UTF-8 (application/json; charset=utf-8)' },
});

describe('emergency source (应急管理): its own wire', () => {
  let db: SeededSystem['db'];
  let env: SimulatorEnv;
  let sim: EmergencySimulator;
  let connector: Connector;
  const opened: Connector[] = [];
  const connect = (extra: Record<string, unknown> = {}) => {
    const c = source.createConnector({ timeoutMs: 3000, ...sim.connectorOptions, ...extra }, quietDeps);
    opened.push(c);
    return c;
  };
  const base = () => String(sim.connectorOptions.baseUrl);
  const token = async () =>
    (
      await axios.post(
        `${base()}/oauth/token`,
        new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: String(sim.connectorOptions.clientId),
          client_secret: String(sim.connectorOptions.clientSecret),
        }).toString(),
        { timeout: 2000 },
      )
    ).data.access_token as string;

  beforeAll(async () => {
    const seeded = await seededSystem(source, ITEMS, 20);
    ({ db, env } = seeded);
    expect(seeded.written).toBe(ITEMS.length);
    sim = await startSimulator(env);
    connector = connect();
  });
  afterAll(async () => {
    for (const c of opened) await c.close();
    await sim?.close();
    await db?.drop();
  });
  beforeEach(async () => {
    await sim.setFaults({ mode: 'none' });
    sim.configure({ unavailableEvery: 0, retryAfterSeconds: 1 });
  });

  it('hands out exactly what its connector needs', () => {
    expect(Object.keys(sim.connectorOptions).sort()).toEqual(['baseUrl', 'clientId', 'clientSecret']);
    expect(source.id).toBe('emergency');
    expect(source.department).toBe('EMERGENCY');
    expect(connector.provides).toEqual([
      'person',
      'credential',
      'role',
      'hidden_danger',
      'penalty',
      'accident',
      'list_entry',
      'insurance_policy',
    ]);
    expect(() => source.createConnector({ timeoutMs: 1000, baseUrl: 'not a url' }, { log: console })).toThrow(/baseUrl.*clientId/s);
  });

  let envelopes: SourceEnvelope[];
  it('reads every record (checked by the contract; the tests below look at how the system holds them)', async () => {
    envelopes = flat(await collect(connector.changesSince(null)));
    expect(envelopes).toHaveLength(ITEMS.length);
  });

  it('speaks its own wire: snake_case, yyyyMMdd dates, Shanghai-time instants, Chinese labels, 元 and 万元', () => {
    const raw = (id: string) => envelopes.find((e) => e.sourceRecordId === id)!.raw as Record<string, unknown>;
    expect(raw('HD-0001')).toMatchObject({
      danger_level: '重大隐患',
      found_way: '执法检查',
      rectify_status: '整改中',
      found_date: '20240901',
      update_time: '20250101080000',
    });
    expect(raw('HD-0002')).toMatchObject({ danger_level: '一般隐患', rectify_status: '已销号', close_date: '20240920' });
    expect(raw('ACC-0001')).toMatchObject({
      accident_level: '重大事故',
      death_toll: 12,
      direct_economic_loss: 3560.5,
      report_violation: '迟报',
    });
    expect(raw('ACC-0003').accident_level).toBe('较大事故');
    expect(raw('PEN-0001').fine_amount).toBe(30000);
    expect(raw('LST-0004')).toMatchObject({
      list_type: '主要负责人从业禁止',
      subject_type: '个人',
      ban_scope: '本行业终身',
      ban_industry: 'B06',
      expire_date: null,
    });
    expect(raw('CERT-0002')).toMatchObject({ cert_type: '注册安全工程师执业证', qualification_level: '中级', cert_status: '已过期' });
    expect(raw('ROLE-0002').post).toBe('安全总监');
    expect(raw('INS-0002').update_time).toBe(toWireInstant(T1));
    expect(raw('INS-0002').update_time).toBe('20250201163000');
  });

  it('dirt: org-code-only, name-only and full-width references are carried as the system holds them', () => {
    const rec = (id: string) => envelopes.find((e) => e.sourceRecordId === id)!.record as unknown as Record<string, unknown>;
    expect(rec('LIC-0002').enterprise).toEqual({ orgCode: orgCodeOfCreditCode(E2) });
    expect(rec('PEN-0002').enterprise).toEqual({ orgCode: orgCodeOfCreditCode(E2) });
    expect(rec('LIC-0004').enterprise).toEqual({ name: E3_NAME });
    const wide = fullWidthName(E1_NAME);
    expect(wide).not.toBe(E1_NAME);
    expect(wide).toMatch(/（集团）/);
    expect(rec('CERT-0003')).toEqual({ ...byId('CERT-0003').record, registeredEnterprise: { name: wide } });
    const raw = envelopes.find((e) => e.sourceRecordId === 'LIC-0002')!.raw as Record<string, unknown>;
    expect(raw).toMatchObject({ credit_code: null, org_code: orgCodeOfCreditCode(E2), ent_name: null });
  });

  it('fetchByKeys returns everything about the enterprises, found by code, org code, own names and people, in one call per 100 codes', async () => {
    await connector.health(); // token in hand, so only data calls are counted below
    const filler = Array.from({ length: 247 }, (_, i) => makeCreditCode('9', '1', '110101', `Q${String(i).padStart(7, '0')}`));
    sim.resetCallCount();
    const envs = await connector.fetchByKeys([E1, E2, E3, E1, ...filler]);
    expect(sim.callCount()).toBe(3);
    const ids = envs.map((e) => e.sourceRecordId);
    expect(new Set(ids).size).toBe(ids.length);
    // everything but the unlinked, malformed person
    expect([...ids].sort()).toEqual(ALL_IDS.filter((id) => id !== 'PER-0006'));
    for (const e of envs) {
      if (MALFORMED.has(e.sourceRecordId) || byId(e.sourceRecordId).dirt?.refStyle === 'fullWidthName') continue;
      expect(e.record, e.sourceRecordId).toEqual(byId(e.sourceRecordId).record);
    }

    // one enterprise: its name-only licence and full-width certificate, its principal's ban and person rows
    sim.resetCallCount();
    const e1 = (await connector.fetchByKeys([E1])).map((e) => e.sourceRecordId).sort();
    expect(sim.callCount()).toBe(1);
    expect(e1).toEqual(
      [
        'ACC-0002',
        'CERT-0001',
        'CERT-0003',
        'HD-0001',
        'HD-0002',
        'INS-0001',
        'LIC-0001',
        'LIC-0003',
        'LIC-0005',
        'LST-0004',
        'LST-0005',
        'PEN-0001',
        'PER-0001',
        'PER-0002',
        'PER-0003',
        'ROLE-0001',
        'ROLE-0002',
        'ROLE-0003',
      ].sort(),
    );
    const e3 = (await connector.fetchByKeys([E3])).map((e) => e.sourceRecordId);
    expect(e3).toContain('LIC-0004'); // name-only, reached through the name INS-0002 carries for E3
    const e2 = (await connector.fetchByKeys([E2])).map((e) => e.sourceRecordId);
    expect(e2).toEqual(expect.arrayContaining(['LIC-0002', 'PEN-0002', 'LST-0002', 'LST-0003', 'PER-0005', 'PER-0004']));

    // a fresh connector: token + one query for 100 enterprises
    const fresh = connect();
    sim.resetCallCount();
    await fresh.fetchByKeys([E1, ...filler.slice(0, 99)]);
    expect(sim.callCount()).toBe(2);
    expect(await fresh.fetchByKeys([])).toEqual([]);
    expect(sim.callCount()).toBe(2);
  });

  it('the occasional 503 with Retry-After is retried once; twice in a row, or longer than the timeout allows, is UNAVAILABLE', async () => {
    await connector.health();
    sim.configure({ unavailableEvery: 2, retryAfterSeconds: 1 });
    sim.resetCallCount();
    // 1st data request passes, 2nd gets 503 and is retried (3rd passes)
    expect(await connector.fetchByKeys([E3])).not.toHaveLength(0);
    expect((await connector.fetchByKeys([E1])).map((e) => e.sourceRecordId)).toContain('LST-0004');
    expect(sim.callCount()).toBe(3);

    sim.configure({ unavailableEvery: 1 });
    const e = await failure(connector.fetchByKeys([E1]));
    expect(e.reason).toBe('UNAVAILABLE');
    expect(e.message).toMatch(/503.*Retry-After/);

    sim.configure({ unavailableEvery: 1, retryAfterSeconds: 30 });
    sim.resetCallCount();
    expect((await failure(connector.fetchByKeys([E1]))).reason).toBe('UNAVAILABLE');
    expect(sim.callCount()).toBe(1); // 30 s does not fit in a 3 s timeout: no wait, no retry
  });

  it('an expired token is refreshed on 401; bad credentials are REFUSED', async () => {
    await connector.health();
    sim.expireTokens();
    sim.resetCallCount();
    expect(await connector.fetchByKeys([E2])).not.toHaveLength(0);
    expect(sim.callCount()).toBe(3); // refused query, new token, query again
    expect((await failure(connect({ clientSecret: 'wrong' }).fetchByKeys([E1]))).reason).toBe('REFUSED');
    const h = await connect({ clientId: 'someone-else' }).health();
    expect(h.ok).toBe(false);
    expect(h.detail).toMatch(/refused/);
  });

  it('wire conventions: bearer token required, cursor opaque and checked, updated_since in Shanghai time, ≤100 codes', async () => {
    const get = (url: string, headers: Record<string, string> = {}) =>
      axios.get(`${base()}${url}`, { headers, timeout: 2000, validateStatus: () => true });
    const noAuth = await get('/api/v1/hidden-dangers?limit=1');
    expect(noAuth.status).toBe(401);
    expect(noAuth.data.error_code).toBe('MISSING_TOKEN');
    expect((await get('/api/v1/hidden-dangers?limit=1', { Authorization: 'Bearer forged' })).status).toBe(401);
    const badClient = await axios.post(
      `${base()}/oauth/token`,
      { grant_type: 'client_credentials', client_id: 'x', client_secret: 'y' },
      { validateStatus: () => true },
    );
    expect(badClient.status).toBe(401);
    expect(badClient.data.error).toBe('invalid_client');

    const auth = { Authorization: `Bearer ${await token()}` };
    const page = await get('/api/v1/hidden-dangers?limit=2', auth);
    expect(page.status).toBe(200);
    expect(page.data.data).toHaveLength(2);
    expect(typeof page.data.next_cursor).toBe('string');
    const next = await get(`/api/v1/hidden-dangers?limit=100&cursor=${page.data.next_cursor}`, auth);
    expect(next.data.data.map((r: { id: string }) => r.id)).not.toContain(page.data.data[0].id);
    expect((await get('/api/v1/hidden-dangers?cursor=bm90LWEtY3Vyc29y', auth)).status).toBe(400);
    expect((await get('/api/v1/hidden-dangers?limit=501', auth)).status).toBe(400);
    const bad = await get('/api/v1/hidden-dangers?updated_since=2025-02-01', auth);
    expect(bad.status).toBe(400);
    expect(bad.data.error_msg).toMatch(/updated_since/);

    // T1 is 16:30 in Shanghai: the T1 rows and the touched one, nothing from T0
    const since = await get(`/api/v1/liability-insurances?updated_since=${toWireInstant(T1)}`, auth);
    expect(since.data.data.map((r: { id: string }) => r.id).sort()).toEqual(['INS-0002', 'INS-0003']);
    const empty = await get(`/api/v1/liability-insurances?updated_since=20990101000000`, auth);
    expect(empty.data).toEqual({ data: [], next_cursor: null });

    const tooMany = await axios.post(
      `${base()}/api/v1/enterprise-profiles/query`,
      { credit_codes: Array.from({ length: 101 }, () => E1) },
      { headers: auth, validateStatus: () => true },
    );
    expect(tooMany.status).toBe(400);
    expect(tooMany.data.error_msg).toMatch(/credit_codes/);
  });
});
