/**
 * The REST facade for approval systems (issue 16.3): get a check, record feedback, list by case number,
 * JSON errors with GraphQL's codes (never Express HTML), and the OpenAPI document — served without a
 * token and linted by @redocly/cli's recommended rules.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScenarioIndex } from '../src/generator/planted.js';
import type { Role } from '../src/security/roles.js';
import { startHubFixture, type HubFixture } from './support/hub-fixture.js';
import { bearer, mintToken } from './support/auth.js';

const OFFICE_A = 'HB-WH-ZJ-XK';
let hub: HubFixture;
let sc: ScenarioIndex;
let officer: Record<string, string>;
let otherOffice: Record<string, string>;
const code = (key: string) => sc.enterprises[key]!.creditCode;
const token = async (roles: Role[], subject: string, office: string | null, name: string | null) =>
  bearer(await mintToken(roles, { subject, office, name, ttl: '12h' }));

interface ErrorBody {
  error: { code: string; message: string; messageZh?: string; field?: string; reason?: string };
}

const api = (p: string, init: { method?: string; headers?: Record<string, string>; body?: unknown; raw?: string } = {}) =>
  fetch(`${hub.url}${p}`, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.body !== undefined || init.raw !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(init.headers ?? officer),
    },
    body: init.raw ?? (init.body !== undefined ? JSON.stringify(init.body) : undefined),
  });

/** A JSON error answer with the status and code expected (never HTML), with a Chinese sentence (401 comes from authentication, English only). */
async function expectError(res: Response, status: number, code: string): Promise<ErrorBody['error']> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/application\/json/);
  const body = (await res.json()) as ErrorBody;
  expect(body.error.code).toBe(code);
  expect(body.error.message).toBeTruthy();
  if (status !== 401) expect(body.error.messageZh).toMatch(/[\u4e00-\u9fff]/);
  return body.error;
}

beforeAll(async () => {
  hub = await startHubFixture();
  sc = hub.generated.scenarios;
  officer = await token(['licensing_officer'], 'rest-officer-a', OFFICE_A, '周敏');
  otherOffice = await token(['licensing_officer'], 'rest-officer-b', 'HB-YC-XK', '吴刚');
}, 300_000);

afterAll(async () => {
  await hub?.close();
});

