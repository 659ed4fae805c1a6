/**
 * 住房城乡建设 source end to end: seeder → PostgreSQL (sim_housing) → TCP proxy of the simulator →
 * connector's SQL → canonical records. Real database, real sockets; nothing mocked. The behaviours every
 * source shares (paging, resuming, faults, dirt) come from the connector contract; here only this platform's own.
 */
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CanonicalRecord, EnterpriseRef } from '../../src/domain/canonical.js';
import { idNumberCheckChar, makeCreditCode, orgCodeOfCreditCode } from '../../src/domain/codes.js';
import type { WorldItem } from '../../src/generator/world.js';
import { connectorContract } from '../kit/contract.js';
import { collect, flat, quietDeps, seededSystem, type SeededSystem, worldItemsOf } from '../kit/testing.js';
import type { Connector, RunningSimulator, SimulatorEnv } from '../types.js';
import source from './index.js';
import { SCHEMA } from './mapping.js';

// GXSJ is Beijing time: 08:00Z on one day and 20:30Z (04:30 the next day in Beijing) both round-trip
const T0 = '2025-01-01T00:00:00.000Z';
const T1 = '2025-02-01T20:30:00.123Z';
const idNo = (first17: string) => first17 + idNumberCheckChar(first17);

const E1 = makeCreditCode('9', '1', '420106', 'MA4K0001');
const E2 = makeCreditCode('9', '1', '430102', '70721502');
const E3 = makeCreditCode('9', '1', '130104', 'MA0CQ123');
const OTHER = makeCreditCode('9', '1', '220102', '12345678');
const N1 = '武汉江城建设工程有限公司';
const N2 = '长沙湘江路桥（集团）有限公司';
const N3 = '石家庄燕赵燃气股份有限公司';
const full = (code: string, name: string): EnterpriseRef => ({ creditCode: code, orgCode: orgCodeOfCreditCode(code), name });
const P1 = idNo('42010619800101123');
const P2 = idNo('43010219850202456');
const P3 = idNo('13010419900303789');

const item = worldItemsOf('HOUSING', T0);
const validity = { validFrom: '2023-03-01', validTo: '2028-02-29', status: 'VALID' } as const;

