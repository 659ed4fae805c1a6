/**
 * 自然资源 source end to end: seeder → PostgreSQL (sim_natres) → HTTP simulator (GB18030 JSON, Basic
 * auth, expiring page tokens) → connector → canonical records. Real database, real sockets; nothing
 * mocked. The behaviours every source shares (paging, resuming, faults, dirt, GB18030) come from the
 * connector contract; here only this system's own (its dialect, tokens, 万元, Chinese dates).
 */
import axios from 'axios';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type {
  CanonicalRecord,
  CredentialRecord,
  EnterpriseRef,
  HiddenDangerRecord,
  ListEntryRecord,
  PenaltyRecord,
} from '../../src/domain/canonical.js';
import { makeCreditCode, orgCodeOfCreditCode } from '../../src/domain/codes.js';
import { PLANTED_COUNT, PlantedWorld } from '../../src/generator/planted.js';
import { enterpriseProfile, type WorldParams } from '../../src/generator/profile.js';
import type { WorldItem } from '../../src/generator/world.js';
import { connectorContract } from '../kit/contract.js';
import { dirtyRef } from '../kit/dirt.js';
import { collect, failure, flat, quietDeps, seededSystem, type SeededSystem, worldItemsOf } from '../kit/testing.js';
import type { Connector, RunningSimulator, SimulatorEnv, SourceEnvelope } from '../types.js';
import { generate, NaturalResourcesWorld, PLANTED_CASES } from './generate.js';
import source from './index.js';
import { API_BASE, fromChineseDate, toEnvelope, yuanOfWan } from './mapping.js';
import { SIM_PASSWORD, SIM_USERNAME } from './simulator.js';

// several records share T0 to the millisecond: resuming must neither skip nor repeat there
const T0 = '2025-01-01T00:00:00.000Z';
const T1 = '2025-02-01T08:30:00.000Z';
const T2 = '2025-03-01T04:05:06.789Z';
const MS = { T0: Date.parse(T0), T1: Date.parse(T1), T2: Date.parse(T2) };

const E1 = makeCreditCode('9', '1', '420303', 'MA4K0M01');
const E2 = makeCreditCode('9', '1', '130202', '70721504');
const E3 = makeCreditCode('9', '1', '431224', 'MA4PQ125');
const N1 = '十堰华宏矿业(集团)有限公司';
/** how an old form typed N1: full-width brackets and a stray space */
const N1_WIDE = '十堰华宏矿业（集团） 有限公司';
/** 𠮷 (U+20BB7) needs four bytes in GB18030 */
const N3 = '溆浦𠮷祥矿业有限公司';

const item = worldItemsOf('NATURAL_RESOURCES');
const licence = (over: Partial<CredentialRecord>): CredentialRecord => ({
  kind: 'credential',
  credentialKind: 'MINING_LICENCE',
  number: 'C4200002010121120093456',
  enterprise: { creditCode: E1, name: N1 },
  category: '煤',
  grade: '30万吨/年',
  scope: '地下开采，矿区面积2.1350平方公里，开采深度+320米至-150米',
  issuerDepartment: 'NATURAL_RESOURCES',
  validFrom: '2019-03-01',
  validTo: '2029-02-28',
  status: 'VALID',
  ...over,
});
const hazard = (over: Partial<HiddenDangerRecord>): HiddenDangerRecord => ({
  kind: 'hidden_danger',
  enterprise: { creditCode: E1 },
  level: 'MAJOR',
  description: '滑坡隐患：采场北帮边坡，威胁工业场地及作业人员36人',
  foundDate: '2024-06-12',
  deadline: '2024-10-31',
  foundBy: 'ENFORCEMENT',
  status: 'OPEN',
  closedDate: null,
  ...over,
});
const penalty = (over: Partial<PenaltyRecord>): PenaltyRecord => ({
  kind: 'penalty',
  enterprise: { creditCode: E1 },
  decisionNumber: '鄂自然资罚〔2024〕12号',
  decisionDate: '2024-08-05',
  penaltyType: '责令停止开采，没收违法所得，罚款',
  reason: '未取得采矿许可证擅自采矿（非法采矿）',
  legalBasis: '《中华人民共和国矿产资源法》第三十九条',
  amount: 123456.78,
  ...over,
});
const listed = (over: Partial<ListEntryRecord>): ListEntryRecord => ({
  kind: 'list_entry',
  list: 'NATURAL_RESOURCES_DISHONEST',
  subjectType: 'ENTERPRISE',
  enterprise: { creditCode: E1 },
  reason: '非法采矿情节严重',
  legalBasis: '《自然资源领域严重失信主体名单管理办法》第五条',
  decisionNumber: '鄂自然资失信〔2024〕3号',
  startDate: '2024-09-01',
  endDate: '2027-09-01',
  removedDate: null,
  ...over,
});