describe('checks and feedback over REST', () => {
  it('runs a check with a case number, gets it by id, lists it by case number, records feedback', async () => {
    const caseNumber = `REST-${randomUUID().slice(0, 8)}`;
    const created = await api('/api/v1/joint-punishment-checks', {
      method: 'POST',
      body: { creditCode: code('list.CONSTRUCTION_BLACKLIST'), matter: 'CONSTRUCTION_QUALIFICATION', caseNumber },
    });
    expect(created.status).toBe(201);
    const check = (await created.json()) as {
      checkId: string;
      decision: string;
      caseNumber: string;
      office: string;
      checkedByName: string;
      feedbackStatus: string;
      measures: { code: string; mandatory: boolean }[];
    };
    expect(check).toMatchObject({ decision: 'DENY', caseNumber, office: OFFICE_A, checkedByName: '周敏', feedbackStatus: 'AWAITING' });

    const got = await api(`/api/v1/joint-punishment-checks/${check.checkId}`);
    expect(got.status).toBe(200);
    expect(got.headers.get('cache-control')).toBe('no-store');
    expect(await got.json()).toEqual(check);

    const listed = await api(`/api/v1/joint-punishment-checks?caseNumber=${encodeURIComponent(caseNumber)}`);
    expect(listed.status).toBe(200);
    const page = (await listed.json()) as { totalCount: number; items: { checkId: string }[]; pageInfo: { hasNextPage: boolean } };
    expect(page.totalCount).toBe(1);
    expect(page.items.map((i) => i.checkId)).toEqual([check.checkId]);
    expect(page.pageInfo.hasNextPage).toBe(false);

    // the feedback rules are GraphQL's: a DENY check is not granted
    const granted = await api(`/api/v1/joint-punishment-checks/${check.checkId}/feedback`, { method: 'POST', body: { action: 'GRANTED' } });
    const e = await expectError(granted, 400, 'BAD_USER_INPUT');
    expect(e).toMatchObject({
      reason: 'DECISION_CONTRADICTED',
      field: 'action',
      messageZh: '该核查结论为不予许可（DENY），不能反馈为准予许可',
    });

    const mandatory: { code: string }[] = await hub.ds.query(
      `SELECT code FROM measure WHERE active AND mandatory AND 'CONSTRUCTION_BLACKLIST' = ANY(trigger_lists) AND 'CONSTRUCTION_QUALIFICATION' = ANY(matters) ORDER BY code`,
    );
    const fb = await api(`/api/v1/joint-punishment-checks/${check.checkId}/feedback`, {
      method: 'POST',
      body: { action: 'REFUSED', note: '黑名单在列', measuresApplied: mandatory.map((m) => m.code) },
    });
    expect(fb.status).toBe(201);
    const row = (await fb.json()) as { id: string; action: string; recordedByName: string; office: string; amends: string | null };
    expect(row).toMatchObject({ action: 'REFUSED', recordedByName: '周敏', office: OFFICE_A, amends: null });

    // an amendment names what it amends (a number or a string id both work), with a note
    const stale = await api(`/api/v1/joint-punishment-checks/${check.checkId}/feedback`, {
      method: 'POST',
      body: { action: 'MEASURES_APPLIED', note: '更正', measuresApplied: mandatory.map((m) => m.code) },
    });
    expect((await expectError(stale, 400, 'BAD_USER_INPUT')).reason).toBe('AMENDS_REQUIRED');
    const amended = await api(`/api/v1/joint-punishment-checks/${check.checkId}/feedback`, {
      method: 'POST',
      body: {
        action: 'MEASURES_APPLIED',
        note: '更正为已实施惩戒措施',
        measuresApplied: mandatory.map((m) => m.code),
        amends: Number(row.id),
      },
    });
    expect(amended.status).toBe(201);
    expect(((await amended.json()) as { amends: string }).amends).toBe(row.id);

    const awaiting = await api(`/api/v1/joint-punishment-checks?caseNumber=${encodeURIComponent(caseNumber)}&awaitingFeedback=true`);
    expect(((await awaiting.json()) as { totalCount: number }).totalCount).toBe(0);
    const after = (await (await api(`/api/v1/joint-punishment-checks/${check.checkId}`)).json()) as {
      feedbackStatus: string;
      feedback: { amends: string | null }[];
    };
    expect(after.feedbackStatus).toBe('RECORDED');
    expect(after.feedback.map((f) => f.amends)).toEqual([null, row.id]);

    // another office: not found when read, refused when recording
    await expectError(await api(`/api/v1/joint-punishment-checks/${check.checkId}`, { headers: otherOffice }), 404, 'NOT_FOUND');
    const other = await api(`/api/v1/joint-punishment-checks/${check.checkId}/feedback`, {
      method: 'POST',
      headers: otherOffice,
      body: { action: 'REFUSED', note: 'x', measuresApplied: mandatory.map((m) => m.code) },
    });
    expect((await expectError(other, 403, 'FORBIDDEN')).reason).toBe('NOT_OWN_OFFICE');
    const page2 = (await (
      await api(`/api/v1/joint-punishment-checks?caseNumber=${encodeURIComponent(caseNumber)}`, { headers: otherOffice })
    ).json()) as { totalCount: number };
    expect(page2.totalCount).toBe(0);
  });

  it('pages with first/after', async () => {
    const caseNumber = `PAGE-${randomUUID().slice(0, 8)}`;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await api('/api/v1/joint-punishment-checks', {
        method: 'POST',
        body: { creditCode: code('clean.general'), matter: 'PUBLIC_BIDDING', caseNumber },
      });
      ids.push(((await r.json()) as { checkId: string }).checkId);
    }
    const seen: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 5; pages++) {
      const q: string = `/api/v1/joint-punishment-checks?caseNumber=${caseNumber}&first=2${after ? `&after=${encodeURIComponent(after)}` : ''}`;
      const page = (await (await api(q)).json()) as {
        totalCount: number;
        items: { checkId: string }[];
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
      expect(page.totalCount).toBe(3);
      seen.push(...page.items.map((i) => i.checkId));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen.sort()).toEqual(ids.sort());
  });
});

