/**
 * Authentication of every HTTP request (except health, readiness and the IDE's static files): a
 * bearer JWT, or an API key (X-API-Key, or Bearer of a key). Anything else answers 401 with a
 * WWW-Authenticate header (RFC 6750) and a JSON error; nothing reaches GraphQL or REST unauthenticated.
 */
import fs from 'node:fs';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { DataSource } from 'typeorm';
import type { HubConfig } from '../config.js';
import { API_KEY_PREFIX, verifyApiKey } from '../security/api-keys.js';
import type { ClientRateLimiter } from '../security/rate-limit.js';
import { TokenError, TokenVerifier, loadOrCreateSecret, type TokenSettings, type VerifiedCaller } from '../security/tokens.js';

const callers = new WeakMap<Request, VerifiedCaller>();

/** The authenticated caller of a request (set by the middleware below). */
export function callerOfRequest(req: Request): VerifiedCaller | undefined {
  return callers.get(req);
}

/** Token keys from the configuration; in demo mode (not production) a generated HS256 secret. */
export function tokenSettings(config: HubConfig): TokenSettings & { demo: boolean } {
  const base = { issuer: config.HUB_JWT_ISSUER, audience: config.HUB_JWT_AUDIENCE };
  if (config.HUB_JWKS_FILE) return { ...base, jwksFile: config.HUB_JWKS_FILE, demo: false };
  if (config.HUB_JWT_PUBLIC_KEY_FILE) {
    return { ...base, publicKeyPem: fs.readFileSync(config.HUB_JWT_PUBLIC_KEY_FILE, 'utf8'), publicKeyAlg: config.HUB_JWT_PUBLIC_KEY_ALG, demo: false };
  }
  if (config.HUB_JWT_SECRET) return { ...base, secret: config.HUB_JWT_SECRET, demo: false };
  if (config.NODE_ENV === 'production') {
    throw new Error('production mode (NODE_ENV=production) needs token keys: set HUB_JWT_SECRET, HUB_JWT_PUBLIC_KEY_FILE or HUB_JWKS_FILE');
  }
  return { ...base, secret: loadOrCreateSecret(undefined, config.dataDir).secret, demo: true };
}

export interface Authenticator {
  /** resolves the caller, or throws TokenError with the reason */
  authenticate(req: Request): Promise<VerifiedCaller>;
}

export async function createAuthenticator(ds: DataSource, config: HubConfig): Promise<Authenticator> {
  const verifier = await TokenVerifier.create(tokenSettings(config));
  return {
    async authenticate(req) {
      const header = req.headers.authorization;
      const apiKeyHeader = req.headers['x-api-key'];
      let credential: string | undefined;
      if (typeof apiKeyHeader === 'string' && apiKeyHeader.trim()) credential = apiKeyHeader.trim();
      else if (header) {
        const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
        if (!m) throw new TokenError('the Authorization header must be "Bearer <token>"');
        credential = m[1]!;
      }
      if (!credential) throw new MissingCredential('authentication required: send "Authorization: Bearer <token>" or "X-API-Key: <key>"');
      if (credential.startsWith(API_KEY_PREFIX)) {
        const caller = await verifyApiKey(ds, credential);
        if (!caller) throw new TokenError('the API key is not valid or was revoked');
        if (caller.roles.length === 0) throw new TokenError('the API key names no known role');
        return caller;
      }
      return verifier.verify(credential);
    },
  };
}

class MissingCredential extends TokenError {}

/** Paths served without authentication. */
export function isPublicRequest(req: Request): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  if (req.path === '/healthz' || req.path === '/readyz' || req.path === '/' || req.path.startsWith('/ide/')) return true;
  // the REST facade's OpenAPI document: read by developers before they hold a key
  if (req.path === '/api/v1/openapi.json') return true;
  // the IDE page itself (a browser asking /graphql for HTML, without an operation)
  return req.path === '/graphql' && !req.query.query && req.accepts(['application/json', 'application/graphql-response+json', 'text/html']) === 'text/html';
}

/** Sends 401 in the shape the endpoint speaks (GraphQL errors on /graphql, a REST error elsewhere). */
export function sendUnauthenticated(req: Request, res: Response, message: string, invalid: boolean): void {
  res.setHeader('WWW-Authenticate', invalid
    ? `Bearer realm="hub", error="invalid_token", error_description="${message.replace(/"/g, "'")}"`
    : 'Bearer realm="hub"');
  const body = req.path.startsWith('/graphql')
    ? { errors: [{ message, extensions: { code: 'UNAUTHENTICATED' } }] }
    : { error: { code: 'UNAUTHENTICATED', message } };
  res.status(401).json(body);
}

export function authMiddleware(auth: Authenticator): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (isPublicRequest(req)) {
      next();
      return;
    }
    auth.authenticate(req).then(
      (caller) => {
        callers.set(req, caller);
        next();
      },
      (err: unknown) => {
        if (err instanceof TokenError) sendUnauthenticated(req, res, err.message, !(err instanceof MissingCredential));
        else next(err);
      },
    );
  };
}

/** Per-client rate limit (after authentication, so the client is the token subject or API key): 429 with Retry-After. */
export function rateLimitMiddleware(limiter: ClientRateLimiter): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const caller = callers.get(req);
    if (!caller) {
      next();
      return;
    }
    limiter.consume(`${caller.via}:${caller.subject}`).then((v) => {
      if (v.ok) {
        next();
        return;
      }
      res.setHeader('Retry-After', String(v.retryAfterS));
      const message = `rate limit exceeded for ${caller.subject}: retry after ${v.retryAfterS} s`;
      res.status(429).json(req.path.startsWith('/graphql')
        ? { errors: [{ message, extensions: { code: 'RATE_LIMITED', retryAfterSeconds: v.retryAfterS } }] }
        : { error: { code: 'RATE_LIMITED', message, retryAfterSeconds: v.retryAfterS } });
    }, next);
  };
}

/** JSON answers for body-parser failures (too large → 413, malformed → 400); anything else goes on to the default handler. */
export function bodyErrorHandler(err: unknown, req: Request, res: Response, next: NextFunction): void {
  const e = err as { type?: string; status?: number; limit?: number } | null;
  if (res.headersSent || !e?.type) {
    next(err);
    return;
  }
  const graphql = req.path.startsWith('/graphql');
  const send = (status: number, code: string, message: string, extra: Record<string, unknown> = {}) => {
    res.status(status).json(graphql ? { errors: [{ message, extensions: { code, ...extra } }] } : { error: { code, message, ...extra } });
  };
  if (e.type === 'entity.too.large') send(413, 'PAYLOAD_TOO_LARGE', `request body too large: the limit is ${e.limit} bytes`, { limitBytes: e.limit });
  else if (e.type === 'entity.parse.failed') send(400, 'BAD_REQUEST', 'the request body is not valid JSON');
  else if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported') send(415, 'UNSUPPORTED_MEDIA_TYPE', 'unsupported body encoding or charset');
  else send(e.status && e.status >= 400 && e.status < 500 ? e.status : 400, 'BAD_REQUEST', 'the request body could not be read');
}