const ITEMS: WorldItem[] = [
  item('CKQ-0001', licence({}), T0),
  item(
    'CKQ-0002',
    licence({
      number: 'C1300002009071120031234',
      enterprise: { creditCode: E2 },
      category: '铁矿',
      grade: '60万吨/年',
      scope: '露天开采，矿区面积0.8421平方公里',
      validFrom: '2014-07-01',
      validTo: '2024-06-30',
      status: 'EXPIRED',
    }),
    T0,
  ),
  item(
    'CKQ-0003',
    licence({
      number: 'C4300002011061120115678',
      enterprise: { creditCode: E3, name: N3 },
      category: '石灰岩',
      grade: '15万吨/年',
      scope: '露天开采',
      status: 'REVOKED',
    }),
    T1,
  ),
  item('CKQ-0004', licence({ number: 'C4200002008011120009999', enterprise: { orgCode: orgCodeOfCreditCode(E1) } }), T1, {
    refStyle: 'orgCode',
  }),
  item('CKQ-0005', licence({ number: 'C4200002012011120000001' }), T0, { malformed: true }),
  item('DZZH-0001', hazard({}), T0),
  item(
    'DZZH-0002',
    hazard({
      enterprise: { creditCode: E2 },
      level: 'GENERAL',
      description: '地面塌陷隐患：老采空区',
      foundBy: 'LOCAL_REPORT',
      status: 'CLOSED',
      closedDate: '2024-12-20',
    }),
    T1,
  ),
  item(
    'DZZH-0003',
    hazard({
      enterprise: { name: N3 },
      description: '崩塌隐患：采石场西侧危岩体，威胁运矿道路',
      foundBy: 'SELF_INSPECTION',
      status: 'RECTIFYING',
    }),
    T2,
    { refStyle: 'name' },
  ),
  item('DZZH-0004', hazard({ enterprise: { creditCode: E3 } }), T2, { malformed: true }),
  item('XZCF-0001', penalty({}), T0),
  item(
    'XZCF-0002',
    penalty({
      enterprise: { name: N1_WIDE },
      decisionNumber: '鄂自然资罚〔2023〕7号',
      decisionDate: '2023-04-18',
      penaltyType: '责令退回本矿区范围内开采',
      reason: '超越批准的矿区范围采矿（越界开采）',
      legalBasis: null,
      amount: null,
    }),
    T1,
    { refStyle: 'fullWidthName' },
  ),
  item('XZCF-0003', penalty({ enterprise: { creditCode: E2 } }), T1, { malformed: true }),
  item('SXZT-0001', listed({}), T0),
  item(
    'SXZT-0002',
    listed({
      enterprise: { creditCode: E2 },
      decisionNumber: '冀自然资失信〔2022〕1号',
      startDate: '2022-05-01',
      endDate: '2025-05-01',
      removedDate: '2023-11-20',
    }),
    T2,
  ),
  item('SXZT-0003', listed({ enterprise: { creditCode: E3 } }), T2, { malformed: true }),
];
const ALL_IDS = ITEMS.map((i) => i.sourceRecordId).sort();
const MALFORMED = new Set(ITEMS.filter((i) => i.dirt?.malformed).map((i) => i.sourceRecordId));
const byId = (id: string) => ITEMS.find((i) => i.sourceRecordId === id)!;
const ids = (envs: SourceEnvelope[]) => envs.map((e) => e.sourceRecordId);
const auth = { username: SIM_USERNAME, password: SIM_PASSWORD };

