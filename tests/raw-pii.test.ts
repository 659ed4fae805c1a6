/**
 * Issue 17.2: raw source records keep ID numbers and phones sealed at rest (as the canonical columns), and
 * `quarantinedRecords.raw` / `.record` show them masked to admin and department operators alike, whatever
 * the form: by the source's declared fields (malformed values too) and by the net over free text.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import marketSource from '../connectors/market/index.js';
import type { Connector, SourceEnvelope } from '../connectors/types.js';
import { loadConfig } from '../src/config.js';
import type { CanonicalRecord } from '../src/domain/canonical.js';
import { idNumberCheckChar, makeCreditCode } from '../src/domain/codes.js';
import { PiiVault } from '../src/security/pii.js';
import { createHubServer, type HubServer } from '../src/server/app.js';
import { MIGRATIONS, openStore } from '../src/store/data-source.js';
import { applyEnvelopes, type SyncSource } from '../src/sync/apply.js';
import { retryQuarantine } from '../src/sync/engine.js';
import { TEST_JWT_SECRET, bearer, mintToken } from './support/auth.js';
import { createTestDatabase } from './support/db.js';
import { gql } from './support/graphql-client.js';

type Any = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const idNo = (first17: string) => first17 + idNumberCheckChar(first17);
const A = makeCreditCode('9', '1', '420106', '7A1B2C3D');
const LATE = makeCreditCode('9', '1', '420111', '5K6L7M8N'); // an enterprise the source names before the hub knows it
const ID_PERSON = idNo('42010619800101123'); // a declared certNo field, well formed
const ID_BAD = '42010619800101'; // a declared certNo too short to parse: caught by field knowledge only
const ID_TEXT = idNo('42010219850303567'); // in free text, plain
const ID_15 = '420106850303123'; // the pre-1999 15-digit form
const ID_IN_TOKEN = idNo('43010219750505432'); // glued to letters: 'sfz' + ID + 'end'
const ID_WIDE = idNo('11010519491231002'); // written in full-width digits
const ID_SPACED = idNo('44030419900707201'); // written 6-8-4 with spaces
const ID_DASHED = idNo('51010719930915341'); // written 6-4-4-4 with dashes
const MOBILE = '13912345678'; // declared mobile field
const MOBILE_TEXT = '13787654321'; // in text, as 137 8765 4321
const MOBILE_DASHED = '18611112222'; // in text, as 186-1111-2222
const LANDLINE = '02787654321'; // in text, as 027-87654321
const wide = (s: string) => s.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));
const spaced = (id: string) => `${id.slice(0, 6)} ${id.slice(6, 14)} ${id.slice(14)}`;
const dashed = (id: string) => `${id.slice(0, 6)}-${id.slice(6, 10)}-${id.slice(10, 14)}-${id.slice(14)}`;

/** Every clear value of the fixtures, in the forms a reader could recover it from (digits only). */
const CLEAR = [ID_PERSON, ID_BAD, ID_TEXT, ID_15, ID_IN_TOKEN, ID_WIDE, ID_SPACED, ID_DASHED, MOBILE, MOBILE_TEXT, MOBILE_DASHED, LANDLINE];
const digitsOnly = (s: string) =>
  s.replace(/[\uff10-\uff19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xff10 + 48)).replace(/[^0-9X]/gi, '');
const leaks = (text: string) => CLEAR.filter((c) => digitsOnly(text).includes(c));

const REMARK =
  `备注：联系人身份证 ${ID_TEXT}，旧证 ${ID_15}，档案号 sfz${ID_IN_TOKEN}end，${wide(ID_WIDE)}，${spaced(ID_SPACED)}，${dashed(ID_DASHED)}；` +
  `电话 137 8765 4321、186-1111-2222，办公室 027-87654321`;

