/**
 * 交通运输 source end to end: seeder → PostgreSQL (sim_transport) → HTTP simulator (envelope, apikey,
 * offset pages) → connector → canonical records. Real database, real sockets; nothing mocked. The
 * behaviours every source shares (paging, resuming, faults, dirt) come from the connector contract;
 * here only this platform's own (its dialect, offset paging within one second, totals, change log).
 */
import axios from 'axios';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CanonicalRecord, CredentialRecord, VehicleRecord } from '../../src/domain/canonical.js';
import { makeCreditCode, orgCodeOfCreditCode } from '../../src/domain/codes.js';
import type { WorldItem } from '../../src/generator/world.js';
import { connectorContract } from '../kit/contract.js';
import { collect, failure, quietDeps, seededSystem, type SeededSystem, worldItemsOf } from '../kit/testing.js';
import type { Connector, RunningSimulator, SimulatorEnv, SourceEnvelope } from '../types.js';
import { planPage } from './connector.js';
import { SCHEMA, TABLE_OF } from './seed.js';
import source from './index.js';
import { API_BASE, fromBeijingLocal, toBeijingLocal, toEnvelope, VEHICLE_KIND_BY_CODE, VIOLATION_KIND_BY_CODE } from './mapping.js';

const T0 = '2025-01-01T00:00:00.000Z'; // 2025-01-01 08:00:00 Beijing
const T1 = '2025-02-01T08:30:00.000Z'; // 2025-02-01 16:30:00 Beijing

const E1 = makeCreditCode('9', '1', '420106', 'MA4K0T01');
const E2 = makeCreditCode('9', '1', '430102', '70721503');
const E3 = makeCreditCode('9', '1', '130104', 'MA0CQ124');
const N1 = '武汉楚运客运(集团)有限公司';
/** how an old form typed N1: full-width brackets and a stray space */
const N1_WIDE = '武汉楚运客运（集团） 有限公司';
const N3 = '石家庄冀达物流有限公司';

const item = worldItemsOf('TRANSPORT');
const licence = (over: Partial<CredentialRecord>): CredentialRecord => ({
  kind: 'credential',
  credentialKind: 'ROAD_TRANSPORT_LICENCE',
  number: '鄂交运管许可汉字420106000001号',
  enterprise: { creditCode: E1 },
  category: '道路旅客运输',
  grade: null,
  scope: null,
  issuerDepartment: 'TRANSPORT',
  validFrom: null,
  validTo: null,
  status: 'VALID',
  ...over,
});
const vehicle = (over: Partial<VehicleRecord>): VehicleRecord => ({
  kind: 'vehicle',
  enterprise: { creditCode: E1 },
  plateNumber: '鄂A12345',
  vehicleKind: 'PASSENGER_COACH',
  operatingCertificate: '鄂交运管汉字420106000123号',
  certificateValidTo: '2026-05-31',
  monitoringOnline: true,
  ...over,
});

