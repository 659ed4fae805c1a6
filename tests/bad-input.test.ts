/**
 * Issue 17.6: malformed identifiers, cursors, dates and orderings are the client's mistake. Every query
 * argument of those kinds in schema/*.graphql is probed with bad values, as a literal and as a variable:
 * the answer is a 4xx-class GraphQL error (BAD_USER_INPUT naming the argument when it reaches a resolver;
 * a validation or coercion error before that) and never INTERNAL_SERVER_ERROR.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SourceEnvelope } from '../connectors/types.js';
import { idNumberCheckChar, makeCreditCode } from '../src/domain/codes.js';
import type { Role } from '../src/security/roles.js';
import { applyEnvelopes } from '../src/sync/apply.js';
import { bearer, mintToken } from './support/auth.js';
import { gql } from './support/graphql-client.js';
import { enterpriseRecord, startStoreHub, type StoreHub } from './support/store-hub.js';

type Any = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const A = makeCreditCode('9', '1', '420106', '7A1B2C3D');
/** an ID number whose check character is X (the case a lower-case x is typed for) */
const ID_X = (() => {
  for (let n = 1230; ; n++) {
    const first17 = `4201061980010${n}`;
    if (idNumberCheckChar(first17) === 'X') return `${first17}X`;
  }
})();
const fullWidth = (s: string) => [...s].map((c) => String.fromCodePoint(c.codePointAt(0)! + 0xfee0)).join('');
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');