describe('raw source records: PII sealed at rest, masked on the way out (issue 17.2)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let ds: DataSource;
  let server: HubServer;
  let url: string;
  const tokens: Record<string, string> = {};
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-raw-'));
  const vault = new PiiVault(Buffer.alloc(32, 5));
  const log = pino({ level: 'silent' });
  const market: Connector = marketSource.createConnector(
    { timeoutMs: 1000, baseUrl: 'http://127.0.0.1:9', appKey: 'k', appSecret: 's' },
    { log },
  );
  const source: SyncSource = { id: market.id, department: market.department, piiFields: market.piiFields };
  const deps = () => ({ ds, vault, log });

  beforeAll(async () => {
    db = await createTestDatabase('rawpii');
    ds = await openStore(db.url);
    const env = (id: string, kind: CanonicalRecord['kind'], raw: unknown, record?: CanonicalRecord, error?: string): SourceEnvelope =>
      ({ sourceRecordId: id, kind, raw, ...(record ? { record } : {}), ...(error ? { error } : {}) }) as SourceEnvelope;
    await applyEnvelopes(deps(), source, [
      env(
        'E-A',
        'enterprise',
        { id: 'E-A', creditCode: A, entName: '武汉安建工程有限公司', remark: REMARK },
        {
          kind: 'enterprise',
          creditCode: A,
          orgCode: A.slice(8, 17),
          name: '武汉安建工程有限公司',
          type: '有限责任公司',
          status: 'ACTIVE',
          legalRepresentative: '张伟',
          divisionCode: '420106',
          industryCode: 'E4710',
          registeredCapital: 1000,
          establishedDate: '2010-01-01',
        },
      ),
      env(
        'P-1',
        'person',
        { id: 'P-1', certNo: ID_PERSON, name: '张伟', mobile: MOBILE },
        { kind: 'person', idNumber: ID_PERSON, name: '张伟', phone: MOBILE },
      ),
      // unreadable: a malformed certNo, a mobile as a number, and the free text
      env(
        'P-BAD',
        'person',
        { id: 'P-BAD', certNo: ID_BAD, name: '李四', mobile: Number(MOBILE), remark: REMARK },
        undefined,
        `mobile: '${MOBILE}' is a number, expected text; certNo: not an ID number`,
      ),
      // parsed but not linkable yet: the record (with its ID number) waits in quarantine
      env(
        'K-LATE',
        'role',
        { id: 'K-LATE', creditCode: LATE, certNo: ID_PERSON, name: '张伟' },
        { kind: 'role', enterprise: { creditCode: LATE }, idNumber: ID_PERSON, personName: '张伟', role: 'PRINCIPAL' },
      ),
    ]);
    const config = loadConfig({ NODE_ENV: 'test', HUB_DATA_DIR: dataDir, HUB_JWT_SECRET: TEST_JWT_SECRET, HUB_RATE_LIMIT_POINTS: '0' });
    server = await createHubServer({ ds, config, vault, connectors: new Map([[market.id, market]]), log });
    url = await server.listen(0, '127.0.0.1');
    tokens.admin = await mintToken(['admin'], { subject: 'admin' });
    tokens.marketOp = await mintToken(['department_operator'], { department: 'MARKET', subject: 'marketOp' });
  });
  afterAll(async () => {
    await server?.close();
    await market?.close();
    await ds?.destroy();
    await db?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const Q = `{ quarantinedRecords(source: "market") { nodes { sourceRecordId reason raw record } } }`;

  it('shows every form of ID number and phone masked to the admin and the operator, without a purpose and with one', async () => {
    for (const [who, headers] of [
      ['admin', {}],
      ['marketOp', {}],
      ['marketOp', { 'x-purpose': 'LICENSING_REVIEW' }],
    ] as const) {
      const r = await gql<Any>(url, Q, {}, { ...bearer(tokens[who]!), ...headers });
      expect(r.errors).toBeUndefined();
      const nodes = r.data.quarantinedRecords.nodes as Any[];
      expect(nodes.map((n) => n.sourceRecordId).sort()).toEqual(['K-LATE', 'P-BAD']);
      expect(leaks(JSON.stringify(r.data))).toEqual([]);
      const bad = nodes.find((n) => n.sourceRecordId === 'P-BAD');
      // field knowledge: the malformed certNo and the numeric mobile are masked, not dropped; the name stays
      expect(bad.raw).toMatchObject({ id: 'P-BAD', name: '李四', mobile: '139****5678' });
      expect(bad.raw.certNo).toMatch(/^\d{0,6}\*+\d{0,4}$/);
      // the net: each form in the free text masked in place, the text around it kept
      expect(bad.raw.remark).toContain(`联系人身份证 ${ID_TEXT.slice(0, 6)}********${ID_TEXT.slice(-4)}，`);
      expect(bad.raw.remark).toContain(`旧证 ${ID_15.slice(0, 6)}*****${ID_15.slice(-4)}，`);
      expect(bad.raw.remark).toContain(`档案号 sfz${ID_IN_TOKEN.slice(0, 6)}********${ID_IN_TOKEN.slice(-4)}end`);
      expect(bad.raw.remark).toContain('137****4321、186****2222，办公室 027****4321');
      const late = nodes.find((n) => n.sourceRecordId === 'K-LATE');
      expect(late.record).toMatchObject({
        kind: 'role',
        idNumber: `${ID_PERSON.slice(0, 6)}********${ID_PERSON.slice(-4)}`,
        personName: '张伟',
      });
      expect(late.raw.certNo).toBe(`${ID_PERSON.slice(0, 6)}********${ID_PERSON.slice(-4)}`);
    }
  });

  it('the database rows hold no ID number or phone in clear, in any table that keeps raw records', async () => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows: tables } = await client.query(
        `SELECT table_name FROM information_schema.columns WHERE table_schema = current_schema() AND column_name = 'raw'`,
      );
      expect(tables.map((t: Any) => t.table_name)).toEqual(expect.arrayContaining(['person', 'enterprise', 'quarantined_record']));
      for (const { table_name: t } of tables) {
        const { rows } = await client.query(`SELECT row_to_json(x)::text AS j FROM "${t}" x`);
        for (const { j } of rows) expect(leaks(j), `${t}: ${j}`).toEqual([]);
      }
      // the person's row: the stored raw certNo is sealed, and still its canonical columns link it
      const {
        rows: [p],
      } = await client.query(`SELECT raw, person_key FROM person WHERE source_record_id = 'P-1'`);
      expect(p.person_key).toBe(vault.personKey(ID_PERSON));
      expect(p.raw.certNo).toMatch(/^⟦pii:id:v:420106\*+\d{4}:[A-Za-z0-9+/=]+⟧$/);
    } finally {
      await client.end();
    }
  });

  it('a quarantined record retried once its enterprise exists links by the sealed ID number', async () => {
    await applyEnvelopes(deps(), source, [
      {
        sourceRecordId: 'E-LATE',
        kind: 'enterprise',
        raw: { id: 'E-LATE' },
        record: {
          kind: 'enterprise',
          creditCode: LATE,
          orgCode: LATE.slice(8, 17),
          name: '武汉后到工程有限公司',
          type: '有限责任公司',
          status: 'ACTIVE',
          legalRepresentative: '王五',
          divisionCode: '420111',
          industryCode: 'E4710',
          registeredCapital: 500,
          establishedDate: '2015-01-01',
        },
      } as SourceEnvelope,
    ]);
    expect(await retryQuarantine(deps(), [source])).toEqual({ retried: 1, resolved: 1 });
    const [role] = await ds.query(`SELECT person_key, raw FROM enterprise_person_role WHERE source_record_id = 'K-LATE'`);
    expect(role.person_key).toBe(vault.personKey(ID_PERSON));
    expect(leaks(JSON.stringify(role.raw))).toEqual([]);
  });

  it('the migration seals raw records stored in clear before it (and a rerun changes nothing)', async () => {
    await ds.query(`UPDATE quarantined_record SET raw = $1::jsonb, record = $2::jsonb WHERE source_record_id = 'P-BAD'`, [
      JSON.stringify({ id: 'P-BAD', certNo: ID_BAD, mobile: MOBILE, remark: REMARK }),
      JSON.stringify({ kind: 'person', idNumber: ID_TEXT, phone: MOBILE_TEXT }),
    ]);
    await ds.query(`UPDATE person SET raw = $1::jsonb WHERE source_record_id = 'P-1'`, [
      JSON.stringify({ id: 'P-1', certNo: ID_PERSON, mobile: MOBILE }),
    ]);
    const migration = MIGRATIONS.find((m) => m.name === 'SealRawPii1732852000000')!;
    const before = process.env.HUB_PII_KEY;
    process.env.HUB_PII_KEY = Buffer.alloc(32, 5).toString('base64');
    const q = ds.createQueryRunner();
    try {
      await q.startTransaction();
      await new migration().up(q);
      await q.commitTransaction();
      const dump = async () =>
        JSON.stringify(await ds.query(`SELECT raw, record FROM quarantined_record ORDER BY id`)) +
        JSON.stringify(await ds.query(`SELECT raw FROM person ORDER BY person_key`));
      const once = await dump();
      expect(leaks(once)).toEqual([]);
      await q.startTransaction();
      await new migration().up(q);
      await q.commitTransaction();
      expect(await dump()).toBe(once);
      const r = await gql<Any>(url, Q, {}, bearer(tokens.admin!));
      const bad = r.data.quarantinedRecords.nodes.find((n: Any) => n.sourceRecordId === 'P-BAD');
      expect(bad.raw.mobile).toBe('139****5678');
      expect(bad.record).toMatchObject({ idNumber: `${ID_TEXT.slice(0, 6)}********${ID_TEXT.slice(-4)}`, phone: '137****4321' });
    } finally {
      await q.release();
      if (before === undefined) delete process.env.HUB_PII_KEY;
      else process.env.HUB_PII_KEY = before;
    }
  });
});