// most records share one updatedAt second: paging must neither skip nor repeat there
const ITEMS: WorldItem[] = [
  item(
    'LIC-0001',
    licence({
      enterprise: { creditCode: E1, name: N1 },
      grade: '一类客运班线',
      scope: '省际班车客运、旅游客运',
      validFrom: '2021-03-01',
      validTo: '2027-02-28',
    }),
    T0,
  ),
  item(
    'LIC-0002',
    licence({
      number: '湘交运管许可长字430102000007号',
      enterprise: { creditCode: E2 },
      category: '道路危险货物运输',
      scope: '危险货物运输（2类1项、3类）',
      validTo: '2024-06-30',
      status: 'EXPIRED',
    }),
    T0,
  ),
  item(
    'LIC-0003',
    licence({
      number: '冀交运管许可石字130104000042号',
      enterprise: { orgCode: orgCodeOfCreditCode(E3) },
      category: '道路普通货物运输',
      status: 'SUSPENDED',
    }),
    T0,
    { refStyle: 'orgCode' },
  ),
  item('LIC-0004', licence({ number: '冀交运管许可石字130104000043号', enterprise: { creditCode: E3 } }), T1, { malformed: true }),
  item('VEH-0001', vehicle({ enterprise: { creditCode: E1, name: N1 } }), T0),
  item(
    'VEH-0002',
    vehicle({
      plateNumber: '鄂A6789D',
      vehicleKind: 'TOURIST_COACH',
      operatingCertificate: '鄂交运管汉字420106000124号',
      certificateValidTo: null,
      monitoringOnline: false,
    }),
    T0,
  ),
  item(
    'VEH-0003',
    vehicle({
      enterprise: { creditCode: E2 },
      plateNumber: '湘A0D123',
      vehicleKind: 'DANGEROUS_GOODS',
      operatingCertificate: '湘交运管长字430102000311号',
    }),
    T0,
  ),
  item(
    'VEH-0004',
    vehicle({
      enterprise: { orgCode: orgCodeOfCreditCode(E3) },
      plateNumber: '冀A8888挂',
      vehicleKind: 'HEAVY_FREIGHT',
      operatingCertificate: '冀交运管石字130104000777号',
      monitoringOnline: false,
    }),
    T0,
    { refStyle: 'orgCode' },
  ),
  item('VEH-0005', vehicle({ enterprise: { creditCode: E2 }, plateNumber: '湘A0D124' }), T1, { malformed: true }),
  item(
    'VIO-0001',
    {
      kind: 'transport_violation',
      enterprise: { creditCode: E1 },
      plateNumber: '鄂A12345',
      occurredAt: '2024-05-06T02:20:00.000Z',
      violationKind: 'OVERSPEED',
      location: 'G4京港澳高速K1010+200',
      fine: 200,
    },
    T0,
  ),
  item(
    'VIO-0002',
    {
      kind: 'transport_violation',
      enterprise: { creditCode: E2 },
      plateNumber: '湘A0D123',
      occurredAt: '2024-06-01T10:00:00.000Z',
      violationKind: 'OVERLOAD',
      location: 'S20长株高速',
      fine: 1500.5,
    },
    T0,
  ),
  item(
    'VIO-0003',
    {
      kind: 'transport_violation',
      enterprise: { name: N3 },
      plateNumber: '冀A8888挂',
      occurredAt: '2023-11-11T23:59:59.000Z',
      violationKind: 'OVER_LIMIT',
      location: null,
      fine: null,
    },
    T0,
    { refStyle: 'name' },
  ),
  // 00:30 Beijing on New Year's day is still 2024 in UTC: the zone conversion must be right
  item(
    'VIO-0004',
    {
      kind: 'transport_violation',
      enterprise: { creditCode: E1 },
      plateNumber: '鄂A6789D',
      occurredAt: '2024-12-31T16:30:00.000Z',
      violationKind: 'FATIGUE',
      location: '沪渝高速武汉段',
      fine: 200,
    },
    T0,
  ),
  item(
    'VIO-0005',
    {
      kind: 'transport_violation',
      enterprise: { creditCode: E1 },
      plateNumber: '鄂A12345',
      occurredAt: '2024-07-01T00:00:00.000Z',
      violationKind: 'OVERSPEED',
      location: null,
      fine: 200,
    },
    T1,
    { malformed: true },
  ),
  item(
    'PEN-0001',
    {
      kind: 'penalty',
      enterprise: { creditCode: E1 },
      decisionNumber: '鄂交执罚〔2024〕15号',
      decisionDate: '2024-07-01',
      penaltyType: '罚款',
      reason: '客运车辆动态监控装置不在线',
      legalBasis: '《道路运输车辆动态监督管理办法》第三十六条',
      amount: 5000,
    },
    T0,
  ),
  item(
    'PEN-0002',
    {
      kind: 'penalty',
      enterprise: { name: N1 },
      decisionNumber: '鄂交执罚〔2016〕3号',
      decisionDate: '2016-04-12',
      penaltyType: '警告',
      reason: '未按规定维护车辆',
      legalBasis: null,
      amount: null,
    },
    T0,
    { refStyle: 'name' },
  ),
  item(
    'PEN-0003',
    {
      kind: 'penalty',
      enterprise: { name: N1_WIDE },
      decisionNumber: '鄂交执罚〔2015〕9号',
      decisionDate: '2015-09-09',
      penaltyType: '罚款',
      reason: '超越许可事项经营',
      legalBasis: '《道路运输条例》第六十六条',
      amount: 10000,
    },
    T0,
    { refStyle: 'fullWidthName' },
  ),
  item(
    'PEN-0004',
    {
      kind: 'penalty',
      enterprise: { creditCode: E2 },
      decisionNumber: '湘交执罚〔2023〕88号',
      decisionDate: '2023-08-08',
      penaltyType: '暂扣许可证',
      reason: '危险货物运输车辆超载',
      legalBasis: null,
      amount: null,
    },
    T0,
  ),
  item(
    'PEN-0005',
    {
      kind: 'penalty',
      enterprise: { creditCode: E2 },
      decisionNumber: '湘交执罚〔2023〕89号',
      decisionDate: '2023-08-09',
      penaltyType: '罚款',
      reason: '未取得道路运输证',
      legalBasis: null,
      amount: 3000,
    },
    T1,
    { malformed: true },
  ),
  item(
    'LST-0001',
    {
      kind: 'list_entry',
      list: 'TRANSPORT_DISHONEST',
      subjectType: 'ENTERPRISE',
      enterprise: { creditCode: E1 },
      reason: '发生一次死亡3人以上的道路运输责任事故',
      legalBasis: '《交通运输部关于进一步加强交通运输信用体系建设的意见》',
      decisionNumber: '鄂交信失〔2024〕2号',
      startDate: '2024-08-01',
      endDate: '2025-08-01',
      removedDate: null,
    },
    T0,
  ),
  item(
    'LST-0002',
    {
      kind: 'list_entry',
      list: 'TRANSPORT_DISHONEST',
      subjectType: 'ENTERPRISE',
      enterprise: { creditCode: E2 },
      reason: '拒不履行行政处罚决定',
      legalBasis: '《交通运输严重失信主体名单管理办法》',
      decisionNumber: '湘交信失〔2022〕7号',
      startDate: '2022-05-01',
      endDate: null,
      removedDate: '2023-03-01',
    },
    T0,
  ),
  item(
    'LST-0003',
    {
      kind: 'list_entry',
      list: 'TRANSPORT_DISHONEST',
      subjectType: 'ENTERPRISE',
      enterprise: { orgCode: orgCodeOfCreditCode(E3) },
      reason: '非法营运',
      legalBasis: '《道路运输条例》',
      decisionNumber: '冀交信失〔2019〕1号',
      startDate: '2019-01-15',
      endDate: '2020-01-15',
      removedDate: null,
    },
    T0,
    { refStyle: 'orgCode' },
  ),
  item(
    'LST-0004',
    {
      kind: 'list_entry',
      list: 'TRANSPORT_DISHONEST',
      subjectType: 'ENTERPRISE',
      enterprise: { creditCode: E3 },
      reason: '伪造道路运输证',
      legalBasis: '《道路运输条例》',
      decisionNumber: '冀交信失〔2024〕5号',
      startDate: '2024-02-02',
      endDate: null,
      removedDate: null,
    },
    T1,
    { malformed: true },
  ),
];
const ALL_IDS = ITEMS.map((i) => i.sourceRecordId).sort();
const MALFORMED = new Set(ITEMS.filter((i) => i.dirt?.malformed).map((i) => i.sourceRecordId));
const byId = (id: string): WorldItem => ITEMS.find((i) => i.sourceRecordId === id)!;

