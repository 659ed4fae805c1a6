/**
 * The GraphQL-over-HTTP server audits of the `graphql-http` package, run against the hub (with a valid
 * token, as every client must send one): every MUST audit passes, and no SHOULD audit warns about a status
 * code (a client's mistake is a 4xx, never a 500). Syntax errors and token-limit refusals answer 400.
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
    server = await createHubServer({
      ds,
      config,
      vault: new PiiVault(Buffer.alloc(32, 7)),
      connectors: new Map(),
      log: pino({ level: 'silent' }),
    });
    url = `${await server.listen(0, '127.0.0.1')}/graphql`;
    token = await mintToken(['inspector']);
  });
  afterAll(async () => {
    await server?.close();
    await ds?.destroy();
    await db?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('passes every MUST audit, and every SHOULD audit about status codes', async () => {
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
    const shouldStatus = results.filter((r) => r.name.startsWith('SHOULD') && /status/i.test(r.name));
    expect(shouldStatus.length).toBeGreaterThan(3);
    expect(shouldStatus.filter((r) => r.status !== 'ok').map((r) => `${r.name}: ${'reason' in r ? r.reason : ''}`)).toEqual([]);
  });

  const post = (body: unknown, accept = 'application/graphql-response+json') =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept, authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });

  it('answers a syntax error with 400 and GRAPHQL_PARSE_FAILED in application/graphql-response+json, 200 with the error in application/json (never 500)', async () => {
    // application/json clients read a non-2xx as a transport failure: the spec asks 200 there
    for (const [accept, status] of [
      ['application/graphql-response+json', 400],
      ['application/json', 200],
      ['*/*', 200],
    ] as const) {
      for (const query of ['{ ping', '{ ping(', 'query { enterprise(creditCode: "x") { name } } }', '{ "unterminated }']) {
        const r = await post({ query }, accept);
        expect(r.status, `${accept} ${query}`).toBe(status);
        const body = (await r.json()) as { data?: unknown; errors: { message: string; extensions: { code: string } }[] };
        expect(body).not.toHaveProperty('data');
        expect(body.errors[0]!.extensions.code).toBe('GRAPHQL_PARSE_FAILED');
        expect(body.errors[0]!.message).toMatch(/Syntax Error/);
      }
    }
  });

  it('answers a document over the token limit with 400 naming the limit, before it is parsed', async () => {
    const many = `{ ${Array.from({ length: 4100 }, () => 'ping').join(' ')} }`;
    // over the limit and malformed too: still the token refusal, still 400
    for (const query of [many, `${many} {`]) {
      const r = await post({ query });
      expect(r.status).toBe(400);
      const body = (await r.json()) as { errors: { message: string; extensions: { code: string } }[] };
      expect(body.errors[0]!.message).toMatch(/Document contains more tha[nt] 4000 tokens/);
      expect(body.errors[0]!.extensions.code).toBe('GRAPHQL_PARSE_FAILED');
    }
  });
});
