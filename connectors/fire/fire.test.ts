/**
 * 消防 source end to end: seeder → daily CSV exports in a real folder (GB18030 and UTF-8 with BOM,
 * .done markers) → connector → canonical records; faults are real folder states (named pipes, a
 * directory in place of a file, a truncated file, garbage rows). Nothing mocked. The behaviours every
 * source shares (paging, resuming, faults, dirt, GB18030) come from the connector contract; here only
 * this system's own (its files, markers, encodings by day, corrections, spreadsheet breakage).
 */
import fs from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CanonicalRecord, ListEntryRecord } from '../../src/domain/canonical.js';
import { idNumberCheckChar, makeCreditCode, orgCodeOfCreditCode } from '../../src/domain/codes.js';
import type { WorldItem } from '../../src/generator/world.js';
import { fullWidthName } from '../kit/dirt.js';
import { connectorContract } from '../kit/contract.js';
import { collect, failure, flat, quietDeps, seededSystem, type SeededSystem, worldItemsOf } from '../kit/testing.js';
import type { Connector, RunningSimulator, SimulatorEnv, SourceEnvelope } from '../types.js';
import { encodeCsv, markerFor, writeMarker } from './files.js';
import source from './index.js';
import { TABLES, type RawRow } from './mapping.js';

// China time: T0 → 2025-03-01 08:00 (odd day: UTF-8 + BOM), T1/T2 → 2025-03-02 (even: GB18030),
// T3 → 2025-03-03 00:00:00 (one second after T2, but the next day's export)
const T0 = '2025-03-01T00:00:00.000Z';
const T1 = '2025-03-02T02:30:00.000Z';
const T2 = '2025-03-02T15:59:59.000Z';
const T3 = '2025-03-02T16:00:00.000Z';
const idNo = (first17: string) => first17 + idNumberCheckChar(first17);

const E1 = makeCreditCode('9', '1', '420106', 'MA4K0001');
const E2 = makeCreditCode('9', '1', '430102', '70721502');
const E3 = makeCreditCode('9', '1', '130104', 'MA0CQ123');
const good = makeCreditCode('9', '1', '220102', '12345678');
/** a code really issued with a wrong check character: kept, matched only exactly */
const E4 = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
const N1 = '武汉江城建设工程(集团)有限公司';
const N3 = '石家庄燕赵化工股份有限公司';
const PERSON_ID = idNo('13010419750302231');

const item = worldItemsOf('FIRE');
const fireList = (e: Partial<ListEntryRecord>): ListEntryRecord => ({
  kind: 'list_entry',
  list: 'FIRE_DISHONEST',
  subjectType: 'ENTERPRISE',
  reason: '拒不整改重大火灾隐患',
  legalBasis: '《消防安全领域严重失信主体名单管理办法》第六条',
  decisionNumber: '冀消失信〔2025〕1号',
  startDate: '2025-03-02',
  endDate: '2026-03-02',
  removedDate: null,
  ...e,
});