/** GET on the simulator, the body decoded from the charset it names. */
async function wire(sim: RunningSimulator, path: string, params: Record<string, unknown> = {}, login: typeof auth | null = auth) {
  const res = await axios.get<ArrayBuffer>(`${String(sim.connectorOptions.baseUrl)}${API_BASE}${path}`, {
    params,
    responseType: 'arraybuffer',
    timeout: 3000,
    validateStatus: () => true,
    ...(login ? { auth: login } : {}),
  });
  const bytes = Buffer.from(res.data);
  const type = String(res.headers['content-type']);
  const charset = /charset=([\w-]+)/i.exec(type)?.[1] ?? 'utf8';
  const text = iconv.decode(bytes, charset);
  return { status: res.status, headers: res.headers, bytes, body: /json/.test(type) ? JSON.parse(text) : text };
}

connectorContract(source, {
  items: ITEMS,
  splitAt: 7,
  // the field and why
  dirtError: /\S: \S|names no enterprise/,
  keys: [E1, E2, E3],
  touches: [
    { id: 'CKQ-0001', change: { status: 'SUSPENDED' }, expected: { ...byId('CKQ-0001').record, status: 'SUSPENDED' } as CanonicalRecord },
    {
      id: 'DZZH-0001',
      change: { status: 'RECTIFYING', deadline: '2025-06-30' },
      expected: { ...byId('DZZH-0001').record, status: 'RECTIFYING', deadline: '2025-06-30' } as CanonicalRecord,
    },
    // a renewal (延续): one date of 有效期限 changes, the other stays
    {
      id: 'CKQ-0002',
      change: { validTo: '2034-06-30', status: 'VALID' },
      expected: { ...byId('CKQ-0002').record, validTo: '2034-06-30', status: 'VALID' } as CanonicalRecord,
    },
  ],
  midStream: true,
  // HTTP Basic with a wrong password: 401, never retried
  refused: { options: () => ({ password: 'not-the-password' }) },
  gb18030: {
    ids: ['CKQ-0003', 'DZZH-0003'],
    // the list page holding the record, as the system sends it
    wireBytes: async (sim, id) => (await wire(sim, `/${id.startsWith('CKQ') ? 'ckq' : 'dzzh'}`, { pageSize: 100 })).bytes,
  },
});