const ITEMS: WorldItem[] = [
  // enterprise-held credentials (as the generator writes them: no idNumber / registeredEnterprise)
  item('ZJZZ-1', {
    kind: 'credential',
    credentialKind: 'CONSTRUCTION_QUALIFICATION',
    number: 'D242010600001',
    enterprise: full(E1, N1),
    category: '施工总承包',
    grade: '一级',
    scope: '建筑工程',
    issuerDepartment: 'HOUSING',
    ...validity,
  }),
  item('ZJZZ-2', {
    kind: 'credential',
    credentialKind: 'CONSTRUCTION_QUALIFICATION',
    number: 'D343010200002',
    enterprise: full(E2, N2),
    category: '施工劳务',
    grade: null,
    scope: '施工劳务',
    issuerDepartment: 'HOUSING',
    validFrom: '2018-01-01',
    validTo: '2023-01-01',
    status: 'EXPIRED',
  }),
  // a sequence the platform's dictionary lacks: a new code is issued for it
  item(
    'ZJZZ-3',
    {
      kind: 'credential',
      credentialKind: 'CONSTRUCTION_QUALIFICATION',
      number: 'D313010400003',
      enterprise: full(E3, N3),
      category: '专业承包',
      grade: '二级',
      scope: '钢结构工程',
      issuerDepartment: 'HOUSING',
      validFrom: null,
      validTo: null,
      status: 'SUSPENDED',
    },
    T1,
  ),
  item('ZJZZ-4', {
    kind: 'credential',
    credentialKind: 'CONSTRUCTION_SAFETY_LICENCE',
    number: '(鄂)JZ安许证字[2024]000001',
    enterprise: full(E1, N1),
    category: null,
    grade: null,
    scope: '建筑施工',
    issuerDepartment: 'HOUSING',
    ...validity,
  }),
  item('ZJZZ-5', {
    kind: 'credential',
    credentialKind: 'GAS_OPERATION_LICENCE',
    number: '冀燃经字3',
    enterprise: full(E3, N3),
    category: '管道燃气',
    grade: null,
    scope: '城镇燃气经营',
    issuerDepartment: 'HOUSING',
    ...validity,
    status: 'REVOKED',
  }),
  // person-held credentials (no enterprise key)
  item('ZJZZ-6', {
    kind: 'credential',
    credentialKind: 'REGISTERED_CONSTRUCTOR',
    number: '鄂1000000001',
    idNumber: P1,
    registeredEnterprise: full(E1, N1),
    category: '一级建造师',
    grade: null,
    scope: '建筑工程',
    issuerDepartment: 'HOUSING',
    ...validity,
  }),
  item('ZJZZ-7', {
    kind: 'credential',
    credentialKind: 'SAFETY_CERTIFICATE_ABC',
    number: '鄂建安C(2024)103',
    idNumber: P2,
    registeredEnterprise: full(E1, N1),
    category: 'C',
    grade: null,
    scope: null,
    issuerDepartment: 'HOUSING',
    ...validity,
  }),
  item(
    'ZJZZ-8',
    {
      kind: 'credential',
      credentialKind: 'SAFETY_CERTIFICATE_ABC',
      number: '鄂建安B(2024)102',
      idNumber: P1,
      registeredEnterprise: full(E1, N1),
      category: 'B',
      grade: null,
      scope: null,
      issuerDepartment: 'HOUSING',
      ...validity,
    },
    T1,
    { malformed: true },
  ),
  // persons
  item('ZJRY-1', { kind: 'person', idNumber: P1, name: '张伟', phone: '13800138000' }),
  item('ZJRY-2', { kind: 'person', idNumber: P2, name: '李娜', phone: null }),
  item('ZJRY-3', { kind: 'person', idNumber: P3, name: '王强', phone: '13911112222' }),
  // roles, four sharing one GXSJ with the credentials above: batch boundaries must not skip or repeat
  item('ZJZW-1', {
    kind: 'role',
    enterprise: full(E1, N1),
    idNumber: P1,
    personName: '张伟',
    role: 'PROJECT_MANAGER',
    since: '2022-05-01',
    until: null,
  }),
  item('ZJZW-2', {
    kind: 'role',
    enterprise: full(E1, N1),
    idNumber: P2,
    personName: '李娜',
    role: 'SAFETY_MANAGER',
    since: '2021-01-01',
    until: '2024-12-31',
  }),
  // dirt: only the organisation code / only the name / a full-width name with brackets and spaces
  item(
    'ZJZW-3',
    {
      kind: 'role',
      enterprise: { orgCode: orgCodeOfCreditCode(E2) },
      idNumber: P3,
      personName: '王强',
      role: 'SAFETY_MANAGER',
      since: null,
      until: null,
    },
    T0,
    { refStyle: 'orgCode' },
  ),
  item(
    'ZJZW-4',
    { kind: 'role', enterprise: { name: N3 }, idNumber: P3, personName: '王强', role: 'PROJECT_MANAGER', since: '2020-01-01', until: null },
    T0,
    { refStyle: 'name' },
  ),
  item(
    'ZJZW-5',
    {
      kind: 'role',
      enterprise: { name: '长沙湘江路桥（集团）　有限公司' },
      idNumber: P2,
      personName: '李娜',
      role: 'PROJECT_MANAGER',
      since: '2020-01-01',
      until: null,
    },
    T0,
    { refStyle: 'fullWidthName' },
  ),
  // projects and contracts
  item('ZJXM-1', {
    kind: 'project',
    projectCode: 'XM420106000000001',
    name: '江城花园一期',
    builder: full(E3, N3),
    constructionPermit: '420106202401010101',
    scale: 'LARGE',
    requiredCategory: '施工总承包',
    requiredSequence: '建筑工程',
    divisionCode: '420106',
    startDate: '2024-01-01',
    investment: 52000.5,
  }),
  item(
    'ZJXM-2',
    {
      kind: 'project',
      projectCode: 'XM430102000000002',
      name: '湘江大桥维修',
      builder: full(E2, N2),
      constructionPermit: null,
      scale: 'SMALL',
      requiredCategory: '施工总承包',
      requiredSequence: '市政公用工程',
      divisionCode: '430102',
      startDate: null,
      investment: null,
    },
    T1,
    { malformed: true },
  ),
  item('ZJHT-1', {
    kind: 'contract',
    contractNumber: 'HT-XM420106000000001-01',
    projectCode: 'XM420106000000001',
    parentContractNumber: null,
    contractKind: 'GENERAL',
    employer: full(E3, N3),
    contractor: full(E1, N1),
    scope: '建筑工程施工总承包',
    value: 44200,
    coversMainStructure: true,
    coversAllWork: false,
    safetyAgreementSigned: true,
    projectManagerIdNumber: P1,
    signedOn: '2023-12-01',
  }),
  item(
    'ZJHT-2',
    {
      kind: 'contract',
      contractNumber: 'HT-XM420106000000001-02',
      projectCode: 'XM420106000000001',
      parentContractNumber: 'HT-XM420106000000001-01',
      contractKind: 'LABOUR_SUBCONTRACT',
      employer: full(E1, N1),
      contractor: full(E2, N2),
      scope: '劳务作业',
      value: 4160.25,
      coversMainStructure: false,
      coversAllWork: true,
      safetyAgreementSigned: false,
      projectManagerIdNumber: null,
      signedOn: '2023-12-11',
    },
    T1,
  ),
  // blacklist: an enterprise and a person
  item('ZJMD-1', {
    kind: 'list_entry',
    list: 'CONSTRUCTION_BLACKLIST',
    subjectType: 'ENTERPRISE',
    enterprise: full(E2, N2),
    idNumber: null,
    personName: null,
    reason: '转包、违法分包被行政处罚',
    legalBasis: '《建筑市场信用管理暂行办法》第十四条',
    decisionNumber: '湘建黑〔2024〕2号',
    startDate: '2024-03-01',
    endDate: '2025-03-01',
    removedDate: null,
  }),
  item('ZJMD-2', {
    kind: 'list_entry',
    list: 'CONSTRUCTION_BLACKLIST',
    subjectType: 'PERSON',
    enterprise: full(E1, N1),
    idNumber: P1,
    personName: '张伟',
    reason: '出借执业资格',
    legalBasis: '《建筑市场信用管理暂行办法》第十四条',
    decisionNumber: '鄂建黑〔2023〕7号',
    startDate: '2023-06-01',
    endDate: '2024-06-01',
    removedDate: '2024-01-15',
  }),
  item(
    'ZJMD-3',
    {
      kind: 'list_entry',
      list: 'CONSTRUCTION_BLACKLIST',
      subjectType: 'ENTERPRISE',
      enterprise: full(E3, N3),
      idNumber: null,
      personName: null,
      reason: '拖欠农民工工资',
      legalBasis: '《保障农民工工资支付条例》第四十八条',
      decisionNumber: '冀建黑〔2024〕1号',
      startDate: '2024-05-01',
      endDate: null,
      removedDate: null,
    },
    T0,
    { malformed: true },
  ),
  item('ZJRY-4', { kind: 'person', idNumber: idNo('42010619700707111'), name: '赵敏', phone: null }, T0, { malformed: true }),
];
const byId = (id: string) => ITEMS.find((i) => i.sourceRecordId === id)!.record;

