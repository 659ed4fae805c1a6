/**
 * A hub over a small store filled through the sync path (applyEnvelopes), with no department sources: for
 * tests of the HTTP surface that need a few records, not a generated world (tests/support/hub-fixture.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { DataSource } from 'typeorm';
import type { SourceEnvelope } from '../../connectors/types.js';
import { loadConfig } from '../../src/config.js';
import type { CanonicalRecord } from '../../src/domain/canonical.js';
import { PiiVault } from '../../src/security/pii.js';
import { createHubServer, type HubServer } from '../../src/server/app.js';
import { openStore } from '../../src/store/data-source.js';
import { applyEnvelopes } from '../../src/sync/apply.js';
import { TEST_JWT_SECRET } from './auth.js';
import { createTestDatabase } from './db.js';

export interface StoreHub {
  url: string;
  ds: DataSource;
  vault: PiiVault;
  server: HubServer;
  close(): Promise<void>;
}

/** An enterprise registration record as the market source would give it. */
export const enterpriseRecord = (creditCode: string, name: string): CanonicalRecord => ({
  kind: 'enterprise',
  creditCode,
  orgCode: creditCode.slice(8, 17),
  name,
  type: '有限责任公司',
  status: 'ACTIVE',
  legalRepresentative: '王五',
  divisionCode: creditCode.slice(2, 8),
  industryCode: 'E4710',
  registeredCapital: 1000,
  establishedDate: '2010-01-01',
});

/** Starts a hub on a fresh test database holding `records` (stored as the market source's). */
export async function startStoreHub(name: string, records: CanonicalRecord[], env: Record<string, string> = {}): Promise<StoreHub> {
  const db = await createTestDatabase(name);
  const ds = await openStore(db.url);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `hub-${name}-`));
  const vault = new PiiVault(Buffer.alloc(32, 5));
  const log = pino({ level: 'silent' });
  const envelopes = records.map((r, i) => ({ sourceRecordId: `R-${i}`, kind: r.kind, raw: r, record: r }) as SourceEnvelope);
  await applyEnvelopes({ ds, vault, log }, { id: 'market', department: 'MARKET' }, envelopes);
  const config = loadConfig({
    NODE_ENV: 'test',
    HUB_DATA_DIR: dataDir,
    HUB_JWT_SECRET: TEST_JWT_SECRET,
    HUB_RATE_LIMIT_POINTS: '0',
    ...env,
  });
  const server = await createHubServer({ ds, config, vault, connectors: new Map(), log });
  const url = await server.listen(0, '127.0.0.1');
  return {
    url,
    ds,
    vault,
    server,
    async close() {
      await server.close();
      await ds.destroy();
      await db.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
