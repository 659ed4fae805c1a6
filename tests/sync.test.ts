/**
 * The sync engine end to end: the real market simulator (PostgreSQL + signed HTTP) → its connector →
 * syncAll / syncConnector → a real hub store. Faults are switched on the simulator; nothing mocked.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import marketSource from '../connectors/market/index.js';
import type { Connector, RunningSimulator, SimulatorEnv } from '../connectors/types.js';
import type { EnterpriseRecord } from '../src/domain/canonical.js';
import { idNumberCheckChar, makeCreditCode, orgCodeOfCreditCode } from '../src/domain/codes.js';
import type { WorldItem } from '../src/generator/world.js';
import { PiiVault } from '../src/security/pii.js';
import type { SyncDeps } from '../src/sync/apply.js';
import { syncAll, syncConnector, type SyncRunResult } from '../src/sync/engine.js';
import { maskIdsInText } from '../src/sync/mask.js';
import { startScheduler } from '../src/sync/scheduler.js';
import { loadConfig } from '../src/config.js';
import { createHubServer, type HubServer } from '../src/server/app.js';
import { TEST_JWT_SECRET, mintToken } from './support/auth.js';
import { createTestDatabase } from './support/db.js';
import { ThrowawayHubs } from './support/throwaway-hubs.js';
import { balanced, perfect, readSourceTruth, reconcile, type SourceTruth } from './support/reconcile.js';
import { gql, registerToken } from './support/graphql-client.js';
import { worldItemsOf } from '../connectors/kit/testing.js';

const T0 = '2025-01-01T00:00:00.000Z';
const T1 = '2025-02-01T08:30:00.000Z';
const idNo = (first17: string) => first17 + idNumberCheckChar(first17);
const E1 = makeCreditCode('9', '1', '420106', 'MA4K0001');
const E2 = makeCreditCode('9', '1', '430102', '70721502');
const E3 = makeCreditCode('9', '1', '130104', 'MA0CQ123');
// two registrations under one name: a record naming only that name links to neither
const TWIN_A = makeCreditCode('9', '1', '430103', 'MA0TWNA1');
const TWIN_B = makeCreditCode('9', '1', '430104', 'MA0TWNB2');
const LATE = makeCreditCode('9', '1', '220102', 'MA0LATE1');
const PERSON_ID = idNo('42010619800101123');
const BANNED_ID = idNo('43010219751231456');

const enterprise = (creditCode: string, name: string, extra: Partial<EnterpriseRecord> = {}): EnterpriseRecord => ({
  kind: 'enterprise',
  creditCode,
  orgCode: orgCodeOfCreditCode(creditCode),
  name,
  type: '有限责任公司',
  status: 'ACTIVE',
  legalRepresentative: '张伟',
  divisionCode: creditCode.slice(2, 8),
  industryCode: 'E4710',
  registeredCapital: 5000,
  establishedDate: '2015-03-01',
  address: '湖北省武汉市江岸区解放大道1号',
  businessScope: '房屋建筑工程施工',
  ...extra,
});
const item = worldItemsOf('MARKET', T0);
const penalty = (enterpriseRef: { creditCode?: string; orgCode?: string; name?: string }, no: string) => ({
  kind: 'penalty' as const,
  enterprise: enterpriseRef,
  decisionNumber: no,
  decisionDate: '2024-05-06',
  penaltyType: '罚款',
  reason: '未按规定公示年度报告',
  legalBasis: null,
  amount: 50000,
});

const QUARANTINE_QUERY = `{ quarantinedRecords(first: 50) { nodes { sourceRecordId reason candidates } } }`;

const ITEMS: WorldItem[] = [
  item('ENT-0001', enterprise(E1, '武汉江城（集团）建设有限公司')),
  item('ENT-0002', enterprise(E2, '长沙湘江路桥有限公司')),
  item('ENT-0003', enterprise(E3, '石家庄燕赵化工股份有限公司', { type: '股份有限公司' })),
  item('ENT-0004', enterprise(makeCreditCode('9', '1', '420106', 'MA4K0009'), '坏数据有限公司'), T1, { malformed: true }),
  item('ENT-0006', enterprise(TWIN_A, '长沙星城燃气有限公司')),
  item('ENT-0007', enterprise(TWIN_B, '长沙星城燃气有限公司')),
  item('PER-0001', { kind: 'person', idNumber: PERSON_ID, name: '张伟', phone: '13800138000' }),
  item('KP-0001', {
    kind: 'role',
    enterprise: { creditCode: E1 },
    idNumber: PERSON_ID,
    personName: '张伟',
    role: 'LEGAL_REPRESENTATIVE',
    since: '2015-03-01',
    until: null,
  }),
  item('PEN-0001', penalty({ creditCode: E1 }, '武市监罚〔2024〕1号')),
  item('PEN-0002', penalty({ orgCode: orgCodeOfCreditCode(E2) }, '湘市监罚〔2024〕2号'), T0, { refStyle: 'orgCode' }),
  // full-width letters, brackets and a space: the same name once normalised
  item('PEN-0003', penalty({ name: '武汉江城（集团）建设有限公司' }, '武市监罚〔2024〕3号'), T0, { refStyle: 'fullWidthName' }),
  // 有限责任公司 is another legal form than 有限公司: must not link
  item('PEN-0004', penalty({ name: '长沙湘江路桥有限责任公司' }, '湘市监罚〔2024〕4号'), T0, { refStyle: 'name' }),
  // the registry has not got this enterprise yet
  item('PEN-0005', penalty({ creditCode: LATE }, '吉市监罚〔2024〕5号')),
  item('PEN-0006', penalty({ creditCode: E3 }, '冀市监罚〔2024〕6号'), T1, { malformed: true }),
  item('PEN-0007', penalty({ name: '长沙星城燃气有限公司' }, '湘市监罚〔2024〕7号'), T0, { refStyle: 'name' }),
  item('LST-0001', {
    kind: 'list_entry',
    list: 'SERIOUS_ILLEGAL_DISHONEST',
    subjectType: 'ENTERPRISE',
    enterprise: { creditCode: E1 },
    reason: '提交虚假材料',
    legalBasis: '《市场监督管理严重违法失信名单管理办法》第九条',
    decisionNumber: '武市监列严〔2024〕1号',
    startDate: '2024-06-01',
    endDate: '2027-06-01',
    removedDate: null,
  }),
  item('LST-0002', {
    kind: 'list_entry',
    list: 'SERIOUS_ILLEGAL_DISHONEST',
    subjectType: 'PERSON',
    idNumber: BANNED_ID,
    personName: '李四',
    reason: '虚假登记直接责任人',
    legalBasis: '《市场监督管理严重违法失信名单管理办法》第十条',
    decisionNumber: '武市监列严〔2024〕2号',
    startDate: '2024-06-01',
    endDate: null,
    removedDate: null,
  }),
];
/** what must be stored (by table) and what must be quarantined after a full run */
const STORED = { enterprise: 5, person: 2, enterprise_person_role: 1, penalty: 3, list_entry: 2 };
const QUARANTINED = {
  'ENT-0004': 'PARSE_ERROR',
  'PEN-0004': 'UNLINKED',
  'PEN-0005': 'UNLINKED',
  'PEN-0006': 'PARSE_ERROR',
  'PEN-0007': 'AMBIGUOUS_LINK',
};
const NQ = Object.keys(QUARANTINED).length;

