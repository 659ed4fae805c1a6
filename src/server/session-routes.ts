/**
 * The console's sign-in (issue 16): `POST /api/session` signs in with username and password and sets the
 * `hub_session` cookie; `GET /api/session` says who is signed in and gives the CSRF token the console
 * sends as `X-CSRF-Token`; `DELETE /api/session` signs out; `GET /api/session/demo-accounts` lists the
 * demo users (demo mode only). Mounted before authentication: these routes read the cookie themselves.
 * Sign-in attempts are limited per client IP (every attempt) and per username (failed attempts).
 */
import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { HubConfig } from '../config.js';
import { listDemoAccounts } from '../security/demo-users.js';
import type { KeyedLimiter } from '../security/rate-limit.js';
import {
  CSRF_HEADER,
  DEPARTMENT_LABELS_ZH,
  MAX_PASSWORD_LENGTH,
  ROLE_LABELS_ZH,
  SessionStore,
  checkCredentials,
  clearedSessionCookie,
  csrfMatches,
  sessionCookie,
  sessionIdOf,
  type ConsoleUser,
} from '../security/sessions.js';
import { clientIp, sendError, sendRateLimited } from './auth.js';

/** A client on this machine (IPv4, IPv6 or IPv4-mapped loopback; behind HUB_TRUST_PROXY, the forwarded client). */
const isLoopback = (ip: string): boolean => /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/.test(ip);

export interface SessionRouteDeps {
  ds: DataSource;
  config: HubConfig;
  sessions: SessionStore;
  /** demo mode: the demo accounts are listed */
  demo: boolean;
  /** unauthenticated requests per IP (shared with the authentication middleware) */
  anonymous: KeyedLimiter;
  /** sign-in attempts per IP */
  loginPerIp: KeyedLimiter;
  /** failed sign-ins per username */
  loginPerUser: KeyedLimiter;
  log: Logger;
}

const WRONG_CREDENTIALS = { code: 'UNAUTHENTICATED', message: 'wrong username or password', messageZh: '用户名或密码错误' } as const;

/** The signed-in user as the console reads it. */
function userView(u: ConsoleUser) {
  return {
    username: u.username,
    name: u.name,
    roles: u.roles,
    roleLabels: u.roles.map((r) => ROLE_LABELS_ZH[r]),
    department: u.department,
    departmentLabel: u.department ? (DEPARTMENT_LABELS_ZH[u.department] ?? null) : null,
    office: u.office,
    officeName: u.officeName,
  };
}

