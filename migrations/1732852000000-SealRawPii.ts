import fs from 'node:fs';
import path from 'node:path';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import type { PiiFields } from '../connectors/types.js';
import { PiiVault } from '../src/security/pii.js';
import { CANONICAL_PII, sealRaw } from '../src/security/raw-pii.js';

/**
 * Stored raw source records held ID numbers and phones in clear (issue 17.2); the sync now seals them
 * (src/security/raw-pii.ts). This rewrites what is already stored: the `raw` column of every table that
 * has one, and quarantined records' parsed `record`, with each source's declared PII fields (read through
 * the connector registry) and the free-text net. Sealing is idempotent, so a rerun changes nothing.
 * It needs the PII key only when there are rows: HUB_PII_KEY, or the demo key in HUB_DATA_DIR/pii.key.
 */
export class SealRawPii1732852000000 implements MigrationInterface {
  name = 'SealRawPii1732852000000';

  async up(q: QueryRunner): Promise<void> {
    const tables: { table_name: string }[] = await q.query(
      `SELECT table_name FROM information_schema.columns WHERE table_schema = current_schema() AND column_name = 'raw' AND data_type = 'jsonb' ORDER BY table_name`,
    );
    const withRows: string[] = [];
    for (const { table_name: t } of tables) {
      const [{ any }] = await q.query(`SELECT EXISTS (SELECT 1 FROM "${t}") AS any`);
      if (any) withRows.push(t);
    }
    if (!withRows.length) return;
    const vault = new PiiVault(piiKey());
    const fields = await declaredFields();
    for (const t of withRows) {
      const hasSource =
        (
          await q.query(
            `SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 AND column_name = 'source'`,
            [t],
          )
        ).length > 0;
      const hasRecord = t === 'quarantined_record';
      await q.query(
        `DECLARE seal_raw NO SCROLL CURSOR FOR SELECT ctid::text AS tid, ${hasSource ? 'source' : 'NULL::text AS source'}, raw${hasRecord ? ', record' : ''} FROM "${t}"`,
      );
      for (;;) {
        const rows: { tid: string; source: string | null; raw: unknown; record?: unknown }[] = await q.query('FETCH 2000 FROM seal_raw');
        if (!rows.length) break;
        const tids: string[] = [];
        const raws: string[] = [];
        const records: (string | null)[] = [];
        for (const r of rows) {
          const raw = JSON.stringify(sealRaw(r.raw, r.source ? fields.get(r.source) : undefined, vault));
          const record = r.record == null ? null : JSON.stringify(sealRaw(r.record, CANONICAL_PII, vault));
          if (raw === JSON.stringify(r.raw) && record === (r.record == null ? null : JSON.stringify(r.record))) continue;
          tids.push(r.tid);
          raws.push(raw);
          records.push(record);
        }
        if (tids.length) {
          await q.query(
            `UPDATE "${t}" SET raw = v.raw${hasRecord ? ', record = v.record' : ''}
             FROM unnest($1::tid[], $2::jsonb[], $3::jsonb[]) AS v(tid, raw, record) WHERE "${t}".ctid = v.tid`,
            [tids, raws, records],
          );
        }
      }
      await q.query('CLOSE seal_raw');
    }
  }

  async down(): Promise<void> {
    // sealed values stay sealed: unsealing would put personal identifiers back in clear
  }
}

function piiKey(): Buffer {
  if (process.env.HUB_PII_KEY) return Buffer.from(process.env.HUB_PII_KEY, 'base64');
  const file = path.join(path.resolve(process.env.HUB_DATA_DIR ?? '.data'), 'pii.key');
  if (fs.existsSync(file)) return Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
  throw new Error(
    'sealing stored raw records needs the PII key the store was written with: set HUB_PII_KEY (or HUB_DATA_DIR to the folder holding pii.key)',
  );
}

/** Each configured source's declared PII fields; without a readable configuration only the free-text net runs. */
async function declaredFields(): Promise<Map<string, PiiFields>> {
  try {
    const { loadSources, readSourceConfigs } = await import('../connectors/registry.js');
    const loaded = await loadSources(readSourceConfigs().map((c) => ({ ...c, enabled: true })));
    return new Map(loaded.map((l) => [l.source.id, l.source.piiFields]));
  } catch {
    return new Map();
  }
}