const ITEMS: WorldItem[] = [
  item(
    'INS-0001',
    {
      kind: 'inspection',
      enterprise: { creditCode: E1, name: N1 },
      inspectedOn: '2025-02-27',
      inspectionType: '消防监督检查',
      result: 'PASSED',
      findings: null,
      keyFireSafetyUnit: true,
    },
    T0,
  ),
  item(
    'INS-0002',
    {
      kind: 'inspection',
      enterprise: { creditCode: E2 },
      inspectedOn: '2025-02-28',
      inspectionType: '双随机抽查',
      result: 'HAZARDS_FOUND',
      findings: '封闭安全出口；占用消防车通道',
      keyFireSafetyUnit: false,
    },
    T0,
  ),
  // a comma and quotes inside a cell: the exporter must quote it
  item(
    'INS-0003',
    {
      kind: 'inspection',
      enterprise: { creditCode: E3, name: N3 },
      inspectedOn: '2025-03-01',
      inspectionType: '专项检查',
      result: 'SEALED',
      findings: '疏散通道堵塞,"自动喷水灭火系统"停用\n当场临时查封',
      keyFireSafetyUnit: null,
    },
    T1,
  ),
  item(
    'INS-0004',
    {
      kind: 'inspection',
      enterprise: { orgCode: orgCodeOfCreditCode(E2) },
      inspectedOn: '2019-06-01',
      inspectionType: '消防监督检查',
      result: 'PASSED',
      findings: null,
      keyFireSafetyUnit: false,
    },
    T1,
    { refStyle: 'orgCode' },
  ),
  item(
    'INS-0005',
    {
      kind: 'inspection',
      enterprise: { creditCode: E1 },
      inspectedOn: '2025-03-01',
      inspectionType: '消防监督检查',
      result: 'PASSED',
      findings: null,
      keyFireSafetyUnit: true,
    },
    T1,
    { malformed: true },
  ),
  item(
    'PEN-0001',
    {
      kind: 'penalty',
      enterprise: { creditCode: E1 },
      decisionNumber: '汉消行罚决字〔2025〕0012号',
      decisionDate: '2025-02-20',
      penaltyType: '罚款',
      reason: '占用、堵塞、封闭疏散通道、安全出口',
      legalBasis: '《中华人民共和国消防法》第六十条',
      amount: 50000,
    },
    T0,
  ),
  item(
    'PEN-0002',
    {
      kind: 'penalty',
      enterprise: { name: N3 },
      decisionNumber: '石消行罚决字〔2018〕77号',
      decisionDate: '2018-07-01',
      penaltyType: '责令停产停业',
      reason: '消防设施未保持完好有效',
      legalBasis: null,
      amount: null,
    },
    T1,
    { refStyle: 'name' },
  ),
  item(
    'PEN-0003',
    {
      kind: 'penalty',
      enterprise: { creditCode: E1, name: N1 },
      decisionNumber: '汉消行罚决字〔2016〕5号',
      decisionDate: '2016-02-03',
      penaltyType: '罚款',
      reason: '未经消防安全检查擅自投入使用',
      legalBasis: null,
      amount: 30000,
    },
    T1,
    { refStyle: 'fullWidthName' },
  ),
  item(
    'PEN-0004',
    {
      kind: 'penalty',
      enterprise: { creditCode: E3 },
      decisionNumber: '石消临封字〔2025〕3号',
      decisionDate: '2025-03-01',
      penaltyType: '临时查封',
      reason: '人员密集场所安全出口被封闭',
      legalBasis: '《中华人民共和国消防法》第五十四条',
      amount: 12345.67,
    },
    T3,
  ),
  item(
    'PEN-0005',
    {
      kind: 'penalty',
      enterprise: { creditCode: E2 },
      decisionNumber: '长消行罚决字〔2025〕9号',
      decisionDate: '2025-01-09',
      penaltyType: '罚款',
      reason: '消防控制室无人值班',
      legalBasis: null,
      amount: 5000,
    },
    T0,
    { malformed: true },
  ),
  item(
    'ACC-0001',
    {
      kind: 'accident',
      enterprise: { creditCode: E2 },
      occurredOn: '2025-02-11',
      level: 'LARGER',
      deaths: 3,
      seriousInjuries: 5,
      directLoss: 312.5,
      description: '仓库电气线路故障引发火灾',
      reportingViolation: null,
    },
    T0,
  ),
  item(
    'ACC-0002',
    {
      kind: 'accident',
      enterprise: { creditCode: E3 },
      occurredOn: '2024-12-30',
      level: 'GENERAL',
      deaths: 0,
      seriousInjuries: 1,
      directLoss: 8.75,
      description: '车间动火作业引燃可燃物',
      reportingViolation: 'LATE',
    },
    T2,
  ),
  item(
    'ACC-0003',
    {
      kind: 'accident',
      enterprise: { creditCode: E1 },
      occurredOn: '2025-01-15',
      level: 'GENERAL',
      deaths: 0,
      seriousInjuries: 0,
      directLoss: 1,
      description: '厨房油锅起火',
      reportingViolation: null,
    },
    T2,
    { malformed: true },
  ),
  // 𠮷 needs four bytes in GB18030 (outside GBK): this row is in an even day's GB18030 export
  item('LST-0001', fireList({ enterprise: { creditCode: E3 }, reason: '拒不整改重大火灾隐患（𠮷祥楼）' }), T1),
  item(
    'LST-0002',
    fireList({
      enterprise: { creditCode: E4 },
      decisionNumber: '吉消失信〔2023〕2号',
      startDate: '2023-05-01',
      endDate: '2024-05-01',
      removedDate: '2023-11-20',
    }),
    T3,
  ),
  item(
    'LST-0003',
    fireList({
      subjectType: 'PERSON',
      idNumber: PERSON_ID,
      personName: '李强',
      enterprise: { creditCode: E3, name: N3 },
      decisionNumber: '冀消失信〔2025〕2号',
    }),
    T3,
  ),
  item('LST-0005', fireList({ enterprise: { creditCode: E2 } }), T3, { malformed: true }),
];
const MALFORMED = new Set(ITEMS.filter((i) => i.dirt?.malformed).map((i) => i.sourceRecordId));
const ALL_IDS = ITEMS.map((i) => i.sourceRecordId).sort();
const record = (id: string) => ITEMS.find((i) => i.sourceRecordId === id)!.record;