describe('natural-resources mapping (自然资源): the documented format', () => {
  it('reads 年月日 dates with or without leading zeros, and refuses dates that do not exist', () => {
    expect(fromChineseDate('2024年05月01日')).toBe('2024-05-01');
    expect(fromChineseDate('2024年5月1日')).toBe('2024-05-01');
    expect(fromChineseDate('2024年02月30日')).toBeNull();
    expect(fromChineseDate('0000年00月00日')).toBeNull();
    expect(fromChineseDate('2024-05-01')).toBeNull();
  });

  it('万元 to yuan to the fen', () => {
    expect(yuanOfWan(12.345678)).toBe(123456.78);
    expect(yuanOfWan(0.5)).toBe(5000);
    expect(yuanOfWan(3)).toBe(30000);
  });

  const wireLicence = {
    RECORD_ID: 'CKQ-X',
    MODIFY_TIME: 1735689600000,
    USCC: E1,
    ORG_CODE: null,
    UNIT_NAME: N1,
    LICENCE_NO: 'C4200002010121120093456',
    MINE_NAME: '十堰华宏矿业矿',
    MINERAL: '煤',
    MINING_METHOD: '地下开采',
    SCALE: '30万吨/年',
    MINE_AREA: '矿区面积2.1350平方公里',
    VALID_PERIOD: '2019年3月1日至2029年02月28日',
    LICENCE_STATUS: '3',
  };

  it('a licence: 有效期限 split into its two dates, status code 3 is 暂扣, scope is 开采方式，矿区范围, MODIFY_TIME epoch ms', () => {
    const env = toEnvelope('ckq', wireLicence, 0);
    expect(env.error).toBeUndefined();
    expect(env.updatedAt).toBe('2025-01-01T00:00:00.000Z');
    expect(env.record).toEqual({
      kind: 'credential',
      credentialKind: 'MINING_LICENCE',
      number: 'C4200002010121120093456',
      enterprise: { creditCode: E1, name: N1 },
      category: '煤',
      grade: '30万吨/年',
      scope: '地下开采，矿区面积2.1350平方公里',
      issuerDepartment: 'NATURAL_RESOURCES',
      validFrom: '2019-03-01',
      validTo: '2029-02-28',
      status: 'SUSPENDED',
    });
  });

  it('names what is wrong: a period ending before it starts, an unknown code, a negative fine, a hazard type outside the ledger', () => {
    expect(toEnvelope('ckq', { ...wireLicence, VALID_PERIOD: '2029年01月01日至2019年01月01日' }, 0).error).toMatch(
      /^VALID_PERIOD: .*not a period/,
    );
    expect(toEnvelope('ckq', { ...wireLicence, LICENCE_STATUS: '5' }, 0).error).toMatch(/^LICENCE_STATUS: unknown licence status code "5"/);
    expect(toEnvelope('ckq', { ...wireLicence, MINING_METHOD: '坑采' }, 0).error).toMatch(/^MINING_METHOD: unknown mining method "坑采"/);
    expect(toEnvelope('ckq', { ...wireLicence, USCC: null, UNIT_NAME: '' }, 0).error).toMatch(/names no enterprise/);
    const fine = {
      RECORD_ID: 'XZCF-X',
      MODIFY_TIME: 1,
      USCC: E1,
      DECISION_NO: 'a',
      DECISION_DATE: '2024年1月2日',
      PENALTY_CONTENT: '罚款',
      ILLEGAL_FACT: '非法采矿',
      FINE_WAN: -1,
    };
    expect(toEnvelope('xzcf', fine, 0).error).toMatch(/^FINE_WAN: a fine is not negative/);
    expect(toEnvelope('xzcf', { ...fine, FINE_WAN: 2.5 }, 0).record).toMatchObject({
      amount: 25000,
      decisionDate: '2024-01-02',
      legalBasis: null,
    });
    const hz = {
      RECORD_ID: 'DZZH-X',
      MODIFY_TIME: 1,
      USCC: E1,
      HAZARD_NAME: '北帮',
      HAZARD_TYPE: '03',
      DANGER_SCALE: '特大型',
      THREAT: null,
      FIND_DATE: '2024年06月12日',
      GOVERN_DEADLINE: '2024年10月31日',
      GOVERN_STATUS: '已销号',
      DONE_DATE: '2024年11月01日',
      FOUND_WAY: '群众举报',
    };
    expect(toEnvelope('dzzh', hz, 0).record).toMatchObject({
      level: 'MAJOR',
      description: '泥石流隐患：北帮',
      status: 'CLOSED',
      closedDate: '2024-11-01',
      foundBy: 'PUBLIC_REPORT',
    });
    expect(toEnvelope('dzzh', { ...hz, DANGER_SCALE: '小型' }, 0).record).toMatchObject({ level: 'GENERAL' });
    expect(toEnvelope('dzzh', { ...hz, HAZARD_TYPE: '99' }, 0).error).toMatch(/^HAZARD_TYPE: unknown hazard type code "99"/);
    expect(toEnvelope('sxzt', 'garbage', 4)).toMatchObject({ sourceRecordId: 'sxzt#unidentified-4', kind: 'list_entry', raw: 'garbage' });
  });
});

