/**
 * Issue 7 through HTTP against a running hub over a store filled by the sync path (applyEnvelopes):
 * authentication (401s), field-by-field role rules, masking and audited clear disclosure, the audit
 * log and its tamper check, query limits, body limit, rate limit, trusted documents, production start.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEPARTMENT_CODES } from '../connectors/registry.js';
import type { SourceEnvelope } from '../connectors/types.js';
import { loadConfig } from '../src/config.js';
import type { CanonicalRecord } from '../src/domain/canonical.js';
import { idNumberCheckChar, makeCreditCode } from '../src/domain/codes.js';
import { createApiKey } from '../src/security/api-keys.js';
import { verifyAuditChain } from '../src/security/audit.js';
import { PiiVault } from '../src/security/pii.js';
import type { Role } from '../src/security/roles.js';
import { SignJWT } from 'jose';
import { issueToken } from '../src/security/tokens.js';
import { sha256 } from '../src/security/trusted-documents.js';
import { createHubServer, type HubServer } from '../src/server/app.js';
import { openStore } from '../src/store/data-source.js';
import { applyEnvelopes } from '../src/sync/apply.js';
import { TEST_JWT_SECRET, bearer, mintToken } from './support/auth.js';
import { createTestDatabase } from './support/db.js';
import { gql } from './support/graphql-client.js';
import { spawnHub } from './support/hub-process.js';

const run = promisify(execFile);
const idNo = (first17: string) => first17 + idNumberCheckChar(first17);
const A = makeCreditCode('9', '1', '420106', '7A1B2C3D');
const B = makeCreditCode('9', '1', '430102', '6E5F4G3H');
const ID_P = idNo('42010619800101123'); // market's legal representative of A, with a phone
const ID_Q = idNo('43010219750505432'); // emergency's principal of B, banned
const PHONE_P = '13912345678';

const env = (id: string, rec: CanonicalRecord): SourceEnvelope =>
  ({ sourceRecordId: id, kind: rec.kind, raw: rec, record: rec }) as SourceEnvelope;
const enterprise = (code: string, name: string): CanonicalRecord => ({
  kind: 'enterprise',
  creditCode: code,
  orgCode: code.slice(8, 17),
  name,
  type: '有限责任公司',
  status: 'ACTIVE',
  legalRepresentative: '王五',
  divisionCode: code.slice(2, 8),
  industryCode: 'E4710',
  registeredCapital: 1000,
  establishedDate: '2010-01-01',
});

type Any = any; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('access control, personal information, audit and query safety over HTTP', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let ds: DataSource;
  let server: HubServer;
  let url: string;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-sec-'));
  const vault = new PiiVault(Buffer.alloc(32, 7));
  const log = pino({ level: 'silent' });
  const tokens: Record<string, string> = {};
  const as = (who: string, query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
    gql<Any>(url, query, variables, { ...bearer(tokens[who]!), ...headers });
  const auditCount = async () => Number((await ds.query('SELECT count(*)::int AS n FROM audit_log'))[0].n);

  beforeAll(async () => {
    db = await createTestDatabase('sec');
    ds = await openStore(db.url);
    const deps = { ds, vault, log };
    await applyEnvelopes(deps, { id: 'market', department: 'MARKET' }, [
      env('E-A', enterprise(A, '武汉安建工程有限公司')),
      env('E-B', enterprise(B, '长沙安运物流有限公司')),
      env('P-P', { kind: 'person', idNumber: ID_P, name: '张伟', phone: PHONE_P }),
      env('R-P', { kind: 'role', enterprise: { creditCode: A }, idNumber: ID_P, personName: '张伟', role: 'LEGAL_REPRESENTATIVE' }),
    ]);
    await applyEnvelopes(deps, { id: 'emergency', department: 'EMERGENCY' }, [
      env('R-Q', { kind: 'role', enterprise: { creditCode: B }, idNumber: ID_Q, personName: '李四', role: 'PRINCIPAL' }),
      env('L-Q', {
        kind: 'list_entry',
        list: 'SAFETY_DISHONEST',
        subjectType: 'PERSON',
        idNumber: ID_Q,
        personName: '李四',
        reason: '对重大事故负有责任',
        legalBasis: '安全生产法第九十四条',
        decisionNumber: 'YJ-2025-1',
        startDate: '2025-01-01',
        endDate: '2099-01-01',
      }),
    ]);
    const config = loadConfig({ NODE_ENV: 'test', HUB_DATA_DIR: dataDir, HUB_JWT_SECRET: TEST_JWT_SECRET, HUB_RATE_LIMIT_POINTS: '0' });
    server = await createHubServer({ ds, config, vault, connectors: new Map(), log });
    url = await server.listen(0, '127.0.0.1');
    const roles: [string, Role[], string | null][] = [
      ['admin', ['admin'], null],
      ['officer', ['licensing_officer'], 'HOUSING'],
      ['inspector', ['inspector'], 'EMERGENCY'],
      ['analyst', ['analyst'], 'SAFETY_COMMITTEE'],
      ['marketOp', ['department_operator'], 'MARKET'],
      ['emergencyOp', ['department_operator'], 'EMERGENCY'],
    ];
    for (const [who, r, dept] of roles) tokens[who] = await mintToken(r, { department: dept, subject: who });
  });
  afterAll(async () => {
    await server?.close();
    await ds?.destroy();
    await db?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  describe('authentication', () => {
    it('answers 401 with WWW-Authenticate and a JSON error without a token, on GraphQL and REST', async () => {
      const r = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ ping }' }),
      });
      expect(r.status).toBe(401);
      expect(r.headers.get('www-authenticate')).toBe('Bearer realm="hub"');
      expect(await r.json()).toMatchObject({ errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
      const rest = await fetch(`${url}/api/v1/joint-punishment-checks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(rest.status).toBe(401);
      expect(await rest.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
      expect((await fetch(`${url}/checks/1`)).status).toBe(401);
      expect((await fetch(`${url}/graphql?query=${encodeURIComponent('{ping}')}`)).status).toBe(401);
    });

    it('serves health, readiness and the IDE without a token', async () => {
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      expect((await fetch(`${url}/graphql`, { headers: { accept: 'text/html' } })).status).toBe(200);
      expect((await fetch(`${url}/ide/graphiql/graphiql.min.css`)).status).toBe(200);
    });

    it('refuses an expired, a forged and a malformed token with 401 naming why', async () => {
      const expired = await issueToken(
        TEST_JWT_SECRET,
        { subject: 'old', roles: ['admin'] },
        (Math.floor(Date.now() / 1000) - 3600) as unknown as string,
      );
      const forged = await issueToken('another-secret-of-enough-length-000', { subject: 'mallory', roles: ['admin'] });
      const noRole = await issueToken(TEST_JWT_SECRET, { subject: 'x', roles: [] });
      for (const [token, why] of [
        [expired, /expired/],
        [forged, /not valid/],
        ['not.a.jwt', /not valid/],
        [noRole, /no known role/],
      ] as const) {
        const r = await gql(url, '{ ping }', {}, bearer(token));
        expect(r.status).toBe(401);
        expect(r.errors?.[0]?.message).toMatch(why);
      }
      const r = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...bearer(expired) },
        body: '{"query":"{ping}"}',
      });
      expect(r.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    });

    it('accepts API keys (stored hashed) in X-API-Key or as a bearer, and refuses revoked ones', async () => {
      const { key, id } = await createApiKey(ds, { name: 'housing-app', roles: ['inspector'], department: 'HOUSING', createdBy: 'test' });
      const stored = await ds.query('SELECT key_hash FROM api_key WHERE id = $1', [id]);
      expect(stored[0].key_hash).not.toContain(key);
      const viaHeader = await gql<Any>(url, '{ me { subject roles department via } }', {}, { 'x-api-key': key });
      expect(viaHeader.data.me).toEqual({ subject: 'api-key:housing-app', roles: ['inspector'], department: 'HOUSING', via: 'api_key' });
      expect((await gql<Any>(url, '{ ping }', {}, bearer(key))).data).toEqual({ ping: true });
      await ds.query('UPDATE api_key SET revoked_at = now() WHERE id = $1', [id]);
      expect((await gql(url, '{ ping }', {}, { 'x-api-key': key })).status).toBe(401);
    });
  });

  describe('token rules (issue 17.7)', () => {
    const now = () => Math.floor(Date.now() / 1000);
    /** a token signed with the test hub's secret, claims and times exactly as given */
    const sign = (claims: Record<string, unknown>, t: { iat?: number; exp?: number }) => {
      let jwt = new SignJWT({ roles: ['admin'], ...claims }).setProtectedHeader({ alg: 'HS256' }).setSubject('someone');
      if (t.iat !== undefined) jwt = jwt.setIssuedAt(t.iat);
      if (t.exp !== undefined) jwt = jwt.setExpirationTime(t.exp);
      return jwt.sign(new TextEncoder().encode(TEST_JWT_SECRET));
    };
    const refusal = async (token: string, headers: Record<string, string> = bearer(token)) => {
      const r = await gql(url, '{ ping }', {}, headers);
      expect(r.status).toBe(401);
      return r.errors?.[0]?.message;
    };

    it('refuses a token without exp, saying it has no expiry (not that it expired)', async () => {
      expect(await refusal(await sign({}, { iat: now() }))).toBe('the token has no expiry (exp)');
    });

    it('refuses a token living longer than HUB_JWT_MAX_LIFETIME_HOURS (24 h by default), by exp - iat or, without iat, by exp', async () => {
      // issued 30 h ago, still 1 h to go: a 31-hour token
      expect(await refusal(await sign({}, { iat: now() - 30 * 3600, exp: now() + 3600 }))).toMatch(
        /lifetime \(exp - iat = 31 h\) exceeds the maximum of 24 h/,
      );
      expect(await refusal(await sign({}, { iat: now(), exp: now() + 25 * 3600 }))).toMatch(/exceeds the maximum of 24 h/);
      // no iat: judged by how far ahead it expires
      expect(await refusal(await sign({}, { exp: now() + 48 * 3600 }))).toMatch(/beyond the maximum token lifetime of 24 h/);
      // an iat in the future does not stretch a token
      expect(await refusal(await sign({}, { iat: now() + 47 * 3600, exp: now() + 48 * 3600 }))).toMatch(/future|maximum/);
      expect((await gql(url, '{ ping }', {}, bearer(await sign({}, { iat: now(), exp: now() + 23 * 3600 })))).data).toEqual({ ping: true });
      expect((await gql(url, '{ ping }', {}, bearer(await sign({}, { exp: now() + 23 * 3600 })))).data).toEqual({ ping: true });
    });

    it('refuses a dept claim that is not one of the departments', async () => {
      const t = { iat: now(), exp: now() + 3600 };
      // the registered departments and the safety committee's office
      expect(await refusal(await sign({ dept: 'POLICE' }, t))).toContain(
        `department (dept) "POLICE" is not one of ${[...DEPARTMENT_CODES, 'SAFETY_COMMITTEE'].join(', ')}`,
      );
      expect(await refusal(await sign({ dept: 7 }, t))).toMatch(/department \(dept\)/);
      expect(await refusal(await sign({ dept: 'market' }, t))).toMatch(/department \(dept\)/);
      const ok = await gql<Any>(url, '{ me { department } }', {}, bearer(await sign({ dept: 'FIRE' }, t)));
      expect(ok.data.me.department).toBe('FIRE');
    });

    it('API keys too: a department that is not one of the departments is refused at creation, and a stored one authenticates no one', async () => {
      await expect(createApiKey(ds, { name: 'police-app', roles: ['inspector'], department: 'POLICE', createdBy: 'test' })).rejects.toThrow(
        /POLICE.*not one of MARKET/,
      );
      const { key, id } = await createApiKey(ds, { name: 'fire-app', roles: ['inspector'], department: 'FIRE', createdBy: 'test' });
      expect((await gql<Any>(url, '{ me { department } }', {}, { 'x-api-key': key })).data.me.department).toBe('FIRE');
      await ds.query(`UPDATE api_key SET department = 'fire' WHERE id = $1`, [id]);
      expect(await refusal('x', { 'x-api-key': key })).toBe('the API key is not valid or was revoked');
    });

    it('refuses a JWT sent in X-API-Key, telling to send it as Authorization: Bearer', async () => {
      const token = await mintToken(['admin']);
      expect(await refusal(token, { 'x-api-key': token })).toMatch(
        /JWT was sent in X-API-Key: send tokens as "Authorization: Bearer <token>"/,
      );
      expect(await refusal('x', { 'x-api-key': 'not-a-key' })).toBe('the API key is not valid or was revoked');
      expect((await gql(url, '{ ping }', {}, bearer(token))).status).toBe(200);
    });

    it('npm run token refuses a --ttl over the maximum lifetime', async () => {
      const token = (ttl: string, env: Record<string, string> = {}) =>
        run('npx', ['tsx', 'src/cli/token.ts', '--role', 'inspector', '--ttl', ttl], {
          env: { ...process.env, HUB_DATA_DIR: dataDir, HUB_JWT_SECRET: TEST_JWT_SECRET, ...env },
        }).then(
          (r) => ({ code: 0, ...r }),
          (e: { code: number; stdout: string; stderr: string }) => e,
        );
      const [long, day, allowed, forIdp] = await Promise.all([
        token('25h'),
        token('2d'),
        token('25h', { HUB_JWT_MAX_LIFETIME_HOURS: '48' }),
        token('1h', { HUB_JWT_ISSUER: 'https://idp.example', HUB_JWT_AUDIENCE: 'safety-hub' }),
      ]);
      // a hub that checks issuer and audience accepts what npm run token mints under the same configuration
      expect(JSON.parse(Buffer.from(forIdp.stdout.trim().split('.')[1]!, 'base64url').toString())).toMatchObject({
        iss: 'https://idp.example',
        aud: 'safety-hub',
      });
      expect(long.code).toBe(2);
      expect(long.stderr).toMatch(/--ttl 25h exceeds the maximum token lifetime of 24 h \(HUB_JWT_MAX_LIFETIME_HOURS\)/);
      expect(long.stdout).toBe('');
      expect(day.code).toBe(2);
      expect(allowed.code).toBe(0);
      expect(allowed.stdout.trim()).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    });
  });

  describe('roles, field by field', () => {
    const PERSON = `query($id: String!) { person(idNumber: $id) { idNumber idNumberMasked phone phoneMasked name } }`;

    it('inspector and licensing officer see persons masked; the lookup by full ID never echoes it', async () => {
      for (const who of ['inspector', 'officer', 'admin']) {
        const r = await as(who, PERSON, { id: ID_P }, { 'x-purpose': 'LICENSING_REVIEW' });
        expect(r.errors).toBeUndefined();
        expect(r.data.person).toEqual({
          idNumber: `420106********${ID_P.slice(-4)}`,
          idNumberMasked: `420106********${ID_P.slice(-4)}`,
          phone: '139****5678',
          phoneMasked: '139****5678',
          name: '张伟',
        });
        expect(JSON.stringify(r)).not.toContain(ID_P);
      }
      expect(await auditCount()).toBe(0);
    });

    it('analyst: no person lookup, no person names, enterprise aggregates allowed', async () => {
      const p = await as('analyst', PERSON, { id: ID_P });
      expect(p.data).toEqual({ person: null });
      expect(p.errors?.[0]).toMatchObject({ path: ['person'], extensions: { code: 'FORBIDDEN', field: 'Query.person' } });
      const e = await as(
        'analyst',
        `query($c: ID!) { enterprise(creditCode: $c) { name persons { nodes { role person { idNumber name } } } } }`,
        { c: A },
      );
      expect(e.data.enterprise.name).toBe('武汉安建工程有限公司');
      expect(e.data.enterprise.persons.nodes).toEqual([
        { role: 'LEGAL_REPRESENTATIVE', person: { idNumber: `420106********${ID_P.slice(-4)}`, name: null } },
      ]);
      expect(e.errors?.map((x) => x.extensions?.field)).toEqual(['Person.name']);
      // the legal representative's name, a plain string on the enterprise and on the market's registration: the rule of Person.name
      const lr = await as(
        'analyst',
        `query($c: ID!) { enterprise(creditCode: $c) { name legalRepresentative market { registration { name legalRepresentative } } } }`,
        { c: A },
      );
      expect(lr.data.enterprise).toEqual({
        name: '武汉安建工程有限公司',
        legalRepresentative: null,
        market: { registration: { name: '武汉安建工程有限公司', legalRepresentative: null } },
      });
      expect(lr.errors?.map((x) => [x.extensions?.code, x.extensions?.field])).toEqual([
        ['FORBIDDEN', 'Enterprise.legalRepresentative'],
        ['FORBIDDEN', 'Enterprise.legalRepresentative'],
      ]);
      expect(JSON.stringify(lr)).not.toContain('王五');
      const list = await as('analyst', '{ enterprises(first: 5) { nodes { creditCode legalRepresentative } } }');
      expect(list.data.enterprises.nodes.length).toBe(2);
      expect(list.data.enterprises.nodes.every((n: { legalRepresentative: unknown }) => n.legalRepresentative === null)).toBe(true);
      // those who may read person names still do
      expect(
        (await as('inspector', `query($c: ID!) { enterprise(creditCode: $c) { legalRepresentative } }`, { c: A })).data.enterprise
          .legalRepresentative,
      ).toBe('王五');
    });

    it('admin-only and officer-only operations are refused to other roles', async () => {
      const audit = await as('officer', '{ auditLog { totalCount } }');
      expect(audit.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', field: 'Query.auditLog' });
      const measure = await as('officer', `mutation { deactivateMeasure(code: "JP-SAFE-05", reason: "x") { code } }`);
      expect(measure.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', field: 'Mutation.deactivateMeasure' });
      const check = await as(
        'analyst',
        `mutation($c: ID!) { runJointPunishmentCheck(input: { creditCode: $c, matter: PUBLIC_BIDDING }) { decision } }`,
        { c: A },
      );
      expect(check.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', field: 'Mutation.runJointPunishmentCheck' });
      const runs = await as('inspector', '{ syncRuns { id } }');
      expect(runs.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', field: 'Query.syncRuns' });
      expect((await as('marketOp', '{ syncRuns { id } }')).errors).toBeUndefined();
    });

    it('the licensing officer runs a check whose hits and persons are masked', async () => {
      const r = await as(
        'officer',
        `mutation($c: ID!, $p: [String!]) { runJointPunishmentCheck(input: { creditCode: $c, matter: PRINCIPAL_APPOINTMENT, persons: $p }) {
        decision hits { subject personName personIdNumber } personsChecked { idNumber name roles } } }`,
        { c: B, p: [ID_Q] },
      );
      expect(r.errors).toBeUndefined();
      const c = r.data.runJointPunishmentCheck;
      expect(c.decision).toBe('DENY');
      expect(c.hits.length).toBeGreaterThan(0);
      expect(c.hits[0].personIdNumber).toBe(`430102********${ID_Q.slice(-4)}`);
      expect(c.personsChecked.map((p: Any) => p.idNumber)).toEqual([`430102********${ID_Q.slice(-4)}`]);
      expect(JSON.stringify(r)).not.toContain(ID_Q);
    });
  });

  describe('clear disclosure and the audit log', () => {
    const Q = `query($id: String!) { person(idNumber: $id) { idNumber phone } }`;

    it('an operator of the holding department sees the person in clear only with a purpose, and exactly one audit entry is written', async () => {
      const before = await auditCount();
      const noPurpose = await as('marketOp', Q, { id: ID_P });
      expect(noPurpose.data.person.idNumber).toBe(`420106********${ID_P.slice(-4)}`);
      const other = await as('emergencyOp', Q, { id: ID_P }, { 'x-purpose': encodeURIComponent('执法检查') });
      expect(other.data.person).toEqual({ idNumber: `420106********${ID_P.slice(-4)}`, phone: '139****5678' });
      expect(await auditCount()).toBe(before);

      const clear = await as('marketOp', Q, { id: ID_P }, { 'x-purpose': 'IDENTITY_VERIFICATION', 'x-request-id': 'req-clear-1' });
      expect(clear.errors).toBeUndefined();
      expect(clear.data.person).toEqual({ idNumber: ID_P, phone: PHONE_P });
      expect(await auditCount()).toBe(before + 1);
      const [row] = await ds.query('SELECT * FROM audit_log ORDER BY seq DESC LIMIT 1');
      expect(row).toMatchObject({
        actor: 'marketOp',
        actor_department: 'MARKET',
        actor_roles: ['department_operator'],
        request_id: 'req-clear-1',
        action: 'DISCLOSE_PERSONAL_DATA',
        subject_kind: 'person',
        subject_ref: vault.personKey(ID_P),
        fields: ['idNumber', 'phone'],
        purpose: '核实当事人身份',
        purpose_code: 'IDENTITY_VERIFICATION',
      });
      expect(JSON.stringify(row)).not.toContain(ID_P);

      // the emergency operator holds Q (its role and list records name Q)
      const q = await as(
        'emergencyOp',
        `query($id: String!) { person(idNumber: $id) { idNumber } }`,
        { id: ID_Q },
        { 'x-purpose': encodeURIComponent('执法检查') },
      );
      expect(q.data.person.idNumber).toBe(ID_Q);
      expect(await auditCount()).toBe(before + 2);
    });

    it('the admin reads the audit log (no ID in clear there); no mutation can alter it', async () => {
      const r = await as(
        'admin',
        `{ auditLog(first: 1) { totalCount nodes { seq actor fields purpose subjectRef prevHash hash } pageInfo { hasNextPage endCursor } } auditChain { intact checked } }`,
      );
      expect(r.errors).toBeUndefined();
      expect(r.data.auditLog.totalCount).toBe(await auditCount());
      expect(r.data.auditLog.nodes[0]).toMatchObject({ actor: 'emergencyOp', fields: ['idNumber'] });
      expect(r.data.auditChain).toEqual({ intact: true, checked: await auditCount() });
      const next = await as('admin', `query($a: String) { auditLog(first: 5, after: $a) { nodes { actor } } }`, {
        a: r.data.auditLog.pageInfo.endCursor,
      });
      expect(next.data.auditLog.nodes[0].actor).toBe('marketOp');
      expect(JSON.stringify([r, next])).not.toContain(ID_P);
    });

    it('audit:verify detects a row edited in the database', async () => {
      const verify = () =>
        run('npx', ['tsx', 'src/cli/audit-verify.ts'], { env: { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: 'silent' } });
      const ok = await verify();
      expect(ok.stdout).toMatch(/intact: \d+ entries verified/);
      await ds.query(`ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only`);
      await ds.query(`UPDATE audit_log SET purpose = '改过的用途' WHERE seq = 1`);
      await ds.query(`ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only`);
      expect(await verifyAuditChain(ds)).toMatchObject({ brokenAt: 1, reason: expect.stringMatching(/altered/) });
      const bad = await verify().then(
        (ok) => ({ code: 0, ...ok }),
        (e: { code: number; stderr: string }) => e,
      );
      expect(bad.stderr).toMatch(/TAMPERED/);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/TAMPERED at entry 1/);
      const chain = await as('admin', '{ auditChain { intact brokenAt reason } }');
      expect(chain.data.auditChain).toMatchObject({ intact: false, brokenAt: '1' });
    });
  });

  describe('query safety', () => {
    it('refuses a query over the depth limit, 1,000 aliases, too many tokens, and over the cost limit, clearly', async () => {
      // refusals are request errors: 400 in application/graphql-response+json (200 with the errors in application/json)
      const strict = { accept: 'application/graphql-response+json' };
      const deep = `query($c: ID!) { enterprise(creditCode: $c) { ${'persons { nodes { person { roles { nodes { enterprise { enterprise { '.repeat(2)} name ${'} } } } } } } '.repeat(2)} } }`;
      const d = await as('admin', deep, { c: A }, strict);
      expect(d.status).toBe(400);
      expect(d.errors?.[0]?.message).toMatch(/depth/i);
      const aliases = `{ ${Array.from({ length: 1000 }, (_, i) => `a${i}: ping`).join(' ')} }`;
      const a = await as('admin', aliases, {}, strict);
      expect(a.status).toBe(400);
      expect(a.errors?.map((e) => e.message).join(' ')).toMatch(/alias|token/i);
      const some = `{ ${Array.from({ length: 40 }, (_, i) => `a${i}: ping`).join(' ')} }`;
      expect((await as('admin', some)).errors?.[0]?.message).toMatch(/aliases/i);
      const pagesInPages = `{ enterprises(first: 500) { nodes { persons(first: 500) { nodes { person { roles(first: 500) { nodes { role } } } } } } } }`;
      const c = await as('admin', pagesInPages, {}, strict);
      expect(c.status).toBe(400);
      expect(c.errors?.[0]?.message).toMatch(/cost/i);
      const plain = await as('admin', pagesInPages);
      expect(plain.status).toBe(200);
      expect(plain.data).toBeNull();
      expect(plain.errors?.[0]?.message).toMatch(/cost/i);
    });

    it('counts aliases of __typename toward the alias limit', async () => {
      const typenames = (n: number) => `{ ping ${Array.from({ length: n }, (_, i) => `t${i}: __typename`).join(' ')} }`;
      const refused = await as('admin', typenames(40));
      expect(refused.data).toBeNull();
      expect(refused.errors?.[0]?.message).toMatch(/Aliases limit of 30 exceeded, found 40/);
      expect((await as('admin', typenames(30))).data).toMatchObject({ ping: true, t0: 'Query' });
    });

    it('counts page sizes given by variables, variable defaults and argument defaults toward the cost limit', async () => {
      const nested = (first: string) =>
        `enterprises${first} { nodes { persons(first: $n) { nodes { person { roles(first: $n) { nodes { role } } } } } } }`;
      const costRefusal = async (query: string, variables: Record<string, unknown>) => {
        const r = await as('admin', query, variables, { accept: 'application/graphql-response+json' });
        expect(r.status, query).toBe(400);
        expect(r.data).toBeNull();
        expect(r.errors?.[0]).toMatchObject({
          extensions: { code: 'GRAPHQL_VALIDATION_FAILED', reason: 'COST_LIMIT', maxCost: 100_000_000 },
        });
        return r.errors![0]!.message;
      };
      // the same 125-million-row walk as the literal one, with its page sizes in variables
      expect(await costRefusal(`query($n: Int) { ${nested('(first: $n)')} }`, { n: 500 })).toMatch(
        /Query Cost limit of 100000000 exceeded/,
      );
      // ... in the variables' defaults
      await costRefusal(`query($n: Int = 500) { ${nested('(first: $n)')} }`, {});
      // ... and `enterprises` without `first`: its schema default (20) counts, not 1
      await costRefusal(`query($n: Int) { ${nested('')} }`, { n: 500 });
      // small pages pass
      const ok = await as('admin', `query($n: Int) { ${nested('(first: $n)')} }`, { n: 5 });
      expect(ok.errors).toBeUndefined();
      expect(ok.data.enterprises.nodes.length).toBeGreaterThan(0);
    });

    it('refuses a body over 1 MB with 413 and a JSON error', async () => {
      const big = JSON.stringify({ query: `{ ping } # ${'x'.repeat(1024 * 1024)}` });
      const r = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...bearer(tokens.admin!) },
        body: big,
      });
      expect(r.status).toBe(413);
      expect(await r.json()).toMatchObject({ errors: [{ extensions: { code: 'PAYLOAD_TOO_LARGE', limitBytes: 1024 * 1024 } }] });
    });

    it('blocks a cross-site simple request (CSRF prevention) — a GET with only a token in the query string is not possible, headers are required', async () => {
      const r = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', ...bearer(tokens.admin!) },
        body: '{"query":"{ping}"}',
      });
      expect(r.status).toBe(400);
    });

    it('answers 429 with Retry-After past the per-client rate limit, per client', async () => {
      const config = loadConfig({
        NODE_ENV: 'test',
        HUB_DATA_DIR: dataDir,
        HUB_JWT_SECRET: TEST_JWT_SECRET,
        HUB_RATE_LIMIT_POINTS: '3',
        HUB_RATE_LIMIT_WINDOW_S: '600',
        HUB_RATE_LIMIT_BURST: '0',
      });
      const limited = await createHubServer({ ds, config, vault, connectors: new Map(), log });
      const u = await limited.listen(0, '127.0.0.1');
      try {
        const statuses: number[] = [];
        let last: Response | null = null;
        for (let i = 0; i < 5; i++) {
          last = await fetch(`${u}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...bearer(tokens.inspector!) },
            body: '{"query":"{ ping }"}',
          });
          statuses.push(last.status);
        }
        expect(statuses).toEqual([200, 200, 200, 429, 429]);
        expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(await last!.json()).toMatchObject({ errors: [{ extensions: { code: 'RATE_LIMITED' } }] });
        // the same caller over REST: the same limit, answered as the REST API answers errors (JSON, Retry-After)
        const rest = await fetch(`${u}/api/v1/joint-punishment-checks?caseNumber=X`, { headers: bearer(tokens.inspector!) });
        expect(rest.status).toBe(429);
        expect(Number(rest.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(await rest.json()).toMatchObject({ error: { code: 'RATE_LIMITED' } });
        const other = await fetch(`${u}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...bearer(tokens.analyst!) },
          body: '{"query":"{ ping }"}',
        });
        expect(other.status).toBe(200);
      } finally {
        await limited.close();
      }
    });
  });

  describe('trusted documents and production mode', () => {
    it('accepts only registered operations when a manifest is configured', async () => {
      const registered = 'query Me { me { subject } }';
      const manifest = path.join(dataDir, 'trusted.json');
      fs.writeFileSync(manifest, JSON.stringify({ [sha256(registered)]: registered }));
      const config = loadConfig({
        NODE_ENV: 'test',
        HUB_DATA_DIR: dataDir,
        HUB_JWT_SECRET: TEST_JWT_SECRET,
        HUB_TRUSTED_DOCUMENTS: manifest,
      });
      const trusted = await createHubServer({ ds, config, vault, connectors: new Map(), log });
      const u = await trusted.listen(0, '127.0.0.1');
      const post = (body: unknown) =>
        fetch(`${u}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...bearer(tokens.admin!) },
          body: JSON.stringify(body),
        });
      try {
        expect(await (await post({ documentId: `sha256:${sha256(registered)}` })).json()).toEqual({ data: { me: { subject: 'admin' } } });
        expect(await (await post({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256(registered) } } })).json()).toEqual({
          data: { me: { subject: 'admin' } },
        });
        expect((await post({ query: registered })).status).toBe(200);
        const other = await post({ query: '{ ping }' });
        expect(other.status).toBe(400);
        expect(await other.json()).toMatchObject({ errors: [{ extensions: { code: 'OPERATION_NOT_REGISTERED' } }] });
        const unknown = await post({ documentId: `sha256:${'0'.repeat(64)}` });
        expect(await unknown.json()).toMatchObject({ errors: [{ extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }] });
        const get = await fetch(`${u}/graphql?documentId=sha256:${sha256(registered)}`, {
          headers: { accept: 'application/json', ...bearer(tokens.admin!) },
        });
        expect(await get.json()).toEqual({ data: { me: { subject: 'admin' } } });
      } finally {
        await trusted.close();
      }
    });

    it('npm start in production without HUB_PII_KEY exits before generating a key', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-prod-start-'));
      try {
        const hub = spawnHub('src/main.ts', [], {
          NODE_ENV: 'production',
          HUB_DATA_DIR: dir,
          DATABASE_URL: db.url,
          HUB_JWT_SECRET: TEST_JWT_SECRET,
          HUB_JWT_ISSUER: 'https://idp.example',
          HUB_JWT_AUDIENCE: 'safety-hub',
          HUB_PII_KEY: '',
        });
        expect(await hub.exited).not.toBe(0);
        expect(hub.output()).toMatch(/refuses to start[\s\S]*HUB_PII_KEY/);
        expect(hub.output()).not.toMatch(/HUB_JWT_ISSUER|HUB_JWT_AUDIENCE/);
        expect(fs.existsSync(path.join(dir, 'pii.key'))).toBe(false);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it('refuses to start in production without token keys, issuer, audience or PII key, naming each; turns introspection off there', async () => {
      const noKeys = loadConfig({ NODE_ENV: 'production', HUB_DATA_DIR: dataDir });
      const err = await createHubServer({ ds, config: noKeys, vault, connectors: new Map(), log }).then(
        () => null,
        (e: Error) => e.message,
      );
      expect(err).toMatch(/HUB_JWT_SECRET, HUB_JWT_PUBLIC_KEY_FILE or HUB_JWKS_FILE/);
      for (const v of ['HUB_JWT_ISSUER', 'HUB_JWT_AUDIENCE', 'HUB_PII_KEY']) expect(err).toContain(v);
      const complete = {
        NODE_ENV: 'production',
        HUB_DATA_DIR: dataDir,
        HUB_JWT_SECRET: TEST_JWT_SECRET,
        HUB_JWT_ISSUER: 'https://idp.example',
        HUB_JWT_AUDIENCE: 'safety-hub',
        HUB_PII_KEY: Buffer.alloc(32, 7).toString('base64'),
      };
      // each one alone is enough to refuse
      for (const v of ['HUB_JWT_ISSUER', 'HUB_JWT_AUDIENCE', 'HUB_PII_KEY'] as const) {
        const config = loadConfig({ ...complete, [v]: undefined });
        const e = await createHubServer({ ds, config, vault, connectors: new Map(), log }).then(
          () => null,
          (x: Error) => x.message,
        );
        expect(e).toMatch(new RegExp(`refuses to start[\\s\\S]*${v}`));
      }
      const prod = await createHubServer({ ds, config: loadConfig(complete), vault, connectors: new Map(), log });
      const u = await prod.listen(0, '127.0.0.1');
      try {
        const admin = await issueToken(TEST_JWT_SECRET, { subject: 'prod-admin', roles: ['admin'] }, '1h', {
          issuer: 'https://idp.example',
          audience: 'safety-hub',
        });
        const intro = await gql(u, '{ __schema { types { name } } }', {}, bearer(admin));
        expect(intro.errors?.[0]?.message).toMatch(/introspection/i);
        const typo = await gql(u, '{ enterprize(creditCode: "x") { name } }', {}, bearer(admin));
        expect(typo.errors?.[0]?.message).not.toMatch(/Did you mean/);
        // tokens of another issuer or audience, or without them, are refused there
        const noIss = await gql(u, '{ ping }', {}, bearer(tokens.admin!));
        expect(noIss.errors?.[0]?.message).toBe('the token has no issuer (iss)');
        const otherAud = await issueToken(TEST_JWT_SECRET, { subject: 'x', roles: ['admin'] }, '1h', {
          issuer: 'https://idp.example',
          audience: 'another-app',
        });
        expect((await gql(u, '{ ping }', {}, bearer(otherAud))).errors?.[0]?.message).toBe("the token's audience (aud) is not this hub");
      } finally {
        await prod.close();
      }
    });
  });
});
