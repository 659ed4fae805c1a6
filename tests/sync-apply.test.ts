/**
 * applyEnvelopes straight on a real PostgreSQL store: one batch, one transaction; figures add up;
 * persons keyed and protected; links, quarantine and its resolution; constraint failures isolated.
 */
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SourceEnvelope } from '../connectors/types.js';
import type { CanonicalRecord, EnterpriseRecord } from '../src/domain/canonical.js';
import { refCandidates } from '../src/ops/store.js';
import { idNumberCheckChar, makeCreditCode, orgCodeOfCreditCode } from '../src/domain/codes.js';
import { PiiVault } from '../src/security/pii.js';
import { openStore } from '../src/store/data-source.js';
import { applyEnvelopes, type SyncDeps } from '../src/sync/apply.js';
import { createTestDatabase } from './support/db.js';

const idNo = (first17: string) => first17 + idNumberCheckChar(first17);
const A = makeCreditCode('9', '1', '420106', 'MA4K0A01');
const B = makeCreditCode('9', '1', '430102', 'MA4K0B02');
const LATE = makeCreditCode('9', '1', '130104', 'MA4K0C03');
const PM_ID = idNo('42010619800101123');
const BOSS_ID = idNo('43010219751231456');

const ent = (creditCode: string, name: string): EnterpriseRecord => ({
  kind: 'enterprise',
  creditCode,
  orgCode: orgCodeOfCreditCode(creditCode),
  name,
  type: '有限责任公司',
  status: 'ACTIVE',
  legalRepresentative: '李强',
  divisionCode: creditCode.slice(2, 8),
  industryCode: 'E4710',
  registeredCapital: 1000,
  establishedDate: '2010-01-01',
});
const env = (sourceRecordId: string, rec: CanonicalRecord): SourceEnvelope => ({ sourceRecordId, kind: rec.kind, raw: rec, record: rec });
const MARKET = { id: 'market', department: 'MARKET' as const };
const HOUSING = { id: 'housing', department: 'HOUSING' as const };