describe('natural-resources source (自然资源): its own wire', () => {
  let db: SeededSystem['db'];
  let env: SimulatorEnv;
  let sim: RunningSimulator;
  let connector: Connector;
  const connect = (extra: Record<string, unknown> = {}) =>
    source.createConnector({ timeoutMs: 3000, ...sim.connectorOptions, ...extra }, quietDeps);
  const baseUrl = () => String(sim.connectorOptions.baseUrl);

  beforeAll(async () => {
    const seeded = await seededSystem(source, ITEMS, 7);
    ({ db, env } = seeded);
    expect(seeded.written).toBe(ITEMS.length);
    sim = await source.simulator.start(env);
    connector = connect();
  });
  afterAll(async () => {
    await connector?.close();
    await axios.post(`${baseUrl()}/__settings`, { pageTokenTtlMs: 600_000 }).catch(() => undefined);
    await sim?.close();
    await db?.drop();
  });
  beforeEach(async () => {
    await sim.setFaults({ mode: 'none' });
  });

  it('is the NATURAL_RESOURCES source and hands out exactly what its connector needs', () => {
    expect(source).toMatchObject({
      id: 'natural-resources',
      department: 'NATURAL_RESOURCES',
      title: '自然资源厅矿业权与地质灾害数据共享接口',
    });
    expect(Object.keys(sim.connectorOptions).sort()).toEqual(['baseUrl', 'password', 'username']);
    expect(connector.provides).toEqual(['credential', 'hidden_danger', 'penalty', 'list_entry']);
  });

  it('validates its options and its watermark with messages naming the field', async () => {
    expect(() => source.createConnector({ timeoutMs: 1000 }, quietDeps)).toThrow(/baseUrl.*username.*password/);
    expect(() => connect({ pageSize: 101 })).toThrow(/pageSize/);
    await expect(collect(connector.changesSince('{"v":1,"pos":{"ckq":{"t":"yesterday","ids":[]}}}'))).rejects.toThrow(
      /unreadable watermark/,
    );
  });

  it('refuses to seed what this system cannot hold, naming the record', async () => {
    const road = item('X-1', { ...licence({}), credentialKind: 'ROAD_TRANSPORT_LICENCE' }, T0);
    await expect(
      source.simulator.seed(
        env,
        (async function* () {
          yield [road];
        })(),
      ),
    ).rejects.toThrow(/X-1 \(credential\)/);
    const odd = item('X-2', hazard({ description: '边坡不稳' }), T0);
    await expect(
      source.simulator.seed(
        env,
        (async function* () {
          yield [odd];
        })(),
      ),
    ).rejects.toThrow(/X-2 .*灾害类型/);
  });

  it('speaks its dialect: GB18030 JSON, UPPER_SNAKE fields, epoch-ms MODIFY_TIME, 年月日 dates, 有效期限 as one text, 万元, codes', async () => {
    const page = await wire(sim, '/ckq', { pageSize: 100 });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^application\/json;\s*charset=GB18030$/i);
    expect(page.body).toMatchObject({ resultCode: '0000', nextPageToken: '' });
    const rows = page.body.items as Record<string, unknown>[];
    const row = (id: string) => rows.find((r) => r.RECORD_ID === id)!;
    expect(row('CKQ-0001')).toMatchObject({
      USCC: E1,
      UNIT_NAME: N1,
      MINING_METHOD: '地下开采',
      MINE_AREA: '矿区面积2.1350平方公里，开采深度+320米至-150米',
      LICENCE_STATUS: '1',
      MODIFY_TIME: MS.T0,
    });
    expect(row('CKQ-0001').VALID_PERIOD).toMatch(/^2019年0?3月0?1日至2029年0?2月28日$/);
    expect(row('CKQ-0002')).toMatchObject({ MINING_METHOD: '露天开采', LICENCE_STATUS: '2' });
    expect(row('CKQ-0003')).toMatchObject({ UNIT_NAME: N3, MINE_AREA: null, LICENCE_STATUS: '4', MINE_NAME: '溆浦𠮷祥矿业矿' });
    expect(row('CKQ-0004')).toMatchObject({ USCC: null, ORG_CODE: orgCodeOfCreditCode(E1), UNIT_NAME: null });
    // 𠮷 (U+20BB7) as GB18030's four bytes: 0x90308130 + 0x10BB7 in its 12600/1260/10 mixed radix = 95 34 B2 35
    expect(page.bytes.includes(Buffer.from([0x95, 0x34, 0xb2, 0x35]))).toBe(true);

    const hz = (await wire(sim, '/dzzh', { pageSize: 100 })).body.items as Record<string, unknown>[];
    expect(hz.find((r) => r.RECORD_ID === 'DZZH-0001')).toMatchObject({
      HAZARD_TYPE: '01',
      DANGER_SCALE: expect.stringMatching(/^(特大型|大型)$/),
      THREAT: '工业场地及作业人员36人',
      GOVERN_STATUS: '未治理',
      FOUND_WAY: '执法检查',
    });
    expect(hz.find((r) => r.RECORD_ID === 'DZZH-0002')).toMatchObject({
      HAZARD_TYPE: '04',
      DANGER_SCALE: expect.stringMatching(/^(中型|小型)$/),
      THREAT: null,
      GOVERN_STATUS: '已销号',
    });
    expect(hz.find((r) => r.RECORD_ID === 'DZZH-0003')).toMatchObject({ MODIFY_TIME: MS.T2, UNIT_NAME: N3, USCC: null });
    const cf = (await wire(sim, '/xzcf', { pageSize: 100 })).body.items as Record<string, unknown>[];
    expect(cf.find((r) => r.RECORD_ID === 'XZCF-0001')).toMatchObject({ FINE_WAN: 12.345678 });
    expect(cf.find((r) => r.RECORD_ID === 'XZCF-0001')!.DECISION_DATE).toMatch(/^2024年0?8月0?5日$/);
    expect(cf.find((r) => r.RECORD_ID === 'XZCF-0002')).toMatchObject({ FINE_WAN: null, UNIT_NAME: N1_WIDE });

    // modifiedFrom is inclusive, to the millisecond
    const since = await wire(sim, '/sxzt', { pageSize: 100, modifiedFrom: MS.T2 });
    expect((since.body.items as { RECORD_ID: string }[]).map((r) => r.RECORD_ID)).toEqual(['SXZT-0002', 'SXZT-0003']);
    expect((await wire(sim, '/sxzt', { pageSize: 100, modifiedFrom: MS.T2 + 1 })).body.items).toEqual([]);
  });

  it('pages with tokens: each page continues after the last, the last page has an empty token; tokens are its own', async () => {
    const first = await wire(sim, '/ckq', { pageSize: 2 });
    const token = first.body.nextPageToken as string;
    expect(token).not.toBe('');
    const second = await wire(sim, '/ckq', { pageSize: 2, pageToken: token });
    const third = await wire(sim, '/ckq', { pageSize: 2, pageToken: second.body.nextPageToken });
    const got = [first, second, third].flatMap((p) => (p.body.items as { RECORD_ID: string }[]).map((r) => r.RECORD_ID));
    // ordered by (MODIFY_TIME, RECORD_ID): the three at T0, then the two at T1
    expect(got).toEqual(['CKQ-0001', 'CKQ-0002', 'CKQ-0005', 'CKQ-0003', 'CKQ-0004']);
    expect(third.body.nextPageToken).toBe('');
    // another resource's token, a forged one: 1002 with HTTP 200
    const elsewhere = await wire(sim, '/dzzh', { pageSize: 2, pageToken: token });
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.body).toMatchObject({ resultCode: '1002' });
    expect((await wire(sim, '/ckq', { pageSize: 2, pageToken: `${token}x` })).body.resultCode).toBe('1002');
    expect((await wire(sim, '/ckq', { pageSize: 101 })).body).toMatchObject({
      resultCode: '1001',
      resultMsg: expect.stringContaining('pageSize'),
    });
    expect((await wire(sim, '/ckq', { modifiedFrom: '2025-01-01' })).body.resultCode).toBe('1001');
  });

  it('expired page tokens (a stalled run) are met by asking again from the position reached: every record once', async () => {
    await axios.post(`${baseUrl()}/__settings`, { pageTokenTtlMs: 0 });
    try {
      const first = await wire(sim, '/ckq', { pageSize: 1 });
      await new Promise((r) => setTimeout(r, 5));
      expect((await wire(sim, '/ckq', { pageSize: 1, pageToken: first.body.nextPageToken })).body.resultCode).toBe('1002');
      sim.resetCallCount();
      const got = ids(flat(await collect(connector.changesSince(null, { batchSize: 1 }))));
      expect(got.sort()).toEqual(ALL_IDS);
      expect(sim.callCount()).toBeGreaterThan(ALL_IDS.length); // it did meet refused tokens
    } finally {
      await axios.post(`${baseUrl()}/__settings`, { pageTokenTtlMs: 600_000 });
    }
  });

  it('a login it does not know is HTTP 401 with a Basic challenge; the connector calls it REFUSED', async () => {
    const res = await wire(sim, '/ckq', {}, null);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Basic /);
    expect((await wire(sim, '/ckq', {}, { username: SIM_USERNAME, password: 'x' })).status).toBe(401);
    const wrong = connect({ password: 'x' });
    expect((await failure(wrong.fetchByKeys([E1]))).reason).toBe('REFUSED');
    await wrong.close();
  });

  it('fetchByKeys: everything about 45 enterprises in 3 calls (20 a call), by code, org code and the names the system carries', async () => {
    const filler = Array.from({ length: 42 }, (_, i) => makeCreditCode('9', '1', '420303', `Q${String(i).padStart(7, '0')}`));
    sim.resetCallCount();
    const envs = await connector.fetchByKeys([E1, ...filler.slice(0, 30), E2, E3, ...filler.slice(30), E1]);
    expect(sim.callCount()).toBe(3);
    const got = ids(envs);
    expect(new Set(got).size).toBe(got.length);
    // XZCF-0002 names N1 only in full width: found through the name E1's own rows carry (normalised)
    expect(got.sort()).toEqual(ALL_IDS);
    for (const e of envs) {
      if (MALFORMED.has(e.sourceRecordId)) expect(e.error).toMatch(/./);
      else expect(e.record, `${e.sourceRecordId}: ${e.error}`).toEqual(byId(e.sourceRecordId).record);
    }
  });

  it("error fault (set over HTTP): Tomcat 500, gateway 503 and the system's own 9999 are all UNAVAILABLE", async () => {
    await axios.post(`${baseUrl()}/__faults`, { mode: 'error' }, { timeout: 2000 });
    const reasons = [
      (await failure(connector.fetchByKeys([E1]))).reason,
      (await failure(collect(connector.changesSince(null)))).reason,
      (await failure(connector.fetchByKeys([E2]))).reason,
    ];
    expect(reasons).toEqual(['UNAVAILABLE', 'UNAVAILABLE', 'UNAVAILABLE']);
    expect((await connector.health()).ok).toBe(false);
    await axios.post(`${baseUrl()}/__faults`, { mode: 'none' }, { timeout: 2000 });
    expect((await connector.health()).ok).toBe(true);
  });
});

