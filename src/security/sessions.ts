/**
 * Console users and their browser sessions (issue 16: sign-in page). Passwords are stored as scrypt
 * hashes (node:crypto, a salt per user); a session is a random id in an HttpOnly cookie, stored only as
 * its SHA-256, with a CSRF token the console sends back in `X-CSRF-Token` on every non-GET request. A
 * session ends after HUB_SESSION_IDLE_MINUTES without a request, HUB_SESSION_MAX_HOURS after sign-in, or
 * at sign-out.
 */
import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { departmentTable } from '../../connectors/registry.js';
import { isRole, type Role } from './roles.js';
import type { VerifiedCaller } from './tokens.js';

export const SESSION_COOKIE = 'hub_session';
export const CSRF_HEADER = 'x-csrf-token';

/** Role names as the console shows them. */
export const ROLE_LABELS_ZH: Record<Role, string> = {
  licensing_officer: '审批经办人',
  inspector: '执法检查员',
  analyst: '分析研判员',
  department_operator: '部门数据管理员',
  admin: '系统管理员',
};

/** Caller departments as the console shows them. */
export const DEPARTMENT_LABELS_ZH: Record<string, string> = {
  ...departmentTable((d) => d.nameZh),
  SAFETY_COMMITTEE: '安委办',
};

export interface ConsoleUser {
  id: number;
  username: string;
  /** 姓名 shown in the console and printed on records */
  name: string;
  roles: Role[];
  department: string | null;
  /** 办理机构 code, e.g. 'WH-JX-XK' */
  office: string | null;
  /** 办理机构 name, e.g. 武汉市江夏区行政审批局 */
  officeName: string | null;
}

// ---- passwords ----------------------------------------------------------------------------------

