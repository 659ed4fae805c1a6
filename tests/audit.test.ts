import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataSource } from 'typeorm';
import { appendAudit, verifyAuditChain } from '../src/security/audit.js';
import { openStore } from '../src/store/data-source.js';
import { createTestDatabase } from './support/db.js';

const entry = (n: number) => ({
  actor: `officer-${n}`,
  actorDepartment: 'HOUSING',
  actorRoles: ['inspector'],
  requestId: `r${n}`,
  action: 'READ_CLEAR',
  subjectKind: 'PERSON',
  subjectRef: `pk${n}`,
  fields: ['idNumber'],
  purpose: '许可审查',
});

describe('audit log hash chain', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let ds: DataSource;
  beforeAll(async () => {
    db = await createTestDatabase('audit');
    ds = await openStore(db.url);
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('verifies an intact chain and refuses updates through SQL', async () => {
    await appendAudit(ds, [entry(1), entry(2)]);
    await appendAudit(ds, [entry(3)]);
    expect(await verifyAuditChain(ds)).toEqual({ checked: 3, brokenAt: null });
    await expect(ds.query(`UPDATE audit_log SET actor = 'x' WHERE seq = 2`)).rejects.toThrow(/append-only/);
  });

  it('detects an entry edited behind the trigger', async () => {
    // a database superuser can disable triggers; the hash chain still shows the edit
    await ds.query(`ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only`);
    await ds.query(`UPDATE audit_log SET purpose = '篡改' WHERE seq = 2`);
    await ds.query(`ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only`);
    expect(await verifyAuditChain(ds)).toMatchObject({ checked: 1, brokenAt: 2, reason: expect.stringContaining('altered') });
  });
});
