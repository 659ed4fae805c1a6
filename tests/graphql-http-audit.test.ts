/**
 * The GraphQL-over-HTTP server audits of the `graphql-http` package, run against the hub (with a valid
 * token, as every client must send one): every MUST audit passes; SHOULD/MAY results are reported.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serverAudits } from 'graphql-http';
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { PiiVault } from '../src/security/pii.js';
import { createHubServer, type HubServer } from '../src/server/app.js';
import { openStore } from '../src/store/data-source.js';
import { TEST_JWT_SECRET, mintToken } from './support/auth.js';
import { createTestDatabase } from './support/db.js';

describe('graphql-http server audits', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let ds: DataSource;
  let server: HubServer;
  let url: string;
  let token: string;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-audit-'));

  beforeAll(async () => {
    db = await createTestDatabase('ghttp');
    ds = await openStore(db.url);
    const config = loadConfig({ NODE_ENV: 'test', HUB_DATA_DIR: dataDir, HUB_JWT_SECRET: TEST_JWT_SECRET, HUB_RATE_LIMIT_POINTS: '0' });
    server = await createHubServer({ ds, config, vault: new PiiVault(Buffer.alloc(32, 7)), connectors: new Map(), log: pino({ level: 'silent' }) });
    url = `${await server.listen(0, '127.0.0.1')}/graphql`;
    token = await mintToken(['inspector']);
  });
  afterAll(async () => {
    await server?.close();
    await ds?.destroy();
    await db?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('passes every MUST audit', async () => {
    const audits = serverAudits({
      url: () => url,
      fetchFn: (input: string | URL | Request, init?: RequestInit) => {
        const headers = new Headers(init?.headers);
        headers.set('authorization', `Bearer ${token}`);
        return fetch(input, { ...init, headers });
      },
    });
    const results = [];
    for (const audit of audits) results.push({ ...(await audit.fn()), name: audit.name });
    const mustFail = results.filter((r) => r.name.startsWith('MUST') && r.status !== 'ok');
    expect(results.filter((r) => r.name.startsWith('MUST')).length).toBeGreaterThan(10);
    expect(mustFail.map((r) => `${r.name}: ${'reason' in r ? r.reason : ''}`)).toEqual([]);
  });
});
