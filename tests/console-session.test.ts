/**
 * Issue 16 (sign-in page) and issue 17 (limits): console sign-in over HTTP against a real hub on a real
 * database — the session cookie's flags, one answer for every wrong credential, cookie-authenticated
 * GraphQL and REST with the CSRF token, sign-out, ended sessions, bearer tokens and API keys beside the
 * cookie, sign-in and unauthenticated rate limits, and the demo accounts.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { createApiKey } from '../src/security/api-keys.js';
import { DEMO_USERS, demoUsersFile, ensureDemoUsers } from '../src/security/demo-users.js';
import { PiiVault } from '../src/security/pii.js';
import { checkCredentials } from '../src/security/sessions.js';
import { createHubServer, type HubServer } from '../src/server/app.js';
import { openStore } from '../src/store/data-source.js';
import { TEST_JWT_SECRET, bearer, mintToken } from './support/auth.js';
import { createTestDatabase } from './support/db.js';
import { gql } from './support/graphql-client.js';
import { spawnHub, writeConnectorsConfig } from './support/hub-process.js';
import { createTestUser, signIn } from './support/session.js';

type Any = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const run = promisify(execFile);
const ME = '{ me { subject roles department via office name } }';
const PASSWORD = 'Zhengque-mima-2026';

describe('console sign-in and sessions', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let ds: DataSource;
  let url: string;
  const extra: HubServer[] = [];
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-session-'));
  const vault = new PiiVault(Buffer.alloc(32, 3));
  const log = pino({ level: 'silent' });
  const baseEnv = { NODE_ENV: 'test', HUB_DATA_DIR: dataDir, HUB_JWT_SECRET: TEST_JWT_SECRET, HUB_RATE_LIMIT_POINTS: '0' };

  /** another hub on the same store, with its own limits */
  const hubWith = async (env: Record<string, string>) => {
    const s = await createHubServer({ ds, config: loadConfig(env), vault, connectors: new Map(), log });
    extra.push(s);
    return s.listen(0, '127.0.0.1');
  };
  const post = (u: string, p: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${u}${p}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const login = (u: string, username: unknown, password: unknown) => post(u, '/api/session', { username, password });

  beforeAll(async () => {
    db = await createTestDatabase('session');
    ds = await openStore(db.url);
    await createTestUser(ds, 'officer', PASSWORD, { name: '陈晓明' });
    await createTestUser(ds, 'officer2', PASSWORD, { name: '刘芳', office: 'WH-HS-XK', officeName: '武汉市洪山区行政审批局' });
    await createTestUser(ds, 'analyst', 'analyst-password-1', {
      name: '王建国',
      roles: ['analyst'],
      department: 'SAFETY_COMMITTEE',
      office: null,
      officeName: null,
    });
    // generous limits here; the limits have their own hubs below
    url = await hubWith({
      ...baseEnv,
      HUB_LOGIN_MAX_FAILURES_PER_USER: '1000',
      HUB_LOGIN_MAX_ATTEMPTS_PER_IP: '1000',
      HUB_RATE_LIMIT_ANON_POINTS: '0',
    });
  });
  afterAll(async () => {
    for (const s of extra) await s.close();
    await ds?.destroy();
    await db?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  describe('signing in', () => {
    it('sets an HttpOnly, SameSite=Strict session cookie and answers the user with a CSRF token; only hashes are stored', async () => {
      const r = await login(url, 'officer', PASSWORD);
      expect(r.status).toBe(200);
      const setCookie = r.headers.get('set-cookie')!;
      const attrs = setCookie.split(';').map((a) => a.trim());
      expect(attrs[0]).toMatch(/^hub_session=[\w-]{40,}$/);
      expect(attrs).toEqual(expect.arrayContaining(['HttpOnly', 'SameSite=Strict', 'Path=/']));
      // not production: Secure would keep the cookie off plain http://localhost
      expect(attrs).not.toContain('Secure');
      const body = (await r.json()) as Any;
      expect(body.user).toMatchObject({
        username: 'officer',
        name: '陈晓明',
        roles: ['licensing_officer'],
        office: 'WH-JX-XK',
        officeName: '武汉市江夏区行政审批局',
      });
      expect(body.csrfToken).toMatch(/^[\w-]{40,}$/);

      const sessionId = attrs[0]!.slice('hub_session='.length);
      const rows = await ds.query(
        `SELECT s.id_hash, s.csrf_token FROM console_session s JOIN console_user u ON u.id = s.user_id WHERE u.username = 'officer'`,
      );
      expect(rows.map((x: Any) => x.id_hash)).toContain(createHash('sha256').update(sessionId).digest('hex'));
      expect(JSON.stringify(rows)).not.toContain(sessionId);
      const users = await ds.query(
        `SELECT username, password_hash FROM console_user WHERE username IN ('officer', 'officer2') ORDER BY username`,
      );
      for (const u of users) {
        expect(u.password_hash).toMatch(/^scrypt\$/);
        expect(u.password_hash).not.toContain(PASSWORD);
      }
      // the same password, salted per user
      expect(users[0].password_hash).not.toBe(users[1].password_hash);
    });

    it('answers a wrong password and an unknown user with the same 401 and Chinese message', async () => {
      const wrong = await login(url, 'officer', 'not-the-password');
      const unknown = await login(url, 'nobody', PASSWORD);
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      const a = await wrong.json();
      expect(a).toEqual({ error: { code: 'UNAUTHENTICATED', message: 'wrong username or password', messageZh: '用户名或密码错误' } });
      expect(await unknown.json()).toEqual(a);
      expect(wrong.headers.get('set-cookie')).toBeNull();
      // a deactivated user is refused the same way
      await createTestUser(ds, 'retired', PASSWORD, { active: false });
      const retired = await login(url, 'retired', PASSWORD);
      expect(retired.status).toBe(401);
      expect(await retired.json()).toEqual(a);
    });

    it('names the missing field with BAD_USER_INPUT and a Chinese message; accepts only JSON', async () => {
      const noUser = await login(url, '  ', PASSWORD);
      expect(noUser.status).toBe(400);
      expect(await noUser.json()).toMatchObject({ error: { code: 'BAD_USER_INPUT', field: 'username', messageZh: '请输入用户名' } });
      const noPassword = await post(url, '/api/session', { username: 'officer' });
      expect(noPassword.status).toBe(400);
      expect(await noPassword.json()).toMatchObject({ error: { code: 'BAD_USER_INPUT', field: 'password', messageZh: '请输入密码' } });
      const broken = await fetch(`${url}/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"username": "officer", ',
      });
      expect(broken.status).toBe(400);
      expect(await broken.json()).toMatchObject({ error: { code: 'BAD_REQUEST', messageZh: '请求格式不正确' } });
      // a cross-site form posts urlencoded or text/plain: never a sign-in
      const form = await fetch(`${url}/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `username=officer&password=${PASSWORD}`,
      });
      expect(form.status).toBe(415);
      expect(form.headers.get('set-cookie')).toBeNull();
    });
  });

  describe('requests with the session cookie', () => {
    it('authenticates GraphQL as the signed-in user (via session, with office and name)', async () => {
      const s = await signIn(url, 'officer', PASSWORD);
      const r = await gql<Any>(url, ME, {}, s.headers);
      expect(r.status).toBe(200);
      expect(r.data.me).toEqual({
        subject: 'officer',
        roles: ['licensing_officer'],
        department: null,
        via: 'session',
        office: 'WH-JX-XK',
        name: '陈晓明',
      });
      const other = await signIn(url, 'officer2', PASSWORD);
      expect((await gql<Any>(url, ME, {}, other.headers)).data.me).toMatchObject({ subject: 'officer2', office: 'WH-HS-XK' });
      // the policy applies to session callers as to tokens
      const analyst = await signIn(url, 'analyst', 'analyst-password-1');
      const audit = await gql<Any>(url, '{ auditLog { totalCount } }', {}, analyst.headers);
      expect(audit.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', field: 'Query.auditLog' });
    });

    it('signing in again gives a new session id and ends the one the browser held', async () => {
      const first = await signIn(url, 'officer', PASSWORD);
      const again = await fetch(`${url}/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: first.cookie },
        body: JSON.stringify({ username: 'officer', password: PASSWORD }),
      });
      expect(again.status).toBe(200);
      const cookie = again.headers.get('set-cookie')!.split(';')[0]!;
      expect(cookie).not.toBe(first.cookie);
      expect((await gql(url, ME, {}, first.headers)).status).toBe(401);
      const { csrfToken } = (await again.json()) as Any;
      expect((await gql(url, ME, {}, { cookie, 'x-csrf-token': csrfToken })).status).toBe(200);
    });

    it('GET /api/session answers the user and the CSRF token, or 401 without a session', async () => {
      const s = await signIn(url, 'officer', PASSWORD);
      const r = await fetch(`${url}/api/session`, { headers: { cookie: s.cookie } });
      expect(r.status).toBe(200);
      expect(r.headers.get('cache-control')).toBe('no-store');
      expect(await r.json()).toMatchObject({
        user: {
          username: 'officer',
          name: '陈晓明',
          roles: ['licensing_officer'],
          department: null,
          office: 'WH-JX-XK',
          officeName: '武汉市江夏区行政审批局',
        },
        csrfToken: s.csrfToken,
      });
      const none = await fetch(`${url}/api/session`);
      expect(none.status).toBe(401);
      expect(await none.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED', messageZh: expect.any(String) } });
    });

    it("refuses a POST without the X-CSRF-Token (or with another session's) with 403 CSRF, on GraphQL and REST", async () => {
      const s = await signIn(url, 'officer', PASSWORD);
      const other = await signIn(url, 'officer2', PASSWORD);
      const noToken = await post(url, '/graphql', { query: ME }, { cookie: s.cookie });
      expect(noToken.status).toBe(403);
      expect(await noToken.json()).toMatchObject({
        errors: [{ extensions: { code: 'FORBIDDEN', reason: 'CSRF', messageZh: expect.stringContaining('CSRF') } }],
      });
      const foreign = await post(url, '/graphql', { query: ME }, { cookie: s.cookie, 'x-csrf-token': other.csrfToken });
      expect(foreign.status).toBe(403);
      const rest = await post(url, '/api/v1/joint-punishment-checks', { creditCode: 'x' }, { cookie: s.cookie });
      expect(rest.status).toBe(403);
      expect(await rest.json()).toMatchObject({ error: { code: 'FORBIDDEN', reason: 'CSRF' } });
      const ok = await post(url, '/graphql', { query: ME }, s.headers);
      expect(ok.status).toBe(200);
      expect(((await ok.json()) as Any).data.me.subject).toBe('officer');
    });

    it('signing out revokes the session: the cookie no longer works anywhere', async () => {
      const s = await signIn(url, 'officer', PASSWORD);
      // sign-out is a change too: not without the token
      const forged = await fetch(`${url}/api/session`, { method: 'DELETE', headers: { cookie: s.cookie } });
      expect(forged.status).toBe(403);
      expect((await gql(url, ME, {}, s.headers)).status).toBe(200);

      const out = await fetch(`${url}/api/session`, { method: 'DELETE', headers: s.headers });
      expect(out.status).toBe(204);
      expect(out.headers.get('set-cookie')).toMatch(/^hub_session=;.*Max-Age=0/);
      const after = await gql(url, ME, {}, s.headers);
      expect(after.status).toBe(401);
      expect(after.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', messageZh: '登录已过期或已退出，请重新登录' });
      expect((await fetch(`${url}/api/session`, { headers: { cookie: s.cookie } })).status).toBe(401);
      const [row] = await ds.query(`SELECT revoked_at FROM console_session WHERE id_hash = $1`, [
        createHash('sha256').update(s.cookie.split('=')[1]!).digest('hex'),
      ]);
      expect(row.revoked_at).not.toBeNull();
    });

    it('refuses a session past its absolute lifetime, one idle too long, and one of a deactivated user', async () => {
      const hashOf = (c: string) => createHash('sha256').update(c.split('=')[1]!).digest('hex');
      const expired = await signIn(url, 'officer', PASSWORD);
      await ds.query(`UPDATE console_session SET expires_at = now() - interval '1 second' WHERE id_hash = $1`, [hashOf(expired.cookie)]);
      expect((await gql(url, ME, {}, expired.headers)).status).toBe(401);

      // HUB_SESSION_IDLE_MINUTES defaults to 30
      const idle = await signIn(url, 'officer', PASSWORD);
      await ds.query(`UPDATE console_session SET last_seen_at = now() - interval '29 minutes' WHERE id_hash = $1`, [hashOf(idle.cookie)]);
      expect((await gql(url, ME, {}, idle.headers)).status).toBe(200);
      // that request counted as activity
      await ds.query(`UPDATE console_session SET last_seen_at = last_seen_at - interval '2 minutes' WHERE id_hash = $1`, [
        hashOf(idle.cookie),
      ]);
      expect((await gql(url, ME, {}, idle.headers)).status).toBe(200);
      await ds.query(`UPDATE console_session SET last_seen_at = now() - interval '31 minutes' WHERE id_hash = $1`, [hashOf(idle.cookie)]);
      expect((await gql(url, ME, {}, idle.headers)).status).toBe(401);

      await createTestUser(ds, 'leaving', PASSWORD);
      const leaving = await signIn(url, 'leaving', PASSWORD);
      expect((await gql(url, ME, {}, leaving.headers)).status).toBe(200);
      await ds.query(`UPDATE console_user SET active = false WHERE username = 'leaving'`);
      expect((await gql(url, ME, {}, leaving.headers)).status).toBe(401);
    });

    it('leaves bearer tokens and API keys as they were: a header wins over the cookie and needs no CSRF token', async () => {
      const s = await signIn(url, 'officer', PASSWORD);
      const admin = await mintToken(['admin'], { subject: 'ops-admin' });
      const both = await post(url, '/graphql', { query: ME }, { cookie: s.cookie, ...bearer(admin) });
      expect(both.status).toBe(200);
      expect(((await both.json()) as Any).data.me).toMatchObject({ subject: 'ops-admin', via: 'jwt' });
      const { key } = await createApiKey(ds, {
        name: 'approval-system',
        roles: ['licensing_officer'],
        department: null,
        createdBy: 'test',
      });
      expect((await gql<Any>(url, ME, {}, { 'x-api-key': key })).data.me).toMatchObject({
        subject: 'api-key:approval-system',
        via: 'api_key',
      });
      expect((await gql<Any>(url, ME, {}, bearer(admin))).data.me.via).toBe('jwt');
    });

    it("serves the console's pages without credentials (the app asks GET /api/session itself), but nothing else", async () => {
      for (const p of [
        '/',
        '/login',
        '/officer',
        '/officer/checks',
        '/analyst/query',
        '/enterprise/91420106MA4KXXXX1X',
        '/forbidden',
        '/assets/index-abc.js',
      ]) {
        const r = await fetch(`${url}${p}`, { redirect: 'manual' });
        expect(r.status, p).not.toBe(401);
      }
      for (const p of ['/metrics', '/checks/1', '/export/enterprises.csv', '/enterprises']) {
        expect((await fetch(`${url}${p}`)).status, p).toBe(401);
      }
      expect((await fetch(`${url}/login`, { method: 'POST' })).status).toBe(401);
    });

    it('lets GraphiQL use the session: the IDE page reads the CSRF token from GET /api/session', async () => {
      const page = await (await fetch(`${url}/graphql`, { headers: { accept: 'text/html' } })).text();
      expect(page).toContain("fetch('/api/session'");
      expect(page).toContain("'X-CSRF-Token': s.csrfToken");
      // what the IDE then sends passes both Apollo's CSRF prevention and the session's
      const s = await signIn(url, 'officer', PASSWORD);
      const r = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: s.cookie, 'X-CSRF-Token': s.csrfToken },
        body: JSON.stringify({ query: ME }),
      });
      expect(r.status).toBe(200);
    });
  });

  describe('limits', () => {
    it('limits failed sign-ins per username: past the limit even the right password waits (429, Retry-After, Chinese)', async () => {
      const u = await hubWith({
        ...baseEnv,
        HUB_LOGIN_MAX_FAILURES_PER_USER: '3',
        HUB_LOGIN_MAX_ATTEMPTS_PER_IP: '1000',
        HUB_RATE_LIMIT_ANON_POINTS: '0',
      });
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await login(u, 'officer', `guess-${i}`)).status);
      expect(statuses).toEqual([401, 401, 401]);
      const blocked = await login(u, 'officer', PASSWORD);
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await blocked.json()).toMatchObject({ error: { code: 'RATE_LIMITED', messageZh: expect.stringContaining('请求过于频繁') } });
      // another user from the same address is not held back
      expect((await login(u, 'officer2', PASSWORD)).status).toBe(200);
    });

    it("a successful sign-in clears the username's failures", async () => {
      const u = await hubWith({
        ...baseEnv,
        HUB_LOGIN_MAX_FAILURES_PER_USER: '3',
        HUB_LOGIN_MAX_ATTEMPTS_PER_IP: '1000',
        HUB_RATE_LIMIT_ANON_POINTS: '0',
      });
      for (let i = 0; i < 2; i++) expect((await login(u, 'officer', `typo-${i}`)).status).toBe(401);
      expect((await login(u, 'officer', PASSWORD)).status).toBe(200);
      for (let i = 0; i < 2; i++) expect((await login(u, 'officer', `typo-again-${i}`)).status).toBe(401);
      expect((await login(u, 'officer', PASSWORD)).status).toBe(200);
    });

    it('limits sign-in attempts per client IP, whatever the usernames', async () => {
      const u = await hubWith({
        ...baseEnv,
        HUB_LOGIN_MAX_FAILURES_PER_USER: '1000',
        HUB_LOGIN_MAX_ATTEMPTS_PER_IP: '4',
        HUB_RATE_LIMIT_ANON_POINTS: '0',
      });
      const statuses: number[] = [];
      for (const name of ['a1', 'a2', 'a3']) statuses.push((await login(u, name, 'x')).status);
      // a body that does not even parse counts as an attempt
      statuses.push(
        (await fetch(`${u}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username":' })).status,
      );
      statuses.push((await login(u, 'officer', PASSWORD)).status);
      expect(statuses).toEqual([401, 401, 401, 400, 429]);
    });

    it('limits unauthenticated requests per client IP (429 with Retry-After); authenticated callers and public paths are not held back', async () => {
      const u = await hubWith({ ...baseEnv, HUB_RATE_LIMIT_ANON_POINTS: '3', HUB_RATE_LIMIT_WINDOW_S: '600' });
      const forged = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
      const statuses: number[] = [];
      let last: Response | null = null;
      for (let i = 0; i < 5; i++) {
        last = await post(u, '/graphql', { query: '{ ping }' }, i % 2 ? bearer(forged) : {});
        statuses.push(last.status);
      }
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
      expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await last!.json()).toMatchObject({
        errors: [{ extensions: { code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) } }],
      });
      expect((await fetch(`${u}/api/v1/joint-punishment-checks`, { method: 'POST' })).status).toBe(429);
      // sign-in counts as unauthenticated too
      expect((await login(u, 'officer', PASSWORD)).status).toBe(429);
      expect((await gql(u, '{ ping }', {}, bearer(await mintToken(['inspector'])))).status).toBe(200);
      expect((await fetch(`${u}/healthz`)).status).toBe(200);
    });
  });

  describe('demo accounts', () => {
    it('demo mode creates one user per role, passwords in demo-users.json (0600), listed for the sign-in page', async () => {
      const demoDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-demo-'));
      try {
        const demoDb = await createTestDatabase('demo');
        const demoDs = await openStore(demoDb.url);
        try {
          await ensureDemoUsers(demoDs, demoDir);
          const file = demoUsersFile(demoDir);
          expect(fs.statSync(file).mode & 0o777).toBe(0o600);
          const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as { username: string; password: string }[];
          expect(saved.map((s) => s.username).sort()).toEqual(['admin', 'analyst', 'inspector', 'officer', 'officer2', 'operator']);
          // a second start keeps the passwords, and puts back the mode of a file someone opened up
          fs.chmodSync(file, 0o644);
          await ensureDemoUsers(demoDs, demoDir);
          expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual(saved);
          expect(fs.statSync(file).mode & 0o777).toBe(0o600);

          // no token keys configured: demo mode
          const demo = await createHubServer({
            ds: demoDs,
            config: loadConfig({ NODE_ENV: 'development', HUB_DATA_DIR: demoDir }),
            vault,
            connectors: new Map(),
            log,
          });
          const u = await demo.listen(0, '127.0.0.1');
          try {
            const r = await fetch(`${u}/api/session/demo-accounts`);
            expect(r.status).toBe(200);
            const { accounts } = (await r.json()) as Any;
            expect(accounts).toHaveLength(6);
            const officer = accounts.find((a: Any) => a.username === 'officer');
            const officer2 = accounts.find((a: Any) => a.username === 'officer2');
            expect(officer).toMatchObject({
              roles: ['licensing_officer'],
              roleLabel: '审批经办人',
              office: 'WH-JX-XK',
              officeName: '武汉市江夏区行政审批局',
              password: saved.find((s) => s.username === 'officer')!.password,
            });
            expect(officer2.office).not.toBe(officer.office);
            expect(officer.name).toMatch(/^[\u4e00-\u9fff]{2,4}$/);
            const analyst = accounts.find((a: Any) => a.username === 'analyst');
            expect(analyst).toMatchObject({ roles: ['analyst'], department: 'SAFETY_COMMITTEE', departmentLabel: '安委办' });
            for (const role of ['licensing_officer', 'inspector', 'analyst', 'department_operator', 'admin']) {
              expect(
                accounts.some((a: Any) => a.roles.includes(role)),
                role,
              ).toBe(true);
            }
            // one click on the page: the listed password signs in
            for (const a of accounts)
              expect((await signIn(u, a.username, a.password)).user.roles).toEqual(
                DEMO_USERS.find((d) => d.username === a.username)!.roles,
              );
          } finally {
            await demo.close();
          }
          // behind a reverse proxy (HUB_TRUST_PROXY), the client is the forwarded one: a browser on another machine
          // sees the accounts but no password (the hub listens on every interface); one on this machine keeps one-click
          const proxied = await createHubServer({
            ds: demoDs,
            config: loadConfig({ NODE_ENV: 'development', HUB_DATA_DIR: demoDir, HUB_TRUST_PROXY: 'true' }),
            vault,
            connectors: new Map(),
            log,
          });
          const p = await proxied.listen(0, '127.0.0.1');
          try {
            const remote = (await (
              await fetch(`${p}/api/session/demo-accounts`, { headers: { 'x-forwarded-for': '203.0.113.9' } })
            ).json()) as Any;
            expect(remote.accounts).toHaveLength(6);
            for (const a of remote.accounts) expect(a.password).toBeUndefined();
            expect(JSON.stringify(remote)).not.toContain(saved.find((s) => s.username === 'admin')!.password);
            const local = (await (
              await fetch(`${p}/api/session/demo-accounts`, { headers: { 'x-forwarded-for': '127.0.0.1' } })
            ).json()) as Any;
            expect(local.accounts.find((a: Any) => a.username === 'admin').password).toBe(
              saved.find((s) => s.username === 'admin')!.password,
            );
          } finally {
            await proxied.close();
          }
          // the data folder reset while the database was kept: new passwords, the old ones no longer sign in
          fs.rmSync(file);
          await ensureDemoUsers(demoDs, demoDir);
          const renewed = JSON.parse(fs.readFileSync(file, 'utf8')) as { username: string; password: string }[];
          const oldOfficer = saved.find((x) => x.username === 'officer')!.password;
          const newOfficer = renewed.find((x) => x.username === 'officer')!.password;
          expect(newOfficer).not.toBe(oldOfficer);
          expect(await checkCredentials(demoDs, 'officer', newOfficer)).toMatchObject({ username: 'officer' });
          expect(await checkCredentials(demoDs, 'officer', oldOfficer)).toBeNull();
        } finally {
          await demoDs.destroy();
          await demoDb.drop();
        }
      } finally {
        fs.rmSync(demoDir, { recursive: true, force: true });
      }
    });

    it('answers 404 for the demo accounts outside demo mode (token keys configured, or production), and production cookies are Secure', async () => {
      expect((await fetch(`${url}/api/session/demo-accounts`)).status).toBe(404);
      // even with a demo-users.json lying in the data folder
      fs.writeFileSync(demoUsersFile(dataDir), JSON.stringify([{ username: 'officer', password: PASSWORD }]), { mode: 0o600 });
      const prod = await hubWith({
        NODE_ENV: 'production',
        HUB_DATA_DIR: dataDir,
        HUB_JWT_SECRET: TEST_JWT_SECRET,
        HUB_JWT_ISSUER: 'https://idp.example',
        HUB_JWT_AUDIENCE: 'safety-hub',
        HUB_PII_KEY: Buffer.alloc(32, 3).toString('base64'),
      });
      const r = await fetch(`${prod}/api/session/demo-accounts`);
      expect(r.status).toBe(404);
      expect(await r.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
      const signedIn = await login(prod, 'officer', PASSWORD);
      expect(signedIn.status).toBe(200);
      expect(
        signedIn.headers
          .get('set-cookie')!
          .split(';')
          .map((a) => a.trim()),
      ).toContain('Secure');
    });
  });

  describe('console users outside demo mode (npm run console-user)', () => {
    it('adds a user with a generated password shown once, resets it, disables the user (ending their sessions)', async () => {
      const cli = (...args: string[]) =>
        run('npx', ['tsx', 'src/cli/console-user.ts', ...args], {
          env: { ...process.env, DATABASE_URL: db.url, HUB_DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
        }).then(
          (r) => ({ code: 0, ...r }),
          (e: { code: number; stdout: string; stderr: string }) => e,
        );
      const added = await cli(
        'add',
        '--username',
        'wangfang',
        '--name',
        '王芳',
        '--role',
        'licensing_officer',
        '--office',
        'WH-JX-XK',
        '--office-name',
        '武汉市江夏区行政审批局',
      );
      expect(added.code).toBe(0);
      const password = /password \(shown once\): (\S+)/.exec(added.stdout)![1]!;
      const s = await signIn(url, 'wangfang', password);
      expect(s.user).toMatchObject({ name: '王芳', roles: ['licensing_officer'], office: 'WH-JX-XK' });
      expect((await cli('add', '--username', 'x', '--name', 'x', '--role', 'chief')).code).toBe(2);

      const reset = await cli('reset-password', '--username', 'wangfang');
      const renewed = /password \(shown once\): (\S+)/.exec(reset.stdout)![1]!;
      expect((await gql(url, ME, {}, s.headers)).status).toBe(401);
      expect((await login(url, 'wangfang', password)).status).toBe(401);
      const again = await signIn(url, 'wangfang', renewed);

      expect((await cli('disable', '--username', 'wangfang')).code).toBe(0);
      expect((await gql(url, ME, {}, again.headers)).status).toBe(401);
      expect((await login(url, 'wangfang', renewed)).status).toBe(401);
      // enabled again: signs in anew, the sessions from before stay ended
      expect((await cli('enable', '--username', 'wangfang')).code).toBe(0);
      expect((await gql(url, ME, {}, again.headers)).status).toBe(401);
      expect((await cli('disable', '--username', 'wangfang')).code).toBe(0);
      expect((await cli('disable', '--username', 'nobody')).code).toBe(2);
      expect((await cli('list')).stdout).toMatch(/wangfang\t王芳\tlicensing_officer\t-\tWH-JX-XK 武汉市江夏区行政审批局\tdisabled/);
    });
  });

  describe('the hub process in demo mode (npm start)', () => {
    it('creates the demo users and prints the console URL and where the accounts are, but no working token', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-demo-start-'));
      const hubDb = await createTestDatabase('demostart');
      const depDb = await createTestDatabase('demodep');
      const hub = spawnHub('src/main.ts', [], {
        NODE_ENV: 'development',
        DATABASE_URL: hubDb.url,
        DEPARTMENTS_DATABASE_URL: depDb.url,
        HUB_DATA_DIR: dir,
        HUB_SIMULATORS: 'false',
        PORT: '0',
        HOST: '127.0.0.1',
        HUB_SYNC_INTERVAL_MINUTES: '0',
        LOG_LEVEL: 'info',
        CONNECTORS_CONFIG: writeConnectorsConfig(dir, {}),
      });
      try {
        const [, base] = await hub.waitFor(/监管工作台 console: (http:\/\/127\.0\.0\.1:\d+)\//);
        await hub.waitFor(/demo-users\.json/);
        const out = hub.output();
        expect(out).toContain(`${base}/graphql`);
        // no token in any form: no ?token= link, nothing shaped like a JWT
        expect(out).not.toMatch(/token=[\w.-]{10,}|eyJ[\w-]+\.[\w-]+\./);
        const saved = JSON.parse(fs.readFileSync(demoUsersFile(dir), 'utf8')) as { username: string; password: string }[];
        for (const p of saved.map((x) => x.password)) expect(out).not.toContain(p);
        const officer = saved.find((x) => x.username === 'officer')!;
        const s = await signIn(base!, 'officer', officer.password);
        expect((await gql<Any>(base!, ME, {}, s.headers)).data.me).toMatchObject({
          subject: 'officer',
          via: 'session',
          office: 'WH-JX-XK',
        });
        expect((await fetch(`${base}/api/session/demo-accounts`)).status).toBe(200);
      } finally {
        hub.child.kill('SIGTERM');
        await hub.exited;
        await hubDb.drop().catch(() => undefined);
        await depDb.drop().catch(() => undefined);
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