describe('sync engine over the market simulator', () => {
  let depts: Awaited<ReturnType<typeof createTestDatabase>>;
  let env: SimulatorEnv;
  let sim: RunningSimulator;
  const logLines: string[] = [];
  const vault = new PiiVault(Buffer.alloc(32, 9));
  const log = pino({ level: 'debug' }, { write: (s: string) => void logLines.push(s) });
  const connect = (extra: Record<string, unknown> = {}): Connector =>
    marketSource.createConnector({ timeoutMs: 3000, ...sim.connectorOptions, ...extra }, { log });

  const hubs = new ThrowawayHubs('synchub', { vault, log });
  const freshHub = (): Promise<SyncDeps> => hubs.fresh();
  const count = async (ds: DataSource, table: string): Promise<number> =>
    Number((await ds.query(`SELECT count(*)::int AS n FROM ${table} WHERE source = 'market'`))[0].n);
  async function storedCounts(ds: DataSource) {
    const out: Record<string, number> = {};
    for (const t of Object.keys(STORED)) out[t] = await count(ds, t);
    return out;
  }
  let server: HubServer | undefined;
  /** the GraphQL server over a hub store (one at a time), with an admin token */
  async function serve(hub: { ds: DataSource }): Promise<string> {
    await server?.close();
    const config = loadConfig({ NODE_ENV: 'test', HUB_DATA_DIR: env.dataDir, HUB_JWT_SECRET: TEST_JWT_SECRET });
    server = await createHubServer({ ds: hub.ds, config, vault, connectors: new Map(), log });
    const url = await server.listen(0, '127.0.0.1');
    registerToken(url, await mintToken(['admin']));
    return url;
  }
  const runRow = async (ds: DataSource, id: number | null) => (await ds.query(`SELECT * FROM sync_run WHERE id = $1`, [id]))[0];
  const watermark = async (ds: DataSource) =>
    (await ds.query(`SELECT watermark FROM sync_watermark WHERE connector = 'market'`))[0]?.watermark ?? null;
  const figuresAddUp = (r: SyncRunResult) => expect(r.read).toBe(r.written + r.unchanged + r.quarantined);
  /** what the market system holds, each record judged from its own data (tests/support/source-truth.ts) */
  let truth: SourceTruth;
  async function expectReconciled(ds: DataSource) {
    const r = await reconcile(ds, 'market', truth);
    expect(balanced(r)).toEqual(perfect(r));
  }

  beforeAll(async () => {
    depts = await createTestDatabase('syncdepts');
    env = { departmentsDatabaseUrl: depts.url, dataDir: mkdtempSync(path.join(tmpdir(), 'sync-')), port: 0, host: '127.0.0.1' };
    await marketSource.simulator.reset(env);
    await marketSource.simulator.seed(
      env,
      (async function* () {
        yield ITEMS;
      })(),
    );
    sim = await marketSource.simulator.start(env);
    truth = (await readSourceTruth(depts.url, ['market'])).get('market')!;
  });
  afterAll(async () => {
    await server?.close();
    await sim?.close();
    await hubs.dropAll();
    await depts?.drop();
  });
  beforeEach(async () => {
    await sim.setFaults({ mode: 'none' });
  });

  let main: SyncDeps;
  it('a full sync stores everything, links by org code and normalised name, quarantines the rest; figures add up', async () => {
    main = await freshHub();
    const [run] = await syncAll(main, [connect()], { batchSize: 3 });
    expect(run).toMatchObject({
      connector: 'market',
      status: 'SUCCEEDED',
      read: ITEMS.length,
      written: ITEMS.length - NQ,
      unchanged: 0,
      quarantined: NQ,
      error: null,
    });
    figuresAddUp(run!);
    expect(await runRow(main.ds, run!.runId)).toMatchObject({
      status: 'SUCCEEDED',
      records_read: ITEMS.length,
      records_written: ITEMS.length - NQ,
      records_unchanged: 0,
      records_quarantined: NQ,
      error: null,
      watermark_from: null,
      watermark_to: run!.watermarkTo,
    });
    expect(await watermark(main.ds)).toBe(run!.watermarkTo);
    expect(await storedCounts(main.ds)).toEqual(STORED);

    const links = Object.fromEntries(
      (
        (await main.ds.query(`SELECT source_record_id, credit_code FROM penalty`)) as { source_record_id: string; credit_code: string }[]
      ).map((r) => [r.source_record_id, r.credit_code]),
    );
    expect(links).toEqual({ 'PEN-0001': E1, 'PEN-0002': E2, 'PEN-0003': E1 });

    const q: {
      source_record_id: string;
      reason_code: string;
      reason: string;
      candidates: { creditCode: string }[];
      raw: { id: string };
    }[] = await main.ds.query(`SELECT * FROM quarantined_record WHERE resolved_at IS NULL ORDER BY source_record_id`);
    expect(Object.fromEntries(q.map((x) => [x.source_record_id, x.reason_code]))).toEqual(QUARANTINED);
    // the source-data judgement the other tests reconcile with agrees with the rules written out above
    expect(Object.fromEntries([...truth.quarantine].map(([k, code]) => [k.split(':')[1], code]))).toEqual(QUARANTINED);
    await expectReconciled(main.ds);
    const byId = Object.fromEntries(q.map((x) => [x.source_record_id, x]));
    expect(byId['ENT-0004']!.reason).toMatch(/./);
    expect(byId['ENT-0004']!.raw.id).toBe('ENT-0004');
    expect(byId['PEN-0004']!.reason).toContain('长沙湘江路桥有限责任公司');
    expect(byId['PEN-0005']!.reason).toContain(LATE);
    // the sync searched no similar names; the ambiguous reference recorded the enterprises it matched
    expect(byId['PEN-0004']!.candidates).toEqual([]);
    expect(byId['PEN-0007']!.candidates.map((c) => c.creditCode)).toEqual([TWIN_A, TWIN_B]);

    // through the API: similar names computed when asked, the matches as recorded
    const res = await gql(await serve(main), QUARANTINE_QUERY);
    expect(res.errors).toBeUndefined();
    const api = Object.fromEntries(
      (res.data.quarantinedRecords.nodes as { sourceRecordId: string; candidates: unknown[] }[]).map((n) => [
        n.sourceRecordId,
        n.candidates,
      ]),
    );
    // 有限责任公司 where the registry says 有限公司: the same name once the legal form is set aside
    expect(api['PEN-0004']).toEqual([{ field: 'enterprise', creditCode: E2, name: '长沙湘江路桥有限公司', score: 1 }]);
    expect(api['PEN-0007']).toEqual([
      { field: 'enterprise', creditCode: TWIN_A, name: '长沙星城燃气有限公司', score: 1 },
      { field: 'enterprise', creditCode: TWIN_B, name: '长沙星城燃气有限公司', score: 1 },
    ]);
    // a credit code alone gives no name to compare; unparsed records have no reference
    expect(api['PEN-0005']).toEqual([]);
    expect(api['ENT-0004']).toEqual([]);

    // provenance on every row
    const [p] = await main.ds.query(
      `SELECT department, source, fetched_at, source_updated_at, raw, content_hash FROM penalty WHERE source_record_id = 'PEN-0002'`,
    );
    expect(p).toMatchObject({ department: 'MARKET', source: 'market' });
    expect(new Date(p.source_updated_at).toISOString()).toBe(T0);
    expect(p.raw).toMatchObject({ id: 'PEN-0002', orgCode: orgCodeOfCreditCode(E2) });
    expect(p.content_hash).toMatch(/^[\w-]{20,}$/);
  });

  it('a second run reads nothing new; a run from scratch over a full store writes nothing', async () => {
    const [again] = await syncAll(main, [connect()]);
    expect(again).toMatchObject({ status: 'SUCCEEDED', read: 0, written: 0 });
    await main.ds.query(`DELETE FROM sync_watermark`);
    const [full] = await syncAll(main, [connect()], { batchSize: 5 });
    expect(full).toMatchObject({ status: 'SUCCEEDED', read: ITEMS.length, written: 0, unchanged: ITEMS.length - NQ, quarantined: NQ });
    figuresAddUp(full!);
  });

  it('a source answering 5xx fails the run cleanly: FAILED with the error, data and watermark untouched', async () => {
    const before = { counts: await storedCounts(main.ds), wm: await watermark(main.ds) };
    await sim.setFaults({ mode: 'error' });
    const [run] = await syncAll(main, [connect()]);
    expect(run).toMatchObject({ status: 'FAILED', read: 0 });
    const row = await runRow(main.ds, run!.runId);
    expect(row.status).toBe('FAILED');
    expect(row.error).toMatch(/market: GET \/api\/v2\/enterprises answered 50\d/);
    expect(row.finished_at).toBeInstanceOf(Date);
    expect(await storedCounts(main.ds)).toEqual(before.counts);
    expect(await watermark(main.ds)).toBe(before.wm);
  });

  it('a source that hangs fails the run on the connector timeout', async () => {
    const hub = await freshHub();
    await sim.setFaults({ mode: 'hang' });
    const [run] = await syncAll(hub, [connect({ timeoutMs: 300 })]);
    expect(run).toMatchObject({ status: 'FAILED', read: 0, watermarkTo: null });
    expect(run!.error).toMatch(/no answer within 300 ms/);
    expect(await watermark(hub.ds)).toBeNull();
    expect(await storedCounts(hub.ds)).toEqual({ enterprise: 0, person: 0, enterprise_person_role: 0, penalty: 0, list_entry: 0 });
  });

  it('a run cut mid-stream keeps its committed batches; the next run resumes with nothing lost or duplicated', async () => {
    const hub = await freshHub();
    const c = connect();
    const [cut] = await syncAll(hub, [c], {
      batchSize: 2,
      // the connection starts dropping once the first batch is committed
      onProgress: (p) => void (p.batches === 1 && sim.setFaults({ mode: 'drop' })),
    });
    expect(cut).toMatchObject({ status: 'FAILED', batches: 1, read: 2 });
    figuresAddUp(cut!);
    expect(await count(hub.ds, 'enterprise')).toBe(2);
    const wmAfterCut = await watermark(hub.ds);
    expect(wmAfterCut).toBe(cut!.watermarkTo);

    await sim.setFaults({ mode: 'none' });
    const [resumed] = await syncAll(hub, [c], { batchSize: 2 });
    expect(resumed).toMatchObject({ status: 'SUCCEEDED', watermarkFrom: wmAfterCut });
    figuresAddUp(resumed!);
    // reconcile against the source: every record read exactly once over the two runs
    expect(cut!.read + resumed!.read).toBe(ITEMS.length);
    expect(await storedCounts(hub.ds)).toEqual(STORED);
    await expectReconciled(hub.ds);
  });

  it('a large sync (reading ahead) cut mid-stream also resumes with nothing lost or duplicated', async () => {
    const hub = await freshHub();
    const c = connect();
    // deferHookAfterWritten 0: the sync counts as large from its first batch, so the next batch is fetched ahead
    const [cut] = await syncAll(hub, [c], {
      batchSize: 2,
      deferHookAfterWritten: 0,
      onProgress: (p) => void (p.batches === 1 && sim.setFaults({ mode: 'drop' })),
    });
    expect(cut!.status).toBe('FAILED');
    expect(cut!.batches).toBeGreaterThanOrEqual(1);
    figuresAddUp(cut!);
    expect(await watermark(hub.ds)).toBe(cut!.watermarkTo);
    await sim.setFaults({ mode: 'none' });
    const [resumed] = await syncAll(hub, [c], { batchSize: 2, deferHookAfterWritten: 0 });
    expect(resumed).toMatchObject({ status: 'SUCCEEDED', watermarkFrom: cut!.watermarkTo });
    expect(cut!.read + resumed!.read).toBe(ITEMS.length);
    expect(await storedCounts(hub.ds)).toEqual(STORED);
    await expectReconciled(hub.ds);
  });

  it('a RUNNING run left by a killed process is marked ABORTED at the next run', async () => {
    const hub = await freshHub();
    const [{ id }] = await hub.ds.query(`INSERT INTO sync_run (connector, status) VALUES ('market', 'RUNNING') RETURNING id`);
    const [run] = await syncAll(hub, [connect()]);
    expect(run!.status).toBe('SUCCEEDED');
    const stale = await runRow(hub.ds, id);
    expect(stale.status).toBe('ABORTED');
    expect(stale.finished_at).toBeInstanceOf(Date);
  });

  it('two concurrent runs of one connector: the second skips (advisory lock) and says so', async () => {
    const hub = await freshHub();
    let second: SyncRunResult | undefined;
    const [first] = await syncAll(hub, [connect()], {
      batchSize: 4,
      onProgress: () => void 0,
      onBatchCommitted: async () => {
        // while the first run holds the lock, another "replica" tries the same connector
        second ??= await syncConnector({ ...hub }, connect());
      },
    });
    expect(first!.status).toBe('SUCCEEDED');
    expect(second).toMatchObject({ status: 'SKIPPED', runId: null, error: 'another hub process is syncing this connector' });
    const runs: { status: string }[] = await hub.ds.query(`SELECT status FROM sync_run`);
    expect(runs.map((r) => r.status)).toEqual(['SUCCEEDED']);
    expect(logLines.some((l) => l.includes('sync skipped'))).toBe(true);
    // and once it is free, the next run goes ahead
    expect((await syncConnector(hub, connect())).status).toBe('SUCCEEDED');
  });

  it('a large sync defers onBatchCommitted: per batch up to the threshold, then the rest once at the end, none lost', async () => {
    const collect = async (o: { deferHookAfterWritten?: number }) => {
      const calls: string[][] = [];
      const [run] = await syncAll(await freshHub(), [connect()], {
        batchSize: 2,
        ...o,
        onBatchCommitted: async (c) => void calls.push([...c]),
      });
      expect(run!.status).toBe('SUCCEEDED');
      return { calls, all: [...new Set(calls.flat())].sort() };
    };
    const perBatch = await collect({});
    const deferred = await collect({ deferHookAfterWritten: 2 });
    expect(deferred.all).toEqual(perBatch.all);
    expect(deferred.all).toEqual(expect.arrayContaining([E1, E2, E3]));
    expect(deferred.calls.length).toBeLessThan(perBatch.calls.length);
    // the deferred call covers enterprises of several batches at once (batches of 2 records)
    expect(deferred.calls.at(-1)!.length).toBeGreaterThan(1);
    expect(Math.max(...perBatch.calls.map((c) => c.length))).toBeLessThanOrEqual(2);
  });

  it('touch() then sync picks up exactly the changed record; onBatchCommitted names its enterprise', async () => {
    await marketSource.simulator.touch(env, 'PEN-0001', { reason: '未按规定公示即时信息' });
    const affected: string[] = [];
    const [run] = await syncAll(main, [connect()], { onBatchCommitted: async (codes) => void affected.push(...codes) });
    expect(run).toMatchObject({ status: 'SUCCEEDED', read: 1, written: 1, unchanged: 0, quarantined: 0 });
    expect(affected).toEqual([E1]);
    const [p] = await main.ds.query(`SELECT reason FROM penalty WHERE source_record_id = 'PEN-0001'`);
    expect(p.reason).toBe('未按规定公示即时信息');
  });

  it('a quarantined UNLINKED record is stored and resolved once its enterprise arrives', async () => {
    await marketSource.simulator.seed(
      env,
      (async function* () {
        yield [item('ENT-0005', enterprise(LATE, '长春北方燃气有限公司'), new Date().toISOString())];
      })(),
    );
    const [run] = await syncAll(main, [connect()]);
    expect(run).toMatchObject({ status: 'SUCCEEDED', read: 1, written: 1 });
    const [pen] = await main.ds.query(`SELECT credit_code FROM penalty WHERE source_record_id = 'PEN-0005'`);
    expect(pen.credit_code).toBe(LATE);
    const [q] = await main.ds.query(`SELECT resolved_at FROM quarantined_record WHERE source_record_id = 'PEN-0005'`);
    expect(q.resolved_at).toBeInstanceOf(Date);
    // the legal-form mismatch stays open
    const [other] = await main.ds.query(`SELECT resolved_at FROM quarantined_record WHERE source_record_id = 'PEN-0004'`);
    expect(other.resolved_at).toBeNull();
  });

  it('the scheduler runs at start and stop() waits for the run to end cleanly', async () => {
    const hub = await freshHub();
    const s = startScheduler(hub, [connect()], { intervalMinutes: 0, runNow: true });
    // stopped once its run has started (a stop before it starts starts none)
    for (let i = 0; i < 200 && !(await hub.ds.query(`SELECT 1 FROM sync_run`)).length; i++) await new Promise((r) => setTimeout(r, 10));
    await s.stop();
    const runs: { status: string }[] = await hub.ds.query(`SELECT status FROM sync_run`);
    expect(runs).toHaveLength(1);
    expect(['SUCCEEDED', 'ABORTED']).toContain(runs[0]!.status);
    expect((await hub.ds.query(`SELECT count(*)::int AS n FROM sync_run WHERE status = 'RUNNING'`))[0].n).toBe(0);
  });

  it('ID numbers never appear in clear in runs, quarantine reasons and candidates (stored and read) or logs', async () => {
    expect(maskIdsInText(`bad ${PERSON_ID} and ${BANNED_ID.toLowerCase()}`)).toBe(
      `bad 420106********${PERSON_ID.slice(-4)} and 430102********${BANNED_ID.slice(-4)}`,
    );
    for (const h of hubs.made) {
      const texts = JSON.stringify([
        await h.ds.query(`SELECT error FROM sync_run`),
        await h.ds.query(`SELECT reason, candidates FROM quarantined_record`),
        (await gql(await serve(h), QUARANTINE_QUERY)).data,
        await h.ds.query(`SELECT person_key, id_encrypted, id_masked, name, phone_encrypted, phone_masked FROM person`),
      ]);
      for (const id of [PERSON_ID, BANNED_ID]) expect(texts).not.toContain(id);
    }
    expect(logLines.length).toBeGreaterThan(10);
    for (const id of [PERSON_ID, BANNED_ID]) expect(logLines.join('\n')).not.toContain(id);
  });
});
