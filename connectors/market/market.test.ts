/**
 * 市场监管 source end to end: seeder → PostgreSQL (sim_market) → signed HTTP simulator → connector →
 * canonical records. Real database, real sockets; nothing mocked. The behaviours every source shares
 * (paging, resuming, faults, dirt) come from the connector contract; here only what is this system's own.
 */
import axios from 'axios';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CanonicalRecord, EnterpriseRecord } from '../../src/domain/canonical.js';
import { idNumberCheckChar, makeCreditCode, orgCodeOfCreditCode } from '../../src/domain/codes.js';
import type { WorldItem } from '../../src/generator/world.js';
import { connectorContract } from '../kit/contract.js';
import { collect, failure, flat, quietDeps, seededSystem, type SeededSystem, worldItemsOf } from '../kit/testing.js';
import type { Connector, RunningSimulator, SimulatorEnv } from '../types.js';
import source from './index.js';
import { sign } from './mapping.js';

const T0 = '2025-01-01T00:00:00.000Z';
const T1 = '2025-02-01T08:30:00.000Z';
const idNo = (first17: string) => first17 + idNumberCheckChar(first17);

const E1 = makeCreditCode('9', '1', '420106', 'MA4K0001');
const E2 = makeCreditCode('9', '1', '430102', '70721502');
const E3 = makeCreditCode('9', '1', '130104', 'MA0CQ123');
const good = makeCreditCode('9', '1', '220102', '12345678');
/** a code really issued with a wrong check character: kept and flagged */
const E4 = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
const PERSON_ID = idNo('42010619800101123');

const enterprise = (
  creditCode: string,
  name: string,
  status: EnterpriseRecord['status'],
  extra: Partial<EnterpriseRecord> = {},
): EnterpriseRecord => ({
  kind: 'enterprise',
  creditCode,
  orgCode: orgCodeOfCreditCode(creditCode),
  name,
  type: '有限责任公司',
  status,
  legalRepresentative: '张伟',
  divisionCode: creditCode.slice(2, 8),
  industryCode: 'E4710',
  registeredCapital: 5000.5,
  establishedDate: '2015-03-01',
  address: '湖北省武汉市江岸区解放大道1号',
  businessScope: '房屋建筑工程施工',
  ...extra,
});

const item = worldItemsOf('MARKET');

