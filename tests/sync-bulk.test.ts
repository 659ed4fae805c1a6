/**
 * The bulk write path on a real PostgreSQL: new rows by COPY straight into the table, stored ones through
 * the stage and ON CONFLICT, refused rows isolated, and a concurrent writer of the same new key.
 */
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bulkUpsert, type StagedRow, type TableSpec } from '../src/sync/bulk.js';
import { createTestDatabase } from './support/db.js';

const SPEC: TableSpec = {
  table: 'bulk_probe',
  columns: ['source', 'source_record_id', 'amount', 'content_hash'],
  conflict: '(source, source_record_id)',
  returning: 'source_record_id',
};
const row = (id: string, amount: number, hash = `h${amount}`): StagedRow => ({ key: id, values: ['src', id, amount, hash] });

describe('bulkUpsert', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let a: pg.Client;
  let b: pg.Client;
  const stored = async () =>
    (
      await a.query<{ id: string; amount: number; hash: string; stored_at: Date }>(
        `SELECT source_record_id AS id, amount, content_hash AS hash, stored_at FROM bulk_probe ORDER BY 1`,
      )
    ).rows;

  beforeAll(async () => {
    db = await createTestDatabase('syncbulk');
    a = new pg.Client({ connectionString: db.url });
    b = new pg.Client({ connectionString: db.url });
    await Promise.all([a.connect(), b.connect()]);
    await a.query(`CREATE TABLE bulk_probe (id serial PRIMARY KEY, source text NOT NULL, source_record_id text NOT NULL, amount int NOT NULL CHECK (amount >= 0),
      content_hash text NOT NULL, stored_at timestamptz NOT NULL DEFAULT now(), UNIQUE (source, source_record_id))`);
  });
  beforeEach(async () => {
    await a.query('TRUNCATE bulk_probe');
  });
  afterAll(async () => {
    await Promise.all([a?.end(), b?.end()]);
    await db?.drop();
  });

  it('writes new rows, updates changed ones, leaves unchanged ones alone', async () => {
    await a.query('BEGIN');
    const first = await bulkUpsert(a, SPEC, [row('r3', 3), row('r1', 1), row('r2', 2)]);
    await a.query('COMMIT');
    expect([...first.written].sort()).toEqual(['r1', 'r2', 'r3']);
    const before = await stored();

    await a.query('BEGIN');
    const second = await bulkUpsert(a, SPEC, [row('r1', 1), row('r2', 20), row('r4', 4)]);
    await a.query('COMMIT');
    expect([...second.written].sort()).toEqual(['r2', 'r4']);
    expect(second.failed).toEqual([]);
    const after = await stored();
    expect(after.map((r) => [r.id, r.amount, r.hash])).toEqual([
      ['r1', 1, 'h1'],
      ['r2', 20, 'h20'],
      ['r3', 3, 'h3'],
      ['r4', 4, 'h4'],
    ]);
    expect(after[0]!.stored_at).toEqual(before[0]!.stored_at);
  });

  it('a refused new row fails alone; the rest of the batch is stored', async () => {
    await a.query('BEGIN');
    const res = await bulkUpsert(a, SPEC, [row('ok1', 1), row('bad', -5), row('ok2', 2)]);
    await a.query('COMMIT');
    expect([...res.written].sort()).toEqual(['ok1', 'ok2']);
    expect(res.failed.map((f) => f.row.key)).toEqual(['bad']);
    expect(res.failed[0]!.error).toMatch(/check constraint/);
    expect((await stored()).map((r) => r.id)).toEqual(['ok1', 'ok2']);
  });

  it('a key another transaction inserts meanwhile: waits for it, then updates the row instead of failing', async () => {
    await a.query('BEGIN');
    await bulkUpsert(a, SPEC, [row('k', 1)]);
    await b.query('BEGIN');
    const late = bulkUpsert(b, SPEC, [row('k', 2), row('other', 7)]); // blocks on a's uncommitted row
    await new Promise((r) => setTimeout(r, 200));
    await a.query('COMMIT');
    const res = await late;
    await b.query('COMMIT');
    expect([...res.written].sort()).toEqual(['k', 'other']);
    expect(res.failed).toEqual([]);
    expect((await stored()).map((r) => [r.id, r.amount])).toEqual([
      ['k', 2],
      ['other', 7],
    ]);
  });
});
