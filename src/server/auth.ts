/**
 * Authentication of every HTTP request (except health, readiness, the console's pages and the IDE's
 * static files): a bearer JWT, an API key (X-API-Key, or Bearer of a key), or — when neither header is
 * sent — the console's session cookie, whose requests must also carry the session's CSRF token on every
 * method that can change something. Anything else answers 401 with a WWW-Authenticate header (RFC 6750)
 * and a JSON error; nothing reaches GraphQL or REST unauthenticated. Failed authentications count
 * against a per-IP limit.
 */
import fs from 'node:fs';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { DataSource } from 'typeorm';
import { assertProductionReady, type HubConfig } from '../config.js';
import { API_KEY_PREFIX, verifyApiKey } from '../security/api-keys.js';
import type { ClientRateLimiter, KeyedLimiter } from '../security/rate-limit.js';
import { CSRF_HEADER, SessionStore, callerOfSession, csrfMatches, sessionIdOf, type Session } from '../security/sessions.js';
import {
  TokenError,
  TokenVerifier,
  loadOrCreateSecret,
  looksLikeJwt,
  type TokenSettings,
  type VerifiedCaller,
} from '../security/tokens.js';

const callers = new WeakMap<Request, VerifiedCaller>();
const sessions = new WeakMap<Request, Session>();

/** The authenticated caller of a request (set by the middleware below). */
export function callerOfRequest(req: Request): VerifiedCaller | undefined {
  return callers.get(req);
}

/** The console session of a request authenticated by its cookie (user, office name, CSRF token). */
export function sessionOfRequest(req: Request): Session | undefined {
  return sessions.get(req);
}

/** Demo mode: no token keys configured and not production (keys, PII key and demo users are generated into the data folder). */
export function isDemoMode(config: HubConfig): boolean {
  return config.NODE_ENV !== 'production' && !config.HUB_JWKS_FILE && !config.HUB_JWT_PUBLIC_KEY_FILE && !config.HUB_JWT_SECRET;
}

/** Token keys from the configuration; in demo mode (not production) a generated HS256 secret. */
export function tokenSettings(config: HubConfig): TokenSettings & { demo: boolean } {
  // production names everything it lacks at once (keys, issuer, audience, PII key)
  assertProductionReady(config);
  const base = { issuer: config.HUB_JWT_ISSUER, audience: config.HUB_JWT_AUDIENCE, maxLifetimeS: config.HUB_JWT_MAX_LIFETIME_HOURS * 3600 };
  if (config.HUB_JWKS_FILE) return { ...base, jwksFile: config.HUB_JWKS_FILE, demo: false };
  if (config.HUB_JWT_PUBLIC_KEY_FILE) {
    return {
      ...base,
      publicKeyPem: fs.readFileSync(config.HUB_JWT_PUBLIC_KEY_FILE, 'utf8'),
      publicKeyAlg: config.HUB_JWT_PUBLIC_KEY_ALG,
      demo: false,
    };
  }
  if (config.HUB_JWT_SECRET) return { ...base, secret: config.HUB_JWT_SECRET, demo: false };
  return { ...base, secret: loadOrCreateSecret(undefined, config.dataDir).secret, demo: true };
}

export interface Authenticator {
  /** resolves the caller, or throws TokenError with the reason */
  authenticate(req: Request): Promise<VerifiedCaller>;
}