const ITEMS: WorldItem[] = [
  item('ENT-0001', enterprise(E1, '武汉江城建设工程有限公司', 'ACTIVE'), T0),
  item('ENT-0002', enterprise(E2, '长沙湘江路桥有限公司', 'REVOKED', { address: null, businessScope: null }), T0),
  item('ENT-0003', enterprise(E3, '石家庄燕赵化工股份有限公司', 'CANCELLED', { type: '股份有限公司', industryCode: 'C2614' }), T0),
  item('ENT-0004', { ...enterprise(E4, '长春北方燃气有限公司', 'ACTIVE'), creditCodeChecksumFailed: true }, T1),
  item('ENT-0005', enterprise(makeCreditCode('9', '1', '420106', 'MA4K0009'), '坏数据有限公司', 'ACTIVE'), T1, { malformed: true }),
  item('PER-0001', { kind: 'person', idNumber: PERSON_ID, name: '张伟', phone: '13800138000' }, T0),
  item(
    'KP-0001',
    {
      kind: 'role',
      enterprise: { creditCode: E1 },
      idNumber: PERSON_ID,
      personName: '张伟',
      role: 'LEGAL_REPRESENTATIVE',
      since: '2015-03-01',
      until: null,
    },
    T0,
  ),
  // four penalties on one updatedAt: batch boundaries must not skip or repeat
  item(
    'PEN-0001',
    {
      kind: 'penalty',
      enterprise: { creditCode: E1 },
      decisionNumber: '武市监罚〔2024〕12号',
      decisionDate: '2024-05-06',
      penaltyType: '罚款',
      reason: '未按规定公示年度报告',
      legalBasis: '《企业信息公示暂行条例》第十条',
      amount: 50000,
    },
    T0,
  ),
  item(
    'PEN-0002',
    {
      kind: 'penalty',
      enterprise: { orgCode: orgCodeOfCreditCode(E2) },
      decisionNumber: '湘市监罚〔2019〕3号',
      decisionDate: '2019-11-20',
      penaltyType: '警告',
      reason: '虚假宣传',
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
      enterprise: { name: '石家庄燕赵化工股份有限公司' },
      decisionNumber: '冀市监罚〔2018〕77号',
      decisionDate: '2018-07-01',
      penaltyType: '罚款',
      reason: '销售不合格产品',
      legalBasis: '《产品质量法》第四十九条',
      amount: 12345.67,
    },
    T0,
    { refStyle: 'name' },
  ),
  item(
    'PEN-0004',
    {
      kind: 'penalty',
      enterprise: { name: '武汉江城（集团） 有限公司' },
      decisionNumber: '武市监罚〔2017〕5号',
      decisionDate: '2017-02-03',
      penaltyType: '没收违法所得',
      reason: '无照经营',
      legalBasis: null,
      amount: 2000,
    },
    T0,
    { refStyle: 'fullWidthName' },
  ),
  item(
    'PEN-0005',
    {
      kind: 'penalty',
      enterprise: { creditCode: E3 },
      decisionNumber: '冀市监罚〔2023〕9号',
      decisionDate: '2023-01-09',
      penaltyType: '罚款',
      reason: '未取得许可生产',
      legalBasis: null,
      amount: 100000,
    },
    T1,
    { malformed: true },
  ),
  item(
    'LST-0001',
    {
      kind: 'list_entry',
      list: 'SERIOUS_ILLEGAL_DISHONEST',
      subjectType: 'ENTERPRISE',
      enterprise: { creditCode: E1 },
      reason: '提交虚假材料取得登记',
      legalBasis: '《市场监督管理严重违法失信名单管理办法》第九条',
      decisionNumber: '武市监列严〔2024〕1号',
      startDate: '2024-06-01',
      endDate: '2027-06-01',
      removedDate: null,
    },
    T0,
  ),
  item(
    'LST-0002',
    {
      kind: 'list_entry',
      list: 'ABNORMAL_OPERATION',
      subjectType: 'ENTERPRISE',
      enterprise: { creditCode: E2 },
      reason: '未按规定报送年度报告',
      legalBasis: '《企业经营异常名录管理暂行办法》第四条',
      decisionNumber: '湘市监异〔2022〕88号',
      startDate: '2022-07-01',
      endDate: null,
      removedDate: '2023-03-15',
    },
    T0,
  ),
];
const byId = (id: string) => ITEMS.find((i) => i.sourceRecordId === id)!.record;

connectorContract(source, {
  items: ITEMS,
  splitAt: 5,
  dirtError: /\S: \S/,
  keys: [E1, E2, E3],
  touches: [
    {
      id: 'ENT-0001',
      change: { name: '武汉江城建设集团有限公司', status: 'REVOKED' },
      expected: { ...byId('ENT-0001'), name: '武汉江城建设集团有限公司', status: 'REVOKED' } as CanonicalRecord,
    },
    { id: 'PEN-0001', change: { amount: 80000 }, expected: { ...byId('PEN-0001'), amount: 80000 } as CanonicalRecord },
  ],
  midStream: true,
  refused: { options: () => ({ appSecret: 'wrong' }) },
  gb18030: { skip: 'an HTTP JSON API: its answers are UTF-8 (application/json; charset=utf-8)' },
});

