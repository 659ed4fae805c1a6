/**
 * Browser tests of the console: playwright-core driving the machine's Chromium (Debian's `chromium`
 * package at /usr/bin/chromium, installed by .ci/run / the test setup with fonts-noto-cjk). Each context
 * records every request URL; `assertOnlyHub()` fails when a page asked any host but the hub (the console
 * must work offline: no CDN, no web fonts). Screenshots go to tests/artifacts/<name>.png (ignored by git).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../artifacts');

/** Launches headless Chromium with a fresh temporary profile (playwright creates and removes it). Throws with the fix when it is missing. */
export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install it with "apt-get install -y chromium fonts-noto-cjk" (the console's browser tests need it)`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-default-apps',
      '--no-first-run',
    ],
  });
}

export interface HubBrowserContext {
  context: BrowserContext;
  /** every URL requested by any page of this context, in order */
  requests: string[];
  newPage(): Promise<Page>;
  /** the requests to any host other than the hub's (data: and blob: URLs are not requests to a host) */
  foreignRequests(): string[];
  close(): Promise<void>;
}

/** A fresh context (own cookies) whose pages talk to the hub at `hubUrl`; records every request. */
export async function hubContext(browser: Browser, hubUrl: string): Promise<HubBrowserContext> {
  const hub = new URL(hubUrl);
  const context = await browser.newContext({
    baseURL: hubUrl,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: { width: 1366, height: 900 },
  });
  const requests: string[] = [];
  context.on('request', (r) => requests.push(r.url()));
  const foreignRequests = () =>
    requests.filter((u) => {
      if (u.startsWith('data:') || u.startsWith('blob:')) return false;
      try {
        return new URL(u).host !== hub.host;
      } catch {
        return true;
      }
    });
  return {
    context,
    requests,
    newPage: () => context.newPage(),
    foreignRequests,
    close: () => context.close(),
  };
}

/** A browser whose hub contexts are closed with it (each test file keeps one). */
export interface HubBrowser {
  /** a fresh context on the hub at `hubUrl` (see hubContext), closed by close() */
  context(hubUrl: string): Promise<HubBrowserContext>;
  close(): Promise<void>;
}

export async function launchHubBrowser(): Promise<HubBrowser> {
  const browser = await launchBrowser();
  const contexts: HubBrowserContext[] = [];
  return {
    async context(hubUrl) {
      const c = await hubContext(browser, hubUrl);
      contexts.push(c);
      return c;
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser.close().catch(() => undefined);
    },
  };
}

/** Saves a full-page screenshot as tests/artifacts/<name>.png; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Password of the console users the browser tests create. */
export const CONSOLE_TEST_PASSWORD = 'Console-test-pw-2026';

/** Signs in through the sign-in form as a person would (the console redirects a new visitor to /login). */
export async function signInThroughForm(ctx: HubBrowserContext, username: string, password = CONSOLE_TEST_PASSWORD): Promise<Page> {
  const page = await ctx.newPage();
  await page.goto('/');
  await page.waitForURL('**/login');
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.getByTestId('user-box').waitFor();
  return page;
}