const ids = (envs: SourceEnvelope[]) => envs.map((e) => e.sourceRecordId).sort();

const leftover = (e: SimulatorEnv) => fs.writeFileSync(path.join(e.dataDir, 'fire-drops', 'leftover.csv'), 'x');

connectorContract(source, {
  items: ITEMS,
  splitAt: 6,
  // the second reset must also empty the folder of what was left there
  betweenResets: leftover,
  carried: (i) =>
    i.sourceRecordId === 'PEN-0003' ? ({ ...i.record, enterprise: { name: fullWidthName(N1) } } as CanonicalRecord) : i.record,
  // the column and why, or the row's cell count against the header's
  dirtError: /: |cells but the header has/,
  keys: [E1, E2, E3],
  touches: [
    {
      id: 'INS-0001',
      change: { result: 'SEALED', findings: '安全出口上锁' },
      expected: { ...record('INS-0001'), result: 'SEALED', findings: '安全出口上锁' } as CanonicalRecord,
    },
    { id: 'PEN-0001', change: { amount: 80000 }, expected: { ...record('PEN-0001'), amount: 80000 } as CanonicalRecord },
  ],
  midStream: {
    skip: 'the folder faults stage the oldest export, which a run reads first and only once, so a fault switched on after the first batch is never met',
  },
  refused: { skip: 'a folder: the tests run as root, whom no permission refuses (EACCES/EPERM would map to REFUSED)' },
  gb18030: {
    ids: ['LST-0001'],
    // the export holding the record
    wireBytes: async (sim, id) => {
      const dir = String(sim.connectorOptions.folder);
      const name = fs
        .readdirSync(dir)
        .find((f) => f.endsWith('.csv') && iconv.decode(fs.readFileSync(path.join(dir, f)), 'gb18030').includes(`${id},`))!;
      return fs.readFileSync(path.join(dir, name));
    },
  },
});

