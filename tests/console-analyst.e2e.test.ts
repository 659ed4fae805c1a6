/**
 * The console end to end, as an analyst and an inspector use it (issue 16): the analyst builds a
 * cross-department query (a region typed by name, a department, risk tiers), sees the result table, the
 * group-by table and the chart, and downloads the CSV through the browser (file checked: BOM, Chinese
 * headers, codes kept as text, no person-name column for an analyst); bad input is explained in Chinese
 * next to its field. An inspector opens an enterprise profile by a code typed in lower case and
 * full-width (normalised visibly), sees the five department sections with their freshness, and a source
 * down shows its failure in Chinese while the rest still shows. An officer gets 无权访问 at /analyst. No
 * page asks any host but the hub. Real hub (generated world, full sync), real Chromium. Screenshots:
 * tests/artifacts/analyst-*.png.
 *
 * Expected results come from the question asked, written here as a GraphQL `where` by hand and answered
 * by the hub's API for an admin, never from what the page shows.
 */
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureConsoleBuilt } from '../scripts/console-build.js';
import { creditCodeCheckChar } from '../src/domain/codes.js';
import {
  CONSOLE_TEST_PASSWORD,
  type HubBrowser,
  type HubBrowserContext,
  launchHubBrowser,
  screenshot,
  signInThroughForm,
} from './support/browser.js';
import { startHubFixture, type HubFixture } from './support/hub-fixture.js';
import { enterprisesInAllDepartments } from './support/hub-world.js';
import { createTestUser } from './support/session.js';

const PASSWORD = CONSOLE_TEST_PASSWORD;
const DEPARTMENT_RECORDS = (d: string) => ({
  _or: [
    { listEntries: { _some: { department: { _eq: d } } } },
    { penalties: { _some: { department: { _eq: d } } } },
    { hiddenDangers: { _some: { department: { _eq: d } } } },
    { credentials: { _some: { issuerDepartment: { _eq: d } } } },
    { accidents: { _some: { department: { _eq: d } } } },
    { violations: { _some: { department: { _eq: d } } } },
  ],
});
const TIER_LABEL: Record<string, string> = { A: 'A 低风险', B: 'B 一般风险', C: 'C 较大风险', D: 'D 重大风险' };

let hub: HubFixture;
let browser: HubBrowser | undefined;
let city: { code: string; name: string; prefix: string };
let tiers: string[];
let expectedCodes: string[];
let profileCode: string;