const ids = (envs: SourceEnvelope[]): string[] => envs.map((e) => e.sourceRecordId);

describe('transport mapping (交通运输)', () => {
  it('converts Beijing local time to and from ISO instants, rejecting impossible times', () => {
    expect(toBeijingLocal('2024-12-31T16:30:00.000Z')).toBe('2025-01-01 00:30:00');
    expect(toBeijingLocal('2024-12-31T16:30:00.999Z')).toBe('2025-01-01 00:30:00');
    expect(fromBeijingLocal('2025-01-01 00:30:00')).toBe('2024-12-31T16:30:00.000Z');
    expect(fromBeijingLocal('0000-00-00 00:00:00')).toBeNull();
    expect(fromBeijingLocal('2025-02-30 10:00:00')).toBeNull();
    expect(fromBeijingLocal('2025-01-01T00:30:00')).toBeNull();
  });

  it('documents every numeric code of the vehicle and violation dictionaries, and names an unknown one', () => {
    expect(Object.values(VEHICLE_KIND_BY_CODE).sort()).toEqual(['DANGEROUS_GOODS', 'HEAVY_FREIGHT', 'PASSENGER_COACH', 'TOURIST_COACH']);
    expect(Object.values(VIOLATION_KIND_BY_CODE).sort()).toEqual(['FATIGUE', 'OVERLOAD', 'OVERSPEED', 'OVER_LIMIT']);
    const env = toEnvelope(
      'vehicles',
      { id: 'X', updateTime: '2025-01-01 08:00:00', tyshxydm: E1, cphm: '鄂A12345', cllx: 77, dlyszh: 'N', dlyszyxqz: null, jkzx: 1 },
      0,
    );
    expect(env.error).toMatch(/cllx.*77/);
    expect(env.updatedAt).toBe(T0);
    const noRef = toEnvelope(
      'penalties',
      { id: 'Y', updateTime: '2025-01-01 08:00:00', cfjdswh: 'a', cfjdrq: '2024-01-01', cflb: '罚款', cfsy: 'x' },
      0,
    );
    expect(noRef.error).toMatch(/names no enterprise/);
    expect(toEnvelope('dishonest', 'garbage', 3)).toMatchObject({
      sourceRecordId: 'dishonest#unidentified-3',
      kind: 'list_entry',
      raw: 'garbage',
    });
  });
});

