/**
 * Issue 17.1: a clear ID number or phone leaves the hub only after its audit row is committed. A client
 * that makes the audit insert fail (a NUL byte in X-Purpose, or any failure of the write) gets masked
 * values everywhere in the answer, through every path to the person, and an AUDIT_FAILED error.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SourceEnvelope } from '../connectors/types.js';
import { loadConfig } from '../src/config.js';
import type { CanonicalRecord } from '../src/domain/canonical.js';
import { idNumberCheckChar, makeCreditCode } from '../src/domain/codes.js';
import { PiiVault } from '../src/security/pii.js';
import { createHubServer, type HubServer } from '../src/server/app.js';
import { openStore } from '../src/store/data-source.js';
import { applyEnvelopes } from '../src/sync/apply.js';
import { TEST_JWT_SECRET, bearer, mintToken } from './support/auth.js';
import { createTestDatabase } from './support/db.js';
import { gql } from './support/graphql-client.js';

type Any = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const PURPOSE = 'IDENTITY_VERIFICATION';

const idNo = (first17: string) => first17 + idNumberCheckChar(first17);
const A = makeCreditCode('9', '1', '420106', '7A1B2C3D');
const ID_P = idNo('42010619800101123');
const ID_R = idNo('42010219850303567');
const PHONE_P = '13912345678';
const PHONE_R = '13787654321';
const masked = (id: string) => `${id.slice(0, 6)}********${id.slice(-4)}`;
const env = (id: string, rec: CanonicalRecord): SourceEnvelope =>
  ({ sourceRecordId: id, kind: rec.kind, raw: rec, record: rec }) as SourceEnvelope;

/** P at the top level and, deeper, P and R again as the enterprise's persons in the market section */
const TWO_PATHS = `query($p: String!, $c: ID!) {
  person(idNumber: $p) { idNumber phone }
  enterprise(creditCode: $c) { market { persons { nodes { role person { idNumber phone } } } } }
}`;

