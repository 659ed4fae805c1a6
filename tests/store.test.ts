import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataSource } from 'typeorm';
import { openStore } from '../src/store/data-source.js';
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

  it('creates every canonical table with provenance columns', async () => {
    const rows: { table_name: string }[] = await ds.query(
      `SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'raw' ORDER BY 1`,
    );
    expect(rows.map((r) => r.table_name)).toEqual(expect.arrayContaining([
      'accident', 'contract', 'credential', 'enterprise', 'enterprise_person_role', 'hidden_danger', 'inspection',
      'insurance_policy', 'list_entry', 'penalty', 'person', 'project', 'quarantined_record', 'transport_violation', 'vehicle',
    ]));
  });

  it('is idempotent: running migrations again applies nothing', async () => {
    const applied = await ds.runMigrations();
    expect(applied).toEqual([]);
  });

  it('refuses a sync run whose figures do not add up', async () => {
    await expect(ds.query(
      `INSERT INTO sync_run (connector, status, records_read, records_written, records_unchanged, records_quarantined) VALUES ('x','SUCCEEDED',3,1,1,0)`,
    )).rejects.toThrow(/check constraint/);
  });
});
