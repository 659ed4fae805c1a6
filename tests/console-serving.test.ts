/**
 * How the hub serves the console (src/server/console.ts) and what the build emits (scripts/console-build.ts):
 * SPA paths answer index.html with no-store, a CSP and no framing; hashed assets are cacheable; a missing
 * asset is a JSON 404, not the page; other paths fall through to the hub's routes. The build has no inline
 * script and no URL of another host (the console works offline), and is rebuilt only when stale.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_DIST, consoleIsFresh, ensureConsoleBuilt } from '../scripts/console-build.js';
import { consoleRouter } from '../src/server/console.js';

let dir: string;
let base: string;
let baseMissing: string;
const servers: import('node:http').Server[] = [];

function serve(dist: string): Promise<string> {
  const app = express();
  app.use(consoleRouter({ dist }));
  app.use((_req, res) => res.status(418).json({ fellThrough: true }));
  return new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(s.address() as AddressInfo).port}`));
    servers.push(s);
  });
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'console-dist-'));
  fs.mkdirSync(path.join(dir, 'assets'));
  fs.writeFileSync(
    path.join(dir, 'index.html'),
    '<!doctype html><title>监管工作台</title><script type="module" src="/assets/index-abc123.js"></script>',
  );
  fs.writeFileSync(path.join(dir, 'assets/index-abc123.js'), 'console.log(1)');
  base = await serve(dir);
  baseMissing = await serve(path.join(dir, 'nowhere'));
});

afterAll(() => {
  for (const s of servers) s.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('serving', () => {
  it.each([
    '/',
    '/login',
    '/forbidden',
    '/officer',
    '/officer/checks/7d0c',
    '/analyst',
    '/analyst/query',
    '/enterprise',
    '/enterprise/91420100MA4K000000',
  ])('%s answers the page with the security headers', async (p) => {
    const res = await fetch(base + p);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toContain('监管工作台');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it.each(['/graphql', '/api/session', '/checks/abc', '/export/enterprises.csv', '/officers-club', '/healthz'])(
    '%s is not the console: it falls through to the hub',
    async (p) => {
      const res = await fetch(base + p);
      expect(res.status).toBe(418);
    },
  );

  it('hashed assets are cacheable forever; a missing one is a JSON 404, never the page', async () => {
    const ok = await fetch(`${base}/assets/index-abc123.js`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('cache-control')).toMatch(/max-age=31536000.*immutable|immutable.*max-age=31536000/);
    const missing = await fetch(`${base}/assets/index-zzz.js`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
  });

  it('without a build, the page says in Chinese how to build it', async () => {
    const res = await fetch(`${baseMissing}/officer`);
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('npm run build:console');
    expect(res.headers.get('cache-control')).toBe('no-store');
  });
});

describe('the build', () => {
  it('is fresh after ensureConsoleBuilt, and a second call does not rebuild', () => {
    ensureConsoleBuilt({ quiet: true });
    expect(consoleIsFresh()).toBe(true);
    expect(ensureConsoleBuilt({ quiet: true })).toBe(false);
  });

  it('emits no inline script and names no other host (works offline under the CSP)', () => {
    const html = fs.readFileSync(path.join(CONSOLE_DIST, 'index.html'), 'utf8');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/src="\/assets\/[^"]+\.js"/);
      expect(body!.trim()).toBe('');
    }
    const files = [
      html,
      ...fs
        .readdirSync(path.join(CONSOLE_DIST, 'assets'))
        .filter((f) => f.endsWith('.css'))
        .map((f) => fs.readFileSync(path.join(CONSOLE_DIST, 'assets', f), 'utf8')),
    ];
    for (const text of files) {
      expect(text).not.toMatch(/(?:src|href)\s*=\s*["']?(?:https?:)?\/\//i);
      expect(text).not.toMatch(/url\(\s*["']?(?:https?:)?\/\//i);
      expect(text).not.toMatch(/@import/i);
    }
  });
});
