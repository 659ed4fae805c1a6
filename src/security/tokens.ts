/**
 * Bearer tokens: JWTs signed HS256 with a configured secret, or RS256/ES256 checked against a
 * configured public key (PEM) or JWKS file; claims carry subject, department, roles and expiry.
 * jose does the cryptography (well-kept, no native code).
 */
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { SignJWT, createLocalJWKSet, importSPKI, jwtVerify, type JWTVerifyGetKey, type KeyObject } from 'jose';
import { isRole, type Role } from './roles.js';

export interface VerifiedCaller {
  subject: string;
  department: string | null;
  roles: Role[];
  expiresAt: Date | null;
  via: 'jwt' | 'api_key' | 'session';
  /** 办理机构 (claim `office`) */
  office: string | null;
  /** display name (claim `name`) */
  name: string | null;
}

export interface TokenSettings {
  /** HS256 secret (utf-8); in demo mode generated into the data folder */
  secret?: string;
  /** PEM public key for RS256/ES256 */
  publicKeyPem?: string;
  /** algorithm of the public key */
  publicKeyAlg?: 'RS256' | 'ES256';
  /** JWKS file for RS256/ES256 */
  jwksFile?: string;
  issuer?: string;
  audience?: string;
}

export class TokenError extends Error {}

const VERIFIED_CACHE_SIZE = 10_000;

export class TokenVerifier {
  private constructor(
    private readonly key: Uint8Array | KeyObject | JWTVerifyGetKey,
    private readonly algorithms: string[],
    private readonly settings: TokenSettings,
  ) {}

  static async create(s: TokenSettings): Promise<TokenVerifier> {
    if (s.jwksFile) {
      const jwks = JSON.parse(fs.readFileSync(s.jwksFile, 'utf8'));
      return new TokenVerifier(createLocalJWKSet(jwks), ['RS256', 'ES256'], s);
    }
    if (s.publicKeyPem) {
      const alg = s.publicKeyAlg ?? 'RS256';
      return new TokenVerifier(await importSPKI(s.publicKeyPem, alg), [alg], s);
    }
    if (s.secret) return new TokenVerifier(new TextEncoder().encode(s.secret), ['HS256'], s);
    throw new TokenError('no token key configured');
  }

  /** Tokens already verified, until they expire: a client sends the same token with every request, and the signature check dominated a cheap request. */
  private readonly verified = new Map<string, VerifiedCaller>();

  async verify(token: string): Promise<VerifiedCaller> {
    const known = this.verified.get(token);
    if (known) {
      // a copy: a caller object must not be shared between requests
      if (known.expiresAt && known.expiresAt.getTime() > Date.now()) return { ...known, roles: [...known.roles] };
      this.verified.delete(token);
    }
    const caller = await this.verifyWithKey(token);
    // only tokens with an expiry are kept, and only a bounded number (oldest out first)
    if (caller.expiresAt) {
      if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(token, { ...caller, roles: [...caller.roles] });
    }
    return caller;
  }

  private async verifyWithKey(token: string): Promise<VerifiedCaller> {
    try {
      const { payload } = await jwtVerify(token, this.key as Uint8Array, {
        algorithms: this.algorithms,
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        requiredClaims: ['sub', 'exp'],
      });
      const roles = Array.isArray(payload.roles) ? payload.roles.filter((r): r is Role => typeof r === 'string' && isRole(r)) : [];
      if (roles.length === 0) throw new TokenError('the token names no known role');
      return {
        subject: String(payload.sub),
        department: typeof payload.dept === 'string' ? payload.dept : null,
        roles,
        expiresAt: payload.exp ? new Date(payload.exp * 1000) : null,
        via: 'jwt',
        office: typeof payload.office === 'string' && payload.office.trim() ? payload.office.trim() : null,
        name: typeof payload.name === 'string' && payload.name.trim() ? payload.name.trim() : null,
      };
    } catch (e) {
      if (e instanceof TokenError) throw e;
      throw new TokenError(e instanceof Error && /exp/.test(e.message) ? 'the token has expired' : 'the token is not valid');
    }
  }
}

/** Issues an HS256 token (local use and tests). ttl like '1h', '30m', '7d'. */
export async function issueToken(secret: string, claims: { subject: string; roles: Role[]; department?: string | null; office?: string | null; name?: string | null }, ttl = '1h', opts: { issuer?: string; audience?: string } = {}): Promise<string> {
  let jwt = new SignJWT({
    roles: claims.roles,
    ...(claims.department ? { dept: claims.department } : {}),
    ...(claims.office ? { office: claims.office } : {}),
    ...(claims.name ? { name: claims.name } : {}),
  })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.subject)
    .setIssuedAt()
    .setExpirationTime(ttl);
  if (opts.issuer) jwt = jwt.setIssuer(opts.issuer);
  if (opts.audience) jwt = jwt.setAudience(opts.audience);
  return jwt.sign(new TextEncoder().encode(secret));
}

/** The HS256 secret: configured, or (demo) generated once into the data folder. */
export function loadOrCreateSecret(configured: string | undefined, dataDir: string): { secret: string; generated: boolean } {
  if (configured) return { secret: configured, generated: false };
  const file = path.join(dataDir, 'jwt.secret');
  if (fs.existsSync(file)) return { secret: fs.readFileSync(file, 'utf8').trim(), generated: true };
  fs.mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  fs.writeFileSync(file, secret, { mode: 0o600 });
  return { secret, generated: true };
}
