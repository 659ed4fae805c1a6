/**
 * Cross-department filters, aggregates, key-supervision list and CSV export over a random world stored
 * through the sync path. Every `where` is checked against an independent in-memory evaluation of the
 * same data (tests/analytics-world.ts keeps it as plain objects); aggregates against plain SQL counts.
 */
import { parse } from 'csv-parse/sync';
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withStatementTimeout } from '../src/analytics/query.js';
import { AnalyticsSlots } from '../src/analytics/services.js';
import { loadConfig } from '../src/config.js';
import { recomputeAllRisk } from '../src/risk/service.js';
import { PiiVault } from '../src/security/pii.js';
import { createHubServer, type HubServer } from '../src/server/app.js';
import { openStore } from '../src/store/data-source.js';
import { daysAgo, randomWorld, TODAY, type MemEnterprise } from './analytics-world.js';
import { bearer, mintToken, TEST_JWT_SECRET } from './support/auth.js';
import { createTestDatabase } from './support/db.js';
import { gql, registerToken, type GraphQLResponse } from './support/graphql-client.js';

type W = Record<string, unknown>;
type AnyResponse = GraphQLResponse<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

// ---- the independent evaluator: the documented semantics, in plain TypeScript ----
function likeToRegExp(p: string): RegExp {
  return new RegExp(
    `^${p
      .split('')
      .map((c) => (c === '%' ? '.*' : c === '_' ? '.' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('')}$`,
    's',
  );
}
const norm = (v: unknown): unknown => (typeof v === 'string' && /T\d\d:/.test(v) ? Date.parse(v) : v);
function compare(value: unknown, ops: W): boolean {
  const v = norm(value);
  return Object.entries(ops).every(([op, x]) => {
    if (op === '_isNull') return (value === null || value === undefined) === x;
    if (value === null || value === undefined) return false;
    const y = Array.isArray(x) ? x.map(norm) : norm(x);
    switch (op) {
      case '_eq':
        return v === y;
      case '_neq':
        return v !== y;
      case '_in':
        return (y as unknown[]).includes(v);
      case '_nin':
        return !(y as unknown[]).includes(v);
      case '_gt':
        return (v as number) > (y as number);
      case '_gte':
        return (v as number) >= (y as number);
      case '_lt':
        return (v as number) < (y as number);
      case '_lte':
        return (v as number) <= (y as number);
      case '_like':
        return likeToRegExp(x as string).test(value as string);
      default:
        throw new Error(`op ${op}`);
    }
  });
}
function evalObj(o: Record<string, unknown>, w: W): boolean {
  return Object.entries(w).every(([k, v]) => {
    if (k === '_and') return (v as W[]).every((x) => evalObj(o, x));
    if (k === '_or') return (v as W[]).some((x) => evalObj(o, x));
    if (k === '_not') return !evalObj(o, v as W);
    if (k === 'risk') return Boolean(o.risk) && evalObj(o.risk as Record<string, unknown>, v as W);
    const items = o[k];
    if (Array.isArray(items)) {
      const rel = v as { _some?: W; _none?: W; _count?: W };
      return Object.entries(rel).every(([op, x]) => {
        if (op === '_some') return items.some((i) => evalObj(i, x as W));
        if (op === '_none') return !items.some((i) => evalObj(i, x as W));
        const { where, ...cmp } = x as W;
        const n = items.filter((i) => !where || evalObj(i, where as W)).length;
        return compare(n, cmp);
      });
    }
    return compare(o[k], v as W);
  });
}