describe('clear personal data only after its audit row is committed (issue 17.1)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let ds: DataSource;
  let server: HubServer;
  let url: string;
  let token: string;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-disc-'));
  const vault = new PiiVault(Buffer.alloc(32, 9));
  const ask = (headers: Record<string, string>, query = TWO_PATHS) =>
    gql<Any>(url, query, { p: ID_P, c: A }, { ...bearer(token), ...headers });
  const auditRows = (requestId: string) =>
    ds.query('SELECT subject_ref, fields FROM audit_log WHERE request_id = $1 ORDER BY seq', [requestId]);

  beforeAll(async () => {
    db = await createTestDatabase('disc');
    ds = await openStore(db.url);
    await applyEnvelopes({ ds, vault, log: pino({ level: 'silent' }) }, { id: 'market', department: 'MARKET' }, [
      env('E-A', {
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
      }),
      env('P-P', { kind: 'person', idNumber: ID_P, name: '张伟', phone: PHONE_P }),
      env('P-R', { kind: 'person', idNumber: ID_R, name: '刘洋', phone: PHONE_R }),
      env('R-P', { kind: 'role', enterprise: { creditCode: A }, idNumber: ID_P, personName: '张伟', role: 'LEGAL_REPRESENTATIVE' }),
      env('R-R', { kind: 'role', enterprise: { creditCode: A }, idNumber: ID_R, personName: '刘洋', role: 'PRINCIPAL' }),
    ]);
    const config = loadConfig({ NODE_ENV: 'test', HUB_DATA_DIR: dataDir, HUB_JWT_SECRET: TEST_JWT_SECRET, HUB_RATE_LIMIT_POINTS: '0' });
    server = await createHubServer({ ds, config, vault, connectors: new Map(), log: pino({ level: 'silent' }) });
    url = await server.listen(0, '127.0.0.1');
    token = await mintToken(['department_operator'], { department: 'MARKET', subject: 'marketOp' });
  });
  afterAll(async () => {
    await server?.close();
    await ds?.destroy();
    await db?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('with a lawful purpose the operator sees both persons in clear on both paths, each audited once', async () => {
    const r = await ask({ 'x-purpose': PURPOSE, 'x-request-id': 'disc-ok' });
    expect(r.errors).toBeUndefined();
    expect(r.data.person).toEqual({ idNumber: ID_P, phone: PHONE_P });
    const nested = r.data.enterprise.market.persons.nodes.map((n: Any) => n.person);
    expect(nested).toEqual(
      expect.arrayContaining([
        { idNumber: ID_P, phone: PHONE_P },
        { idNumber: ID_R, phone: PHONE_R },
      ]),
    );
    const rows = await auditRows('disc-ok');
    expect(rows.map((x: Any) => x.subject_ref).sort()).toEqual([vault.personKey(ID_P), vault.personKey(ID_R)].sort());
    expect(rows.every((x: Any) => JSON.stringify(x.fields) === JSON.stringify(['idNumber', 'phone']))).toBe(true);
  });

  it('X-Purpose: %00 (a NUL the audit insert cannot store) discloses nothing in clear through either path', async () => {
    const before = Number((await ds.query('SELECT count(*)::int AS n FROM audit_log'))[0].n);
    // the second path names only P, whose audit just failed on the first path
    const r = await ask(
      { 'x-purpose': '%00', 'x-request-id': 'disc-nul' },
      TWO_PATHS.replace('persons {', 'persons(role: LEGAL_REPRESENTATIVE) {'),
    );
    const text = JSON.stringify(r);
    for (const clear of [ID_P, PHONE_P]) expect(text).not.toContain(clear);
    // not a lawful purpose (issue 17.3): refused before anything runs
    expect(r.status).toBe(400);
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'X-Purpose' });
    expect(Number((await ds.query('SELECT count(*)::int AS n FROM audit_log'))[0].n)).toBe(before);
  });

  it('an audit write that fails on the only path: masked value and AUDIT_FAILED, never INTERNAL', async () => {
    await ds.query(`ALTER TABLE audit_log ADD CONSTRAINT test_refuse_p CHECK (subject_ref <> '${vault.personKey(ID_P)}') NOT VALID`);
    try {
      const r = await gql<Any>(
        url,
        `query($p: String!) { person(idNumber: $p) { idNumber phone } }`,
        { p: ID_P },
        { ...bearer(token), 'x-purpose': PURPOSE },
      );
      expect(r.data.person).toEqual({ idNumber: masked(ID_P), phone: '139****5678' });
      expect(r.errors?.map((e) => e.extensions?.code)).toEqual(['AUDIT_FAILED']);
    } finally {
      await ds.query('ALTER TABLE audit_log DROP CONSTRAINT test_refuse_p');
    }
  });

  it('an audit write that fails after an earlier batch committed: the whole answer is masked, with AUDIT_FAILED', async () => {
    // the audit of R cannot be written (as a full disk or a lost connection would refuse it); P's is written first
    await ds.query(`ALTER TABLE audit_log ADD CONSTRAINT test_refuse_r CHECK (subject_ref <> '${vault.personKey(ID_R)}') NOT VALID`);
    try {
      const r = await ask({ 'x-purpose': PURPOSE, 'x-request-id': 'disc-fail' });
      const text = JSON.stringify(r);
      for (const clear of [ID_P, ID_R, PHONE_P, PHONE_R]) expect(text).not.toContain(clear);
      expect(r.data.person).toEqual({ idNumber: masked(ID_P), phone: '139****5678' });
      const nested = r.data.enterprise.market.persons.nodes.map((n: Any) => n.person);
      expect(nested).toEqual(
        expect.arrayContaining([
          { idNumber: masked(ID_P), phone: '139****5678' },
          { idNumber: masked(ID_R), phone: '137****4321' },
        ]),
      );
      expect(r.errors).toEqual([
        expect.objectContaining({
          extensions: expect.objectContaining({ code: 'AUDIT_FAILED', messageZh: expect.stringContaining('审计') }),
        }),
      ]);
      // P's row was committed in an earlier batch: its clear value was withdrawn from the answer all the same
      expect((await auditRows('disc-fail')).map((x: Any) => x.subject_ref)).toEqual([vault.personKey(ID_P)]);
    } finally {
      await ds.query('ALTER TABLE audit_log DROP CONSTRAINT test_refuse_r');
    }
  });

  describe('X-Purpose is one of the lawful purposes; X-Request-Id is a plain token (issue 17.3)', () => {
    const PERSON = `query($p: String!) { person(idNumber: $p) { idNumber } }`;
    const lastRow = async () => (await ds.query('SELECT request_id, purpose, purpose_code FROM audit_log ORDER BY seq DESC LIMIT 1'))[0];
    const asOp = (headers: Record<string, string>) => gql<Any>(url, PERSON, { p: ID_P }, { ...bearer(token), ...headers });

    it('the code, the Chinese text in raw UTF-8 and percent-encoded all name the purpose; the audit row keeps code and text', async () => {
      // fetch sends a header value's characters as bytes: the Latin-1 view of the UTF-8 bytes puts raw UTF-8 on the wire
      const rawUtf8 = Buffer.from('执法检查', 'utf8').toString('latin1');
      for (const [sent, id] of [
        ['LAW_ENFORCEMENT_INSPECTION', 'p-code'],
        [rawUtf8, 'p-raw'],
        [encodeURIComponent('执法检查'), 'p-pct'],
      ]) {
        const r = await asOp({ 'x-purpose': sent!, 'x-request-id': id! });
        expect(r.errors).toBeUndefined();
        expect(r.data.person.idNumber).toBe(ID_P);
        expect(await lastRow()).toEqual({ request_id: id, purpose: '执法检查', purpose_code: 'LAW_ENFORCEMENT_INSPECTION' });
      }
    });

    it('refuses any other purpose with 400 BAD_USER_INPUT naming the header and listing the codes; nothing disclosed or audited', async () => {
      const before = Number((await ds.query('SELECT count(*)::int AS n FROM audit_log'))[0].n);
      for (const sent of [
        Buffer.from('想看看', 'utf8').toString('latin1'),
        encodeURIComponent('随便看看'),
        'LICENSING_REVIEW2',
        Buffer.from('执法检查（顺便）', 'utf8').toString('latin1'),
      ]) {
        const r = await asOp({ 'x-purpose': sent });
        expect(r.status).toBe(400);
        expect(r.data).toBeNull();
        const ext = r.errors?.[0]?.extensions ?? {};
        expect(ext).toMatchObject({ code: 'BAD_USER_INPUT', field: 'X-Purpose' });
        expect(r.errors?.[0]?.message).toContain('LICENSING_REVIEW');
        expect(ext.validCodes).toEqual(expect.arrayContaining(['LICENSING_REVIEW', 'LAW_ENFORCEMENT_INSPECTION', 'IDENTITY_VERIFICATION']));
        expect(String(ext.messageZh)).toContain('合法用途');
      }
      // REST answers the same refusal with its code, not 500
      const rest = await fetch(`${url}/api/v1/joint-punishment-checks?caseNumber=X`, {
        headers: { ...bearer(token), 'x-purpose': 'nope' },
      });
      expect(rest.status).toBe(400);
      expect(await rest.json()).toMatchObject({ error: { code: 'BAD_USER_INPUT', field: 'X-Purpose' } });
      expect(Number((await ds.query('SELECT count(*)::int AS n FROM audit_log'))[0].n)).toBe(before);
    });

    it('lawfulPurposes lists every purpose of the configured file (HUB_PURPOSES_FILE overrides the bundled list)', async () => {
      const r = await gql<Any>(url, '{ lawfulPurposes { code name } }', {}, bearer(token));
      expect(r.data.lawfulPurposes).toEqual(
        expect.arrayContaining([
          { code: 'LICENSING_REVIEW', name: '行政许可审查' },
          { code: 'LAW_ENFORCEMENT_INSPECTION', name: '执法检查' },
        ]),
      );
      const file = path.join(dataDir, 'purposes.json');
      fs.writeFileSync(file, JSON.stringify([{ code: 'FIRE_INVESTIGATION', zh: '火灾事故调查' }]));
      const config = loadConfig({
        NODE_ENV: 'test',
        HUB_DATA_DIR: dataDir,
        HUB_JWT_SECRET: TEST_JWT_SECRET,
        HUB_RATE_LIMIT_POINTS: '0',
        HUB_PURPOSES_FILE: file,
      });
      const other = await createHubServer({ ds, config, vault, connectors: new Map(), log: pino({ level: 'silent' }) });
      const otherUrl = await other.listen(0, '127.0.0.1');
      try {
        expect((await gql<Any>(otherUrl, '{ lawfulPurposes { code name } }', {}, bearer(token))).data.lawfulPurposes).toEqual([
          { code: 'FIRE_INVESTIGATION', name: '火灾事故调查' },
        ]);
        const refused = await gql<Any>(otherUrl, PERSON, { p: ID_P }, { ...bearer(token), 'x-purpose': 'LICENSING_REVIEW' });
        expect(refused.errors?.[0]?.extensions).toMatchObject({
          code: 'BAD_USER_INPUT',
          field: 'X-Purpose',
          validCodes: ['FIRE_INVESTIGATION'],
        });
        const ok = await gql<Any>(
          otherUrl,
          PERSON,
          { p: ID_P },
          { ...bearer(token), 'x-purpose': encodeURIComponent('火灾事故调查'), 'x-request-id': 'p-fire' },
        );
        expect(ok.data.person.idNumber).toBe(ID_P);
        expect(await lastRow()).toEqual({ request_id: 'p-fire', purpose: '火灾事故调查', purpose_code: 'FIRE_INVESTIGATION' });
      } finally {
        await other.close();
      }
    });

    it('keeps a plain X-Request-Id and replaces anything else by a generated one, never storing it', async () => {
      const kept = 'req.2026-12-03_abc';
      await asOp({ 'x-purpose': PURPOSE, 'x-request-id': kept });
      expect((await lastRow()).request_id).toBe(kept);
      const bad = ['x'.repeat(65), 'a b', 'id;DROP', '<script>', Buffer.from('请求一', 'utf8').toString('latin1'), '%0d%0aforged: 1'];
      for (const sent of bad) {
        const r = await asOp({ 'x-purpose': PURPOSE, 'x-request-id': sent });
        expect(r.data.person.idNumber).toBe(ID_P);
        const stored = (await lastRow()).request_id as string;
        expect(stored).not.toBe(sent);
        expect(stored).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      }
    });
  });
});