/** scrypt cost N=2^15, r=8, p=1: 32 MiB and about 0.1 s per hash; stored with each hash, so it can be raised later. */
const SCRYPT = { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;
const KEY_LEN = 32;
/** longest password accepted: hashing megabytes would be a cheap way to burn CPU */
export const MAX_PASSWORD_LENGTH = 256;

function scryptAsync(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  const opts: ScryptOptions = { N: n, r, p, maxmem: SCRYPT.maxmem };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEY_LEN, opts, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** `scrypt$N$r$p$salt$hash` (base64url parts): the parameters travel with the hash, so they can be raised later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, SCRYPT.N, SCRYPT.r, SCRYPT.p);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [kind, n, r, p, salt, hash] = stored.split('$');
  if (kind !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await scryptAsync(password, Buffer.from(salt, 'base64url'), Number(n), Number(r), Number(p));
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** Hashed once, compared against when the username is unknown: an unknown user costs the same time as a wrong password. */
let decoyHash: Promise<string> | null = null;

// ---- users --------------------------------------------------------------------------------------

export interface NewConsoleUser {
  username: string;
  password: string;
  name: string;
  roles: Role[];
  department?: string | null;
  office?: string | null;
  officeName?: string | null;
  active?: boolean;
}

const USER_COLUMNS = `u.id, u.username, u.display_name, u.roles, u.department, u.office_code, u.office_name`;

function userOf(row: Record<string, unknown>): ConsoleUser {
  return {
    id: Number(row.id),
    username: row.username as string,
    name: row.display_name as string,
    roles: (row.roles as string[]).filter(isRole),
    department: (row.department as string | null) ?? null,
    office: (row.office_code as string | null) ?? null,
    officeName: (row.office_name as string | null) ?? null,
  };
}

/** Creates a console user (tests, demo users; an admin tool later). Usernames are lower-case ASCII. */
export async function createConsoleUser(ds: DataSource, u: NewConsoleUser): Promise<ConsoleUser> {
  if (!u.roles.length || !u.roles.every(isRole)) throw new Error(`console user ${u.username}: roles must be among the known roles`);
  const [row] = await ds.query(
    `INSERT INTO console_user AS u (username, display_name, password_hash, roles, department, office_code, office_name, active)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING ${USER_COLUMNS}`,
    [
      u.username,
      u.name,
      await hashPassword(u.password),
      u.roles,
      u.department ?? null,
      u.office ?? null,
      u.officeName ?? null,
      u.active ?? true,
    ],
  );
  return userOf(row);
}

/** Sets a user's password; their open sessions end (a changed password must lock out whoever knew the old one). */
export async function setConsolePassword(ds: DataSource, username: string, password: string): Promise<boolean> {
  const hash = await hashPassword(password);
  const rows = await ds.query(`UPDATE console_user SET password_hash = $2, updated_at = now() WHERE username = $1 RETURNING id`, [
    username,
    hash,
  ]);
  const list = (Array.isArray(rows[0]) ? rows[0] : rows) as { id: number }[];
  if (!list.length) return false;
  await ds.query(`UPDATE console_session SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`, [list[0]!.id]);
  return true;
}

export async function findConsoleUsers(ds: DataSource, usernames: string[]): Promise<ConsoleUser[]> {
  const rows = await ds.query(`SELECT ${USER_COLUMNS} FROM console_user u WHERE u.username = ANY($1) AND u.active`, [usernames]);
  return (rows as Record<string, unknown>[]).map(userOf);
}

/**
 * The user, when the username names an active user and the password is theirs; otherwise null, after the
 * same scrypt work either way (the answer must not tell an unknown user from a wrong password).
 */
export async function checkCredentials(ds: DataSource, username: string, password: string): Promise<ConsoleUser | null> {
  const [row] = await ds.query(`SELECT ${USER_COLUMNS}, u.password_hash FROM console_user u WHERE u.username = $1 AND u.active`, [
    username,
  ]);
  decoyHash ??= hashPassword(randomBytes(16).toString('hex'));
  const ok = await verifyPassword(password, row ? (row.password_hash as string) : await decoyHash);
  return row && ok ? userOf(row) : null;
}

// ---- sessions -----------------------------------------------------------------------------------

export interface SessionSettings {
  idleMinutes: number;
  maxHours: number;
}

export interface Session {
  user: ConsoleUser;
  csrfToken: string;
  expiresAt: Date;
}

const hashId = (id: string) => createHash('sha256').update(id).digest('hex');

export class SessionStore {
  constructor(
    private readonly ds: DataSource,
    readonly settings: SessionSettings,
  ) {}

  /** A new session for a signed-in user: the id goes into the cookie, only its hash into the table. */
  async create(user: ConsoleUser): Promise<{ sessionId: string; csrfToken: string; expiresAt: Date }> {
    const sessionId = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    const [row] = await this.ds.query(
      `INSERT INTO console_session (id_hash, user_id, csrf_token, expires_at) VALUES ($1, $2, $3, now() + make_interval(secs => $4)) RETURNING expires_at`,
      [hashId(sessionId), user.id, csrfToken, this.settings.maxHours * 3600],
    );
    // ended sessions are kept a day (for a look at recent sign-ins), then go
    await this.ds.query(`DELETE FROM console_session WHERE expires_at < now() - interval '1 day'`);
    return { sessionId, csrfToken, expiresAt: new Date(row.expires_at) };
  }

  /** The live session of a cookie's id, or null (unknown, revoked, idle too long, past its lifetime, user deactivated). */
  async lookup(sessionId: string): Promise<Session | null> {
    if (!sessionId || sessionId.length > 100) return null;
    // last_seen_at is written at most once a minute: a session is read on every request
    const [row] = await this.ds.query(
      `WITH s AS (
         SELECT s.id_hash, s.csrf_token, s.expires_at, ${USER_COLUMNS}
           FROM console_session s JOIN console_user u ON u.id = s.user_id
          WHERE s.id_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now()
            AND s.last_seen_at > now() - make_interval(mins => $2) AND u.active),
       touched AS (
         UPDATE console_session c SET last_seen_at = now() FROM s
          WHERE c.id_hash = s.id_hash AND c.last_seen_at < now() - interval '1 minute')
       SELECT * FROM s`,
      [hashId(sessionId), this.settings.idleMinutes],
    );
    if (!row) return null;
    return { user: userOf(row), csrfToken: row.csrf_token, expiresAt: new Date(row.expires_at) };
  }

  async revoke(sessionId: string): Promise<void> {
    await this.ds.query(`UPDATE console_session SET revoked_at = now() WHERE id_hash = $1 AND revoked_at IS NULL`, [hashId(sessionId)]);
  }
}

/** The caller a session stands for (the same shape as a token's or an API key's caller). */
export function callerOfSession(s: Session): VerifiedCaller {
  return {
    subject: s.user.username,
    department: s.user.department,
    roles: [...s.user.roles],
    expiresAt: s.expiresAt,
    via: 'session',
    office: s.user.office,
    name: s.user.name,
  };
}

/** Whether a request's X-CSRF-Token matches the session's (compared in constant time). */
export function csrfMatches(sent: string | string[] | undefined, expected: string): boolean {
  if (typeof sent !== 'string') return false;
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The session id in a Cookie header, if any. */
export function sessionIdOf(cookieHeader: string | undefined): string | null {
  if (!cookieHeader) return null;
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) return part.slice(eq + 1).trim() || null;
  }
  return null;
}

/**
 * Set-Cookie for a session: HttpOnly (scripts cannot read it), SameSite=Strict (never sent with a request
 * another site starts), Secure in production; no Max-Age, so it ends with the browser too.
 */
export function sessionCookie(sessionId: string, secure: boolean): string {
  return `${SESSION_COOKIE}=${sessionId}; Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

export function clearedSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure ? '; Secure' : ''}`;
}