describe('cross-department analytics', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let ds: DataSource;
  let server: HubServer;
  let url: string;
  let world: MemEnterprise[];
  const vault = new PiiVault(Buffer.alloc(32, 7));

  beforeAll(async () => {
    db = await createTestDatabase('analytics');
    ds = await openStore(db.url);
    world = await randomWorld(ds, vault, 160, 20261123);
    await recomputeAllRisk(ds);
    // the risk each enterprise got, read with plain SQL (the filter under test reads it through the compiler)
    const risks: { credit_code: string; score: number; tier: string; version: number }[] = await ds.query(
      `SELECT credit_code, score, tier, version FROM enterprise_risk`,
    );
    const byCode = new Map(risks.map((r) => [r.credit_code, r]));
    for (const e of world) {
      const r = byCode.get(e.creditCode);
      e.risk = r ? { score: r.score, tier: r.tier.trim(), version: r.version } : null;
    }
    const config = loadConfig({
      NODE_ENV: 'test',
      HUB_DATA_DIR: '.data/test-analytics',
      HUB_JWT_SECRET: TEST_JWT_SECRET,
      HUB_RATE_LIMIT_POINTS: '0',
      HUB_MAX_PAGE_SIZE: '100',
      HUB_WHERE_MAX_DEPTH: '4',
    });
    server = await createHubServer({ ds, config, vault, connectors: new Map(), log: pino({ level: 'silent' }) });
    url = await server.listen(0, '127.0.0.1');
    registerToken(url, await mintToken(['analyst']));
  });
  afterAll(async () => {
    await server?.close();
    await ds?.destroy();
    await db?.drop();
  });

  /** every credit code the server answers for `where`, page after page */
  async function allCodes(where: W, orderBy?: W, first = 37): Promise<string[]> {
    const out: string[] = [];
    let after: string | null = null;
    for (;;) {
      const res: AnyResponse = await gql(
        url,
        `query($w: EnterpriseWhere, $o: EnterpriseOrderBy, $f: Int, $a: String) {
        enterprises(where: $w, orderBy: $o, first: $f, after: $a) { totalCount nodes { creditCode } pageInfo { hasNextPage endCursor } } }`,
        { w: where, o: orderBy ?? null, f: first, a: after },
      );
      expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
      const c = res.data.enterprises as {
        totalCount: number;
        nodes: { creditCode: string }[];
        pageInfo: { hasNextPage: boolean; endCursor: string };
      };
      out.push(...c.nodes.map((n: { creditCode: string }) => n.creditCode));
      if (!c.pageInfo.hasNextPage) {
        expect(c.totalCount).toBe(out.length);
        return out;
      }
      after = c.pageInfo.endCursor;
    }
  }
  const expected = (w: W) =>
    world
      .filter((e) => evalObj(e as unknown as Record<string, unknown>, w))
      .map((e) => e.creditCode)
      .sort();

  const CASES: [string, W][] = [
    ['_eq on an enum', { status: { _eq: 'ACTIVE' } }],
    ['_neq', { status: { _neq: 'ACTIVE' } }],
    ['_like on a division prefix', { divisionCode: { _like: '4201%' } }],
    ['_like on names (Chinese)', { name: { _like: '%建设%' } }],
    ['_in', { industryCode: { _in: ['E4710', 'G5430'] } }],
    ['_nin', { industryCode: { _nin: ['E4710'] } }],
    ['_gt / _lte on numbers', { registeredCapital: { _gt: 300, _lte: 700 } }],
    ['_gte / _lt on dates', { establishedDate: { _gte: '2010-01-01', _lt: '2020-01-01' } }],
    ['_gt on text', { creditCode: { _gt: '91420106' } }],
    ['_or', { _or: [{ industryCode: { _like: 'E%' } }, { registeredCapital: { _lte: 100 } }] }],
    ['_not', { _not: { status: { _eq: 'ACTIVE' } } }],
    ['_and with _not', { _and: [{ divisionCode: { _like: '42%' } }, { _not: { industryCode: { _eq: 'C1810' } } }] }],
    ['empty _and is true', { _and: [] }],
    ['empty _or is false', { _or: [] }],
    ['risk tier _in', { risk: { tier: { _in: ['C', 'D'] } } }],
    ['risk tier _gt (ordered)', { risk: { tier: { _gt: 'A' } } }],
    ['risk score _gte', { risk: { score: { _gte: 20 } } }],
    ['hidden dangers _some major overdue', { hiddenDangers: { _some: { level: { _eq: 'MAJOR' }, overdue: { _eq: true } } } }],
    ['hidden dangers _none open', { hiddenDangers: { _none: { status: { _neq: 'CLOSED' } } } }],
    [
      'hidden dangers closedDate _isNull false',
      { hiddenDangers: { _some: { closedDate: { _isNull: false }, department: { _eq: 'FIRE' } } } },
    ],
    ['violations _count _gt', { violations: { _count: { _gt: 2 } } }],
    ['violations _count _lt (zero passes)', { violations: { _count: { _lt: 2 } } }],
    ['violations _count _eq 0', { violations: { _count: { _eq: 0 } } }],
    ['violations _count with where', { violations: { _count: { where: { violationKind: { _eq: 'OVERSPEED' } }, _gte: 1 } } }],
    ['violations occurredAt', { violations: { _some: { occurredAt: { _gte: `${daysAgo(90)}T00:00:00Z` } } } }],
    ['violations fine null compares false', { violations: { _some: { _not: { fine: { _gt: 500 } } } } }],
    ['vehicles offline', { vehicles: { _some: { monitoringOnline: { _eq: false } } } }],
    ['vehicles certificate _isNull', { vehicles: { _some: { certificateValidTo: { _isNull: true } } } }],
    ['list entries in force', { listEntries: { _some: { inForce: { _eq: true } } } }],
    [
      'list entries by list _in',
      { listEntries: { _some: { list: { _in: ['SAFETY_DISHONEST', 'CONSTRUCTION_BLACKLIST'] }, removedDate: { _isNull: true } } } },
    ],
    ['credentials _none valid now', { credentials: { _none: { validNow: { _eq: true } } } }],
    ['credentials grade _like / validTo _lt', { credentials: { _some: { grade: { _like: '一%' }, validTo: { _lt: TODAY } } } }],
    ['penalties amount (nullable) _gt', { penalties: { _some: { amount: { _gt: 10000 } } } }],
    ['penalties _count where department', { penalties: { _count: { where: { department: { _in: ['EMERGENCY', 'FIRE'] } }, _gte: 2 } } }],
    [
      'accidents _some level and date',
      { accidents: { _some: { level: { _in: ['MAJOR', 'LARGER'] }, occurredOn: { _gte: daysAgo(3 * 365) } } } },
    ],
    [
      'the analyst question: construction firms with overdue major hazards and transport violations',
      {
        industryCode: { _like: 'E%' },
        _or: [{ hiddenDangers: { _some: { level: { _eq: 'MAJOR' }, overdue: { _eq: true } } } }, { violations: { _count: { _gt: 0 } } }],
      },
    ],
  ];

  it.each(CASES)('%s matches the independent evaluation', async (_name, where) => {
    const got = (await allCodes(where)).sort();
    expect(got).toEqual(expected(where));
  });

  it('the cases are not vacuous: most select some but not all enterprises', () => {
    const informative = CASES.filter(([, w]) => {
      const n = expected(w).length;
      return n > 0 && n < world.length;
    });
    expect(informative.length).toBeGreaterThanOrEqual(CASES.length - 3);
  });

  it('orders by risk score (desc) across pages with stable keyset cursors', async () => {
    const got = await allCodes({ status: { _eq: 'ACTIVE' } }, { field: 'RISK_SCORE', direction: 'DESC' }, 9);
    const want = world
      .filter((e) => e.status === 'ACTIVE')
      .sort((a, b) => (b.risk?.score ?? 0) - (a.risk?.score ?? 0) || (a.creditCode < b.creditCode ? 1 : -1))
      .map((e) => e.creditCode);
    expect(got).toEqual(want);
    const byName = await allCodes({ divisionCode: { _like: '42%' } }, { field: 'REGISTERED_CAPITAL' }, 11);
    const wantCap = world
      .filter((e) => e.divisionCode.startsWith('42'))
      .sort((a, b) => a.registeredCapital - b.registeredCapital || (a.creditCode < b.creditCode ? -1 : 1))
      .map((e) => e.creditCode);
    expect(byName).toEqual(wantCap);
  });

  it('keeps the old filter working, alone and combined with where', async () => {
    const res = await gql(url, `{ enterprises(first: 100, filter: { divisionCode: "4201", status: ACTIVE }) { totalCount } }`);
    expect(res.data.enterprises.totalCount).toBe(world.filter((e) => e.divisionCode.startsWith('4201') && e.status === 'ACTIVE').length);
    const both = await gql(
      url,
      `{ enterprises(first: 100, filter: { divisionCode: "4201" }, where: { industryCode: { _eq: "E4710" } }) { totalCount } }`,
    );
    expect(both.data.enterprises.totalCount).toBe(
      world.filter((e) => e.divisionCode.startsWith('4201') && e.industryCode === 'E4710').length,
    );
  });

  it('refuses a where nested deeper than configured, and a page over the maximum, with BAD_USER_INPUT', async () => {
    const deep = await gql(
      url,
      `{ enterprises(where: { _not: { _not: { _not: { _not: { status: { _eq: ACTIVE } } } } } }) { totalCount } }`,
    );
    expect(deep.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(deep.errors?.[0]?.message).toMatch(/where\._not\._not\._not\._not.*deeper than the allowed 4/);
    const ok = await gql(url, `{ enterprises(where: { _not: { _not: { status: { _eq: ACTIVE } } } }) { totalCount } }`);
    expect(ok.errors).toBeUndefined();
    const big = await gql(url, `{ enterprises(first: 101, where: {}) { totalCount } }`);
    expect(big.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'first' } });
    const like = await gql(url, `{ enterprises(where: { registeredCapital: { _in: [] }, status: { _eq: ACTIVE } }) { totalCount } }`);
    expect(like.data.enterprises.totalCount).toBe(0);
  });

  it('runs analytic statements under a statement timeout', async () => {
    await expect(withStatementTimeout(ds, 100, new AnalyticsSlots(4, 4), (m) => m.query('SELECT pg_sleep(5)'))).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', reason: 'STATEMENT_TIMEOUT' },
    });
  });

  it('runs at most the configured analytic statements at once; those beyond the queue are answered BUSY, the rest wait their turn', async () => {
    const limits = new AnalyticsSlots(2, 1);
    let running = 0;
    let most = 0;
    const slow = () =>
      withStatementTimeout(ds, 5_000, limits, async (m) => {
        most = Math.max(most, ++running);
        await m.query('SELECT pg_sleep(0.3)');
        running--;
        return 'done';
      });
    const outcomes = await Promise.allSettled([slow(), slow(), slow(), slow(), slow()]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'rejected']);
    expect(most).toBe(2);
    expect((outcomes[3] as PromiseRejectedResult).reason).toMatchObject({
      extensions: { code: 'BUSY', retryAfterSeconds: expect.any(Number) },
    });
    // the slots come back: the next statement runs
    await expect(slow()).resolves.toBe('done');
  });

  it('over HTTP, a full analytics bulkhead answers 503 with Retry-After and code BUSY; the same query runs once a slot is free', async () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      HUB_DATA_DIR: '.data/test-analytics',
      HUB_JWT_SECRET: TEST_JWT_SECRET,
      HUB_RATE_LIMIT_POINTS: '0',
      HUB_ANALYTICS_MAX_CONCURRENT: '1',
      HUB_ANALYTICS_QUEUE: '0',
    });
    const narrow = await createHubServer({ ds, config, vault, connectors: new Map(), log: pino({ level: 'silent' }) });
    const narrowUrl = await narrow.listen(0, '127.0.0.1');
    try {
      const token = await mintToken(['analyst']);
      const ask = () =>
        fetch(`${narrowUrl}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query: `{ enterprises(first: 5, where: { status: { _eq: ACTIVE } }) { nodes { creditCode } } }` }),
        });
      // an analyst's long statement holds the only slot
      const holding = withStatementTimeout(ds, 5_000, narrow.services.analytics.slots, (m) => m.query('SELECT pg_sleep(0.8)'));
      await new Promise((r) => setTimeout(r, 100));
      const refused = await ask();
      expect(refused.status).toBe(503);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      const body = (await refused.json()) as { errors: { message: string; extensions: Record<string, unknown> }[] };
      expect(body.errors[0]!.extensions).toMatchObject({ code: 'BUSY', retryAfterSeconds: expect.any(Number) });
      expect(body.errors[0]!.extensions).not.toHaveProperty('http');
      await holding;
      const answered = await ask();
      expect(answered.status).toBe(200);
      const ok = (await answered.json()) as { data: { enterprises: { nodes: unknown[] } }; errors?: unknown };
      expect(ok.errors).toBeUndefined();
      expect(ok.data.enterprises.nodes.length).toBeGreaterThan(0);
    } finally {
      await narrow.close();
    }
  });

  it('every analytic GraphQL path waits in the analytics bulkhead: with its only slot held, each answers BUSY (503)', async () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      HUB_DATA_DIR: '.data/test-analytics',
      HUB_JWT_SECRET: TEST_JWT_SECRET,
      HUB_RATE_LIMIT_POINTS: '0',
      HUB_ANALYTICS_MAX_CONCURRENT: '1',
      HUB_ANALYTICS_QUEUE: '0',
    });
    const narrow = await createHubServer({ ds, config, vault, connectors: new Map(), log: pino({ level: 'silent' }) });
    const narrowUrl = await narrow.listen(0, '127.0.0.1');
    const name = world[0]!.name;
    const paths: Record<string, string> = {
      'enterprises(where:)': '{ enterprises(first: 5, where: { status: { _eq: ACTIVE } }) { nodes { creditCode } } }',
      'enterprises(orderBy:)': '{ enterprises(first: 5, orderBy: { field: RISK_SCORE, direction: DESC }) { nodes { creditCode } } }',
      'enterprises(filter:)': `{ enterprises(first: 5, filter: { nameContains: ${JSON.stringify(name.slice(0, 2))} }) { totalCount } }`,
      enterprises: '{ enterprises(first: 5) { totalCount nodes { creditCode } } }',
      'enterpriseByName(fuzzy: true)': `{ enterpriseByName(name: ${JSON.stringify(name)}, fuzzy: true) { similarity } }`,
      enterpriseStats: '{ enterpriseStats(groupBy: [REGION]) { count } }',
      keySupervisionList: '{ keySupervisionList(region: "42") { generatedAt } }',
    };
    let holding: Promise<unknown> = Promise.resolve();
    try {
      const token = await mintToken(['analyst']);
      const ask = (query: string) =>
        fetch(`${narrowUrl}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query }),
        });
      holding = withStatementTimeout(ds, 5_000, narrow.services.analytics.slots, (m) => m.query('SELECT pg_sleep(1.5)'));
      await new Promise((r) => setTimeout(r, 100));
      const answers: Record<string, unknown> = {};
      for (const [path, query] of Object.entries(paths)) {
        const r = await ask(query);
        const body = (await r.json()) as { errors?: { extensions: Record<string, unknown> }[] };
        answers[path] = [r.status, body.errors?.[0]?.extensions.code];
      }
      expect(answers).toEqual(Object.fromEntries(Object.keys(paths).map((p) => [p, [503, 'BUSY']])));
      await holding;
      for (const [path, query] of Object.entries(paths)) {
        const r = await ask(query);
        expect([path, r.status, ((await r.json()) as { errors?: unknown }).errors]).toEqual([path, 200, undefined]);
      }
    } finally {
      await holding.catch(() => undefined);
      await narrow.close();
    }
  });

  it('aggregates by city and tier match plain SQL counts, with real division names', async () => {
    const res = await gql(
      url,
      `{ enterpriseStats(groupBy: [REGION, RISK_TIER], regionLevel: CITY, metrics: [COUNT, REGISTERED_CAPITAL_SUM, HIGH_RISK_COUNT]) {
      region { code name fullName level } regionCode riskTier count registeredCapitalSum highRiskCount riskScoreAvg } }`,
    );
    expect(res.errors).toBeUndefined();
    const plain: { city: string; tier: string; n: number; cap: number }[] = await ds.query(
      `SELECT left(e.division_code, 4) || '00' AS city, trim(r.tier) AS tier, count(*)::int AS n, sum(e.registered_capital) AS cap
       FROM enterprise e JOIN enterprise_risk r ON r.credit_code = e.credit_code GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    const groups = res.data.enterpriseStats as {
      regionCode: string;
      riskTier: string;
      count: number;
      registeredCapitalSum: number;
      highRiskCount: number;
      riskScoreAvg: null;
      region: { name: string; fullName: string };
    }[];
    expect(groups.map((g) => [g.regionCode, g.riskTier, g.count, g.registeredCapitalSum])).toEqual(
      plain.map((p) => [p.city, p.tier, p.n, p.cap]),
    );
    expect(groups.reduce((s, g) => s + g.count, 0)).toBe(world.length);
    for (const g of groups) expect(g.highRiskCount).toBe(['C', 'D'].includes(g.riskTier) ? g.count : 0);
    expect(groups[0]!.riskScoreAvg).toBeNull(); // not asked for
    const wuhan = groups.find((g) => g.regionCode === '420100');
    expect(wuhan?.region).toMatchObject({ name: '武汉市', fullName: '湖北省武汉市' });
    expect(groups.find((g) => g.regionCode === '429000')?.region.fullName).toBe('湖北省');
  });

  it('aggregates by province with a where, and by department list', async () => {
    const where = { hiddenDangers: { _some: { level: { _eq: 'MAJOR' } } } };
    const res = await gql(url, `query($w: EnterpriseWhere) { enterpriseStats(where: $w, groupBy: [REGION]) { region { name } count } }`, {
      w: where,
    });
    const want = new Map<string, number>();
    for (const code of expected(where)) {
      const e = world.find((x) => x.creditCode === code)!;
      const p = { 42: '湖北省', 43: '湖南省', 13: '河北省', 22: '吉林省' }[e.divisionCode.slice(0, 2)]!;
      want.set(p, (want.get(p) ?? 0) + 1);
    }
    expect(
      Object.fromEntries(res.data.enterpriseStats.map((g: { region: { name: string }; count: number }) => [g.region.name, g.count])),
    ).toEqual(Object.fromEntries(want));

    const lists = await gql(url, `{ enterpriseStats(groupBy: [DEPARTMENT_LIST]) { department list count } }`);
    const wantLists = new Map<string, number>();
    let none = 0;
    for (const e of world) {
      const keys = new Set(e.listEntries.filter((l) => l.inForce).map((l) => `${l.department}/${l.list}`));
      if (!keys.size) none++;
      for (const k of keys) wantLists.set(k, (wantLists.get(k) ?? 0) + 1);
    }
    const got = lists.data.enterpriseStats as { department: string | null; list: string | null; count: number }[];
    expect(Object.fromEntries(got.filter((g) => g.list).map((g) => [`${g.department}/${g.list}`, g.count]))).toEqual(
      Object.fromEntries(wantLists),
    );
    expect(got.find((g) => g.list === null)?.count).toBe(none);
  });

  it('key-supervision list: the highest-risk active enterprises of a region, with reasons', async () => {
    const res = await gql(
      url,
      `{ keySupervisionList(region: "42", limit: 5, minTier: B) { region { name } entries { rank score tier
      enterprise { creditCode divisionCode status } reasons { factor contribution evidence { sourceRecordId } } } } }`,
    );
    expect(res.errors).toBeUndefined();
    const l = res.data.keySupervisionList;
    expect(l.region.name).toBe('湖北省');
    const want = world
      .filter((e) => e.divisionCode.startsWith('42') && e.status === 'ACTIVE' && e.risk && e.risk.tier >= 'B' && e.risk.score > 0)
      .sort((a, b) => b.risk!.score - a.risk!.score || (a.creditCode < b.creditCode ? -1 : 1))
      .slice(0, 5);
    expect(want.length).toBeGreaterThan(0);
    expect(l.entries.map((x: { enterprise: { creditCode: string } }) => x.enterprise.creditCode)).toEqual(want.map((e) => e.creditCode));
    for (const [i, x] of l.entries.entries()) {
      expect(x.rank).toBe(i + 1);
      expect(x.reasons.length).toBeGreaterThan(0);
      expect(x.reasons.reduce((s: number, f: { contribution: number }) => s + f.contribution, 0)).toBeCloseTo(Math.min(100, x.score), 5);
    }
    const bad = await gql(url, `{ keySupervisionList(region: "99") { entries { rank } } }`);
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'region' });
  });

  it('divisions(name:) resolves a region typed by name: exact name or full name first, every division sharing a name', async () => {
    const q = async (name: string) => gql(url, `query($n: String!) { divisions(name: $n) { code name level fullName } }`, { n: name });
    const wuhan = await q('武汉市');
    expect(wuhan.errors).toBeUndefined();
    expect(wuhan.data.divisions[0]).toMatchObject({ code: '420100', level: 'CITY', fullName: '湖北省武汉市' });
    expect((await q('湖北省武汉市武昌区')).data.divisions[0]).toMatchObject({ code: '420106', name: '武昌区' });
    // a short form: names beginning with it (the city before its districts)
    expect((await q('武汉')).data.divisions[0].code).toBe('420100');
    // 朝阳区 is a district of 北京 and of 长春: both, so the console can ask which
    const chaoyang = (await q('朝阳区')).data.divisions.map((d: { code: string }) => d.code);
    expect(chaoyang).toEqual(expect.arrayContaining(['110105', '220104']));
    expect((await q('不存在的地方')).data.divisions).toEqual([]);
    const empty = await q('  ');
    expect(empty.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
  });

  it('exports any where as CSV: UTF-8 with BOM, Chinese headers and text, streamed', async () => {
    const where = { divisionCode: { _like: '4201%' }, status: { _eq: 'ACTIVE' } };
    const token = await mintToken(['analyst']);
    const res = await fetch(
      `${url}/export/enterprises.csv?where=${encodeURIComponent(JSON.stringify(where))}&orderBy=${encodeURIComponent(JSON.stringify({ field: 'RISK_SCORE', direction: 'DESC' }))}`,
      { headers: bearer(token) },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/csv; charset=utf-8/);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parse(bytes.subarray(3).toString('utf8')) as string[][];
    // an analyst gets no legal-representative column (a person's name, policy.ts PERSONAL; tests/analytics-export.test.ts)
    expect(rows[0]).toEqual([
      '统一社会信用代码',
      '企业名称',
      '企业类型',
      '登记状态',
      '行政区划代码',
      '所在地区',
      '行业代码',
      '注册资本（万元）',
      '成立日期',
      '风险分值',
      '风险等级',
      '风险模型版本',
      '主要风险因子',
    ]);
    // code cells end with a tab so Excel keeps them as text
    const body = rows.slice(1).map((r) => r.map((v) => v.replace(/\t$/, '')));
    expect(body.map((r) => r[0]).sort()).toEqual(expected(where));
    const wuchang = body.find((r) => r[4] === '420106')!;
    expect(wuchang[5]).toBe('湖北省武汉市武昌区');
    expect(wuchang[3]).toBe('存续');
    expect(wuchang[1]).toMatch(/有限公司$/);
    const scores = body.map((r) => Number(r[9]));
    expect(scores).toEqual([...scores].sort((a, b) => b - a));

    const badWhere = await fetch(`${url}/export/enterprises.csv?where=${encodeURIComponent('{"nope":{"_eq":1}}')}`, {
      headers: bearer(token),
    });
    expect(badWhere.status).toBe(400);
    expect(await badWhere.json()).toMatchObject({ error: { code: 'BAD_USER_INPUT', field: 'where.nope' } });
    // no GraphQL validation sees this JSON: the compiler refuses what the schema does not declare (it was a 500 for `constructor`)
    for (const [w, field] of [
      ['{"constructor":{"_eq":1}}', 'where.constructor'],
      ['{"vehicles":{"_some":{"monitoringOnline":{"_in":[true]}}}}', 'where.vehicles._some.monitoringOnline._in'],
      ['{"establishedDate":{"_gte":"2024-02-30"}}', 'where.establishedDate._gte'],
    ]) {
      const refused = await fetch(`${url}/export/enterprises.csv?where=${encodeURIComponent(w!)}`, { headers: bearer(token) });
      expect([refused.status, await refused.json()]).toMatchObject([400, { error: { code: 'BAD_USER_INPUT', field } }]);
    }
    const officer = await fetch(`${url}/export/enterprises.csv`, { headers: bearer(await mintToken(['licensing_officer'])) });
    expect(officer.status).toBe(403);
  });
});
