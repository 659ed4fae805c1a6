/**
 * Risk scores stay current without a sync: a score computed on an earlier day (or by an older model)
 * is refreshed by the process holding the lock; a fresh store is left alone; a second replica skips.
 */
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { worldParams, worldSlice } from '../src/generator/generate.js';
import { todayIso } from '../src/kernel/dates.js';
import { refreshRiskIfStale, riskIsStale } from '../src/risk/refresher.js';
import { recomputeRisk } from '../src/risk/service.js';
import { PiiVault } from '../src/security/pii.js';
import { openStore } from '../src/store/data-source.js';
import { applyEnvelopes } from '../src/sync/apply.js';
import { createTestDatabase } from './support/db.js';

describe('risk refresher', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let ds: DataSource;
  const log = pino({ level: 'silent' });
  let codes: string[];

  beforeAll(async () => {
    db = await createTestDatabase('riskref');
    ds = await openStore(db.url);
    const items = worldSlice(worldParams({ enterprises: 20, seed: 9 }), 0, 20, (d) => d === 'MARKET' || d === 'EMERGENCY');
    const deps = { ds, vault: new PiiVault(Buffer.alloc(32, 3)), log };
    for (const dept of ['MARKET', 'EMERGENCY'] as const) {
      const env = items
        .filter((i) => i.department === dept && !i.dirt)
        .map((i) => ({ sourceRecordId: i.sourceRecordId, kind: i.record.kind, raw: i.record, record: i.record }));
      await applyEnvelopes(deps, { id: dept.toLowerCase(), department: dept }, env);
    }
    codes = (await ds.query('SELECT credit_code FROM enterprise ORDER BY 1')).map((r: { credit_code: string }) => r.credit_code);
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('refreshes scores computed on an earlier day, then finds nothing to do', async () => {
    await recomputeRisk(ds, codes, { asOf: '2026-01-01' });
    expect(await riskIsStale(ds)).toBe(true);
    expect(await refreshRiskIfStale(ds, log)).toBe(codes.length);
    const days = await ds.query('SELECT DISTINCT as_of::text AS d FROM enterprise_risk');
    expect(days).toEqual([{ d: todayIso() }]);
    expect(await riskIsStale(ds)).toBe(false);
    expect(await refreshRiskIfStale(ds, log)).toBe(0);
  });

  it('scores enterprises that have none yet', async () => {
    await ds.query('DELETE FROM enterprise_risk WHERE credit_code = $1', [codes[0]]);
    expect(await riskIsStale(ds)).toBe(true);
    expect(await refreshRiskIfStale(ds, log)).toBe(codes.length);
  });

  it('skips while another replica holds the lock', async () => {
    await recomputeRisk(ds, codes, { asOf: '2026-01-01' });
    const other = ds.createQueryRunner();
    await other.connect();
    await other.query(`SELECT pg_advisory_lock($1, 0)`, [0x5249534b]);
    try {
      expect(await refreshRiskIfStale(ds, log)).toBe(0);
    } finally {
      await other.query(`SELECT pg_advisory_unlock($1, 0)`, [0x5249534b]);
      await other.release();
    }
    expect(await refreshRiskIfStale(ds, log)).toBe(codes.length);
  });
});
