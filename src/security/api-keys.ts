/** API keys for machine clients: shown once when created, stored only as a SHA-256 hash. */
import { createHash, randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { CALLER_DEPARTMENTS, isRole, type Role } from './roles.js';
import type { VerifiedCaller } from './tokens.js';

/** Every key starts with this, so a bearer credential is told apart from a JWT without trying both. */
export const API_KEY_PREFIX = 'shk_';

const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');

/** A key's department is one the policy knows, as a token's `dept` must be (tokens.ts): an unknown one would pass no rule by name, silently. */
const knownDepartment = (d: string | null | undefined) =>
  d === null || d === undefined || (CALLER_DEPARTMENTS as readonly string[]).includes(d);

export async function createApiKey(
  ds: DataSource,
  opts: { name: string; roles: Role[]; department?: string | null; createdBy: string },
): Promise<{ id: number; key: string }> {
  if (!knownDepartment(opts.department))
    throw new Error(`department ${JSON.stringify(opts.department)} is not one of ${CALLER_DEPARTMENTS.join(', ')}`);
  const key = `${API_KEY_PREFIX}${randomBytes(24).toString('base64url')}`;
  const [row] = await ds.query(
    `INSERT INTO api_key (name, key_hash, key_prefix, roles, department, created_by) VALUES ($1,$2,$3,$4,$5,$6) RETURNING id`,
    [opts.name, hashKey(key), key.slice(0, 8), opts.roles, opts.department ?? null, opts.createdBy],
  );
  return { id: Number(row.id), key };
}

export async function verifyApiKey(ds: DataSource, key: string): Promise<VerifiedCaller | null> {
  const [row] = await ds.query(`SELECT name, roles, department FROM api_key WHERE key_hash = $1 AND revoked_at IS NULL`, [hashKey(key)]);
  // a row written around createApiKey with a department the hub does not know authenticates no one
  if (!row || !knownDepartment(row.department)) return null;
  const roles = (row.roles as string[]).filter(isRole);
  return { subject: `api-key:${row.name}`, department: row.department, roles, expiresAt: null, via: 'api_key', office: null, name: null };
}