async function adminGql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch(`${hub.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${hub.adminToken}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data: T; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

async function codesFor(where: object): Promise<string[]> {
  const out: string[] = [];
  let after: string | null = null;
  for (;;) {
    const d: { enterprises: { nodes: { creditCode: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } } = await adminGql(
      `query($w: EnterpriseWhere, $a: String) { enterprises(where: $w, first: 500, after: $a) { nodes { creditCode } pageInfo { hasNextPage endCursor } } }`,
      { w: where, a: after },
    );
    out.push(...d.enterprises.nodes.map((n) => n.creditCode));
    if (!d.enterprises.pageInfo.hasNextPage) return out.sort();
    after = d.enterprises.pageInfo.endCursor;
  }
}

const context = (): Promise<HubBrowserContext> => browser!.context(hub.url);

const fieldError = (page: Page, field: string) => page.locator(`[data-field="${field}"] .field-error`);

beforeAll(async () => {
  ensureConsoleBuilt({ quiet: true });
  hub = await startHubFixture();
  // the city (地级) holding most enterprises, whose name no other division has (typed by name, resolved uniquely)
  const cities = (await hub.ds.query(
    `SELECT d.code, d.name, substr(e.division_code, 1, 4) AS prefix, count(*)::int AS n
       FROM enterprise e JOIN division d ON d.code = substr(e.division_code, 1, 4) || '00'
      WHERE d.level = 'CITY' AND (SELECT count(*) FROM division x WHERE x.name = d.name) = 1
      GROUP BY d.code, d.name, prefix ORDER BY n DESC, d.code`,
  )) as { code: string; name: string; prefix: string }[];
  // a department and the tiers above 低风险 where the cross-department question has answers; else every tier
  for (const c of cities) {
    for (const t of [
      ['B', 'C', 'D'],
      ['A', 'B', 'C', 'D'],
    ]) {
      const codes = await codesFor({
        _and: [{ divisionCode: { _like: `${c.prefix}%` } }, DEPARTMENT_RECORDS('EMERGENCY'), { risk: { tier: { _in: t } } }],
      });
      if (codes.length >= 1) {
        city = c;
        tiers = t;
        expectedCodes = codes;
        break;
      }
    }
    if (city) break;
  }
  expect(city, 'a city with emergency records').toBeDefined();
  // a code that passes GB 32100 (the world also holds a few really issued ones that do not)
  profileCode = (await enterprisesInAllDepartments(hub.ds, 50)).find((c) => creditCodeCheckChar(c.slice(0, 17)) === c[17])!;
  await createTestUser(hub.ds, 'analyst', PASSWORD, {
    name: '王建国',
    roles: ['analyst'],
    department: 'SAFETY_COMMITTEE',
    office: 'HB-AWB',
    officeName: '湖北省安全生产委员会办公室',
  });
  await createTestUser(hub.ds, 'inspector', PASSWORD, {
    name: '李强',
    roles: ['inspector'],
    department: 'EMERGENCY',
    office: 'WH-YJ',
    officeName: '武汉市应急管理局',
  });
  await createTestUser(hub.ds, 'officer', PASSWORD, {
    name: '陈晓明',
    roles: ['licensing_officer'],
    office: 'WH-JX-XK',
    officeName: '武汉市江夏区行政审批局',
  });
  browser = await launchHubBrowser();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await hub?.close();
});

describe('the analyst workspace 分析工作区', () => {
  let analyst: HubBrowserContext;
  let page: Page;

  it('signs in as an analyst and lands on the workspace', async () => {
    analyst = await context();
    page = await signInThroughForm(analyst, 'analyst');
    expect(new URL(page.url()).pathname).toBe('/analyst');
    expect(await page.locator('h1').textContent()).toBe('分析工作区');
  });

  it('bad input is explained in Chinese next to the field (unknown region, non-numeric count), nothing raw', async () => {
    await page.getByLabel('地区（名称或行政区划代码）').fill('不存在的地方');
    await page.getByLabel('近一年交通违法（三超一疲劳）不少于').fill('三次');
    await page.getByRole('button', { name: '查询', exact: true }).click();
    await expect.poll(() => fieldError(page, 'violationsMin').textContent()).toContain('整数');
    await page.getByLabel('近一年交通违法（三超一疲劳）不少于').fill('');
    await page.getByRole('button', { name: '查询', exact: true }).click();
    await expect.poll(() => fieldError(page, 'region').textContent()).toContain('未找到名为“不存在的地方”的行政区划');
    await page.getByLabel('地区（名称或行政区划代码）').fill('4299');
    await page.getByRole('button', { name: '查询', exact: true }).click();
    await expect.poll(() => fieldError(page, 'region').textContent()).toContain('未找到代码为“4299”的行政区划');
    const text = (await page.locator('main').textContent())!;
    expect(text).not.toMatch(/[{}]|Error|BAD_USER_INPUT|at \w+ \(/);
    await screenshot(page, 'analyst-01-bad-input');
  });

  it('runs a cross-department query: a region by name, a department and risk tiers; the table shows exactly the answer', async () => {
    await page.getByLabel('地区（名称或行政区划代码）').fill(city.name);
    await page.getByLabel('涉及部门').selectOption('EMERGENCY');
    for (const t of tiers) await page.getByLabel(TIER_LABEL[t]!, { exact: true }).check();
    await page.getByRole('button', { name: '查询', exact: true }).click();
    await expect
      .poll(() => page.locator('.panel-head h2').filter({ hasText: '查询结果' }).textContent())
      .toBe(`查询结果（共 ${expectedCodes.length} 家企业）`);
    expect(await page.locator('[data-field="region"] .field-hint').textContent()).toContain(`（${city.code}，地级）`);
    const table = page.getByTestId('result-table');
    const shown = (await table.locator('tbody tr td:first-child').allTextContents()).map((s) => s.trim());
    expect(shown.length).toBe(Math.min(20, expectedCodes.length));
    for (const c of shown) expect(expectedCodes).toContain(c);
    // every row in the chosen tiers
    for (const tier of await table.locator('tbody tr td:last-child').allTextContents())
      expect(tiers.map((t) => TIER_LABEL[t])).toContain(tier.trim());
    if (expectedCodes.length > 20) {
      await table.getByRole('button', { name: '下一页' }).click();
      await expect.poll(() => table.locator('.pager span').textContent()).toContain('第 2/');
      const second = (await table.locator('tbody tr td:first-child').allTextContents()).map((s) => s.trim());
      for (const c of second) expect(expectedCodes).toContain(c);
      expect(second.some((c) => shown.includes(c))).toBe(false);
      await table.getByRole('button', { name: '上一页' }).click();
    }
    await screenshot(page, 'analyst-02-results');
  });

  it('shows the group-by statistics as a table and a drawn chart', async () => {
    const stats = page.getByTestId('stats-table');
    await stats.locator('tbody tr').first().waitFor();
    const counts = (await stats.locator('tbody tr td:nth-child(2)').allTextContents()).map(Number);
    // grouped by risk tier: the groups add up to the result, one group per tier asked for at most
    expect(counts.reduce((a, b) => a + b, 0)).toBe(expectedCodes.length);
    const groups = (await stats.locator('tbody tr td:first-child').allTextContents()).map((s) => s.trim());
    for (const g of groups) expect(tiers.map((t) => TIER_LABEL[t])).toContain(g);
    const canvas = page.getByTestId('stats-chart').locator('canvas');
    await canvas.first().waitFor();
    // the canvas has pixels drawn: bars, axes and Chinese labels (not a blank surface)
    const painted = await canvas.first().evaluate((el) => {
      const c = el as unknown as {
        width: number;
        height: number;
        getContext(k: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } };
      };
      const ctx = c.getContext('2d');
      const { data } = ctx.getImageData(0, 0, c.width, c.height);
      let n = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
      return { n, w: c.width, h: c.height };
    });
    expect(painted.w).toBeGreaterThan(100);
    expect(painted.n).toBeGreaterThan(1000);
    // another dimension: the region at county level, still adding up to the result
    await page.getByLabel('分组维度').selectOption('REGION_COUNTY');
    await expect.poll(async () => await stats.locator('thead th').first().textContent()).toBe('地区（县级）');
    await expect
      .poll(async () =>
        (await stats.locator('tbody tr td:first-child').allTextContents()).every(
          (t) => t.includes(city.name) || t.trim().startsWith(city.prefix),
        ),
      )
      .toBe(true);
    await page.getByLabel('分组维度').selectOption('RISK_TIER');
    await screenshot(page, 'analyst-03-stats-chart');
  });

  it('downloads the result as CSV through the browser: BOM, Chinese headers, codes as text, no person-name column', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '下载 CSV' }).click()]);
    expect(download.suggestedFilename()).toBe('企业名单.csv');
    const bytes = fs.readFileSync((await download.path())!);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.subarray(3).toString('utf8');
    const lines = text.trimEnd().split(/\r?\n/);
    const headers = lines[0]!.split(',');
    expect(headers.slice(0, 4)).toEqual(['统一社会信用代码', '企业名称', '企业类型', '登记状态']);
    expect(headers).toContain('行政区划代码');
    expect(headers).not.toContain('法定代表人');
    expect(lines.length - 1).toBe(expectedCodes.length);
    // each code cell: quoted, the code first, a closing tab (Excel keeps it text; nothing in front of it)
    const codes = lines.slice(1).map((l) => /^"([0-9A-Z]{18})\t"/.exec(l)?.[1]);
    expect(codes.sort()).toEqual(expectedCodes);
    await expect.poll(() => page.getByTestId('export-bar').textContent()).toContain('已下载 企业名单.csv');
    await screenshot(page, 'analyst-04-downloaded');
    expect(analyst.foreignRequests()).toEqual([]);
  });
});

describe('the enterprise profile 企业画像', () => {
  let inspector: HubBrowserContext;
  let page: Page;

  it('normalises a code typed in lower case, full-width and with spaces, and shows the canonical code', async () => {
    inspector = await context();
    page = await signInThroughForm(inspector, 'inspector');
    await page.getByRole('link', { name: '企业画像' }).click();
    const fullWidth = profileCode
      .slice(0, 6)
      .toLowerCase()
      .replace(/[0-9a-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
    const typed = `${fullWidth} ${profileCode.slice(6).toLowerCase()}`;
    const input = page.getByLabel('统一社会信用代码或企业名称');
    await input.fill(typed);
    await input.blur();
    await expect.poll(() => input.inputValue()).toBe(profileCode);
    await expect
      .poll(() => page.getByRole('form', { name: '查询企业' }).textContent(), { timeout: 5000 })
      .toContain(`已规范为：${profileCode}`);
    await page.getByRole('button', { name: '查询', exact: true }).click();
    // a client-side route change: no load event to wait for, so poll the address
    await expect.poll(() => new URL(page.url()).pathname).toBe(`/enterprise/${profileCode}`);
    await expect.poll(() => page.getByTestId('canonical-code').textContent()).toBe(profileCode);
  });

  it('shows the five department sections, each with its source and freshness, and masked personal data', async () => {
    const depts = page.getByTestId('departments');
    for (const [d, zh] of [
      ['MARKET', '市场监管'],
      ['HOUSING', '住房城乡建设'],
      ['EMERGENCY', '应急管理'],
      ['TRANSPORT', '交通运输'],
      ['FIRE', '消防救援'],
    ]) {
      const panel = depts.locator('.panel').filter({ has: page.getByTestId(`dept-${d}`) });
      expect(await panel.locator('.panel-head h2').textContent()).toBe(zh);
      const fresh = (await panel.getByTestId('freshness').textContent())!;
      expect(fresh).toMatch(/数据时间：\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
      expect(fresh).toContain('库存数据');
    }
    // ID numbers only masked (persons' ID cells are the only <code> in tables here)
    expect(await page.locator('td code').filter({ hasText: '*' }).count()).toBeGreaterThan(0);
    expect(
      await page
        .locator('td code')
        .filter({ hasText: /^\d{17}[\dX]$/ })
        .count(),
    ).toBe(0);
    await screenshot(page, 'analyst-05-profile');
  });

  it('a department system down: its section says so in Chinese (stored copy shown), the other four read live', async () => {
    const sim = hub.simulators.get('emergency')!;
    await sim.setFaults({ mode: 'error' });
    try {
      await page.getByLabel('实时读取各部门系统').check();
      const emergency = page.getByTestId('dept-EMERGENCY');
      await expect
        .poll(() => emergency.locator('.notice-warning').textContent(), { timeout: 15_000 })
        .toContain('应急管理系统实时读取失败');
      const panel = (d: string) =>
        page
          .getByTestId('departments')
          .locator('.panel')
          .filter({ has: page.getByTestId(`dept-${d}`) });
      expect(await panel('EMERGENCY').getByTestId('freshness').textContent()).toContain('实时读取失败，显示库存数据');
      for (const d of ['MARKET', 'HOUSING', 'TRANSPORT', 'FIRE']) {
        expect(await panel(d).getByTestId('freshness').textContent()).toContain('实时数据');
        expect(await page.getByTestId(`dept-${d}`).locator('.notice').count()).toBe(0);
      }
      await screenshot(page, 'analyst-06-source-down');
    } finally {
      await sim.setFaults({ mode: 'none' });
    }
    expect(inspector.foreignRequests()).toEqual([]);
  });
});

describe('who may open the workspace', () => {
  it('an officer opening /analyst gets 无权访问 with their role, and no 分析 menu entry', async () => {
    const ctx = await context();
    const p = await signInThroughForm(ctx, 'officer');
    await p.goto('/analyst');
    const forbidden = p.getByTestId('forbidden');
    await forbidden.waitFor();
    expect(await forbidden.textContent()).toContain('无权访问');
    expect(await forbidden.textContent()).toContain('许可审批经办人');
    expect(await p.locator('.app-nav').textContent()).not.toContain('分析');
    await screenshot(p, 'analyst-07-officer-forbidden');
    expect(ctx.foreignRequests()).toEqual([]);
  });
});
