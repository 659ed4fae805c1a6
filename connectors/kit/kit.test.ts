/**
 * The kit's SQL writer against a real PostgreSQL: COPY's text format must carry every value exactly
 * (tabs, newlines, backslashes, NULL versus the text '\N'), and a bulk load must leave the tables'
 * indexes as they were, also when it fails half-way.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../tests/support/db.js';
import { fnv1a, fullWidthName, refValues } from './dirt.js';
import { bulkLoad, copyField, copyRows, TableWriter, type SqlValue } from './sql-tables.js';

describe('kit: COPY table writer', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let c: pg.Client;
  const indexes = async () =>
    (await c.query<{ d: string }>(`SELECT indexdef AS d FROM pg_indexes WHERE schemaname = 'kit_t' ORDER BY indexname`)).rows.map(
      (r) => r.d,
    );

  beforeAll(async () => {
    db = await createTestDatabase('kit');
    c = new pg.Client({ connectionString: db.url });
    await c.connect();
    await c.query(`CREATE SCHEMA kit_t;
      CREATE TABLE kit_t.a (id text PRIMARY KEY, note text, amount numeric(20,6), n integer);
      CREATE INDEX a_note ON kit_t.a (note);
      CREATE INDEX a_upper ON kit_t.a (upper(note)) WHERE n > 0;
      CREATE TABLE kit_t.b (id text PRIMARY KEY, v text UNIQUE);`);
  });
  afterAll(async () => {
    await c?.end();
    await db?.drop();
  });

  it('carries tabs, newlines, carriage returns, backslashes, NULL, the text \\N and empty text exactly', async () => {
    const rows: SqlValue[][] = [
      ['1', 'tab\there', 1.5, 1],
      ['2', 'line\nbreak\r\nand cr\r', 0.000001, -1],
      ['3', 'back\\slash \\N \\t', null, null],
      ['4', '\\N', 12345.67, 0],
      ['5', '', 5000.5, 2],
      ['6', '全角（集团）\u3000有限公司', -3, 3],
    ];
    await copyRows(c, 'kit_t.a', ['id', 'note', 'amount', 'n'], rows);
    const { rows: back } = await c.query<{ id: string; note: string | null; amount: string | null; n: number | null }>(
      `SELECT * FROM kit_t.a ORDER BY id`,
    );
    expect(back.map((r) => [r.id, r.note, r.amount === null ? null : Number(r.amount), r.n])).toEqual(rows);
    expect(copyField(null)).toBe('\\N');
    expect(copyField('\\N')).toBe('\\\\N');
  });

  it('a bulk load writes in batches and leaves the indexes as they were; a failed one restores them too', async () => {
    const before = await indexes();
    const w = new TableWriter(c, { schema: 'kit_t', columns: { a: ['id', 'note', 'amount', 'n'], b: ['id', 'v'] }, batchRows: 7 });
    const { written } = await bulkLoad(c, w, async (tw) => {
      for (let i = 0; i < 30; i++) await tw.add('a', [`x${i}`, `note ${i}`, i, i]);
      await tw.add('b', ['b1', 'v1']);
    });
    expect(written).toBe(31);
    expect((await c.query(`SELECT count(*)::int AS n FROM kit_t.a WHERE id LIKE 'x%'`)).rows[0].n).toBe(30);
    expect(await indexes()).toEqual(before);

    const again = new TableWriter(c, { schema: 'kit_t', columns: { a: ['id', 'note', 'amount', 'n'], b: ['id', 'v'] } });
    const failing = bulkLoad(c, again, async (tw) => {
      await tw.add('b', ['b2', 'v1']); // the unique constraint refuses it at the final COPY
    });
    await expect(failing).rejects.toThrow(/duplicate key/);
    expect(await indexes()).toEqual(before);
  });
});

describe('kit: dirt', () => {
  it('is stable and reduces references as the dirt says', () => {
    expect(fnv1a('ENT-0001')).toBe(fnv1a('ENT-0001'));
    expect(fullWidthName('Wuhan(集团)有限公司')).toBe('Ｗｕ ｈａｎ（集团）有限公司');
    expect(fullWidthName('AB(C)D', '\u3000')).toBe('ＡＢ\u3000（Ｃ）Ｄ');
    const ref = { creditCode: '91420106MA4K00010X', name: '武汉江城建设工程有限公司' };
    expect(refValues(ref, 'orgCode')).toEqual([null, 'MA4K00010', null]);
    expect(refValues(ref, 'name')).toEqual([null, null, ref.name]);
    expect(refValues(ref, undefined)).toEqual([ref.creditCode, null, ref.name]);
    expect(refValues({ name: 'x' }, 'orgCode')).toEqual([null, null, null]);
    expect(refValues({ name: 'x' }, 'orgCode', { orgCodeNeedsACode: true })).toEqual([null, null, 'x']);
  });
});