describe('natural-resources generator: its part of the world', () => {
  // big enough for background dirt of every kind (malformed rows are 0.4 %)
  const p: WorldParams = { seed: 20250630, enterprises: 3000, today: '2025-06-30' };
  const world = new NaturalResourcesWorld(p);
  // every enterprise as the world has it (the planted scenarios with their overrides)
  const scenarios = new PlantedWorld(p);
  const all = Array.from({ length: p.enterprises }, (_, i) => scenarios.planFor(i)?.profile ?? enterpriseProfile(p, i));
  const items = all.flatMap((e) => world.generate(e));

  it('only mines have items; each mine at least its licence; the same enterprise gives the same items in any order, alone or not', () => {
    const mines = all.filter((e) => e.sector === 'MINE');
    expect(mines.length).toBeGreaterThan(10);
    const owners = new Set(items.map((i) => (i.record as { enterprise: { creditCode: string } }).enterprise.creditCode));
    expect([...owners].sort()).toEqual(mines.map((e) => e.creditCode).sort());
    for (const e of mines) {
      const licences = world
        .generate(e)
        .map((i) => i.record)
        .filter((r): r is CredentialRecord => r.kind === 'credential');
      expect(licences.length, e.name).toBeGreaterThan(0);
      // 许可证号: C, the province's division code, the year and month its period began, 11, an 8-digit serial
      for (const l of licences)
        expect(l.number).toBe(
          `C${e.county.code.slice(0, 2)}0000${l.validFrom!.slice(0, 4)}${l.validFrom!.slice(5, 7)}11${l.number.slice(-8)}`,
        );
      for (const l of licences) expect(l.number).toMatch(/^C\d{22}$/);
    }
    expect(items.every((i) => i.department === 'NATURAL_RESOURCES')).toBe(true);
    const last = mines.at(-1)!;
    expect(generate(p, last)).toEqual(world.generate(last));
    expect(
      [...all]
        .reverse()
        .flatMap((e) => world.generate(e))
        .map((i) => i.sourceRecordId)
        .sort(),
    ).toEqual(items.map((i) => i.sourceRecordId).sort());
    expect(new Set(items.map((i) => i.sourceRecordId)).size).toBe(items.length);
  });

  it('plants the four cases on the first active mines after the planted scenarios, clean and findable by credit code', () => {
    const cases = world.plantedCases();
    expect(Object.keys(cases).sort()).toEqual([...PLANTED_CASES].sort());
    const of = (key: (typeof PLANTED_CASES)[number]) =>
      items.filter((i) => (i.record as { enterprise: { creditCode: string } }).enterprise.creditCode === cases[key]!.creditCode);
    for (const key of PLANTED_CASES) {
      expect(all[cases[key]!.index]).toMatchObject({ sector: 'MINE', status: 'ACTIVE' });
      expect(of(key).every((i) => !i.dirt)).toBe(true);
    }
    // today 2025-06-30: lapsed 30 days ago
    expect(of('licence.expired').map((i) => i.record)).toEqual([
      expect.objectContaining({ credentialKind: 'MINING_LICENCE', status: 'EXPIRED', validTo: '2025-05-31' }),
    ]);
    const revoked = of('licence.revoked').map((i) => i.record);
    expect(revoked).toContainEqual(expect.objectContaining({ credentialKind: 'MINING_LICENCE', status: 'REVOKED' }));
    expect(revoked).toContainEqual(
      expect.objectContaining({
        kind: 'penalty',
        reason: expect.stringContaining('越界开采'),
        penaltyType: expect.stringContaining('吊销采矿许可证'),
      }),
    );
    // deadline 45 days before today, not dealt with: overdue
    expect(of('hazard.overdueMajor').map((i) => i.record)).toContainEqual(
      expect.objectContaining({ kind: 'hidden_danger', level: 'MAJOR', status: 'OPEN', deadline: '2025-05-16' }),
    );
    // listed 60 days ago for three years, not removed: in force today
    expect(of('list.NATURAL_RESOURCES_DISHONEST').map((i) => i.record)).toContainEqual(
      expect.objectContaining({
        kind: 'list_entry',
        list: 'NATURAL_RESOURCES_DISHONEST',
        subjectType: 'ENTERPRISE',
        startDate: '2025-05-01',
        endDate: '2028-05-01',
        removedDate: null,
      }),
    );
    // the planted scenarios' mines (clean.mine among them) get one valid licence and nothing else
    const scenarioMines = all.slice(0, PLANTED_COUNT).filter((e) => e.sector === 'MINE');
    expect(scenarioMines.map((e) => e.index)).toContain(scenarios.indexOf('clean.mine'));
    for (const e of scenarioMines) {
      const own = world.generate(e);
      expect(
        own.map((i) => [i.record.kind, (i.record as CredentialRecord).status, i.dirt]),
        e.name,
      ).toEqual([['credential', 'VALID', undefined]]);
    }
    // a world too small for planted scenarios still plants on its first active mines
    expect(Object.keys(new NaturalResourcesWorld({ ...p, enterprises: 80 }).plantedCases()).length).toBeGreaterThan(0);
  });

  it('the generated world goes through the seeder, the stand-in and the connector and comes back as generated (dirt quarantined)', async () => {
    expect(items.some((i) => i.dirt?.malformed)).toBe(true);
    expect(new Set(items.map((i) => i.dirt?.refStyle).filter(Boolean))).toEqual(new Set(['orgCode', 'name', 'fullWidthName']));
    const seeded = await seededSystem(source, items, Math.floor(items.length / 2));
    const sim = await source.simulator.start(seeded.env);
    const c = source.createConnector({ timeoutMs: 5000, ...sim.connectorOptions }, quietDeps);
    try {
      expect(seeded.written).toBe(items.length);
      const got = flat(await collect(c.changesSince(null)));
      expect(ids(got).sort()).toEqual(items.map((i) => i.sourceRecordId).sort());
      for (const item of items) {
        const e = got.find((x) => x.sourceRecordId === item.sourceRecordId)!;
        if (item.dirt?.malformed) {
          expect(e.error, item.sourceRecordId).toMatch(/\S: \S/);
          continue;
        }
        const ref = dirtyRef((item.record as { enterprise: EnterpriseRef }).enterprise, item.dirt?.refStyle);
        const enterprise = ref
          ? Object.fromEntries(
              (
                [
                  ['creditCode', ref[0]],
                  ['orgCode', ref[1]],
                  ['name', ref[2]],
                ] as const
              ).filter(([, v]) => v),
            )
          : undefined;
        expect(e.record, `${item.sourceRecordId}: ${e.error}`).toEqual(enterprise ? { ...item.record, enterprise } : item.record);
        expect(e.updatedAt).toBe(item.updatedAt);
      }
    } finally {
      await c.close();
      await sim.close();
      await seeded.db.drop();
    }
  });
});