describe('transport paging plan', () => {
  it('every continuation page keeps the last consumed record, brings something new and never more than the batch', () => {
    for (const size of [1, 2, 7, 50, 200]) {
      expect(planPage(0, size)).toEqual({ pageNo: 1, pageSize: size, start: 0 });
      for (const consumed of [1, 2, 3, 6, 12, 199, 200, 201, 400, 1000, 10_000, 123_457]) {
        const p = planPage(consumed, size);
        expect(p.pageSize).toBeLessThanOrEqual(200);
        expect(p.start).toBe((p.pageNo - 1) * p.pageSize);
        expect(p.start).toBeLessThanOrEqual(consumed - 1); // overlaps the last consumed record
        expect(p.start + p.pageSize).toBeGreaterThan(consumed); // and reaches past it
      }
    }
    // after a full default page the next call still brings 198 new records (one overlapping)
    expect(planPage(200, 200).pageSize - (200 - planPage(200, 200).start)).toBeGreaterThanOrEqual(198);
  });
});

connectorContract(source, {
  items: ITEMS,
  splitAt: 7,
  // the field and why
  dirtError: /\S: \S|names no enterprise/,
  keys: [E1, E2, E3],
  touches: [
    {
      id: 'VEH-0001',
      change: { monitoringOnline: false, certificateValidTo: '2027-05-31' },
      expected: { ...byId('VEH-0001').record, monitoringOnline: false, certificateValidTo: '2027-05-31' } as CanonicalRecord,
    },
    // most likely within the same second as the first: the ids seen at that second keep them apart
    {
      id: 'VEH-0002',
      change: { monitoringOnline: true },
      expected: { ...byId('VEH-0002').record, monitoringOnline: true } as CanonicalRecord,
    },
  ],
  midStream: true,
  // answered with HTTP 200 and code 40101 in the envelope: must not be taken as data
  refused: { options: () => ({ apiKey: 'not-the-key' }) },
  gb18030: { skip: 'an HTTP JSON API: its answers are UTF-8 (application/json; charset=utf-8)' },
});

