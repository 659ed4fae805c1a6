/**
 * The unified schema over a hand-seeded store (real PostgreSQL, real HTTP): pagination and cursors,
 * name lookup with several matches, person lookup masked, argument errors and internal-error masking.
 * Department data from the simulators are covered in graphql-departments.test.ts.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { makeCreditCode, idNumberCheckChar } from '../src/domain/codes.js';
import { normaliseName } from '../src/domain/names.js';
import { PiiVault } from '../src/security/pii.js';
import { createHubServer, type HubServer } from '../src/server/app.js';
import { openStore } from '../src/store/data-source.js';
import { createTestDatabase } from './support/db.js';
import { TEST_JWT_SECRET, mintToken } from './support/auth.js';
import { authHeaders, gql, registerToken, type GraphQLResponse } from './support/graphql-client.js';

type AnyResponse = GraphQLResponse<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const PROV = `department, source, source_record_id, fetched_at, raw, content_hash`;
const code = (i: number) => makeCreditCode('9', '1', '420106', String(10_000_000 + i));
const idNumber = (body17: string) => body17 + idNumberCheckChar(body17);
const ID_A = idNumber('42010619800101123');

describe('unified schema over the store', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let ds: DataSource;
  let server: HubServer;
  let url: string;
  const logLines: string[] = [];
  const vault = new PiiVault(Buffer.alloc(32, 7));

  beforeAll(async () => {
    db = await createTestDatabase('gqlstore');
    ds = await openStore(db.url);
    for (let i = 0; i < 30; i++) {
      const name =
        i === 1
          ? '武汉建工（集团）有限公司'
          : i === 2
            ? '武汉建工(集团)有限公司'
            : i === 3
              ? '武汉建工集团有限责任公司'
              : `测试企业${i}有限公司`;
      await ds.query(
        `INSERT INTO enterprise (credit_code, org_code, name, name_normalised, type, status, legal_representative, division_code,
           industry_code, registered_capital, established_date, ${PROV})
         VALUES ($1, $2, $3, $4, '有限责任公司', $5, '张三', '420106', $6, 100, '2010-01-01', 'MARKET', 'market', $7, now(), '{}', 'h')`,
        [code(i), code(i).slice(8, 17), name, normaliseName(name), i % 10 === 9 ? 'REVOKED' : 'ACTIVE', i % 2 ? 'E4710' : 'C2614', `E${i}`],
      );
    }
    const key = vault.personKey(ID_A);
    await ds.query(
      `INSERT INTO person (person_key, id_encrypted, id_masked, name, ${PROV}) VALUES ($1, $2, $3, '李四', 'EMERGENCY', 'emergency', 'P1', now(), '{}', 'h')`,
      [key, vault.encrypt(ID_A), '420106********' + ID_A.slice(-4)],
    );
    await ds.query(
      `INSERT INTO enterprise_person_role (credit_code, person_key, role, ${PROV}) VALUES
      ($1, $3, 'PRINCIPAL', 'EMERGENCY', 'emergency', 'R1', now(), '{}', 'h'), ($2, $3, 'LEGAL_REPRESENTATIVE', 'MARKET', 'market', 'R2', now(), '{}', 'h')`,
      [code(0), code(5), key],
    );
    await ds.query(
      `INSERT INTO credential (credential_kind, number, person_key, registered_credit_code, issuer_department, valid_from, valid_to, status, ${PROV})
      VALUES ('REGISTERED_SAFETY_ENGINEER', 'RSE-1', $1, $2, 'EMERGENCY', '2020-01-01', '2099-01-01', 'VALID', 'EMERGENCY', 'emergency', 'C1', now(), '{}', 'h')`,
      [key, code(0)],
    );
    await ds.query(
      `INSERT INTO list_entry (list, subject_type, person_key, person_name, reason, legal_basis, decision_number, start_date, ban_scope, ${PROV})
      VALUES ('PRINCIPAL_BAN', 'PERSON', $1, '李四', '对事故负有责任', '安全生产法第九十四条', 'BAN-1', '2021-01-01', 'ALL_UNITS', 'EMERGENCY', 'emergency', 'L1', now(), '{}', 'h')`,
      [key],
    );
    // 25 penalties for enterprise 0 over three departments, for pagination
    for (let i = 0; i < 25; i++) {
      const dept = ['MARKET', 'EMERGENCY', 'TRANSPORT'][i % 3]!;
      await ds.query(
        `INSERT INTO penalty (credit_code, decision_number, decision_date, penalty_type, reason, amount, ${PROV})
        VALUES ($1, $2, $3, '罚款', '违法', $4, $5, $6, $7, now(), '{}', 'h')`,
        [
          code(0),
          `D-${String(i).padStart(2, '0')}`,
          `2024-01-${String(1 + i).padStart(2, '0')}`,
          1000 * i,
          dept,
          dept.toLowerCase(),
          `PEN${i}`,
        ],
      );
    }
    await ds.query(
      `INSERT INTO hidden_danger (credit_code, level, description, found_date, deadline, found_by, status, closed_date, ${PROV}) VALUES
      ($1, 'MAJOR', '未整改重大隐患', '2024-01-01', '2024-02-01', 'ENFORCEMENT', 'OPEN', NULL, 'EMERGENCY', 'emergency', 'HD1', now(), '{}', 'h'),
      ($1, 'GENERAL', '按期销号', '2024-01-01', '2024-02-01', 'SELF_INSPECTION', 'CLOSED', '2024-01-20', 'EMERGENCY', 'emergency', 'HD2', now(), '{}', 'h'),
      ($1, 'GENERAL', '逾期销号', '2024-01-01', '2024-02-01', 'LOCAL_REPORT', 'CLOSED', '2024-02-11', 'EMERGENCY', 'emergency', 'HD3', now(), '{}', 'h')`,
      [code(0)],
    );
    await ds.query(
      `INSERT INTO sync_run (connector, status, finished_at, records_read, records_written) VALUES ('emergency', 'SUCCEEDED', '2025-01-02T03:04:05Z', 1, 1)`,
    );

    const sink = new Writable({
      write(chunk, _enc, cb) {
        logLines.push(String(chunk));
        cb();
      },
    });
    const config = loadConfig({
      NODE_ENV: 'test',
      HUB_MAX_PAGE_SIZE: '50',
      HUB_DATA_DIR: '.data/test-gql',
      HUB_JWT_SECRET: TEST_JWT_SECRET,
    });
    server = await createHubServer({ ds, config, vault, connectors: new Map(), log: pino({ level: 'info' }, sink) });
    url = await server.listen(0, '127.0.0.1');
    registerToken(url, await mintToken(['admin']));
  });
  afterAll(async () => {
    await server?.close();
    await ds?.destroy();
    await db?.drop();
  });

  it('pages enterprises with opaque cursors and a total count', async () => {
    const q = `query($after: String, $f: EnterpriseFilter) { enterprises(first: 12, after: $after, filter: $f) {
      totalCount edges { cursor node { creditCode } } pageInfo { hasNextPage hasPreviousPage endCursor } } }`;
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 3; page++) {
      const r: AnyResponse = await gql(url, q, { after });
      expect(r.errors).toBeUndefined();
      const c = r.data.enterprises as {
        totalCount: number;
        edges: { node: { creditCode: string } }[];
        pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string };
      };
      expect(c.totalCount).toBe(30);
      seen.push(...c.edges.map((e: { node: { creditCode: string } }) => e.node.creditCode));
      expect(c.pageInfo.hasNextPage).toBe(page < 2);
      expect(c.pageInfo.hasPreviousPage).toBe(page > 0);
      after = c.pageInfo.endCursor;
    }
    expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => code(i)).sort());
    expect(after).not.toContain(seen.at(-1)); // opaque, not the bare key
    const revoked = await gql(url, q, { f: { status: 'REVOKED' } });
    expect(revoked.data.enterprises.totalCount).toBe(3);
  });

  it('refuses a garbled cursor, first over the maximum and malformed codes with BAD_USER_INPUT naming the field', async () => {
    const bad = async (query: string, vars: Record<string, unknown>, field: string) => {
      const r = await gql(url, query, vars);
      expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      return r.errors![0]!;
    };
    await bad(`{ enterprises(after: "not-a-cursor!") { totalCount } }`, {}, 'after');
    await bad(`{ enterprises(after: "${Buffer.from('penalty:x').toString('base64url')}") { totalCount } }`, {}, 'after');
    const tooMany = await bad(`{ enterprises(first: 51) { totalCount } }`, {}, 'first');
    expect(tooMany.extensions).toMatchObject({ max: 50 });
    const cc = await bad(`{ enterprise(creditCode: "91420106ABC") { name } }`, {}, 'creditCode');
    expect(cc.message).toContain('creditCode');
    const wrongCheck = code(0).slice(0, 17) + (code(0).endsWith('0') ? '1' : '0');
    const chk = await bad(`query($c: ID!) { enterprise(creditCode: $c) { name } }`, { c: wrongCheck }, 'creditCode');
    expect(chk.message).toMatch(/check character/);
    await bad(`{ person(idNumber: "420106198001011230") { name } }`, {}, 'idNumber');
    await bad(`query($c: ID!) { enterprise(creditCode: $c) { penalties(first: 1000) { totalCount } } }`, { c: code(0) }, 'first');
    await bad(`query($c: ID!) { enterprise(creditCode: $c) { penalties(after: "Zm9vOmJhcg") { totalCount } } }`, { c: code(0) }, 'after');
  });

  it('answers a known code, and null for a valid unknown one; a code not written canonically is refused naming the canonical form', async () => {
    // spaced as typed from a paper form (lower case and full width: tests/bad-input.test.ts)
    const spaced = await gql(url, `query($a: ID!) { enterprise(creditCode: $a) { name } }`, {
      a: `${code(9).slice(0, 8)} ${code(9).slice(8)}`,
    });
    expect(spaced.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'creditCode',
      reason: 'NOT_CANONICAL',
      canonical: code(9),
    });
    const r = await gql(
      url,
      `query($a: ID!, $b: ID!) { a: enterprise(creditCode: $a) { name status } b: enterprise(creditCode: $b) { name } }`,
      { a: code(9), b: code(999) },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({ a: { name: '测试企业9有限公司', status: 'REVOKED' }, b: null });
  });

  it('paginates an enterprise list newest first, across departments and per department section', async () => {
    const q = `query($c: ID!, $after: String) { enterprise(creditCode: $c) {
      penalties(first: 10, after: $after) { totalCount nodes { decisionNumber department } pageInfo { endCursor hasNextPage } }
      emergency { asOf stale mode penalties(first: 50) { totalCount nodes { decisionNumber } } } } }`;
    const all: string[] = [];
    let after: string | null = null;
    do {
      const r: AnyResponse = await gql(url, q, { c: code(0), after });
      expect(r.errors).toBeUndefined();
      const p = r.data.enterprise.penalties as {
        totalCount: number;
        nodes: { decisionNumber: string }[];
        pageInfo: { hasNextPage: boolean; endCursor: string };
      };
      expect(p.totalCount).toBe(25);
      all.push(...p.nodes.map((n: { decisionNumber: string }) => n.decisionNumber));
      after = p.pageInfo.hasNextPage ? p.pageInfo.endCursor : null;
      const em = r.data.enterprise.emergency;
      expect(em).toMatchObject({ asOf: '2025-01-02T03:04:05.000Z', stale: false, mode: 'STORED' });
      expect(em.penalties.nodes.map((n: { decisionNumber: string }) => n.decisionNumber)).toEqual(
        Array.from({ length: 25 }, (_, i) => i)
          .filter((i) => i % 3 === 1)
          .reverse()
          .map((i) => `D-${String(i).padStart(2, '0')}`),
      );
    } while (after);
    expect(all).toEqual(Array.from({ length: 25 }, (_, i) => `D-${String(24 - i).padStart(2, '0')}`));
  });

  it('derives overdue on hidden dangers', async () => {
    const r = await gql(
      url,
      `query($c: ID!) { enterprise(creditCode: $c) {
      all: hiddenDangers { nodes { description overdue daysOverdue } } late: hiddenDangers(overdue: true) { totalCount } } }`,
      { c: code(0) },
    );
    expect(r.errors).toBeUndefined();
    const by = Object.fromEntries(r.data.enterprise.all.nodes.map((n: { description: string }) => [n.description, n]));
    expect(by['按期销号']).toMatchObject({ overdue: false, daysOverdue: 0 });
    expect(by['逾期销号']).toMatchObject({ overdue: true, daysOverdue: 10 });
    expect(by['未整改重大隐患'].overdue).toBe(true);
    expect(by['未整改重大隐患'].daysOverdue).toBeGreaterThan(300);
    expect(r.data.enterprise.late.totalCount).toBe(2);
  });

  it('finds several enterprises by a normalised name, saying how each matched', async () => {
    const r = await gql(
      url,
      `{ enterpriseByName(name: "武汉建工(集团)有限公司") { matchedBy similarity enterprise { creditCode name } } }`,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data.enterpriseByName).toEqual([
      { matchedBy: 'EXACT', similarity: 1, enterprise: { creditCode: code(2), name: '武汉建工(集团)有限公司' } },
      { matchedBy: 'NORMALISED', similarity: 1, enterprise: { creditCode: code(1), name: '武汉建工（集团）有限公司' } },
    ]);
    // 有限责任公司 is a distinct legal form: only a fuzzy match
    const fuzzy = await gql(
      url,
      `{ enterpriseByName(name: "武汉建工（集团）有限公司", fuzzy: true) { matchedBy enterprise { creditCode } } }`,
    );
    expect(fuzzy.data.enterpriseByName.map((m: { matchedBy: string }) => m.matchedBy)).toEqual(['EXACT', 'NORMALISED', 'SIMILAR']);
    expect(fuzzy.data.enterpriseByName[2].enterprise.creditCode).toBe(code(3));
    const none = await gql(url, `{ enterpriseByName(name: "不存在的公司") { matchedBy } }`);
    expect(none.data.enterpriseByName).toEqual([]);
    const empty = await gql(url, `{ enterpriseByName(name: "  ") { matchedBy } }`);
    expect(empty.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
  });

  it('looks a person up by ID number and answers it masked, with roles, credentials and bans', async () => {
    const r = await gql(
      url,
      `query($id: String!) { person(idNumber: $id) { idNumber idNumberMasked name
      roles { totalCount nodes { role enterprise { creditCode enterprise { name } } } }
      credentials { nodes { kind number validOn registeredEnterprise { creditCode } } }
      bans { nodes { list banScope inForce decisionNumber } } } }`,
      { id: ID_A.toLowerCase() },
    );
    expect(r.errors).toBeUndefined();
    const p = r.data.person;
    expect(p.idNumber).toBe(`420106********${ID_A.slice(-4)}`);
    expect(p.idNumberMasked).toBe(p.idNumber);
    expect(JSON.stringify(r.data)).not.toContain(ID_A);
    expect(p.name).toBe('李四');
    expect(p.roles.totalCount).toBe(2);
    expect(p.roles.nodes.map((n: { role: string }) => n.role).sort()).toEqual(['LEGAL_REPRESENTATIVE', 'PRINCIPAL']);
    expect(p.credentials.nodes).toEqual([
      { kind: 'REGISTERED_SAFETY_ENGINEER', number: 'RSE-1', validOn: true, registeredEnterprise: { creditCode: code(0) } },
    ]);
    expect(p.bans.nodes).toEqual([{ list: 'PRINCIPAL_BAN', banScope: 'ALL_UNITS', inForce: true, decisionNumber: 'BAN-1' }]);
    const e = await gql(
      url,
      `query($c: ID!) { enterprise(creditCode: $c) { persons(role: PRINCIPAL) { nodes { person { name idNumber } } }
      emergency { personCredentials { nodes { number person { idNumber } } } } } }`,
      { c: code(0) },
    );
    expect(e.data.enterprise.persons.nodes).toEqual([{ person: { name: '李四', idNumber: p.idNumber } }]);
    expect(e.data.enterprise.emergency.personCredentials.nodes).toEqual([{ number: 'RSE-1', person: { idNumber: p.idNumber } }]);
    const unknown = await gql(url, `query($id: String!) { person(idNumber: $id) { name } }`, { id: idNumber('11010119900307123') });
    expect(unknown.data).toEqual({ person: null });
  });

  it('masks internal errors in the response and logs them with the request id', async () => {
    await ds.query(`ALTER TABLE accident RENAME TO accident_moved`);
    try {
      const r = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': 'req-mask-1', ...authHeaders(url) },
        body: JSON.stringify({
          query: `query($c: ID!) { enterprise(creditCode: $c) { name accidents { totalCount } } }`,
          variables: { c: code(0) },
        }),
      });
      const body = (await r.json()) as {
        data: { enterprise: unknown } | null;
        errors: { message: string; extensions: { code: string }; path: string[] }[];
      };
      expect(body.errors).toHaveLength(1);
      expect(body.errors[0]).toMatchObject({
        message: 'Internal server error',
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
        path: ['enterprise', 'accidents'],
      });
      expect(JSON.stringify(body)).not.toMatch(/relation|accident_moved|SELECT/);
      const logged = logLines
        .map((l) => JSON.parse(l) as { requestId?: string; msg: string; err?: { message: string } })
        .find((l) => l.requestId === 'req-mask-1' && l.msg === 'internal error');
      expect(logged?.err?.message).toMatch(/relation "accident" does not exist/);
    } finally {
      await ds.query(`ALTER TABLE accident_moved RENAME TO accident`);
    }
  });
});
