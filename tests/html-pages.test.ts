/**
 * Issue 17.8: every HTML page the hub serves — the console, the GraphQL IDE, the printable check record
 * (found or not) — is never cached, never framed, and runs only the scripts its Content-Security-Policy
 * names: no 'unsafe-inline' script, an inline script only with this response's nonce.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCreditCode } from '../src/domain/codes.js';
import { bearer, mintToken } from './support/auth.js';
import { launchBrowser } from './support/browser.js';
import { gql } from './support/graphql-client.js';
import { enterpriseRecord, startStoreHub, type StoreHub } from './support/store-hub.js';

type Any = any; // eslint-disable-line @typescript-eslint/no-explicit-any
const A = makeCreditCode('9', '1', '420106', '7A1B2C3E');

/** The directives of a CSP header, by name. */
function directives(csp: string | null): Map<string, string[]> {
  return new Map(
    (csp ?? '')
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name!, values]),
  );
}

describe('HTML pages: no-store, CSP with nonces, no framing', () => {
  let hub: StoreHub;
  let url: string;
  let officer: string;
  let checkId: string;

  beforeAll(async () => {
    hub = await startStoreHub('html', [enterpriseRecord(A, '武汉安建工程有限公司')]);
    url = hub.url;
    officer = await mintToken(['licensing_officer'], { department: 'HOUSING', subject: 'officer', office: '武汉市政务服务中心' });
    const run = await gql<Any>(
      url,
      `mutation($c: ID!) { runJointPunishmentCheck(input: { creditCode: $c, matter: PUBLIC_BIDDING }) { checkId } }`,
      { c: A },
      bearer(officer),
    );
    expect(run.errors).toBeUndefined();
    checkId = run.data.runJointPunishmentCheck.checkId;
  });
  afterAll(async () => {
    await hub?.close();
  });

  const PAGES: { name: string; path: () => string; headers: () => Record<string, string>; status: number }[] = [
    { name: 'console', path: () => '/', headers: () => ({ accept: 'text/html' }), status: 200 },
    { name: 'console sign-in', path: () => '/login', headers: () => ({ accept: 'text/html' }), status: 200 },
    { name: 'GraphiQL IDE', path: () => '/graphql', headers: () => ({ accept: 'text/html' }), status: 200 },
    { name: 'printable check', path: () => `/checks/${checkId}`, headers: () => bearer(officer), status: 200 },
    {
      name: 'printable check, unknown',
      path: () => '/checks/00000000-0000-4000-8000-000000000000',
      headers: () => bearer(officer),
      status: 404,
    },
    { name: 'printable check, bad id', path: () => '/checks/nope', headers: () => bearer(officer), status: 400 },
  ];

  for (const p of PAGES) {
    it(`${p.name}: Cache-Control no-store, X-Frame-Options DENY, a CSP allowing no framing and no inline script but by nonce`, async () => {
      const r = await fetch(`${url}${p.path()}`, { headers: p.headers() });
      expect(r.status).toBe(p.status);
      expect(r.headers.get('content-type')).toMatch(/^text\/html/);
      expect(r.headers.get('cache-control')).toBe('no-store');
      expect(r.headers.get('x-frame-options')).toBe('DENY');
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      const csp = directives(r.headers.get('content-security-policy'));
      expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
      const scripts = csp.get('script-src') ?? csp.get('default-src') ?? [];
      expect(scripts.length).toBeGreaterThan(0);
      expect(scripts).not.toContain("'unsafe-inline'");
      expect(scripts).not.toContain("'unsafe-eval'");
      expect(scripts.filter((s) => s === '*' || /^https?:/.test(s) || s === 'data:')).toEqual([]);
      // every inline script carries the nonce the policy names
      const html = await r.text();
      const nonce = scripts.find((s) => s.startsWith("'nonce-"))?.slice(7, -1);
      for (const tag of html.match(/<script(?![^>]*\bsrc=)[^>]*>/g) ?? [])
        expect(tag, `${p.name}: ${tag}`).toBe(`<script nonce="${nonce}">`);
    });
  }

  it('the IDE gets a fresh nonce per response, and its bootstrap script runs only with it', async () => {
    const get = () => fetch(`${url}/graphql`, { headers: { accept: 'text/html' } });
    const [a, b] = [await get(), await get()];
    const na = directives(a.headers.get('content-security-policy'))
      .get('script-src')!
      .find((s) => s.startsWith("'nonce-"));
    const nb = directives(b.headers.get('content-security-policy'))
      .get('script-src')!
      .find((s) => s.startsWith("'nonce-"));
    expect(na).toMatch(/^'nonce-[A-Za-z0-9+/]{22}=='$/);
    expect(na).not.toBe(nb);
    expect(await a.text()).toContain(`<script nonce="${na!.slice(7, -1)}">`);
  });

  it('the IDE never takes a token from its address (a URL ends up in access logs, history and Referer)', async () => {
    const html = await (await fetch(`${url}/graphql`, { headers: { accept: 'text/html' } })).text();
    expect(html).toContain('GraphiQL.createFetcher');
    expect(html).not.toMatch(/location\.(search|hash|href)|URLSearchParams|\?token=/);
  });

  it('the printable record runs no script and styles only by nonce', async () => {
    const r = await fetch(`${url}/checks/${checkId}`, { headers: bearer(officer) });
    const csp = directives(r.headers.get('content-security-policy'));
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('script-src')).toBeUndefined();
    const style = csp.get('style-src')!;
    expect(style).toHaveLength(1);
    const html = await r.text();
    expect(html).toContain('失信联合惩戒核查记录');
    expect(html).not.toMatch(/<script/);
    for (const tag of html.match(/<style[^>]*>/g) ?? []) expect(tag).toBe(`<style nonce="${style[0]!.slice(7, -1)}">`);
  });

  it('in a browser, the IDE starts and the printable record is styled, with no Content-Security-Policy violation', async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const violations: string[] = [];
      page.on('console', (m) => {
        if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
      });
      const admin = await mintToken(['admin']);
      // a developer's token kept in localStorage (the address never carries one)
      await page.addInitScript(
        (t) => (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }).localStorage.setItem('hub-token', t),
        admin,
      );
      await page.goto(`${url}/graphql`);
      await page.waitForSelector('.graphiql-container', { timeout: 20_000 });
      // the bootstrap ran (it created the fetcher): the IDE reads the schema from /graphql
      await page.waitForSelector('.graphiql-query-editor', { timeout: 20_000 });
      const print = await browser.newPage({ extraHTTPHeaders: bearer(officer) });
      print.on('console', (m) => {
        if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
      });
      await print.goto(`${url}/checks/${checkId}`);
      // the page's own stylesheet applied: tables have collapsed borders
      expect(await print.evaluate('getComputedStyle(document.querySelector("table")).borderCollapse')).toBe('collapse');
      expect(violations).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