describe('applyEnvelopes', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let ds: DataSource;
  let deps: SyncDeps;
  const lines: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('syncapply');
    ds = await openStore(db.url);
    const log = pino({ level: 'debug' }, { write: (s: string) => void lines.push(s) });
    deps = { ds, vault: new PiiVault(Buffer.alloc(32, 7)), log };
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  const housing = (): SourceEnvelope[] => [
    env('R-1', { kind: 'role', enterprise: { creditCode: A }, idNumber: BOSS_ID, personName: '王芳', role: 'PRINCIPAL' }),
    env('C-1', {
      kind: 'credential',
      credentialKind: 'CONSTRUCTION_QUALIFICATION',
      number: 'D242000001',
      enterprise: { orgCode: orgCodeOfCreditCode(A) },
      category: '施工总承包',
      grade: '一级',
      scope: '建筑工程',
      issuerDepartment: 'HOUSING',
      validFrom: '2020-01-01',
      validTo: '2030-01-01',
      status: 'VALID',
    }),
    env('C-2', {
      kind: 'credential',
      credentialKind: 'REGISTERED_CONSTRUCTOR',
      number: '鄂142000001',
      idNumber: PM_ID,
      registeredEnterprise: { name: '长沙湘江（路桥） 有限公司' },
      category: '一级建造师',
      issuerDepartment: 'HOUSING',
      status: 'VALID',
    }),
    env('P-1', {
      kind: 'project',
      projectCode: 'PRJ-1',
      name: '江岸区安置房',
      builder: { creditCode: B },
      scale: 'LARGE',
      requiredCategory: '施工总承包',
      requiredSequence: '建筑工程',
      divisionCode: '420102',
    }),
    env('K-1', {
      kind: 'contract',
      contractNumber: 'HT-1',
      projectCode: 'PRJ-1',
      contractKind: 'GENERAL',
      employer: { creditCode: B },
      contractor: { creditCode: A },
      scope: '施工总承包',
      value: 12000,
      coversMainStructure: true,
      coversAllWork: false,
      safetyAgreementSigned: true,
      projectManagerIdNumber: PM_ID,
      signedOn: '2024-03-01',
    }),
    env('L-1', {
      kind: 'list_entry',
      list: 'PRINCIPAL_BAN',
      subjectType: 'PERSON',
      idNumber: BOSS_ID,
      personName: '王芳',
      reason: '重大事故主要责任',
      legalBasis: '《安全生产法》第九十四条',
      decisionNumber: '鄂建罚〔2023〕1号',
      startDate: '2023-01-01',
      banScope: 'INDUSTRY',
      banIndustry: 'E',
    }),
    // links nowhere yet
    env('X-1', {
      kind: 'penalty',
      enterprise: { name: '石家庄燕赵建设有限公司' },
      decisionNumber: '冀建罚〔2024〕2号',
      decisionDate: '2024-02-02',
      penaltyType: '罚款',
      reason: '违法分包',
    }),
    // distinct legal form: 有限责任公司 is not 有限公司
    env('X-2', {
      kind: 'penalty',
      enterprise: { name: '武汉江城建设有限责任公司' },
      decisionNumber: '鄂建罚〔2024〕3号',
      decisionDate: '2024-02-03',
      penaltyType: '警告',
      reason: '未签安全协议',
    }),
    { sourceRecordId: 'BAD-1', kind: 'penalty', raw: { id: 'BAD-1', decisionDate: '2024-13-40' }, error: 'decisionDate: not a date' },
  ];

  it('stores enterprises, then links and stores a department batch; figures add up', async () => {
    const m = await applyEnvelopes(deps, MARKET, [
      env('E-A', ent(A, '武汉江城建设有限公司')),
      env('E-B', ent(B, '长沙湘江(路桥)有限公司')),
      env('PER-1', { kind: 'person', idNumber: PM_ID, name: '张伟', phone: '13800138000' }),
    ]);
    expect(m).toMatchObject({ read: 3, written: 3, unchanged: 0, quarantined: 0 });
    expect([...m.affectedCreditCodes].sort()).toEqual([A, B].sort());

    const r = await applyEnvelopes(deps, HOUSING, housing(), { fetchedAt: new Date('2025-01-02T03:04:05Z') });
    expect(r).toMatchObject({ read: 9, written: 6, unchanged: 0, quarantined: 3 });
    expect(r.read).toBe(r.written + r.unchanged + r.quarantined);
    expect([...r.affectedCreditCodes].sort()).toEqual([A, B].sort());

    const [cred] = await ds.query(`SELECT credit_code, person_key FROM credential WHERE source_record_id = 'C-1'`);
    expect(cred).toEqual({ credit_code: A, person_key: null });
    const [reg] = await ds.query(
      `SELECT person_key, registered_credit_code, department, fetched_at FROM credential WHERE source_record_id = 'C-2'`,
    );
    expect(reg).toMatchObject({ person_key: deps.vault.personKey(PM_ID), registered_credit_code: B, department: 'HOUSING' });
    expect(new Date(reg.fetched_at).toISOString()).toBe('2025-01-02T03:04:05.000Z');
    const [contract] = await ds.query(`SELECT employer_credit_code, contractor_credit_code, project_manager_key FROM contract`);
    expect(contract).toEqual({ employer_credit_code: B, contractor_credit_code: A, project_manager_key: deps.vault.personKey(PM_ID) });
    const [ban] = await ds.query(`SELECT person_key, credit_code FROM list_entry WHERE source_record_id = 'L-1'`);
    expect(ban).toEqual({ person_key: deps.vault.personKey(BOSS_ID), credit_code: null });

    // persons: the person record keeps its name; the role created the other person with its name
    const persons: { person_key: string; name: string; id_masked: string; id_encrypted: string; phone_masked: string | null }[] =
      await ds.query(`SELECT person_key, name, id_masked, id_encrypted, phone_masked FROM person ORDER BY name`);
    expect(persons.map((p) => [p.name, p.id_masked, p.phone_masked])).toEqual([
      ['张伟', '420106********' + PM_ID.slice(-4), '138****8000'],
      ['王芳', '430102********' + BOSS_ID.slice(-4), null],
    ]);
    for (const p of persons) expect(deps.vault.decrypt(p.id_encrypted)).toBe(p.name === '张伟' ? PM_ID : BOSS_ID);
    const dump = JSON.stringify(
      await ds.query(`SELECT person_key, id_encrypted, id_masked, name, phone_encrypted, phone_masked FROM person`),
    );
    expect(dump).not.toContain(PM_ID);
    expect(dump).not.toContain('13800138000');

    const q: { source_record_id: string; reason_code: string; reason: string; candidates: { creditCode: string }[] }[] = await ds.query(
      `SELECT source_record_id, reason_code, reason, candidates FROM quarantined_record ORDER BY source_record_id`,
    );
    expect(q.map((x) => [x.source_record_id, x.reason_code])).toEqual([
      ['BAD-1', 'PARSE_ERROR'],
      ['X-1', 'UNLINKED'],
      ['X-2', 'UNLINKED'],
    ]);
    expect(q[0]!.reason).toBe('decisionDate: not a date');
    expect(q[2]!.reason).toContain('武汉江城建设有限责任公司');
    // the sync searches no similar names (nothing matched: nothing to record) ...
    expect(q.map((x) => x.candidates)).toEqual([[], [], []]);
    // ... they are found when quarantine is read: the same name with another legal form is offered, not linked
    const [x1, x2] = await refCandidates(ds, [{ name: '石家庄燕赵建设有限公司' }, { name: '武汉江城建设有限责任公司' }]);
    expect(x1).toEqual([]);
    expect(x2).toEqual([{ creditCode: A, name: '武汉江城建设有限公司', score: 1 }]);
  });

  it('a second apply of the same batch writes nothing', async () => {
    const r = await applyEnvelopes(deps, HOUSING, housing());
    expect(r).toMatchObject({ read: 9, written: 0, unchanged: 6, quarantined: 3 });
    expect(r.affectedCreditCodes.size).toBe(0);
    const [{ attempts }] = await ds.query(`SELECT attempts FROM quarantined_record WHERE source_record_id = 'X-1'`);
    expect(attempts).toBe(2);
  });

  it('a changed record is written again; a quarantined record is resolved once its enterprise exists', async () => {
    await applyEnvelopes(deps, MARKET, [env('E-LATE', ent(LATE, '石家庄燕赵建设有限公司'))]);
    const batch = housing();
    (batch[0]!.record as { role: string }).role = 'SAFETY_DIRECTOR';
    const r = await applyEnvelopes(deps, HOUSING, batch);
    expect(r).toMatchObject({ read: 9, written: 2, unchanged: 5, quarantined: 2 });
    expect([...r.affectedCreditCodes].sort()).toEqual([A, LATE].sort());
    const [x1] = await ds.query(`SELECT resolved_at FROM quarantined_record WHERE source_record_id = 'X-1'`);
    expect(x1.resolved_at).toBeInstanceOf(Date);
    const [p] = await ds.query(`SELECT credit_code FROM penalty WHERE source_record_id = 'X-1'`);
    expect(p.credit_code).toBe(LATE);
  });

  it('a record the store refuses is quarantined as CONSTRAINT; the rest of the batch is kept', async () => {
    const r = await applyEnvelopes(deps, HOUSING, [
      // same project code as PRJ-1 under another source id: the primary key refuses it
      env('P-2', {
        kind: 'project',
        projectCode: 'PRJ-1',
        name: '重复工程',
        builder: { creditCode: A },
        scale: 'SMALL',
        requiredCategory: '施工总承包',
        requiredSequence: '建筑工程',
        divisionCode: '420102',
      }),
      env('P-3', {
        kind: 'project',
        projectCode: 'PRJ-3',
        name: '新工程',
        builder: { creditCode: A },
        scale: 'SMALL',
        requiredCategory: '施工总承包',
        requiredSequence: '建筑工程',
        divisionCode: '420102',
      }),
      env('R-9', {
        kind: 'role',
        enterprise: { creditCode: B },
        idNumber: idNo('42010619900101000').slice(0, 17) + 'Z',
        personName: '赵六',
        role: 'PRINCIPAL',
      }),
    ]);
    expect(r).toMatchObject({ read: 3, written: 1, unchanged: 0, quarantined: 2 });
    const q: { source_record_id: string; reason_code: string; reason: string }[] = await ds.query(
      `SELECT source_record_id, reason_code, reason FROM quarantined_record WHERE source_record_id IN ('P-2','R-9') ORDER BY 1`,
    );
    expect(q.map((x) => x.reason_code)).toEqual(['CONSTRAINT', 'PARSE_ERROR']);
    expect(q[0]!.reason).toMatch(/project_pkey|duplicate key/);
    expect(q[1]!.reason).toMatch(/idNumber 420106\*+000Z is not a valid/);
    expect((await ds.query(`SELECT project_code FROM project ORDER BY 1`)).map((x: { project_code: string }) => x.project_code)).toEqual([
      'PRJ-1',
      'PRJ-3',
    ]);
    expect(lines.join('\n')).not.toContain(PM_ID);
  });

  it('a person only named by records is created, gets and follows their name, until a person record names it', async () => {
    const id = idNo('42010619850505123');
    const role = (n: number, personName: string) =>
      env(`RN-${n}`, { kind: 'role', enterprise: { creditCode: A }, idNumber: id, personName, role: 'SAFETY_MANAGER' });
    const person = async () => {
      const [p] = await ds.query(`SELECT name, content_hash LIKE 'derived:%' AS derived, stored_at FROM person WHERE id_masked = $1`, [
        `420106********${id.slice(-4)}`,
      ]);
      return p as { name: string; derived: boolean; stored_at: Date };
    };
    await applyEnvelopes(deps, HOUSING, [role(1, '')]);
    expect(await person()).toMatchObject({ name: '', derived: true });
    await applyEnvelopes(deps, HOUSING, [role(2, '李四')]);
    expect(await person()).toMatchObject({ name: '李四', derived: true });
    await applyEnvelopes(deps, HOUSING, [role(3, '李思')]);
    expect(await person()).toMatchObject({ name: '李思', derived: true });
    // the same name again, or none: the stored row is left alone (not even rewritten)
    const before = (await person()).stored_at;
    await applyEnvelopes(deps, HOUSING, [role(4, '李思')]);
    await applyEnvelopes(deps, HOUSING, [role(5, '')]);
    expect((await person()).stored_at).toEqual(before);

    await applyEnvelopes(deps, MARKET, [env('PER-LS', { kind: 'person', idNumber: id, name: '李四' })]);
    expect(await person()).toMatchObject({ name: '李四', derived: false });
    // a person record is authoritative: a record naming the person otherwise changes nothing
    await applyEnvelopes(deps, HOUSING, [role(6, '李斯')]);
    expect(await person()).toMatchObject({ name: '李四', derived: false });
  });
});