connectorContract(source, {
  items: ITEMS,
  splitAt: 9,
  // the column (upper-case, as the platform names it) and why
  dirtError: /[A-Z]{2,}: /,
  keys: [E1, E2, E3],
  touches: [
    {
      id: 'ZJZZ-1',
      change: { grade: '特级', status: 'SUSPENDED', scope: '隧道工程' },
      expected: { ...byId('ZJZZ-1'), grade: '特级', status: 'SUSPENDED', scope: '隧道工程' } as CanonicalRecord,
    },
    { id: 'ZJRY-1', change: { phone: '13700001111' }, expected: { ...byId('ZJRY-1'), phone: '13700001111' } as CanonicalRecord },
  ],
  midStream: true,
  refused: {
    options: (o) => {
      const url = new URL(String(o.connectionString));
      url.username = 'nobody_at_all';
      return { connectionString: url.toString() };
    },
  },
  gb18030: { skip: 'a PostgreSQL exchange database in UTF8, read with client_encoding UTF8: the server converts, nothing to decode' },
});

describe('housing source (住房城乡建设): its own wire', () => {
  let db: SeededSystem['db'];
  let env: SimulatorEnv;
  let sim: RunningSimulator;
  let connector: Connector;
  const extra: Connector[] = [];
  const connect = (more: Record<string, unknown> = {}) => {
    const c = source.createConnector({ timeoutMs: 5000, ...sim.connectorOptions, ...more }, quietDeps);
    extra.push(c);
    return c;
  };

  beforeAll(async () => {
    ({ db, env } = await seededSystem(source, ITEMS, 9));
    sim = await source.simulator.start(env);
    connector = connect();
  });
  afterAll(async () => {
    for (const c of extra) await c.close().catch(() => undefined);
    await sim?.close();
    await db?.drop();
  });
  beforeEach(async () => {
    await sim.setFaults({ mode: 'none' });
  });

  it('hands out exactly what its connector needs and rejects bad options', () => {
    expect(Object.keys(sim.connectorOptions)).toEqual(['connectionString']);
    expect(String(sim.connectorOptions.connectionString)).toMatch(/^postgres(ql)?:\/\/hub_housing_reader:/);
    expect(connector.provides).toEqual(['credential', 'person', 'role', 'project', 'contract', 'list_entry']);
    expect(() => source.createConnector({ timeoutMs: 1000, connectionString: 'http://x' }, { log: console })).toThrow(/connectionString/);
  });

  it('speaks its own wire: codes with dictionary labels, Beijing-time GXSJ, only the reference the row had', async () => {
    const envelopes = flat(await collect(connector.changesSince(null)));
    const raw = (id: string) => envelopes.find((e) => e.sourceRecordId === id)!.raw as Record<string, unknown>;
    expect(raw('ZJZZ-1')).toMatchObject({
      zzlb: '01',
      zzlb_mc: '施工总承包',
      zzdj_mc: '一级',
      zszt: '01',
      zszt_mc: '有效',
      fzrq: '2023-03-01',
      sfyx: '1',
      gxsj: '2025-01-01 08:00:00.000000',
    });
    expect(raw('ZJZZ-3')).toMatchObject({ zzxl_mc: '钢结构工程', gxsj: '2025-02-02 04:30:00.123000' });
    expect(raw('ZJHT-1')).toMatchObject({ htlx: '01', htlx_mc: '施工总承包', sfhztjg: '1', sfqbfb: '0', htje: 44200 });
    expect(raw('ZJZW-3')).toMatchObject({ tyshxydm: null, zzjgdm: orgCodeOfCreditCode(E2), qymc: null });
    expect(raw('ZJZW-4')).toMatchObject({ tyshxydm: null, zzjgdm: null, qymc: N3 });
    expect(raw('ZJZW-5').qymc).toBe('长沙湘江路桥（集团）　有限公司');
    // GXSJ in Beijing time round-trips to the instant, also across midnight
    expect(envelopes.find((e) => e.sourceRecordId === 'ZJZZ-3')!.updatedAt).toBe(T1);
  });

  it('soft-deleted rows (SFYX 0) are not read', async () => {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      await c.query(
        `INSERT INTO ${SCHEMA}.t_ry_jbxx (id, sfzh, xm, sfyx, gxsj) VALUES ('ZJRY-DEL', $1, '已删除', '0', '2025-01-01 00:00:00')`,
        [idNo('42010619600101000')],
      );
      const ids = flat(await collect(connector.changesSince(null))).map((e) => e.sourceRecordId);
      expect(ids).not.toContain('ZJRY-DEL');
      expect(ids).toContain('ZJRY-1');
    } finally {
      await c.query(`DELETE FROM ${SCHEMA}.t_ry_jbxx WHERE id = 'ZJRY-DEL'`);
      await c.end();
    }
  });

  it('touch() refuses a field the table cannot hold', async () => {
    await expect(source.simulator.touch(env, 'ZJZZ-1', { colour: 'red' })).rejects.toThrow(/colour/);
  });

  it('fetchByKeys returns everything about the codes, by code, org code or the name the platform keeps, in one statement per 500 codes', async () => {
    sim.resetCallCount();
    const envs = await connector.fetchByKeys([E1]);
    expect(sim.callCount()).toBe(1);
    expect(envs.map((e) => e.sourceRecordId).sort()).toEqual(
      ['ZJZZ-1', 'ZJZZ-4', 'ZJZZ-6', 'ZJZZ-7', 'ZJZZ-8', 'ZJZW-1', 'ZJZW-2', 'ZJHT-1', 'ZJHT-2', 'ZJMD-2', 'ZJRY-1', 'ZJRY-2'].sort(),
    );
    expect(envs.find((e) => e.sourceRecordId === 'ZJZZ-8')!.error).toMatch(/./);

    // E2 is reached by org code (ZJZW-3) and by its full-width name (ZJZW-5); persons of those rows come along
    sim.resetCallCount();
    const filler = Array.from({ length: 600 }, (_, i) => makeCreditCode('9', '1', '110101', `Q${String(i).padStart(7, '0')}`));
    const many = await connector.fetchByKeys([E2, E3, OTHER, ...filler]);
    expect(sim.callCount()).toBe(2);
    const ids = many.map((e) => e.sourceRecordId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(
      expect.arrayContaining([
        'ZJZW-3',
        'ZJZW-4',
        'ZJZW-5',
        'ZJZZ-2',
        'ZJZZ-3',
        'ZJZZ-5',
        'ZJXM-1',
        'ZJXM-2',
        'ZJMD-1',
        'ZJMD-3',
        'ZJRY-3',
        'ZJRY-2',
      ]),
    );
    expect(many.find((e) => e.sourceRecordId === 'ZJZW-5')!.record).toEqual(byId('ZJZW-5'));
    expect(ids).not.toContain('ZJZZ-1');
    expect(await connector.fetchByKeys([OTHER])).toEqual([]);
  });

  it('the exchange login sees the views but not the base tables', async () => {
    const c = new pg.Client({ connectionString: String(sim.connectorOptions.connectionString) });
    await c.connect();
    try {
      await expect(c.query(`SELECT count(*) FROM ${SCHEMA}.t_ry_jbxx`)).rejects.toMatchObject({ code: '42501' });
      expect((await c.query(`SELECT count(*)::int AS n FROM ${SCHEMA}.v_gx_ry_jbxx`)).rows[0].n).toBe(4);
    } finally {
      await c.end();
    }
  });
});