describe('market source (市场监管): its own wire', () => {
  let db: SeededSystem['db'];
  let env: SimulatorEnv;
  let sim: RunningSimulator;
  let connector: Connector;
  const connect = (extra: Record<string, unknown> = {}) =>
    source.createConnector({ timeoutMs: 3000, ...sim.connectorOptions, ...extra }, quietDeps);

  beforeAll(async () => {
    const seeded = await seededSystem(source, ITEMS, 5);
    ({ db, env } = seeded);
    sim = await source.simulator.start(env);
    connector = connect();
  });
  afterAll(async () => {
    await connector?.close();
    await sim?.close();
    await db?.drop();
  });
  beforeEach(async () => {
    await sim.setFaults({ mode: 'none' });
  });

  it('hands out exactly what its connector needs', () => {
    expect(Object.keys(sim.connectorOptions).sort()).toEqual(['appKey', 'appSecret', 'baseUrl']);
    expect(connector.provides).toEqual(['enterprise', 'person', 'role', 'penalty', 'list_entry']);
    expect(env.departmentsDatabaseUrl).toMatch(/^postgres/);
  });

  it('speaks its own wire: Chinese status labels, 万元, only the reference the source had', async () => {
    const envelopes = flat(await collect(connector.changesSince(null)));
    const raw = (id: string) => envelopes.find((e) => e.sourceRecordId === id)!.raw as Record<string, unknown>;
    expect(['存续', '在业']).toContain(raw('ENT-0001').regStatus);
    expect(raw('ENT-0002').regStatus).toBe('吊销');
    expect(raw('PEN-0001').fineAmount).toBe(5);
    expect(raw('PEN-0002')).toMatchObject({ creditCode: null, orgCode: orgCodeOfCreditCode(E2), entName: null });
    expect(raw('PEN-0003')).toMatchObject({ creditCode: null, orgCode: null, entName: '石家庄燕赵化工股份有限公司' });
    expect(raw('LST-0001').listType).toBe('严重违法失信名单');
    // a code really issued with a wrong check character is kept and flagged
    expect(envelopes.find((e) => e.sourceRecordId === 'ENT-0004')!.record).toEqual(byId('ENT-0004'));
  });

  it('fetchByKeys returns everything about the codes in one call per 100 codes', async () => {
    const filler = Array.from({ length: 247 }, (_, i) => makeCreditCode('9', '1', '110101', `Q${String(i).padStart(7, '0')}`));
    sim.resetCallCount();
    const envs = await connector.fetchByKeys([E1, E2, E3, ...filler]);
    expect(sim.callCount()).toBe(3);
    expect(envs.map((e) => e.sourceRecordId).sort()).toEqual(
      [
        'ENT-0001',
        'ENT-0002',
        'ENT-0003',
        'KP-0001',
        'LST-0001',
        'LST-0002',
        'PEN-0001',
        'PEN-0002',
        'PEN-0003',
        'PEN-0005',
        'PER-0001',
      ].sort(),
    );
    expect(envs.find((e) => e.sourceRecordId === 'PEN-0002')!.record).toEqual(byId('PEN-0002'));
    expect(envs.find((e) => e.sourceRecordId === 'PEN-0005')!.error).toMatch(/./);

    sim.resetCallCount();
    expect(await connector.fetchByKeys([E4])).toHaveLength(1);
    expect(sim.callCount()).toBe(1);
  });

  it('its fault switch is also at GET/POST /__faults (what the demo and the fault drills use)', async () => {
    const base = String(sim.connectorOptions.baseUrl);
    await axios.post(`${base}/__faults`, { mode: 'error' }, { timeout: 2000 });
    expect((await axios.get(`${base}/__faults`, { timeout: 2000 })).data).toMatchObject({ mode: 'error' });
    expect((await failure(connector.fetchByKeys([E1]))).reason).toBe('UNAVAILABLE');
    expect((await axios.post(`${base}/__faults`, { mode: 'sideways' }, { timeout: 2000, validateStatus: () => true })).status).toBe(400);
    await axios.post(`${base}/__faults`, { mode: 'none' }, { timeout: 2000 });
    expect((await connector.health()).ok).toBe(true);
  });

  it('refuses a bad signature or a stale timestamp with 401', async () => {
    const base = String(sim.connectorOptions.baseUrl);
    const get = (headers: Record<string, string>) =>
      axios.get(`${base}/api/v2/enterprises?page=1&size=1`, { headers, timeout: 2000, validateStatus: () => true });
    const ts = String(Date.now());
    const appKey = String(sim.connectorOptions.appKey);
    const secret = String(sim.connectorOptions.appSecret);
    expect(
      (await get({ 'X-App-Key': appKey, 'X-Timestamp': ts, 'X-Signature': sign('wrong', 'GET', '/api/v2/enterprises', ts) })).status,
    ).toBe(401);
    const stale = String(Date.now() - 6 * 60_000);
    expect(
      (await get({ 'X-App-Key': appKey, 'X-Timestamp': stale, 'X-Signature': sign(secret, 'GET', '/api/v2/enterprises', stale) })).status,
    ).toBe(401);
    const ok = await get({ 'X-App-Key': appKey, 'X-Timestamp': ts, 'X-Signature': sign(secret, 'GET', '/api/v2/enterprises', ts) });
    expect(ok.status).toBe(200);
    expect(ok.data.items).toHaveLength(1);
  });
});
