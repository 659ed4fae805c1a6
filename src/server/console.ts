/**
 * The web console 监管工作台 (console/, built into console/dist by scripts/console-build.ts) served at `/`:
 * hashed assets under /assets/ (cacheable forever: a change makes a new name), and index.html for the
 * console's own paths (the SPA routes; console/src/routes.tsx). These are public (the page is the
 * sign-in); every API the page calls is authenticated as before (cookie session + CSRF, src/server/session*).
 * HTML answers are never cached, may not be framed, and run only the console's own scripts (CSP).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Request, type Response, type Router } from 'express';
import { CSP_SAME_ORIGIN, setHtmlSecurityHeaders } from '../kernel/html.js';

export const DEFAULT_CONSOLE_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../console/dist');

/** Paths answered with the console's index.html (kept in step with console/src/routes.tsx). */
const EXACT = new Set(['/', '/login', '/forbidden']);
const PREFIXES = ['/officer', '/analyst', '/enterprise'];
export function isConsolePath(p: string): boolean {
  return EXACT.has(p) || PREFIXES.some((x) => p === x || p.startsWith(`${x}/`));
}

/**
 * Content-Security-Policy of the console: only its own files; no inline or eval'd script. Style attributes
 * (set by React and the chart library) are allowed, <style> elements and foreign sheets are not.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "style-src-attr 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  ...CSP_SAME_ORIGIN,
].join('; ');

const NOT_BUILT = `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>监管工作台</title>
<body style="font-family:sans-serif;padding:40px"><h1>监管工作台尚未构建</h1>
<p>请在项目目录运行 <code>npm run build:console</code>（<code>npm start</code> 会自动构建）后刷新本页。</p></body></html>`;

export function consoleRouter(o: { dist?: string } = {}): Router {
  const dist = o.dist ?? DEFAULT_CONSOLE_DIST;
  const r = express.Router();
  r.use(
    '/assets',
    express.static(path.join(dist, 'assets'), {
      index: false,
      immutable: true,
      maxAge: '365d',
      setHeaders: (res) => res.setHeader('X-Content-Type-Options', 'nosniff'),
    }),
  );
  r.use('/assets', (_req, res) => {
    res.status(404).json({ error: { code: 'NOT_FOUND', message: 'no such console asset', messageZh: '文件不存在。' } });
  });
  const sendIndex = (req: Request, res: Response) => {
    setHtmlSecurityHeaders(res, CONSOLE_CSP);
    // read per request: a rebuild while the hub runs is served at once, and the page is small
    fs.readFile(path.join(dist, 'index.html'), 'utf8', (err, html) => {
      if (err) {
        // the inline style of this fallback page needs its own policy
        res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
        res.status(503).type('html').send(NOT_BUILT);
        return;
      }
      res
        .status(200)
        .type('html')
        .send(req.method === 'HEAD' ? '' : html);
    });
  };
  r.get(/.*/, (req, res, next) => {
    if (isConsolePath(req.path)) sendIndex(req, res);
    else next();
  });
  return r;
}
