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

const PURPOSE = encodeURIComponent('核实法定代表人身份');

const idNo = (first17: string) => first17 + idNumberCheckChar(first17);
const A = makeCreditCode('9', '1', '420106', '7A1B2C3D');
const ID_P = idNo('42010619800101123');
const ID_R = idNo('42010219850303567');
const PHONE_P = '13912345678';
const PHONE_R = '13787654321';
const masked = (id: string) => `${id.slice(0, 6)}********${id.slice(-4)}`;
const env = (id: string, rec: CanonicalRecord): SourceEnvelope => ({ sourceRecordId: id, kind: rec.kind, raw: rec, record: rec } as SourceEnvelope);

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
  const ask = (headers: Record<string, string>, query = TWO_PATHS) => gql<Any>(url, query, { p: ID_P, c: A }, { ...bearer(token), ...headers });
  const auditRows = (requestId: string) => ds.query('SELECT subject_ref, fields FROM audit_log WHERE request_id = $1 ORDER BY seq', [requestId]);

  beforeAll(async () => {
    db = await createTestDatabase('disc');
    ds = await openStore(db.url);
    await applyEnvelopes({ ds, vault, log: pino({ level: 'silent' }) }, { id: 'market', department: 'MARKET' }, [
      env('E-A', {
        kind: 'enterprise', creditCode: A, orgCode: A.slice(8, 17), name: '武汉安建工程有限公司', type: '有限责任公司', status: 'ACTIVE', legalRepresentative: '张伟',
        divisionCode: '420106', industryCode: 'E4710', registeredCapital: 1000, establishedDate: '2010-01-01',
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
    expect(nested).toEqual(expect.arrayContaining([{ idNumber: ID_P, phone: PHONE_P }, { idNumber: ID_R, phone: PHONE_R }]));
    const rows = await auditRows('disc-ok');
    expect(rows.map((x: Any) => x.subject_ref).sort()).toEqual([vault.personKey(ID_P), vault.personKey(ID_R)].sort());
    expect(rows.every((x: Any) => JSON.stringify(x.fields) === JSON.stringify(['idNumber', 'phone']))).toBe(true);
  });

  it('X-Purpose: %00 (a NUL the audit insert cannot store) discloses nothing in clear through either path', async () => {
    const before = Number((await ds.query('SELECT count(*)::int AS n FROM audit_log'))[0].n);
    // the second path names only P, whose audit just failed on the first path
    const r = await ask({ 'x-purpose': '%00', 'x-request-id': 'disc-nul' }, TWO_PATHS.replace('persons {', 'persons(role: LEGAL_REPRESENTATIVE) {'));
    const text = JSON.stringify(r);
    for (const clear of [ID_P, PHONE_P]) expect(text).not.toContain(clear);
    expect(r.data.person).toEqual({ idNumber: masked(ID_P), phone: '139****5678' });
    expect(r.errors?.map((e) => e.extensions?.code)).toEqual(['AUDIT_FAILED']);
    expect(Number((await ds.query('SELECT count(*)::int AS n FROM audit_log'))[0].n)).toBe(before);
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
      expect(nested).toEqual(expect.arrayContaining([{ idNumber: masked(ID_P), phone: '139****5678' }, { idNumber: masked(ID_R), phone: '137****4321' }]));
      expect(r.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'AUDIT_FAILED', messageZh: expect.stringContaining('审计') }) })]);
      // P's row was committed in an earlier batch: its clear value was withdrawn from the answer all the same
      expect((await auditRows('disc-fail')).map((x: Any) => x.subject_ref)).toEqual([vault.personKey(ID_P)]);
    } finally {
      await ds.query('ALTER TABLE audit_log DROP CONSTRAINT test_refuse_r');
    }
  });
});