describe('bad identifiers, cursors, dates and orderings are BAD_USER_INPUT, never INTERNAL', () => {
  let hub: StoreHub;
  let url: string;
  let checkId: string;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    hub = await startStoreHub('badin', [enterpriseRecord(A, '武汉安建工程有限公司')]);
    url = hub.url;
    const who: [string, Role[], string | null][] = [
      ['admin', ['admin'], null],
      ['officer', ['licensing_officer'], 'HOUSING'],
      ['operator', ['department_operator'], 'MARKET'],
    ];
    for (const [name, roles, dept] of who)
      tokens[name] = await mintToken(roles, { department: dept, subject: name, office: '武汉市政务服务中心' });
    const run = await gql<Any>(
      url,
      `mutation($c: ID!) { runJointPunishmentCheck(input: { creditCode: $c, matter: PUBLIC_BIDDING }) { checkId } }`,
      { c: A },
      bearer(tokens.officer!),
    );
    expect(run.errors).toBeUndefined();
    checkId = run.data.runJointPunishmentCheck.checkId;
  });
  afterAll(async () => {
    await hub?.close();
  });

  const BAD_UUIDS = ['not-a-uuid', '------------------------------------', '00000000-0000-0000-0000-00000000000g', ''];
  const BAD_CURSORS = [
    '%%%',
    'x',
    b64('enterprise:'),
    b64('audit:abc'),
    b64('audit:1e400'),
    b64('quarantine:-1'),
    b64('{"t":"2024-01-01T00:00:00Z","id":"------------------------------------"}'),
    b64('{"t":"9999999-01-01","id":"00000000-0000-0000-0000-000000000000"}'),
    b64('enterprise-where-ESTABLISHED_DATE-ASC:["not a date","x"]'),
    b64('enterprise-where-REGISTERED_CAPITAL-ASC:["lots","x"]'),
    b64('enterprise-where-RISK_SCORE-DESC:[{"a":1},"x"]'),
    b64('enterprise-where-NAME-ASC:[null,"x"]'),
  ];
  const BAD_DATES = ['0000-01-01', '2024-02-30', '20240101', '2024-1-1', '99999-01-01', ''];
  const BAD_DATETIMES = ['yesterday', '0000-01-01T00:00:00Z', '+275760-09-14T00:00:00Z', '2024-13-01T00:00:00Z', ''];

  /** who asks, the operation with one `$v` (and its type), and the argument named in the refusal */
  const CASES: { who: string; name: string; type: string; field: string; op: string; values: string[] }[] = [
    {
      who: 'officer',
      name: 'check(checkId)',
      type: 'ID!',
      field: 'checkId',
      op: 'query Q($v: ID!) { check(checkId: $v) { checkId } }',
      values: BAD_UUIDS,
    },
    {
      who: 'officer',
      name: 'recordCheckFeedback(checkId)',
      type: 'ID!',
      field: 'checkId',
      op: 'mutation M($v: ID!) { recordCheckFeedback(checkId: $v, action: GRANTED) { id } }',
      values: BAD_UUIDS,
    },
    {
      who: 'officer',
      name: 'recordCheckFeedback(amends)',
      type: 'ID',
      field: 'amends',
      op: `mutation M($v: ID) { recordCheckFeedback(checkId: "CHECK", action: GRANTED, amends: $v) { id } }`,
      values: BAD_UUIDS.filter(Boolean),
    },
    {
      who: 'officer',
      name: 'checks(after)',
      type: 'String',
      field: 'after',
      op: 'query Q($v: String) { checks(after: $v) { totalCount } }',
      values: BAD_CURSORS,
    },
    {
      who: 'admin',
      name: 'auditLog(after)',
      type: 'String',
      field: 'after',
      op: 'query Q($v: String) { auditLog(after: $v) { totalCount } }',
      values: BAD_CURSORS,
    },
    {
      who: 'operator',
      name: 'quarantinedRecords(after)',
      type: 'String',
      field: 'after',
      op: 'query Q($v: String) { quarantinedRecords(after: $v) { totalCount } }',
      values: BAD_CURSORS,
    },
    {
      who: 'admin',
      name: 'enterprises(after)',
      type: 'String',
      field: 'after',
      op: 'query Q($v: String) { enterprises(after: $v) { totalCount } }',
      values: BAD_CURSORS,
    },
    ...(['CREDIT_CODE', 'NAME', 'REGISTERED_CAPITAL', 'ESTABLISHED_DATE', 'RISK_SCORE'] as const).map((f) => ({
      who: 'admin',
      name: `enterprises(orderBy: ${f}, after)`,
      type: 'String',
      field: 'after',
      op: `query Q($v: String) { enterprises(orderBy: { field: ${f} }, after: $v) { totalCount } }`,
      values: BAD_CURSORS,
    })),
    {
      who: 'admin',
      name: 'projects(after)',
      type: 'String',
      field: 'after',
      op: 'query Q($v: String) { projects(after: $v) { totalCount } }',
      values: BAD_CURSORS,
    },
    {
      who: 'admin',
      name: 'enterprise.persons(after)',
      type: 'String',
      field: 'after',
      op: `query Q($v: String) { enterprise(creditCode: "${A}") { persons(after: $v) { totalCount } } }`,
      values: BAD_CURSORS,
    },
    {
      who: 'admin',
      name: 'enterprise.listEntries(inForceOn)',
      type: 'Date',
      field: 'inForceOn',
      op: `query Q($v: Date) { enterprise(creditCode: "${A}") { listEntries(inForceOn: $v) { totalCount } } }`,
      values: BAD_DATES,
    },
    {
      who: 'admin',
      name: 'enterprise.credentials(validOn)',
      type: 'Date',
      field: 'validOn',
      op: `query Q($v: Date) { enterprise(creditCode: "${A}") { credentials(validOn: $v) { totalCount } } }`,
      values: BAD_DATES,
    },
    {
      who: 'officer',
      name: 'projectCheck(asOf)',
      type: 'Date',
      field: 'asOf',
      op: 'query Q($v: Date) { projectCheck(projectCode: "P-1", asOf: $v) { asOf } }',
      values: BAD_DATES,
    },
    {
      who: 'officer',
      name: 'enterpriseComplianceCheck(asOf)',
      type: 'Date',
      field: 'asOf',
      op: `query Q($v: Date) { enterpriseComplianceCheck(creditCode: "${A}", asOf: $v) { creditCode } }`,
      values: BAD_DATES,
    },
    {
      who: 'officer',
      name: 'runJointPunishmentCheck(asOf)',
      type: 'Date',
      field: 'asOf',
      op: `mutation M($v: Date) { runJointPunishmentCheck(input: { creditCode: "${A}", matter: PUBLIC_BIDDING, asOf: $v }) { decision } }`,
      values: BAD_DATES,
    },
    {
      who: 'admin',
      name: 'enterprises(where.establishedDate._gt)',
      type: 'Date',
      field: '_gt',
      op: 'query Q($v: Date) { enterprises(where: { establishedDate: { _gt: $v } }) { totalCount } }',
      values: BAD_DATES,
    },
    {
      who: 'officer',
      name: 'checkFeedbackStats(from)',
      type: 'DateTime',
      field: 'from',
      op: 'query Q($v: DateTime) { checkFeedbackStats(from: $v) { office } }',
      values: BAD_DATETIMES,
    },
    {
      who: 'officer',
      name: 'checks(filter.to)',
      type: 'DateTime',
      field: 'to',
      op: 'query Q($v: DateTime) { checks(filter: { to: $v }) { totalCount } }',
      values: BAD_DATETIMES,
    },
    {
      who: 'admin',
      name: 'auditLog(filter.from)',
      type: 'DateTime',
      field: 'from',
      op: 'query Q($v: DateTime) { auditLog(filter: { from: $v }) { totalCount } }',
      values: BAD_DATETIMES,
    },
  ];

  for (const c of CASES) {
    it(`${c.name}: refuses each bad value, as a variable and as a literal`, async () => {
      const problems: string[] = [];
      for (const v of c.values) {
        const op = c.op.replace('"CHECK"', JSON.stringify(checkId));
        const asVariable = await gql<Any>(url, op, { v }, bearer(tokens[c.who]!));
        const asLiteral = await gql<Any>(
          url,
          op.replace(/\(\$v: [^)]*\)/, '').replace('$v', JSON.stringify(v)),
          {},
          bearer(tokens[c.who]!),
        );
        for (const [how, r] of [
          ['variable', asVariable],
          ['literal', asLiteral],
        ] as const) {
          const e = r.errors?.[0];
          const code = e?.extensions?.code;
          const said = `${how} ${JSON.stringify(v)}: ${r.status} ${String(code)} ${e?.message ?? '(no error)'}`;
          if (!e || r.status >= 500 || code === 'INTERNAL_SERVER_ERROR') problems.push(said);
          // refused by a resolver or a variable's coercion (BAD_USER_INPUT), or a literal by validation: each names the argument
          else if (
            !(code === 'BAD_USER_INPUT' || (how === 'literal' && code === 'GRAPHQL_VALIDATION_FAILED')) ||
            e.extensions?.field !== c.field
          ) {
            problems.push(`${said} (field ${String(e.extensions?.field)})`);
          }
        }
      }
      expect(problems).toEqual([]);
    });
  }

  it('orderBy values outside the enum are refused before anything runs', async () => {
    for (const orderBy of ['{ field: SECRET }', '{ field: NAME, direction: SIDEWAYS }', '"NAME"']) {
      const r = await gql<Any>(url, `{ enterprises(orderBy: ${orderBy}) { totalCount } }`, {}, bearer(tokens.admin!));
      expect(r.errors?.[0]?.extensions?.code, orderBy).toBe('GRAPHQL_VALIDATION_FAILED');
    }
    const v = await gql<Any>(
      url,
      'query Q($o: EnterpriseOrderBy) { enterprises(orderBy: $o) { totalCount } }',
      { o: { field: 'SECRET' } },
      bearer(tokens.admin!),
    );
    expect(v.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(v.errors?.[0]?.message).toMatch(/\$o/);
  });

  it('good values of the same arguments are answered (the probes above are not refused for another reason)', async () => {
    const ok = await gql<Any>(
      url,
      `query($id: ID!, $d: Date, $t: DateTime) { check(checkId: $id) { checkId } checks(filter: { to: $t }) { totalCount }
      enterprise(creditCode: "${A}") { listEntries(inForceOn: $d) { totalCount } } checkFeedbackStats(from: $t) { office } }`,
      { id: checkId, d: '2024-02-29', t: '2030-01-01T00:00:00Z' },
      bearer(tokens.officer!),
    );
    expect(ok.errors).toBeUndefined();
    expect(ok.data.check.checkId).toBe(checkId);
    const page = await gql<Any>(
      url,
      '{ enterprises(first: 1, orderBy: { field: ESTABLISHED_DATE }) { pageInfo { endCursor } } }',
      {},
      bearer(tokens.admin!),
    );
    const next = await gql<Any>(
      url,
      'query($a: String) { enterprises(first: 1, orderBy: { field: ESTABLISHED_DATE }, after: $a) { nodes { creditCode } } }',
      { a: page.data.enterprises.pageInfo.endCursor },
      bearer(tokens.admin!),
    );
    expect(next.errors).toBeUndefined();
  });

  describe('identifier input is canonical as written (issue 17.9, DOMAIN.md: never looked up as another string)', () => {
    const spaced = `${A.slice(0, 6)} ${A.slice(6, 12)} ${A.slice(12)}`;
    const NON_CANONICAL_CODES = [A.toLowerCase(), fullWidth(A), spaced, ` ${A}`, `${A.slice(0, 9)}\u3000${A.slice(9)}`];
    const refusedNaming = (
      r: { errors?: { message: string; extensions?: Record<string, unknown> }[] },
      field: string,
      canonical: string,
    ) => {
      expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field, reason: 'NOT_CANONICAL', canonical });
      expect(r.errors?.[0]?.message).toContain(canonical);
      expect(String(r.errors?.[0]?.extensions?.messageZh)).toContain(canonical);
    };

    it("GraphQL: enterprise(creditCode:), a check's creditCode and persons, checks(filter:) and person(idNumber:) refuse lower-case, full-width and spaced forms, naming the canonical one", async () => {
      await applyEnvelopes({ ds: hub.ds, vault: hub.vault, log: pino({ level: 'silent' }) }, { id: 'market', department: 'MARKET' }, [
        {
          sourceRecordId: 'P-X',
          kind: 'person',
          raw: {},
          record: { kind: 'person', idNumber: ID_X, name: '赵六' },
        } as unknown as SourceEnvelope,
      ]);
      for (const typed of NON_CANONICAL_CODES) {
        refusedNaming(
          await gql<Any>(url, 'query($c: ID!) { enterprise(creditCode: $c) { name } }', { c: typed }, bearer(tokens.admin!)),
          'creditCode',
          A,
        );
        refusedNaming(
          await gql<Any>(
            url,
            'mutation($c: ID!) { runJointPunishmentCheck(input: { creditCode: $c, matter: PUBLIC_BIDDING }) { checkId } }',
            { c: typed },
            bearer(tokens.officer!),
          ),
          'input.creditCode',
          A,
        );
        refusedNaming(
          await gql<Any>(url, 'query($c: ID) { checks(filter: { creditCode: $c }) { totalCount } }', { c: typed }, bearer(tokens.officer!)),
          'filter.creditCode',
          A,
        );
      }
      for (const typed of [ID_X.toLowerCase(), fullWidth(ID_X), `${ID_X.slice(0, 6)} ${ID_X.slice(6)}`]) {
        refusedNaming(
          await gql<Any>(url, 'query($i: String!) { person(idNumber: $i) { idNumberMasked } }', { i: typed }, bearer(tokens.admin!)),
          'idNumber',
          ID_X,
        );
        refusedNaming(
          await gql<Any>(
            url,
            `mutation($p: [String!]) { runJointPunishmentCheck(input: { creditCode: "${A}", matter: PRINCIPAL_APPOINTMENT, persons: $p }) { checkId } }`,
            { p: [typed] },
            bearer(tokens.officer!),
          ),
          'input.persons[0]',
          ID_X,
        );
      }
      // the canonical forms are answered
      const ok = await gql<Any>(
        url,
        'query($c: ID!, $i: String!) { enterprise(creditCode: $c) { name } person(idNumber: $i) { idNumberMasked } }',
        { c: A, i: ID_X },
        bearer(tokens.admin!),
      );
      expect(ok.errors).toBeUndefined();
      expect(ok.data.enterprise.name).toBe('武汉安建工程有限公司');
      expect(ok.data.person.idNumberMasked).toBe(`420106********${ID_X.slice(-4)}`);
      const checks = await gql<Any>(
        url,
        'query($c: ID) { checks(filter: { creditCode: $c }) { totalCount } }',
        { c: A },
        bearer(tokens.officer!),
      );
      expect(checks.data.checks.totalCount).toBeGreaterThan(0);
      // not canonical and not valid either: the reason is the code's, not its form
      const bad = await gql<Any>(url, 'query($c: ID!) { enterprise(creditCode: $c) { name } }', { c: 'abc' }, bearer(tokens.admin!));
      expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'creditCode' });
      expect(bad.errors?.[0]?.extensions?.reason).not.toBe('NOT_CANONICAL');
    });

    it('a where comparing credit codes for (in)equality takes them only canonical; prefixes and patterns stay free', async () => {
      const ask = (where: string, v: Record<string, unknown>) =>
        gql<Any>(
          url,
          `query(${'v' in v ? '$v: [String!]' : '$s: String'}) { enterprises(where: ${where}) { totalCount } }`,
          v,
          bearer(tokens.admin!),
        );
      refusedNaming(await ask('{ creditCode: { _eq: $s } }', { s: A.toLowerCase() }), 'where.creditCode._eq', A);
      refusedNaming(await ask('{ creditCode: { _in: $v } }', { v: [A, spaced] }), 'where.creditCode._in[1]', A);
      refusedNaming(await ask('{ _not: { creditCode: { _neq: $s } } }', { s: fullWidth(A) }), 'where._not.creditCode._neq', A);
      expect((await ask('{ creditCode: { _eq: $s } }', { s: A })).data.enterprises.totalCount).toBe(1);
      expect((await ask('{ creditCode: { _like: $s } }', { s: `${A.slice(0, 8)}%` })).data.enterprises.totalCount).toBe(1);
      expect((await ask('{ creditCode: { _gte: $s } }', { s: A.slice(0, 8) })).errors).toBeUndefined();
    });

    it('REST: POST and GET /api/v1/joint-punishment-checks refuse the same forms with 400, naming the canonical one', async () => {
      const post = (body: unknown) =>
        fetch(`${url}/api/v1/joint-punishment-checks`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...bearer(tokens.officer!) },
          body: JSON.stringify(body),
        });
      for (const typed of NON_CANONICAL_CODES) {
        const r = await post({ creditCode: typed, matter: 'PUBLIC_BIDDING' });
        expect(r.status).toBe(400);
        expect(((await r.json()) as { error: unknown }).error).toMatchObject({
          code: 'BAD_USER_INPUT',
          field: 'input.creditCode',
          reason: 'NOT_CANONICAL',
          canonical: A,
        });
        const list = await fetch(`${url}/api/v1/joint-punishment-checks?creditCode=${encodeURIComponent(typed)}`, {
          headers: bearer(tokens.officer!),
        });
        expect(list.status).toBe(400);
        expect(((await list.json()) as { error: unknown }).error).toMatchObject({
          code: 'BAD_USER_INPUT',
          field: 'creditCode',
          reason: 'NOT_CANONICAL',
          canonical: A,
        });
      }
      const persons = await post({ creditCode: A, matter: 'PRINCIPAL_APPOINTMENT', persons: [ID_X.toLowerCase()] });
      expect(persons.status).toBe(400);
      expect(((await persons.json()) as { error: unknown }).error).toMatchObject({
        reason: 'NOT_CANONICAL',
        canonical: ID_X,
        field: 'input.persons[0]',
      });
      expect((await post({ creditCode: A, matter: 'PUBLIC_BIDDING' })).status).toBe(201);
    });
  });
});