describe('transport source (交通运输): its own wire', () => {
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
    await sim?.close();
    await db?.drop();
  });
  beforeEach(async () => {
    await sim.setFaults({ mode: 'none' });
  });

  it('is the TRANSPORT source and hands out exactly what its connector needs', () => {
    expect(source).toMatchObject({ id: 'transport', department: 'TRANSPORT', title: '交通运输信用信息共享平台' });
    expect(Object.keys(sim.connectorOptions).sort()).toEqual(['apiKey', 'baseUrl']);
    expect(connector.provides).toEqual(['credential', 'vehicle', 'transport_violation', 'penalty', 'list_entry']);
  });

  it('validates its options and its watermark with messages naming the field', async () => {
    expect(() => source.createConnector({ timeoutMs: 1000 }, { log: console })).toThrow(/baseUrl.*apiKey/);
    expect(() => connect({ pageSize: 500 })).toThrow(/pageSize/);
    await expect(collect(connector.changesSince('{"v":1,"pos":{"vehicles":{"ts":"yesterday","ids":[]}}}'))).rejects.toThrow(
      /unreadable watermark/,
    );
  });

  it('refuses to seed what this platform cannot hold, naming the record', async () => {
    const person = item('PER-1', { kind: 'person', idNumber: '420106198001011234', name: '张三' }, T0);
    await expect(
      source.simulator.seed(
        env,
        (async function* () {
          yield [person];
        })(),
      ),
    ).rejects.toThrow(/PER-1 \(person\)/);
  });

  it('speaks the platform dialect: envelope, pinyin fields, Beijing time, numeric codes, yuan, references as carried', async () => {
    const get = (resource: string, params: Record<string, unknown>, apikey: string | null = String(sim.connectorOptions.apiKey)) =>
      axios.get(`${baseUrl()}${API_BASE}/${resource}`, {
        params,
        headers: apikey ? { apikey } : {},
        timeout: 2000,
        validateStatus: () => true,
      });
    const all = async (resource: string) =>
      (await get(resource, { pageNo: 1, pageSize: 200 })).data.data.records as Record<string, unknown>[];
    const rec = (rows: Record<string, unknown>[], id: string) => rows.find((r) => r.id === id)!;

    const page = await get('vehicles', { pageNo: 1, pageSize: 2 });
    expect(page.status).toBe(200);
    expect(page.data).toMatchObject({ code: 0, data: { total: 5 } });
    expect(page.data.data.records).toHaveLength(2);

    const vehicles = await all('vehicles');
    expect(rec(vehicles, 'VEH-0001')).toMatchObject({
      tyshxydm: E1,
      yhmc: N1,
      cphm: '鄂A12345',
      cllx: 11,
      jkzx: 1,
      updateTime: '2025-01-01 08:00:00',
    });
    expect(rec(vehicles, 'VEH-0004')).toMatchObject({ tyshxydm: null, zzjgdm: orgCodeOfCreditCode(E3), yhmc: null, cllx: 31, jkzx: 0 });
    const violations = await all('violations');
    expect(rec(violations, 'VIO-0001')).toMatchObject({ wfsj: '2024-05-06 10:20:00', wflx: 1, fkje: 200 });
    expect(rec(violations, 'VIO-0002')).toMatchObject({ wflx: 2, fkje: 1500.5 });
    expect(rec(violations, 'VIO-0003')).toMatchObject({ tyshxydm: null, zzjgdm: null, yhmc: N3, wflx: 3 });
    expect(rec(violations, 'VIO-0004')).toMatchObject({ wfsj: '2025-01-01 00:30:00', wflx: 4 });
    const penalties = await all('penalties');
    expect(rec(penalties, 'PEN-0002')).toMatchObject({ tyshxydm: null, zzjgdm: null, yhmc: N1 });
    expect(rec(penalties, 'PEN-0003')).toMatchObject({ tyshxydm: null, zzjgdm: null, yhmc: N1_WIDE });
    expect(rec(await all('licences'), 'LIC-0002')).toMatchObject({ zzzt: '过期', yxqq: null, yxqz: '2024-06-30' });

    // updateTimeStart is inclusive, to the second
    const since = await get('licences', { pageNo: 1, pageSize: 200, updateTimeStart: '2025-02-01 16:30:00' });
    expect((since.data.data.records as { id: string }[]).map((r) => r.id)).toEqual(['LIC-0004']);

    // errors come inside the envelope with HTTP 200
    const noKey = await get('licences', { pageNo: 1, pageSize: 1 }, null);
    expect(noKey.status).toBe(200);
    expect(noKey.data).toMatchObject({ code: 40101, msg: 'apikey无效' });
    expect((await get('licences', { pageNo: 1, pageSize: 1 }, 'wrong')).data.code).toBe(40101);
    const tooBig = await get('licences', { pageNo: 1, pageSize: 201 });
    expect(tooBig.status).toBe(200);
    expect(tooBig.data).toMatchObject({ code: 40001, msg: expect.stringContaining('pageSize') });
    expect((await get('licences', { updateTimeStart: '2025-02-01T16:30:00Z' })).data.code).toBe(40001);
  });

  /** SQL on the department database from a client of its own (as the department's own clerks would write) */
  const direct = async (sql: string, params: unknown[] = []) => {
    const c = new pg.Client(env.departmentsDatabaseUrl);
    await c.connect();
    try {
      return (await c.query(sql, params)).rows as Record<string, unknown>[];
    } finally {
      await c.end();
    }
  };
  /** the `total` of a one-record vehicles page from the given simulator */
  const totalOf = async (s: RunningSimulator, params: Record<string, unknown>) =>
    (
      await axios.get(`${String(s.connectorOptions.baseUrl)}${API_BASE}/vehicles`, {
        params: { pageNo: 1, pageSize: 1, ...params },
        headers: { apikey: String(s.connectorOptions.apiKey) },
        timeout: 2000,
      })
    ).data.data.total as number;

  it('total is the count of rows at or after updateTimeStart, also right after another client wrote to the table', async () => {
    const total = (params: Record<string, unknown>) => totalOf(sim, params);
    const table = `${SCHEMA}.${TABLE_OF.vehicles}`;
    const expected = async (start: string) =>
      (await direct(`SELECT count(*)::int AS n FROM ${table} WHERE update_time >= $1::timestamp`, [start]))[0]!.n;
    for (const start of ['2000-01-01 00:00:00', '2025-01-01 08:00:00', '2025-01-01 08:00:01', '2099-01-01 00:00:00']) {
      expect(await total({ updateTimeStart: start }), start).toBe(await expected(start));
    }
    expect(await total({})).toBe(5);
    // a row written behind the platform's back (as the department's own clerks would) counts at once
    await direct(`INSERT INTO ${table} (id, update_time) VALUES ('VEH-TOTAL', '2098-06-01 00:00:00')`);
    try {
      expect(await total({ updateTimeStart: '2098-01-01 00:00:00' })).toBe(1);
      expect(await total({})).toBe(6);
    } finally {
      await direct(`DELETE FROM ${table} WHERE id = 'VEH-TOTAL'`);
    }
    expect(await total({ updateTimeStart: '2098-01-01 00:00:00' })).toBe(0);
    expect(await total({})).toBe(5);
  });

  it('a system seeded before the change log had one gets it when the simulator starts; without one, totals are counted', async () => {
    const hasLog = async () =>
      (
        await direct(`SELECT to_regclass('${SCHEMA}.change_log') IS NOT NULL AND EXISTS (
      SELECT 1 FROM pg_trigger WHERE tgname = '${TABLE_OF.vehicles}_changed') AS ok`)
      )[0]!.ok;
    const since = (s: RunningSimulator, start: string) => totalOf(s, { updateTimeStart: start });
    const table = `${SCHEMA}.${TABLE_OF.vehicles}`;
    const dropLog = `DROP FUNCTION ${SCHEMA}.note_change() CASCADE; DROP TABLE ${SCHEMA}.change_log`;
    await direct(dropLog);
    expect(await hasLog()).toBe(false);
    const again = await source.simulator.start(env);
    try {
      expect(await hasLog()).toBe(true);
      await direct(`INSERT INTO ${table} (id, update_time) VALUES ('VEH-OLD', '2097-06-01 00:00:00')`);
      expect(await since(again, '2097-01-01 00:00:00')).toBe(1);
      // the log gone under a running simulator: it counts instead
      await direct(dropLog);
      await direct(`DELETE FROM ${table} WHERE id = 'VEH-OLD'`);
      expect(await since(again, '2097-01-01 00:00:00')).toBe(0);
      expect(await since(again, '2000-01-01 00:00:00')).toBe(5);
    } finally {
      await direct(`DELETE FROM ${table} WHERE id = 'VEH-OLD'`);
      await again.close();
    }
    // the other simulator of this suite, started with the log, works on: its next answer counts
    expect(await since(sim, '2000-01-01 00:00:00')).toBe(5);
    await (await source.simulator.start(env)).close(); // leaves the log in place for the tests after this one
    expect(await hasLog()).toBe(true);
  });

  it('a record leaving its second between two pages of that second does not make the reader skip the one behind it', async () => {
    // penalties PEN-0001..0004 share T0; with batches of 1 the reader pages through that second
    const got: string[] = [];
    let touched = false;
    for await (const b of connector.changesSince(null, { batchSize: 1 })) {
      got.push(...ids(b.records));
      if (!touched && got.includes('PEN-0002')) {
        await source.simulator.touch(env, 'PEN-0001', { amount: 5100 }); // already read: leaves T0, shifting offsets
        touched = true;
      }
    }
    expect(touched).toBe(true);
    expect([...new Set(got)].sort()).toEqual(ALL_IDS);
    expect(got.filter((id) => id === 'PEN-0001')).toHaveLength(2);
  });

  it('fetchByKeys: everything about 100 enterprises in 2 calls (50 a call), by code, org code and the names the platform carries', async () => {
    const filler = Array.from({ length: 97 }, (_, i) => makeCreditCode('9', '1', '110101', `Q${String(i).padStart(7, '0')}`));
    sim.resetCallCount();
    const envs = await connector.fetchByKeys([E1, ...filler.slice(0, 60), E2, E3, ...filler.slice(60), E1]);
    expect(sim.callCount()).toBe(2);
    const got = ids(envs);
    expect(new Set(got).size).toBe(got.length);
    // VIO-0003 names its enterprise only by a name no row of this platform carries next to a code:
    // it is reached through changesSince only
    expect(got.sort()).toEqual(ALL_IDS.filter((id) => id !== 'VIO-0003'));
    for (const e of envs) {
      if (MALFORMED.has(e.sourceRecordId)) expect(e.error).toMatch(/./);
      else expect(e.record, e.sourceRecordId).toMatchObject({ kind: byId(e.sourceRecordId).record.kind });
    }
    expect(envs.find((e) => e.sourceRecordId === 'PEN-0003')!.record).toEqual(byId('PEN-0003').record); // full-width name found
    expect(envs.find((e) => e.sourceRecordId === 'LST-0003')!.record).toEqual(byId('LST-0003').record); // org code only

    sim.resetCallCount();
    const many = Array.from({ length: 150 }, (_, i) => makeCreditCode('9', '1', '110101', `R${String(i).padStart(7, '0')}`));
    expect(await connector.fetchByKeys(many)).toEqual([]);
    expect(sim.callCount()).toBe(3);
    sim.resetCallCount();
    expect(await connector.fetchByKeys([])).toEqual([]);
    expect(sim.callCount()).toBe(0);
  });

  it("error fault (set over HTTP): gateway 502/503 and the platform's own 50001 envelope are all UNAVAILABLE", async () => {
    await axios.post(`${baseUrl()}/__faults`, { mode: 'error' }, { timeout: 2000 });
    expect((await axios.get(`${baseUrl()}/__faults`, { timeout: 2000 })).data).toMatchObject({ mode: 'error' });
    const reasons = [
      (await failure(connector.fetchByKeys([E1]))).reason,
      (await failure(collect(connector.changesSince(null)))).reason,
      (await failure(connector.fetchByKeys([E2]))).reason,
    ];
    expect(reasons).toEqual(['UNAVAILABLE', 'UNAVAILABLE', 'UNAVAILABLE']);
    expect((await connector.health()).ok).toBe(false);
    await axios.post(`${baseUrl()}/__faults`, { mode: 'none' }, { timeout: 2000 });
    expect((await connector.health()).ok).toBe(true);
    expect(ids(await connector.fetchByKeys([E2]))).toContain('LIC-0002');
  });
});