export async function createAuthenticator(ds: DataSource, config: HubConfig, sessionStore?: SessionStore): Promise<Authenticator> {
  const verifier = await TokenVerifier.create(tokenSettings(config));
  return {
    async authenticate(req) {
      const header = req.headers.authorization;
      const apiKeyHeader = req.headers['x-api-key'];
      let credential: string | undefined;
      if (typeof apiKeyHeader === 'string' && apiKeyHeader.trim()) {
        credential = apiKeyHeader.trim();
        // X-API-Key carries API keys only: proxies and logs redact Authorization, not custom headers, so a token
        // sent there is refused (with the fix) rather than accepted and left in someone's access log
        if (!credential.startsWith(API_KEY_PREFIX)) {
          throw new TokenError(
            looksLikeJwt(credential)
              ? 'a JWT was sent in X-API-Key: send tokens as "Authorization: Bearer <token>"; X-API-Key carries API keys only'
              : 'the API key is not valid or was revoked',
          );
        }
      } else if (header) {
        const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
        if (!m) throw new TokenError('the Authorization header must be "Bearer <token>"');
        credential = m[1]!;
      }
      if (!credential) {
        // programs send a header; the console's browser sends its session cookie
        const sessionId = sessionStore ? sessionIdOf(req.headers.cookie) : null;
        if (sessionId) {
          const session = await sessionStore!.lookup(sessionId);
          if (!session) throw new SessionEnded('the console session has ended (signed out, idle too long or expired): sign in again');
          sessions.set(req, session);
          return callerOfSession(session);
        }
        throw new MissingCredential(
          'authentication required: send "Authorization: Bearer <token>" or "X-API-Key: <key>", or sign in to the console',
        );
      }
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
class SessionEnded extends TokenError {}

/** What a person in the console reads for each kind of 401. */
function messageZhOf(err: TokenError): string {
  if (err instanceof MissingCredential) return '请先登录';
  if (err instanceof SessionEnded) return '登录已过期或已退出，请重新登录';
  return '身份凭证无效或已过期';
}

/**
 * Pages of the web console: the single-page app decides itself (GET /api/session) whether to send the
 * browser to /login; its files hold no data.
 */
const CONSOLE_PAGE = /^\/(?:login|forbidden|officer.*|analyst.*|enterprise\/.+|assets\/.+|favicon\.ico)$/;

/** Paths served without authentication. */
export function isPublicRequest(req: Request): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  if (req.path === '/healthz' || req.path === '/readyz' || req.path === '/' || req.path.startsWith('/ide/')) return true;
  // the REST facade's OpenAPI document: read by developers before they hold a key
  if (req.path === '/api/v1/openapi.json') return true;
  if (CONSOLE_PAGE.test(req.path)) return true;
  // the IDE page itself (a browser asking /graphql for HTML, without an operation)
  return (
    req.path === '/graphql' &&
    !req.query.query &&
    req.accepts(['application/json', 'application/graphql-response+json', 'text/html']) === 'text/html'
  );
}

/** Sends 401 in the shape the endpoint speaks (GraphQL errors on /graphql, a REST error elsewhere). */
export function sendUnauthenticated(req: Request, res: Response, message: string, invalid: boolean, messageZh = '请先登录'): void {
  res.setHeader(
    'WWW-Authenticate',
    invalid ? `Bearer realm="hub", error="invalid_token", error_description="${message.replace(/"/g, "'")}"` : 'Bearer realm="hub"',
  );
  sendError(req, res, 401, { code: 'UNAUTHENTICATED', message, messageZh });
}

/** An error in the shape the endpoint speaks: GraphQL errors on /graphql, `{ error }` elsewhere. */
export function sendError(
  req: Request,
  res: Response,
  status: number,
  e: { code: string; message: string; messageZh?: string; [k: string]: unknown },
): void {
  const { code, message, ...extra } = e;
  res
    .status(status)
    .json(
      req.path.startsWith('/graphql') ? { errors: [{ message, extensions: { code, ...extra } }] } : { error: { code, message, ...extra } },
    );
}

/** 429 with Retry-After (per-client and per-IP limits, sign-in attempts). */
export function sendRateLimited(req: Request, res: Response, retryAfterS: number, message: string): void {
  res.setHeader('Retry-After', String(retryAfterS));
  sendError(req, res, 429, {
    code: 'RATE_LIMITED',
    message,
    messageZh: `请求过于频繁，请 ${retryAfterS} 秒后再试`,
    retryAfterSeconds: retryAfterS,
  });
}

/** The client address the per-IP limits count (Express's req.ip: the socket, or the forwarded address behind a trusted proxy). */
export const clientIp = (req: Request): string => req.ip ?? req.socket.remoteAddress ?? 'unknown';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Authenticates every non-public request. `anonymous` counts failed authentications per client IP: past
 * it, 429 instead of 401 (guessing tokens, keys or session ids from one address is slowed down).
 */
export function authMiddleware(auth: Authenticator, anonymous?: KeyedLimiter): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (isPublicRequest(req)) {
      next();
      return;
    }
    auth.authenticate(req).then(
      (caller) => {
        const session = sessions.get(req);
        // a cookie rides along with any request the browser makes; only the console's own scripts know the CSRF token
        if (session && !SAFE_METHODS.has(req.method) && !csrfMatches(req.headers[CSRF_HEADER], session.csrfToken)) {
          sendError(req, res, 403, {
            code: 'FORBIDDEN',
            reason: 'CSRF',
            message:
              "a request authenticated by the session cookie must carry the session's X-CSRF-Token header (GET /api/session gives it)",
            messageZh: '请求缺少有效的安全校验（CSRF）令牌，请刷新页面后重试',
          });
          return;
        }
        callers.set(req, caller);
        next();
      },
      async (err: unknown) => {
        if (!(err instanceof TokenError)) {
          next(err);
          return;
        }
        const v = anonymous ? await anonymous.consume(clientIp(req)).catch(() => ({ ok: true }) as const) : ({ ok: true } as const);
        if (!v.ok)
          sendRateLimited(req, res, v.retryAfterS, `too many unauthenticated requests from this address: retry after ${v.retryAfterS} s`);
        else sendUnauthenticated(req, res, err.message, !(err instanceof MissingCredential), messageZhOf(err));
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
      sendRateLimited(req, res, v.retryAfterS, `rate limit exceeded for ${caller.subject}: retry after ${v.retryAfterS} s`);
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
  if (e.type === 'entity.too.large')
    send(413, 'PAYLOAD_TOO_LARGE', `request body too large: the limit is ${e.limit} bytes`, {
      field: 'body',
      reason: 'TOO_LARGE',
      limitBytes: e.limit,
      messageZh: '提交的内容过大',
    });
  else if (e.type === 'entity.parse.failed')
    send(400, 'BAD_REQUEST', 'the request body is not valid JSON', {
      field: 'body',
      reason: 'MALFORMED_JSON',
      messageZh: '请求格式不正确',
    });
  else if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported')
    send(415, 'UNSUPPORTED_MEDIA_TYPE', 'unsupported body encoding or charset', { messageZh: '请求格式不正确' });
  else
    send(e.status && e.status >= 400 && e.status < 500 ? e.status : 400, 'BAD_REQUEST', 'the request body could not be read', {
      messageZh: '请求格式不正确',
    });
}