describe("errors are JSON with GraphQL's codes", () => {
  it('400 bad input (fields, malformed JSON, bad id), 401, 403, 404 (unknown check, unknown /api path)', async () => {
    const badCase = await api('/api/v1/joint-punishment-checks', {
      method: 'POST',
      body: { creditCode: code('clean.general'), matter: 'PUBLIC_BIDDING', caseNumber: '<b>' },
    });
    expect((await expectError(badCase, 400, 'BAD_USER_INPUT')).field).toBe('input.caseNumber');
    await expectError(
      await api('/api/v1/joint-punishment-checks', { method: 'POST', body: { creditCode: code('clean.general'), matter: 'NOT_A_MATTER' } }),
      400,
      'BAD_USER_INPUT',
    );
    // a malformed body answers as on /graphql (BAD_REQUEST), naming the reason
    const malformed = await expectError(
      await api('/api/v1/joint-punishment-checks', { method: 'POST', raw: '{"matter": ' }),
      400,
      'BAD_REQUEST',
    );
    expect(malformed.reason).toBe('MALFORMED_JSON');
    await expectError(
      await api('/api/v1/joint-punishment-checks/not-a-uuid/feedback', { method: 'POST', raw: '{nope' }),
      400,
      'BAD_REQUEST',
    );
    expect((await expectError(await api('/api/v1/joint-punishment-checks/not-a-uuid'), 400, 'BAD_USER_INPUT')).field).toBe('id');
    await expectError(await api('/api/v1/joint-punishment-checks?first=-1'), 400, 'BAD_USER_INPUT');
    await expectError(await api('/api/v1/joint-punishment-checks?after=garbage'), 400, 'BAD_USER_INPUT');
    await expectError(
      await api(`/api/v1/joint-punishment-checks/${randomUUID()}/feedback`, { method: 'POST', body: { action: 'SOMETHING' } }),
      400,
      'BAD_USER_INPUT',
    );

    await expectError(await api(`/api/v1/joint-punishment-checks/${randomUUID()}`, { headers: {} }), 401, 'UNAUTHENTICATED');
    await expectError(
      await api('/api/v1/joint-punishment-checks', { method: 'POST', headers: {}, body: { matter: 'PUBLIC_BIDDING' } }),
      401,
      'UNAUTHENTICATED',
    );
    const analyst = await token(['analyst'], 'rest-analyst', null, null);
    await expectError(await api(`/api/v1/joint-punishment-checks?caseNumber=x`, { headers: analyst }), 403, 'FORBIDDEN');
    await expectError(
      await api(`/api/v1/joint-punishment-checks/${randomUUID()}/feedback`, {
        method: 'POST',
        headers: analyst,
        body: { action: 'GRANTED' },
      }),
      403,
      'FORBIDDEN',
    );

    await expectError(await api(`/api/v1/joint-punishment-checks/${randomUUID()}`), 404, 'NOT_FOUND');
    await expectError(
      await api(`/api/v1/joint-punishment-checks/${randomUUID()}/feedback`, { method: 'POST', body: { action: 'GRANTED' } }),
      404,
      'NOT_FOUND',
    );
    await expectError(await api('/api/v1/no-such-thing'), 404, 'NOT_FOUND');
    await expectError(await api('/api/v2/joint-punishment-checks', { method: 'POST', body: {} }), 404, 'NOT_FOUND');
  });
});

describe('the OpenAPI document', () => {
  type Op = { operationId?: string; tags?: string[]; security?: unknown[]; responses: Record<string, unknown> };
  let doc: {
    servers: { url: string }[];
    security: Record<string, string[]>[];
    tags: { name: string }[];
    paths: Record<string, Record<string, Op>>;
    components: {
      securitySchemes: Record<string, { type: string; in?: string; name?: string; scheme?: string; bearerFormat?: string }>;
      responses: Record<string, unknown>;
    };
  };

  it('is served without a token', async () => {
    const res = await fetch(`${hub.url}/api/v1/openapi.json`);
    expect(res.status).toBe(200);
    doc = (await res.json()) as typeof doc;
  });

  it('has servers, the three ways to authenticate, operationIds, tags and the error responses on every secured operation', () => {
    expect(doc.servers.length).toBeGreaterThan(0);
    expect(doc.servers[0]!.url).toBe(hub.url);
    const schemes = doc.components.securitySchemes;
    expect(Object.values(schemes)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }),
        expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-API-Key' }),
        expect.objectContaining({ type: 'apiKey', in: 'cookie', name: 'hub_session' }),
        expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-CSRF-Token' }),
      ]),
    );
    expect(doc.security.length).toBe(3);
    const ops = Object.entries(doc.paths).flatMap(([p, item]) =>
      Object.entries(item).map(([m, op]) => ({ where: `${m.toUpperCase()} ${p}`, op })),
    );
    expect(ops.map((o) => o.where).sort()).toEqual([
      'GET /api/v1/joint-punishment-checks',
      'GET /api/v1/joint-punishment-checks/{id}',
      'GET /api/v1/openapi.json',
      'GET /checks/{id}',
      'POST /api/v1/joint-punishment-checks',
      'POST /api/v1/joint-punishment-checks/{id}/feedback',
    ]);
    const ids = ops.map((o) => o.op.operationId);
    expect(new Set(ids).size).toBe(ops.length);
    for (const { where, op } of ops) {
      expect(op.operationId, where).toBeTruthy();
      expect(op.tags?.length, where).toBeGreaterThan(0);
      const secured = !(Array.isArray(op.security) && op.security.length === 0);
      for (const status of secured ? ['401', '403', '404', '429', '503'] : ['429', '503'])
        expect(Object.keys(op.responses), `${where} ${status}`).toContain(status);
      if (where.startsWith('POST')) expect(Object.keys(op.responses), where).toEqual(expect.arrayContaining(['201', '400']));
    }
  });

  it('passes @redocly/cli lint (recommended rules) with no errors and no warnings', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'openapi-')), 'openapi.json');
    fs.writeFileSync(file, JSON.stringify(doc));
    const bin = path.resolve('node_modules/.bin/redocly');
    // exit code 1 on errors: read the JSON report either way
    const out = await promisify(execFile)(bin, ['lint', file, '--format=json'], { timeout: 120_000 }).catch(
      (e: { stdout: string; code: number }) => ({ stdout: e.stdout, code: e.code }),
    );
    const report = JSON.parse(out.stdout.slice(out.stdout.indexOf('{'))) as {
      totals: { errors: number; warnings: number };
      problems: { ruleId: string; message: string }[];
    };
    expect(report.problems.map((p) => `${p.ruleId}: ${p.message}`)).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }, 150_000);
});