describe('fire source (消防): its own files', () => {
  let db: SeededSystem['db'];
  let env: SimulatorEnv;
  let sim: RunningSimulator;
  let connector: Connector;
  let folder: string;
  const connect = (extra: Record<string, unknown> = {}) =>
    source.createConnector({ timeoutMs: 3000, ...sim.connectorOptions, ...extra }, quietDeps);
  /** drops a hand-made export (bytes + a marker that matches them) and returns a remover */
  const drop = async (name: string, bytes: Buffer, rows: number) => {
    fs.writeFileSync(path.join(folder, name), bytes);
    await writeMarker(folder, markerFor(name, rows, bytes));
    return () => ['', '.done'].forEach((s) => fs.rmSync(path.join(folder, name + s), { force: true }));
  };

  beforeAll(async () => {
    // the fire system is a folder; the departments database is created only to mirror the real set-up
    // the second reset must also empty the folder of what was left there
    const seeded = await seededSystem(source, ITEMS, 6, leftover);
    ({ db, env } = seeded);
    expect(seeded.written).toBe(ITEMS.length);
    sim = await source.simulator.start(env);
    folder = String(sim.connectorOptions.folder);
    connector = connect();
  });
  afterAll(async () => {
    await connector?.close();
    await sim?.close();
    await db?.drop();
    if (env) fs.rmSync(env.dataDir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await sim.setFaults({ mode: 'none' });
  });

  it('hands out exactly what its connector needs; options are validated', () => {
    expect(Object.keys(sim.connectorOptions)).toEqual(['folder']);
    expect(folder).toBe(path.join(env.dataDir, 'fire-drops'));
    expect(connector.provides).toEqual(['inspection', 'penalty', 'accident', 'list_entry']);
    expect(() => source.createConnector({ timeoutMs: 1000 }, { log: console })).toThrow(/folder/);
    expect(() => source.createConnector({ timeoutMs: 0, folder }, { log: console })).toThrow(/timeoutMs/);
  });

  it('writes one export per table per day (China time), GB18030 or UTF-8 with BOM, each with its .done marker', () => {
    const files = fs.readdirSync(folder).sort();
    expect(files).toEqual(
      [
        'hzsg_20250301.csv',
        'hzsg_20250302.csv',
        'jdjc_20250301.csv',
        'jdjc_20250302.csv',
        'sxmd_20250302.csv',
        'sxmd_20250303.csv',
        'xzcf_20250301.csv',
        'xzcf_20250302.csv',
        'xzcf_20250303.csv',
      ]
        .flatMap((f) => [f, `${f}.done`])
        .sort(),
    );
    const utf8 = fs.readFileSync(path.join(folder, 'jdjc_20250301.csv'));
    expect([...utf8.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(utf8.subarray(3).toString('utf8')).toMatch(
      /^记录编号,单位名称,统一社会信用代码,组织机构代码,检查日期,检查类型,检查结果,发现问题,消防安全重点单位,更新时间\r\n/,
    );
    const gb = fs.readFileSync(path.join(folder, 'jdjc_20250302.csv'));
    expect(gb.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(false);
    expect(gb.toString('utf8')).toContain('\ufffd'); // not UTF-8 …
    const text = iconv.decode(gb, 'gb18030'); // … but GB18030
    expect(text).toContain('石家庄燕赵化工股份有限公司');
    expect(text).toContain('"疏散通道堵塞,""自动喷水灭火系统""停用\n当场临时查封"');
    expect(fs.readFileSync(path.join(folder, 'jdjc_20250302.csv.done'), 'utf8')).toMatch(
      /^file=jdjc_20250302\.csv\nrows=3\nbytes=\d+\nmd5=[0-9a-f]{32}\n$/,
    );
  });

  let endOfRun1: string;
  it('rows as the exports carry them: spreadsheet breakage named, references as carried, China time, Chinese labels, 元', async () => {
    const batches = await collect(connector.changesSince(null));
    const envelopes = flat(batches);
    for (const e of envelopes) expect((e.raw as RawRow).cells['记录编号']).toBe(e.sourceRecordId);
    const byId = (id: string) => envelopes.find((e) => e.sourceRecordId === id)!;
    // the three breakages a spreadsheet-made export has: a stray comma, an Excel day number, an empty mandatory cell
    expect(byId('INS-0005').error).toMatch(/11 cells but the header has 10/);
    expect((byId('INS-0005').raw as RawRow).extra).toHaveLength(1);
    expect(byId('ACC-0003').error).toMatch(/起火日期: '45413' is an Excel day number/);
    expect(byId('ACC-0003').updatedAt).toBe(T2);
    expect(byId('PEN-0005').error).toMatch(/处罚种类: missing/);
    expect(byId('LST-0005').error).toMatch(/认定文书编号: missing/);
    // refs exactly as the rows carry them
    expect(byId('INS-0004').record).toEqual(record('INS-0004'));
    expect((byId('INS-0004').raw as RawRow).cells).toMatchObject({
      单位名称: '',
      统一社会信用代码: '',
      组织机构代码: orgCodeOfCreditCode(E2),
    });
    expect(byId('PEN-0002').record).toEqual(record('PEN-0002'));
    expect(byId('PEN-0003').record).toEqual({ ...record('PEN-0003'), enterprise: { name: fullWidthName(N1) } });
    expect(fullWidthName(N1)).toBe('武汉 江城建设工程（集团）有限公司');
    // wire conventions: China time, Chinese labels, 元
    const cells = (id: string) => (byId(id).raw as RawRow).cells;
    expect(cells('INS-0001')).toMatchObject({
      检查日期: '2025/02/27',
      检查结果: '合格',
      消防安全重点单位: '是',
      更新时间: '2025-03-01 08:00:00',
    });
    expect(cells('PEN-0004')).toMatchObject({ 处罚种类: '临时查封', '罚款金额(元)': '12345.67', 更新时间: '2025-03-03 00:00:00' });
    expect(cells('ACC-0002')).toMatchObject({ 事故等级: '一般', 报告情况: '迟报', 更新时间: '2025-03-02 23:59:59' });
    expect(cells('LST-0003')).toMatchObject({ 主体类型: '个人', 身份证件号码: PERSON_ID });
    endOfRun1 = batches.at(-1)!.watermark;
  });

  it('ignores exports still being written (no .done marker, temp names)', async () => {
    const file = path.join(folder, 'xzcf_20991231.csv');
    fs.writeFileSync(file, encodeCsv(TABLES[1].headers, [['PEN-9999']], 'utf8'));
    fs.writeFileSync(path.join(folder, '.xzcf_20991231.csv.1.tmp'), 'half');
    try {
      expect(ids(flat(await collect(connector.changesSince(null))))).toEqual(ALL_IDS);
      expect(flat(await collect(connector.changesSince(endOfRun1)))).toEqual([]);
    } finally {
      fs.rmSync(file);
      fs.rmSync(path.join(folder, '.xzcf_20991231.csv.1.tmp'));
    }
  });

  it('refuses a watermark it cannot resume from', async () => {
    await expect(collect(connector.changesSince('{"v":9}'))).rejects.toThrow(/unreadable watermark/);
  });

  it('fetchByKeys finds every record of the codes in one folder scan, by credit code, org code and carried names', async () => {
    const filler = Array.from({ length: 247 }, (_, i) => makeCreditCode('9', '1', '110101', `Q${String(i).padStart(7, '0')}`));
    sim.resetCallCount();
    const envs = await connector.fetchByKeys([E1, E2, E3, ...filler]);
    expect(sim.callCount()).toBe(1);
    expect(ids(envs)).toEqual(ALL_IDS.filter((id) => id !== 'LST-0002'));
    for (const e of envs)
      if (!MALFORMED.has(e.sourceRecordId) && !ITEMS.find((i) => i.sourceRecordId === e.sourceRecordId)!.dirt)
        expect(e.record).toEqual(record(e.sourceRecordId));
    expect(envs.find((e) => e.sourceRecordId === 'INS-0004')!.record).toEqual(record('INS-0004')); // org code only
    expect(envs.find((e) => e.sourceRecordId === 'PEN-0002')!.record).toEqual(record('PEN-0002')); // name only
    expect(envs.find((e) => e.sourceRecordId === 'PEN-0003')!.record).toMatchObject({ enterprise: { name: fullWidthName(N1) } }); // full-width name

    sim.resetCallCount();
    expect(ids(await connector.fetchByKeys([E4]))).toEqual(['LST-0002']);
    expect(await connector.fetchByKeys([good])).toEqual([]); // the corrected code is another code
    expect(sim.callCount()).toBe(2);
    expect(await connector.fetchByKeys([])).toEqual([]);
  });

  it('touch() writes a correction export: changesSince from the end yields exactly it, and fetchByKeys the latest version', async () => {
    expect(flat(await collect(connector.changesSince(endOfRun1)))).toEqual([]);
    await source.simulator.touch(env, 'INS-0001', { result: 'SEALED', findings: '安全出口上锁' });
    const changed = flat(await collect(connector.changesSince(endOfRun1)));
    expect(ids(changed)).toEqual(['INS-0001']);
    expect(changed[0]!.record).toEqual({ ...record('INS-0001'), result: 'SEALED', findings: '安全出口上锁' });
    expect(Date.parse(changed[0]!.updatedAt!)).toBeGreaterThan(Date.parse(T3));
    const wm = (await collect(connector.changesSince(endOfRun1))).at(-1)!.watermark;

    // a second correction the same day gets its own export, after the first
    await source.simulator.touch(env, 'PEN-0001', { enterprise: { creditCode: E2 }, amount: 80000 });
    const again = flat(await collect(connector.changesSince(wm)));
    expect(ids(again)).toEqual(['PEN-0001']);
    expect(again[0]!.record).toMatchObject({ enterprise: { creditCode: E2 }, amount: 80000 });
    const corrections = fs
      .readdirSync(folder)
      .filter((f) => /^[a-z]{4}_\d{8}(_\d+)?\.csv$/.test(f) && f.slice(5, 13) > '20250303')
      .sort();
    const day = corrections[0]!.slice(5, 13);
    expect(corrections).toEqual([`jdjc_${day}.csv`, `xzcf_${day}_01.csv`]);

    // latest wins: the sealed inspection once; the penalty moved from E1 to E2
    const e1 = await connector.fetchByKeys([E1]);
    expect(e1.filter((e) => e.sourceRecordId === 'INS-0001').map((e) => e.record)).toEqual([
      { ...record('INS-0001'), result: 'SEALED', findings: '安全出口上锁' },
    ]);
    expect(ids(e1)).not.toContain('PEN-0001');
    expect(ids(await connector.fetchByKeys([E2]))).toContain('PEN-0001');

    await expect(source.simulator.touch(env, 'NOPE-1', { result: 'PASSED' })).rejects.toThrow(/no record 'NOPE-1'/);
    await expect(source.simulator.touch(env, 'ACC-0001', { plateNumber: 'x' })).rejects.toThrow(/'plateNumber' cannot be changed/);
  });

  it('reads UTF-8 written without a BOM; a file that is neither GB18030 nor UTF-8 is BAD_RESPONSE', async () => {
    const header = TABLES[2].headers;
    const row = ['ACC-9001', '', E1, '', '2025/01/02', '一般', '0', '0', '1.5', '配电箱起火', '', '2099-01-01 09:00:00'];
    const remove = await drop('hzsg_20990101.csv', Buffer.from(`${header.join(',')}\r\n${row.join(',')}\r\n`, 'utf8'), 1);
    try {
      const last = flat(await collect(connector.changesSince(null))).at(-1)!;
      expect(last).toMatchObject({
        sourceRecordId: 'ACC-9001',
        updatedAt: '2099-01-01T01:00:00.000Z',
        record: { kind: 'accident', directLoss: 1.5, enterprise: { creditCode: E1 } },
      });
    } finally {
      remove();
    }
    const garbage = Buffer.concat([Buffer.from([0xff, 0xfe, 0x81, 0x20]), Buffer.from(' 编号\r\n', 'utf8')]);
    const removeGarbage = await drop('hzsg_20990102.csv', garbage, 0);
    try {
      const e = await failure(collect(connector.changesSince(endOfRun1)));
      expect(e.reason).toBe('BAD_RESPONSE');
      expect(e.message).toMatch(/hzsg_20990102\.csv: header is neither GB18030 nor UTF-8/);
    } finally {
      removeGarbage();
    }
  });

  it('a fault names the export at fault: a directory in its place, or a file cut mid-line', async () => {
    await sim.setFaults({ mode: 'error' });
    expect((await failure(connector.fetchByKeys([E1]))).message).toMatch(/jdjc_20250301\.csv.*is a directory|is a directory/);
    await sim.setFaults({ mode: 'drop' });
    const e = await failure(connector.fetchByKeys([E1]));
    expect(e.reason).toBe('BAD_RESPONSE');
    expect(e.message).toMatch(/jdjc_20250301\.csv/);
  });

  it('a missing folder is UNAVAILABLE (as root, permission refusals cannot be staged: EACCES/EPERM map to REFUSED)', async () => {
    const gone = connect({ folder: path.join(env.dataDir, 'no-such-folder') });
    expect((await failure(gone.fetchByKeys([E1]))).reason).toBe('UNAVAILABLE');
    expect((await failure(collect(gone.changesSince(null)))).reason).toBe('UNAVAILABLE');
    expect(await gone.health()).toMatchObject({ ok: false });
  });
});
