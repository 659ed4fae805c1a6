/**
 * The console end to end, as an officer uses it (issue 16): sign in through the form, check a blacklisted
 * applicant found by name suggestion, see DENY and the hit, try to record feedback contradicting the
 * decision (refused in Chinese next to the field), record proper feedback (已完成), print the record; an
 * officer of another office cannot record feedback on it; an analyst opening the workbench gets 无权访问;
 * a bad credit code is explained in Chinese next to the field. Real hub (generated world, full sync), real
 * Chromium; no page may ask any host but the hub. Screenshots: tests/artifacts/officer-*.png.
 *
 * Expected values come from the world's truth, not from the hub: the applicant is the generator's planted
 * 安全生产失信联合惩戒名单 enterprise (src/generator/planted.ts), its entry read back from the generator,
 * and the matter is one for which the measures catalogue has a denying measure for that list.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MATTER_ZH } from '../console/src/labels.js';
import { ensureConsoleBuilt } from '../scripts/console-build.js';
import type { ListEntryRecord } from '../src/domain/canonical.js';
import { creditCodeCheckChar } from '../src/domain/codes.js';
import { worldParams, worldSlice } from '../src/generator/generate.js';
import {
  CONSOLE_TEST_PASSWORD,
  type HubBrowser,
  type HubBrowserContext,
  launchHubBrowser,
  screenshot,
  signInThroughForm,
} from './support/browser.js';
import { startHubFixture, type HubFixture } from './support/hub-fixture.js';
import { createTestUser } from './support/session.js';

const PASSWORD = CONSOLE_TEST_PASSWORD;
const CASE_NUMBER = 'XK-2026-000123';

let hub: HubFixture;
let browser: HubBrowser | undefined;
let applicant: { creditCode: string; name: string };
let entry: ListEntryRecord;
let matter: string;
let matterZh: string;
let checkId: string;

const fieldError = (page: Page, field: string) => page.locator(`[data-field="${field}"] .field-error`);

beforeAll(async () => {
  ensureConsoleBuilt({ quiet: true });
  hub = await startHubFixture();
  const sc = hub.generated.scenarios;
  const planted = sc.enterprises['list.SAFETY_DISHONEST']!;
  applicant = { creditCode: planted.creditCode, name: planted.name };
  const p = worldParams({ enterprises: sc.size, seed: sc.seed, today: sc.today });
  entry = worldSlice(p, planted.index, planted.index + 1)
    .flatMap((i) => (i.record.kind === 'list_entry' ? [i.record] : []))
    .find((r) => r.list === 'SAFETY_DISHONEST')!;
  // a matter for which the catalogue has a mandatory denying measure against this list, on enterprises
  const [m] = (await hub.ds.query(
    `SELECT unnest(matters) AS matter FROM measure WHERE active AND effect = 'DENY' AND 'SAFETY_DISHONEST' = ANY(trigger_lists)
       AND 'ENTERPRISE' = ANY(subject_types) ORDER BY 1 LIMIT 1`,
  )) as { matter: string }[];
  matter = m!.matter;
  matterZh = MATTER_ZH[matter]!;
  await createTestUser(hub.ds, 'officer', PASSWORD, {
    name: '陈晓明',
    roles: ['licensing_officer'],
    office: 'WH-JX-XK',
    officeName: '武汉市江夏区行政审批局',
  });
  await createTestUser(hub.ds, 'officer2', PASSWORD, {
    name: '刘芳',
    roles: ['licensing_officer'],
    office: 'WH-HS-XK',
    officeName: '武汉市洪山区行政审批局',
  });
  await createTestUser(hub.ds, 'analyst', PASSWORD, {
    name: '王建国',
    roles: ['analyst'],
    department: 'SAFETY_COMMITTEE',
    office: 'HB-AWB',
    officeName: '湖北省安全生产委员会办公室',
  });
  browser = await launchHubBrowser();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await hub?.close();
});

const context = (): Promise<HubBrowserContext> => browser!.context(hub.url);

describe('the officer workbench 联合惩戒核查', () => {
  let officer: HubBrowserContext;
  let page: Page;

  it('serves the console at / with no-store, a CSP without inline scripts and no framing', async () => {
    officer = await context();
    page = await officer.newPage();
    const res = await page.goto('/officer');
    expect(res!.status()).toBe(200);
    const h = res!.headers();
    expect(h['cache-control']).toBe('no-store');
    const directives = h['content-security-policy']!.split(';').map((d) => d.trim());
    // only the console's own script files: no inline script, no eval, no other host
    expect(directives.filter((d) => d.startsWith('script-src'))).toEqual(["script-src 'self'"]);
    expect(directives).toContain("default-src 'self'");
    expect(h['x-frame-options']).toBe('DENY');
    expect(h['x-content-type-options']).toBe('nosniff');
    // signed out: the guard sends the officer to the sign-in page
    await page.waitForURL('**/login');
  });

  it('sign-in explains missing and wrong credentials next to the field, in Chinese', async () => {
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await expect.poll(() => fieldError(page, 'username').textContent()).toContain('请输入用户名');
    await expect.poll(() => fieldError(page, 'password').textContent()).toContain('请输入密码');
    await page.getByLabel('用户名').fill('officer');
    await page.getByLabel('密码').fill('not-the-password');
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await expect.poll(() => fieldError(page, 'password').textContent()).toMatch(/用户名或密码(错误|不正确)/);
    await screenshot(page, 'officer-01-login-error');
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.waitForURL('**/officer');
    const box = page.getByTestId('user-box');
    await expect.poll(() => box.textContent()).toContain('陈晓明');
    expect(await box.textContent()).toContain('许可审批经办人');
    expect(await box.textContent()).toContain('武汉市江夏区行政审批局');
    await screenshot(page, 'officer-02-workbench');
  });

  it('a credit code with a wrong check character is explained next to the field, with the expected character', async () => {
    const wrong = applicant.creditCode.slice(0, 17) + (applicant.creditCode[17] === '0' ? '1' : '0');
    const expected = creditCodeCheckChar(applicant.creditCode.slice(0, 17));
    const input = page.getByLabel('申请人（统一社会信用代码或企业名称）');
    // typed in lower case with a space: the field shows the canonical form before anything is sent
    await input.fill(`${wrong.slice(0, 9).toLowerCase()} ${wrong.slice(9).toLowerCase()}`);
    await input.blur();
    await expect.poll(() => input.inputValue()).toBe(wrong);
    await expect.poll(() => fieldError(page, 'applicant').textContent()).toContain(`应为“${expected}”`);
    // sent anyway (the server judges): still refused, in Chinese, next to the field
    await page.getByLabel('许可事项').selectOption(matter);
    await page.getByRole('button', { name: '开始核查' }).click();
    await expect.poll(() => fieldError(page, 'applicant').textContent()).toMatch(/[\u4e00-\u9fff]/);
    expect(await fieldError(page, 'applicant').textContent()).not.toMatch(/[{}]|Error|at \w+ \(/);
    await screenshot(page, 'officer-03-bad-code');
  });

  it('finds the blacklisted applicant by name suggestion and the check denies with the list hit', async () => {
    const input = page.getByLabel('申请人（统一社会信用代码或企业名称）');
    // the distinctive part of the name, as an officer types it (no legal form)
    await input.fill(applicant.name.replace(/(股份有限公司|有限责任公司|有限公司|集团公司|公司|厂|店)$/, ''));
    const suggestion = page.getByRole('listbox', { name: '候选企业' }).getByRole('button').filter({ hasText: applicant.creditCode });
    await suggestion.waitFor();
    await screenshot(page, 'officer-04-suggestions');
    await suggestion.click();
    await page.getByLabel('申请事项编号').fill(CASE_NUMBER);
    await page.getByRole('button', { name: '开始核查' }).click();
    await page.waitForURL('**/officer/checks/*');
    checkId = page.url().split('/').pop()!;
    const decision = page.getByTestId('decision');
    await expect.poll(() => decision.getAttribute('data-decision')).toBe('DENY');
    expect(await decision.textContent()).toContain('不予许可');
    const hits = page.getByTestId('hits');
    const hitRow = hits.locator('tbody tr').filter({ hasText: entry.decisionNumber });
    expect(await hitRow.count()).toBe(1);
    const text = (await hitRow.textContent())!;
    expect(text).toContain('安全生产失信联合惩戒名单');
    expect(text).toContain('应急管理');
    expect(text).toContain(entry.reason);
    expect(await page.getByTestId('check-status').textContent()).toContain('待反馈');
    expect(await page.locator('.kv').textContent()).toContain(matterZh);
    expect(await page.locator('.kv').textContent()).toContain(CASE_NUMBER);
    // the check waits in "my checks awaiting feedback"
    await expect.poll(() => page.getByTestId('awaiting').textContent()).toContain(applicant.name);
    await screenshot(page, 'officer-05-deny');
  });

  it('feedback contradicting the decision (准予许可 after 不予许可) is refused in Chinese next to the field', async () => {
    const form = page.getByTestId('feedback-form');
    await form.getByLabel('准予许可').check();
    await form.getByRole('button', { name: '提交反馈' }).click();
    await expect.poll(() => fieldError(page, 'action').textContent()).toContain('不予许可');
    expect(await fieldError(page, 'action').textContent()).toMatch(/不能反馈为准予许可|不能/);
    expect(await page.getByTestId('check-status').textContent()).toContain('待反馈');
    await screenshot(page, 'officer-06-feedback-refused');
  });

  it('recording the measures applied completes the check (已完成), with the recorder in the history', async () => {
    const form = page.getByTestId('feedback-form');
    await form.getByLabel('已实施惩戒措施').check();
    // mandatory measures come pre-ticked; every measure of the check is listed
    const boxes = form.locator('[data-field="measuresApplied"] input[type=checkbox]');
    expect(await boxes.count()).toBeGreaterThan(0);
    await form.getByRole('button', { name: '提交反馈' }).click();
    await expect.poll(() => page.getByTestId('check-status').textContent()).toContain('已完成');
    const history = page.getByTestId('feedback-history');
    expect(await history.textContent()).toContain('已实施惩戒措施');
    expect(await history.textContent()).toContain('陈晓明');
    await expect
      .poll(
        async () =>
          (await page.getByTestId('awaiting').count()) === 0 ||
          !(await page.getByTestId('awaiting').textContent())!.includes(applicant.name),
      )
      .toBe(true);
    await screenshot(page, 'officer-07-done');
  });

  it('amending feedback (更正) needs a reason and keeps the first feedback in the history', async () => {
    await page.getByRole('button', { name: '更正反馈' }).click();
    const form = page.getByTestId('feedback-form');
    await form.getByLabel('不予许可').check();
    await form.getByRole('button', { name: '保存更正' }).click();
    await expect.poll(() => fieldError(page, 'note').textContent()).toContain('更正理由');
    await form.getByLabel('更正理由').fill('申请已按不予许可办结');
    await form.getByRole('button', { name: '保存更正' }).click();
    const items = page.getByTestId('feedback-history').locator('li');
    await expect.poll(() => items.count()).toBe(2);
    expect(await items.nth(0).textContent()).toContain('已更正');
    expect(await items.nth(1).textContent()).toContain('不予许可');
    expect(await items.nth(1).textContent()).toContain('更正第 1 条');
    expect(await page.getByTestId('check-status').textContent()).toContain('已完成');
    await screenshot(page, 'officer-07b-amended');
  });

  it('prints the record with the case number, the officer and the decision in Chinese', async () => {
    const [print] = await Promise.all([officer.context.waitForEvent('page'), page.getByRole('link', { name: '打印核查记录' }).click()]);
    await print.waitForLoadState();
    expect(print.url()).toBe(`${hub.url}/checks/${checkId}`);
    const body = (await print.locator('body').textContent())!;
    expect(body).toContain(`申请事项编号：${CASE_NUMBER}`);
    expect(body).toContain('经办人：陈晓明');
    expect(body).toContain('核查结论：不予许可');
    expect(body).toContain(entry.decisionNumber);
    await screenshot(print, 'officer-08-print');
    await print.close();
    expect(officer.foreignRequests()).toEqual([]);
  });

  it("反馈率统计 shows the officer's office: one check, with feedback", async () => {
    await page.getByRole('link', { name: '反馈率统计' }).click();
    const row = page.getByTestId('feedback-stats').locator('tbody tr').filter({ hasText: 'WH-JX-XK' });
    await row.waitFor();
    const cells = await row.locator('td').allTextContents();
    // 办理机构, 核查数, 已反馈, 待反馈, 反馈率: the one check this office ran today has its feedback
    expect(cells.slice(1, 4)).toEqual(['1', '1', '0']);
    expect(cells[4]).toContain('100.0%');
    await screenshot(page, 'officer-09-stats');
  });

  it('an officer of another office cannot record feedback on the check (Chinese message, no form)', async () => {
    const other = await context();
    const p2 = await signInThroughForm(other, 'officer2');
    await p2.goto(`/officer/checks/${checkId}`);
    const notice = p2.locator('.notice-error');
    await notice.waitFor();
    expect(await notice.textContent()).toMatch(/不属于您的办理机构|未找到该核查记录/);
    expect(await p2.getByTestId('feedback-form').count()).toBe(0);
    // nor through the API with the page's own session: the server refuses, in Chinese
    const answer = await p2.evaluate(async (id) => {
      const s = (await (await fetch('/api/session')).json()) as { csrfToken: string };
      const r = await fetch('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': s.csrfToken },
        body: JSON.stringify({
          query: 'mutation($id: ID!) { recordCheckFeedback(checkId: $id, action: MEASURES_APPLIED, measuresApplied: []) { id } }',
          variables: { id },
        }),
      });
      return (await r.json()) as { errors?: { extensions?: { code?: string; messageZh?: string } }[] };
    }, checkId);
    expect(answer.errors?.[0]?.extensions?.code).toMatch(/FORBIDDEN|NOT_FOUND/);
    expect(answer.errors?.[0]?.extensions?.messageZh).toMatch(/[\u4e00-\u9fff]/);
    await screenshot(p2, 'officer-10-other-office');
    expect(other.foreignRequests()).toEqual([]);
  });

  it('an analyst opening the workbench gets 无权访问 with their role', async () => {
    const ctx = await context();
    const p3 = await signInThroughForm(ctx, 'analyst');
    expect(new URL(p3.url()).pathname).toBe('/analyst');
    await p3.goto('/officer');
    const forbidden = p3.getByTestId('forbidden');
    await forbidden.waitFor();
    expect(await forbidden.textContent()).toContain('无权访问');
    expect(await forbidden.textContent()).toContain('数据分析人员');
    // the menu offers no workbench to an analyst
    expect(await p3.locator('.app-nav').textContent()).not.toContain('联合惩戒核查');
    await screenshot(p3, 'officer-11-analyst-forbidden');
    expect(ctx.foreignRequests()).toEqual([]);
  });
});
