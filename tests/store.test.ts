import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataSource } from 'typeorm';
import { checkoutClient, openStore } from '../src/store/data-source.js';
import { createTestDatabase } from './support/db.js';

describe('hub store migrations', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let ds: DataSource;
  beforeAll(async () => {
    db = await createTestDatabase('store');
    ds = await openStore(db.url);
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('a checked-out client whose session the server ends between queries does not take the process down: its next query fails, release(err) discards it', async () => {
    const client = await checkoutClient(ds);
    const { pid } = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!;
    // an administrator (or a restart) ends the session while the client is out of the pool and idle
    const seen: unknown[] = [];
    const onUncaught = (err: unknown) => seen.push(err);
    process.on('uncaughtException', onUncaught);
    try {
      await ds.query('SELECT pg_terminate_backend($1)', [pid]);
      await new Promise((r) => setTimeout(r, 300));
      await expect(client.query('SELECT 1')).rejects.toThrow();
      client.release(new Error('session ended'));
    } finally {
      process.off('uncaughtException', onUncaught);
    }
    expect(seen).toEqual([]);
    // the pool goes on with a fresh connection
    expect(await ds.query('SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
  });

  it('creates every canonical table with provenance columns', async () => {
    const rows: { table_name: string }[] = await ds.query(
      `SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'raw' ORDER BY 1`,
    );
    expect(rows.map((r) => r.table_name)).toEqual(
      expect.arrayContaining([
        'accident',
        'contract',
        'credential',
        'enterprise',
        'enterprise_person_role',
        'hidden_danger',
        'inspection',
        'insurance_policy',
        'list_entry',
        'penalty',
        'person',
        'project',
        'quarantined_record',
        'transport_violation',
        'vehicle',
      ]),
    );
  });

  it('keeps no planner statistics for provenance columns (raw record, hashes, encrypted numbers) and keeps them for the rest', async () => {
    await ds.query(`INSERT INTO person (person_key, id_encrypted, id_masked, name, department, source, source_record_id, fetched_at, raw, content_hash)
      SELECT 'k' || i, 'enc' || i, 'm', 'name ' || (i % 7), 'MARKET', 'market', 'r' || i, now(), jsonb_build_object('i', i), 'h' || i FROM generate_series(1, 200) i`);
    await ds.query('ANALYZE person');
    const rows: { attname: string }[] = await ds.query(
      `SELECT attname FROM pg_stats WHERE schemaname = 'public' AND tablename = 'person' ORDER BY 1`,
    );
    const analysed = rows.map((r) => r.attname);
    expect(analysed).toEqual(expect.arrayContaining(['name', 'person_key', 'source']));
    for (const c of ['raw', 'content_hash', 'source_record_id', 'id_encrypted', 'phone_encrypted']) expect(analysed).not.toContain(c);
    const targets: { n: number }[] = await ds.query(
      `SELECT count(*)::int AS n FROM pg_attribute WHERE attname = 'raw' AND attstattarget = 0 AND attrelid IN (SELECT oid FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace)`,
    );
    expect(targets[0]!.n).toBe(15);
  });

  it('is idempotent: running migrations again applies nothing', async () => {
    const applied = await ds.runMigrations();
    expect(applied).toEqual([]);
  });

  it('refuses a sync run whose figures do not add up', async () => {
    await expect(
      ds.query(
        `INSERT INTO sync_run (connector, status, records_read, records_written, records_unchanged, records_quarantined) VALUES ('x','SUCCEEDED',3,1,1,0)`,
      ),
    ).rejects.toThrow(/check constraint/);
  });
});