export function sessionRouter(deps: SessionRouteDeps): Router {
  const r = express.Router();
  const secure = deps.config.NODE_ENV === 'production';

  // attempts are counted before the body is even read: a flood of malformed bodies counts too
  const countAttempt: RequestHandler = (req, res, next) => {
    const ip = clientIp(req);
    void (async () => {
      for (const [limiter, what] of [
        [deps.anonymous, 'unauthenticated requests'],
        [deps.loginPerIp, 'sign-in attempts'],
      ] as const) {
        const v = await limiter.consume(ip);
        if (!v.ok) {
          sendRateLimited(req, res, v.retryAfterS, `too many ${what} from this address: retry after ${v.retryAfterS} s`);
          return;
        }
      }
      next();
    })().catch(next);
  };

  r.post('/api/session', countAttempt, express.json({ limit: '8kb' }), async (req: Request, res: Response, next) => {
    try {
      // a JSON body only: a cross-site form cannot send one without a CORS preflight, which the hub never grants
      if (!req.is('application/json')) {
        sendError(req, res, 415, {
          code: 'UNSUPPORTED_MEDIA_TYPE',
          message: 'send the credentials as JSON: {"username": "…", "password": "…"}',
          messageZh: '请求格式不正确',
        });
        return;
      }
      const body = (req.body ?? {}) as Record<string, unknown>;
      const username = typeof body.username === 'string' ? body.username.trim() : '';
      const password = typeof body.password === 'string' ? body.password : '';
      if (!username) {
        sendError(req, res, 400, {
          code: 'BAD_USER_INPUT',
          field: 'username',
          reason: 'required',
          message: 'username: required',
          messageZh: '请输入用户名',
        });
        return;
      }
      if (!password) {
        sendError(req, res, 400, {
          code: 'BAD_USER_INPUT',
          field: 'password',
          reason: 'required',
          message: 'password: required',
          messageZh: '请输入密码',
        });
        return;
      }
      const userKey = username.toLowerCase();
      // refused before the password is looked at: guessing goes no further once the username's failures are used up
      const blocked = await deps.loginPerUser.peek(userKey);
      if (!blocked.ok) {
        sendRateLimited(req, res, blocked.retryAfterS, `too many failed sign-ins for this user: retry after ${blocked.retryAfterS} s`);
        return;
      }
      const user =
        password.length <= MAX_PASSWORD_LENGTH && username.length <= 64 ? await checkCredentials(deps.ds, username, password) : null;
      if (!user) {
        await deps.loginPerUser.consume(userKey);
        deps.log.warn({ username: username.slice(0, 64), ip: clientIp(req) }, 'console sign-in refused');
        sendError(req, res, 401, { ...WRONG_CREDENTIALS });
        return;
      }
      await deps.loginPerUser.reset(userKey);
      // a new id at every sign-in (no session fixation); a session the browser still held ends here
      const previous = sessionIdOf(req.headers.cookie);
      if (previous) await deps.sessions.revoke(previous);
      const session = await deps.sessions.create(user);
      deps.log.info({ username: user.username, ip: clientIp(req) }, 'console sign-in');
      res.setHeader('Set-Cookie', sessionCookie(session.sessionId, secure));
      res.setHeader('Cache-Control', 'no-store');
      res.json({ user: userView(user), csrfToken: session.csrfToken, expiresAt: session.expiresAt.toISOString() });
    } catch (err) {
      next(err);
    }
  });

  r.get('/api/session', async (req: Request, res: Response, next) => {
    try {
      res.setHeader('Cache-Control', 'no-store');
      const id = sessionIdOf(req.headers.cookie);
      const session = id ? await deps.sessions.lookup(id) : null;
      if (!session) {
        const v = await deps.anonymous.consume(clientIp(req));
        if (!v.ok) {
          sendRateLimited(req, res, v.retryAfterS, `too many unauthenticated requests from this address: retry after ${v.retryAfterS} s`);
          return;
        }
        if (id) res.setHeader('Set-Cookie', clearedSessionCookie(secure));
        sendError(req, res, 401, {
          code: 'UNAUTHENTICATED',
          message: 'not signed in',
          messageZh: id ? '登录已过期或已退出，请重新登录' : '请先登录',
        });
        return;
      }
      res.json({ user: userView(session.user), csrfToken: session.csrfToken, expiresAt: session.expiresAt.toISOString() });
    } catch (err) {
      next(err);
    }
  });

  r.delete('/api/session', async (req: Request, res: Response, next) => {
    try {
      const id = sessionIdOf(req.headers.cookie);
      const session = id ? await deps.sessions.lookup(id) : null;
      // signing someone out is a change too: only the console's own page (which knows the token) may
      if (session && !csrfMatches(req.headers[CSRF_HEADER], session.csrfToken)) {
        sendError(req, res, 403, {
          code: 'FORBIDDEN',
          reason: 'CSRF',
          message: "signing out needs the session's X-CSRF-Token header",
          messageZh: '请求缺少有效的安全校验（CSRF）令牌，请刷新页面后重试',
        });
        return;
      }
      if (id) await deps.sessions.revoke(id);
      res.setHeader('Set-Cookie', clearedSessionCookie(secure));
      res.status(204).end();
    } catch (err) {
      next(err);
    }
  });

  r.get('/api/session/demo-accounts', async (req: Request, res: Response, next) => {
    try {
      if (!deps.demo) {
        sendError(req, res, 404, {
          code: 'NOT_FOUND',
          message: 'demo accounts exist only in demo mode',
          messageZh: '仅演示模式提供演示账号',
        });
        return;
      }
      res.setHeader('Cache-Control', 'no-store');
      const accounts = await listDemoAccounts(deps.ds, deps.config.dataDir);
      // one-click sign-in (the password in the answer) only for a browser on this machine: the hub listens on
      // every interface, and anyone else on the network would otherwise sign in as the demo admin. Others see
      // the accounts and read the passwords from .data/demo-users.json on the server.
      res.json({ accounts: isLoopback(clientIp(req)) ? accounts : accounts.map(({ password: _p, ...a }) => a) });
    } catch (err) {
      next(err);
    }
  });

  return r;
}
