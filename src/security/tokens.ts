/**
 * Bearer tokens: JWTs signed HS256 with a configured secret, or RS256/ES256 checked against a
 * configured public key (PEM) or JWKS file; claims carry subject, department, roles and expiry.
 * jose does the cryptography (well-kept, no native code).
 */
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import {
  SignJWT,
  createLocalJWKSet,
  errors as joseErrors,
  importSPKI,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyGetKey,
  type KeyObject,
} from 'jose';
import { CALLER_DEPARTMENTS, isRole, type Role } from './roles.js';

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
  /** longest accepted lifetime in seconds (exp - iat; without iat, exp - now); absent = no limit */
  maxLifetimeS?: number;
}

export class TokenError extends Error {}

/** Clock difference tolerated between the token's issuer and this server. */
const CLOCK_SKEW_S = 60;

/** Seconds as hours for messages ('24 h', '31 h'). */
const hours = (s: number) => `${Math.round((s / 3600) * 100) / 100} h`;

/** JSON Web Token shape (three base64url parts): told apart from an API key sent in the wrong header. */
export const looksLikeJwt = (s: string) => /^[\w-]+\.[\w-]+\.[\w-]*$/.test(s);

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
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.key as Uint8Array, {
        algorithms: this.algorithms,
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        requiredClaims: ['sub', 'exp'],
      }));
    } catch (e) {
      throw new TokenError(refusalOf(e));
    }
    this.checkLifetime(payload);
    const roles = Array.isArray(payload.roles) ? payload.roles.filter((r): r is Role => typeof r === 'string' && isRole(r)) : [];
    if (roles.length === 0) throw new TokenError('the token names no known role');
    // a department the hub does not know would pass no policy rule by name, yet must not pass silently either
    if (
      payload.dept !== undefined &&
      payload.dept !== null &&
      (typeof payload.dept !== 'string' || !(CALLER_DEPARTMENTS as readonly string[]).includes(payload.dept))
    ) {
      throw new TokenError(`the token's department (dept) ${JSON.stringify(payload.dept)} is not one of ${CALLER_DEPARTMENTS.join(', ')}`);
    }
    return {
      subject: String(payload.sub),
      department: typeof payload.dept === 'string' ? payload.dept : null,
      roles,
      expiresAt: new Date(payload.exp! * 1000),
      via: 'jwt',
      office: typeof payload.office === 'string' && payload.office.trim() ? payload.office.trim() : null,
      name: typeof payload.name === 'string' && payload.name.trim() ? payload.name.trim() : null,
    };
  }

  /** A stolen token is useful until it expires: tokens minted for a year are refused, however they say it. */
  private checkLifetime(payload: JWTPayload): void {
    const max = this.settings.maxLifetimeS;
    if (!max) return;
    const exp = payload.exp!;
    const now = Math.floor(Date.now() / 1000);
    if (typeof payload.iat === 'number') {
      if (payload.iat > now + CLOCK_SKEW_S) throw new TokenError('the token is issued in the future (iat)');
      if (exp - payload.iat > max)
        throw new TokenError(
          `the token's lifetime (exp - iat = ${hours(exp - payload.iat)}) exceeds the maximum of ${hours(max)} (HUB_JWT_MAX_LIFETIME_HOURS)`,
        );
    }
    if (exp - now > max + CLOCK_SKEW_S)
      throw new TokenError(
        `the token expires ${hours(exp - now)} from now, beyond the maximum token lifetime of ${hours(max)} (HUB_JWT_MAX_LIFETIME_HOURS)`,
      );
  }
}

/** Why jose refused a token, said the way its holder can act on it (never "expired" for a token that has no expiry). */
function refusalOf(e: unknown): string {
  if (e instanceof joseErrors.JWTExpired) return 'the token has expired';
  if (e instanceof joseErrors.JWTClaimValidationFailed) {
    const missing = e.reason === 'missing';
    switch (e.claim) {
      case 'exp':
        return missing ? 'the token has no expiry (exp)' : "the token's expiry (exp) is not a valid time";
      case 'sub':
        return 'the token has no subject (sub)';
      case 'iss':
        return missing ? 'the token has no issuer (iss)' : "the token's issuer (iss) is not the one this hub accepts";
      case 'aud':
        return missing ? 'the token has no audience (aud)' : "the token's audience (aud) is not this hub";
      case 'nbf':
        return 'the token is not valid yet (nbf)';
      case 'iat':
        return "the token's issue time (iat) is not valid";
      default:
        return 'the token is not valid';
    }
  }
  return 'the token is not valid';
}

/** Seconds of a ttl like '30m', '1h', '7d' (null when it is not one). */
export function ttlSeconds(ttl: string): number | null {
  const m = /^(\d+)([smhd])$/.exec(ttl);
  if (!m) return null;
  return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[m[2] as 's' | 'm' | 'h' | 'd'];
}

/** Issues an HS256 token (local use and tests). ttl like '1h', '30m', '7d'. */
export async function issueToken(
  secret: string,
  claims: { subject: string; roles: Role[]; department?: string | null; office?: string | null; name?: string | null },
  ttl = '1h',
  opts: { issuer?: string; audience?: string } = {},
): Promise<string> {
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
