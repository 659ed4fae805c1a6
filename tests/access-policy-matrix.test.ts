/**
 * The access policy, role by role (issue 17 "done when"): every caller (each role, operators of two
 * departments, two licensing offices, no credentials) against every sensitive field and path — GraphQL
 * fields, REST, the CSV export, the printable record, quarantined raw records, the audit log, metrics —
 * over HTTP against a hub synced from the simulated departments.
 *
 * MATRIX below is the policy written out as a table, by hand, from the rules in src/security/policy.ts
 * and its header comment (who may read what and why). Two halves:
 * - static: every rule of POLICY that is not plain ANY has a row, and the row says for each role exactly
 *   what the rule's roles say: changing, adding or removing a rule in policy.ts fails here by name;
 * - dynamic: each row is probed through the running hub as each caller, and the answer must be the
 *   outcome the row gives: a rule that policy.ts still states but the code stops applying fails here.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScenarioIndex } from '../src/generator/planted.js';
import { ANY, POLICY, ruleFor, rolesAllow, type Rule } from '../src/security/policy.js';
import type { Role } from '../src/security/roles.js';
import { bearer, mintToken } from './support/auth.js';
import { gql, type GraphQLResponse } from './support/graphql-client.js';
import { startHubFixture, type HubFixture } from './support/hub-fixture.js';

type Any = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * What a caller gets on a path:
 * - allow: the data; deny: FORBIDDEN (403 on HTTP paths) because of the caller's roles;
 * - record: the role passes but this record is not the caller's (FORBIDDEN by the per-record rule);
 * - office: another office's check: reading answers as an unknown id (null / 404), feedback FORBIDDEN NOT_OWN_OFFICE;
 * - masked / clear: personal information as the caller receives it;
 * - unreachable: the field's own rule passes, but every way to it starts at an entry point the role is refused;
 * - unauth: 401 (no credentials).
 */
type Outcome = 'allow' | 'deny' | 'record' | 'office' | 'masked' | 'clear' | 'unreachable' | 'unauth';

const CALLERS = ['officer', 'officerB', 'inspector', 'analyst', 'marketOp', 'fireOp', 'admin', 'anonymous'] as const;
type Caller = (typeof CALLERS)[number];
const ROLE_OF: Record<Exclude<Caller, 'anonymous'>, { roles: Role[]; department: string | null; office: string | null }> = {
  officer: { roles: ['licensing_officer'], department: 'HOUSING', office: 'HB-WH-ZJ-XK' },
  officerB: { roles: ['licensing_officer'], department: 'HOUSING', office: 'HB-YC-XK' },
  inspector: { roles: ['inspector'], department: 'EMERGENCY', office: null },
  analyst: { roles: ['analyst'], department: 'SAFETY_COMMITTEE', office: null },
  marketOp: { roles: ['department_operator'], department: 'MARKET', office: null },
  fireOp: { roles: ['department_operator'], department: 'FIRE', office: null },
  admin: { roles: ['admin'], department: null, office: null },
};

/** A row: the outcome per caller, in CALLERS order. */
type Row = readonly [Outcome, Outcome, Outcome, Outcome, Outcome, Outcome, Outcome, Outcome];
//                                            officer     officerB    inspector   analyst     marketOp    fireOp      admin       anonymous
const MATRIX: Record<string, Row> = {
  // ---- GraphQL entry points (Query / Mutation)
  'Query.person': ['allow', 'allow', 'allow', 'deny', 'allow', 'allow', 'allow', 'unauth'],
  'Query.check': ['allow', 'office', 'allow', 'deny', 'deny', 'deny', 'allow', 'unauth'],
  'Query.checks': ['allow', 'office', 'allow', 'deny', 'deny', 'deny', 'allow', 'unauth'],
  'Query.checkFeedbackStats': ['allow', 'office', 'allow', 'deny', 'deny', 'deny', 'allow', 'unauth'],
  'Query.sources': ['deny', 'deny', 'deny', 'deny', 'allow', 'allow', 'allow', 'unauth'],
  'Query.syncRuns': ['deny', 'deny', 'deny', 'deny', 'allow', 'allow', 'allow', 'unauth'],
  'Query.quarantinedRecords': ['deny', 'deny', 'deny', 'deny', 'allow', 'allow', 'allow', 'unauth'],
  'Query.auditLog': ['deny', 'deny', 'deny', 'deny', 'deny', 'deny', 'allow', 'unauth'],
  'Query.auditChain': ['deny', 'deny', 'deny', 'deny', 'deny', 'deny', 'allow', 'unauth'],
  'Query.enterpriseStats': ['deny', 'deny', 'allow', 'allow', 'allow', 'allow', 'allow', 'unauth'],
  'Query.keySupervisionList': ['deny', 'deny', 'allow', 'allow', 'deny', 'deny', 'allow', 'unauth'],
  'Query.projectCheck': ['allow', 'allow', 'allow', 'deny', 'deny', 'deny', 'allow', 'unauth'],
  'Query.contractCheck': ['allow', 'allow', 'allow', 'deny', 'deny', 'deny', 'allow', 'unauth'],
  'Query.enterpriseComplianceCheck': ['allow', 'allow', 'allow', 'deny', 'deny', 'deny', 'allow', 'unauth'],
  'Mutation.runJointPunishmentCheck': ['allow', 'allow', 'deny', 'deny', 'deny', 'deny', 'allow', 'unauth'],
  'Mutation.runJointPunishmentChecks': ['allow', 'allow', 'deny', 'deny', 'deny', 'deny', 'allow', 'unauth'],
  'Mutation.recordCheckFeedback': ['allow', 'office', 'deny', 'deny', 'deny', 'deny', 'allow', 'unauth'],
  'Mutation.upsertMeasure': ['deny', 'deny', 'deny', 'deny', 'deny', 'deny', 'allow', 'unauth'],
  'Mutation.deactivateMeasure': ['deny', 'deny', 'deny', 'deny', 'deny', 'deny', 'allow', 'unauth'],
  // ---- personal information inside types: names (PERSONAL), ID numbers and phones (PII, sent with a lawful purpose)
  'Person.name': ['allow', 'allow', 'allow', 'deny', 'allow', 'allow', 'allow', 'unauth'],
  'Person.personKey': ['allow', 'allow', 'allow', 'deny', 'allow', 'allow', 'allow', 'unauth'],
  'Person.idNumber': ['masked', 'masked', 'masked', 'masked', 'clear', 'masked', 'masked', 'unauth'],
  'Person.phone': ['masked', 'masked', 'masked', 'masked', 'clear', 'masked', 'masked', 'unauth'],
  'Enterprise.legalRepresentative': ['allow', 'allow', 'allow', 'deny', 'allow', 'allow', 'allow', 'unauth'],
  'ListEntry.personName': ['allow', 'allow', 'allow', 'deny', 'allow', 'allow', 'allow', 'unauth'],
  'ListHit.personName': ['allow', 'office', 'allow', 'deny', 'unreachable', 'unreachable', 'allow', 'unauth'],
  'ListHit.personIdNumber': ['masked', 'office', 'masked', 'unreachable', 'unreachable', 'unreachable', 'masked', 'unauth'],
  'CheckedPerson.name': ['allow', 'office', 'allow', 'deny', 'unreachable', 'unreachable', 'allow', 'unauth'],
  'CheckedPerson.idNumber': ['masked', 'office', 'masked', 'unreachable', 'unreachable', 'unreachable', 'masked', 'unauth'],
  'FindingParty.personName': ['allow', 'allow', 'allow', 'deny', 'unreachable', 'unreachable', 'allow', 'unauth'],
  // ---- raw source data: admin, or an operator of the source's own department (the probe reads a MARKET source's record)
  'QuarantinedRecord.raw': ['deny', 'deny', 'deny', 'deny', 'allow', 'record', 'allow', 'unauth'],
  'QuarantinedRecord.record': ['deny', 'deny', 'deny', 'deny', 'allow', 'record', 'allow', 'unauth'],
  'QuarantinedRecord.candidates': ['deny', 'deny', 'deny', 'deny', 'allow', 'record', 'allow', 'unauth'],
  // ---- HTTP paths outside GraphQL
  'GET /api/v1/joint-punishment-checks/{id}': ['allow', 'office', 'allow', 'deny', 'deny', 'deny', 'allow', 'unauth'],
  'GET /api/v1/joint-punishment-checks': ['allow', 'office', 'allow', 'deny', 'deny', 'deny', 'allow', 'unauth'],
  'POST /api/v1/joint-punishment-checks/{id}/feedback': ['allow', 'office', 'deny', 'deny', 'deny', 'deny', 'allow', 'unauth'],
  'GET /checks/{id} (printable record)': ['allow', 'office', 'allow', 'deny', 'deny', 'deny', 'allow', 'unauth'],
  'GET /export/enterprises.csv': ['deny', 'deny', 'allow', 'allow', 'allow', 'allow', 'allow', 'unauth'],
  'CSV column 法定代表人': ['unreachable', 'unreachable', 'allow', 'deny', 'allow', 'allow', 'allow', 'unauth'],
  'GET /metrics': ['deny', 'deny', 'deny', 'deny', 'deny', 'deny', 'allow', 'unauth'],
  'GET /api/v1/openapi.json (public)': ['allow', 'allow', 'allow', 'allow', 'allow', 'allow', 'allow', 'allow'],
  'GET /readyz (public, no sync error text)': ['allow', 'allow', 'allow', 'allow', 'allow', 'allow', 'allow', 'allow'],
};

/** Which GraphQL rule an HTTP path applies (it runs the same operation, or says so in policy.ts). */
const HTTP_RULE: Record<string, string> = {
  'GET /api/v1/joint-punishment-checks/{id}': 'Query.check',
  'GET /api/v1/joint-punishment-checks': 'Query.checks',
  'POST /api/v1/joint-punishment-checks/{id}/feedback': 'Mutation.recordCheckFeedback',
  'GET /checks/{id} (printable record)': 'Query.check',
  'GET /export/enterprises.csv': 'Query.enterpriseStats',
  'CSV column 法定代表人': 'Enterprise.legalRepresentative',
};

const outcomeOf = (row: string, c: Caller): Outcome => MATRIX[row]![CALLERS.indexOf(c)]!;

describe('the matrix is the policy (static)', () => {
  const named = (t: string, f: string) => `${t}.${f}`;

  it('has a row for every rule of POLICY that is not plain ANY, and no row for a field without one', () => {
    const restricted: string[] = [];
    for (const [type, fields] of Object.entries(POLICY)) {
      for (const [field, rule] of Object.entries(fields)) {
        if (field === '*') expect(rule, `${type}.* is a type default: the matrix covers field rules only`).toBe(ANY);
        else if (rule !== ANY) restricted.push(named(type, field));
      }
    }
    const graphqlRows = Object.keys(MATRIX).filter((k) => /^\w+\.\w+$/.test(k));
    expect(restricted.sort()).toEqual(graphqlRows.sort());
  });

  it("says for every role what the rule's roles say", () => {
    const wrong: string[] = [];
    const rows = [...Object.keys(MATRIX).filter((k) => /^\w+\.\w+$/.test(k)), ...Object.keys(HTTP_RULE)];
    for (const row of rows) {
      const [type, field] = (HTTP_RULE[row] ?? row).split('.') as [string, string];
      const rule = ruleFor(type, field) as Rule;
      for (const c of CALLERS) {
        if (c === 'anonymous') {
          if (outcomeOf(row, c) !== 'unauth') wrong.push(`${row} / anonymous: every rule needs a caller`);
          continue;
        }
        const passes = rolesAllow(rule, { subject: c, department: ROLE_OF[c].department, roles: ROLE_OF[c].roles });
        const says = outcomeOf(row, c) !== 'deny';
        if (passes !== says) wrong.push(`${row} / ${c}: policy.ts ${passes ? 'allows' : 'refuses'}, the matrix says ${outcomeOf(row, c)}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('the hub applies the matrix (each row probed as each caller, over HTTP)', () => {
  let hub: HubFixture;
  let sc: ScenarioIndex;
  const headers: Partial<Record<Caller, Record<string, string>>> = { anonymous: {} };
  /** the check the officer of office A ran, with a hit on the listed legal representative */
  let checkId: string;
  let caseNumber: string;
  let projectCode: string;
  let quarantinedMarketId: string;
  let person: { idNumber: string; phone: string; enterprise: string };
  const PURPOSE = { 'x-purpose': 'IDENTITY_VERIFICATION' };

  const as = (
    c: Caller,
    query: string,
    variables: Record<string, unknown> = {},
    extra: Record<string, string> = {},
  ): Promise<GraphQLResponse<Any>> =>
    gql<Any>(hub.url, query, variables, { ...(c === 'anonymous' ? { authorization: 'Bearer ' } : headers[c]!), ...extra });
  const http = (c: Caller, path: string, init: { method?: string; body?: unknown } = {}) =>
    fetch(`${hub.url}${path}`, {
      method: init.method ?? 'GET',
      headers: { ...(c === 'anonymous' ? {} : headers[c]!), ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
    });

  /**
   * The outcome of a GraphQL answer for the row `field` (Type.field). A refusal at another field (the entry
   * point on the way) is 'deny' when the row's own rule refuses the caller too, else 'unreachable'.
   */
  function graphqlOutcome(r: GraphQLResponse<Any>, field: string, c?: Caller): Outcome {
    if (r.status === 401) return 'unauth';
    const e = r.errors?.find((x) => x.extensions?.code === 'FORBIDDEN');
    if (e) {
      if (e.extensions?.reason === 'NOT_OWN_OFFICE') return 'office';
      if (e.extensions?.field === field) return 'deny';
      const own = ruleFor(...(field.split('.') as [string, string]))!;
      const roles = !c || c === 'anonymous' ? [] : ROLE_OF[c].roles;
      return rolesAllow(own, { subject: String(c), department: null, roles }) ? 'unreachable' : 'deny';
    }
    if (r.errors?.length) throw new Error(`unexpected errors: ${JSON.stringify(r.errors)}`);
    return 'allow';
  }
  const httpOutcome = (status: number): Outcome =>
    status === 401
      ? 'unauth'
      : status === 403
        ? 'deny'
        : status === 404
          ? 'office'
          : status < 300
            ? 'allow'
            : (() => {
                throw new Error(`status ${status}`);
              })();

  const masked = (value: string | null | undefined, clear: string): Outcome => {
    if (value === clear) return 'clear';
    expect(value).toMatch(/\*{4}/);
    return 'masked';
  };

  beforeAll(async () => {
    hub = await startHubFixture();
    sc = hub.generated.scenarios;
    for (const c of CALLERS) {
      if (c === 'anonymous') continue;
      headers[c] = bearer(
        await mintToken(ROLE_OF[c].roles, {
          subject: `matrix-${c}`,
          department: ROLE_OF[c].department,
          office: ROLE_OF[c].office,
          name: `核查员${c}`,
        }),
      );
    }
    const listed = sc.persons['person.legalRepListed']!;
    const enterprise = sc.enterprises['person.legalRepListed']!.creditCode;
    // the phone as the market registry holds it: read by its department's operator with a purpose (clear, audited)
    const clear = await as(
      'marketOp',
      'query($id: String!) { person(idNumber: $id) { idNumber phone } }',
      { id: listed.idNumber },
      PURPOSE,
    );
    expect(clear.data.person.idNumber).toBe(listed.idNumber);
    person = { idNumber: listed.idNumber, phone: clear.data.person.phone, enterprise };
    expect(person.phone).toMatch(/^\d{11}$|^\d{3,4}-\d{7,8}$/);

    caseNumber = `MATRIX-${randomUUID().slice(0, 8)}`;
    const run = await as(
      'officer',
      `mutation($c: ID!, $n: String) { runJointPunishmentCheck(input: { creditCode: $c, matter: PRINCIPAL_APPOINTMENT, caseNumber: $n }) { checkId decision hits { subject } } }`,
      { c: enterprise, n: caseNumber },
    );
    expect(run.errors).toBeUndefined();
    checkId = run.data.runJointPunishmentCheck.checkId;
    // the legal representative is on the safety-dishonesty list (planted): a hit about a person
    expect(run.data.runJointPunishmentCheck.hits.map((h: Any) => h.subject)).toContain('LEGAL_REPRESENTATIVE');

    const q = await as('admin', `{ quarantinedRecords(first: 100) { nodes { id source } } sources { id department } }`);
    const marketSources = new Set(q.data.sources.filter((s: Any) => s.department === 'MARKET').map((s: Any) => s.id));
    quarantinedMarketId = q.data.quarantinedRecords.nodes.find((n: Any) => marketSources.has(n.source))?.id;
    expect(quarantinedMarketId, 'the planted malformed market penalty is quarantined').toBeTruthy();

    for (const p of Object.values(sc.projects)) {
      const r = await as('admin', `query($p: ID!) { projectCheck(projectCode: $p) { findings { parties { personName } } } }`, {
        p: p.projectCode,
      });
      if (r.data?.projectCheck.findings.some((f: Any) => f.parties.some((x: Any) => x.personName))) {
        projectCode = p.projectCode;
        break;
      }
    }
    expect(projectCode, 'a planted project has a finding naming a person').toBeTruthy();
  }, 300_000);

  afterAll(async () => {
    await hub?.close();
  });

  /** One probe per row: what `c` gets on that path. */
  const PROBES: Record<keyof typeof MATRIX, (c: Caller) => Promise<Outcome>> = {
    'Query.person': async (c) =>
      graphqlOutcome(
        await as(c, 'query($id: String!) { person(idNumber: $id) { idNumberMasked } }', { id: person.idNumber }),
        'Query.person',
        c,
      ),
    'Query.check': async (c) => {
      const r = await as(c, 'query($id: ID!) { check(checkId: $id) { checkId } }', { id: checkId });
      const o = graphqlOutcome(r, 'Query.check', c);
      return o === 'allow' && r.data.check === null ? 'office' : o;
    },
    'Query.checks': async (c) => {
      const r = await as(c, 'query($n: String) { checks(filter: { caseNumber: $n }) { totalCount edges { node { checkId } } } }', {
        n: caseNumber,
      });
      const o = graphqlOutcome(r, 'Query.checks', c);
      if (o !== 'allow') return o;
      return r.data.checks.edges.some((e: Any) => e.node.checkId === checkId) ? 'allow' : 'office';
    },
    'Query.checkFeedbackStats': async (c) => {
      const r = await as(c, '{ checkFeedbackStats { office checks } }');
      const o = graphqlOutcome(r, 'Query.checkFeedbackStats', c);
      if (o !== 'allow') return o;
      return r.data.checkFeedbackStats.some((s: Any) => s.office === ROLE_OF.officer.office) ? 'allow' : 'office';
    },
    'Query.sources': async (c) => graphqlOutcome(await as(c, '{ sources { id } }'), 'Query.sources', c),
    'Query.syncRuns': async (c) => graphqlOutcome(await as(c, '{ syncRuns(first: 1) { id } }'), 'Query.syncRuns', c),
    'Query.quarantinedRecords': async (c) =>
      graphqlOutcome(await as(c, '{ quarantinedRecords(first: 1) { totalCount } }'), 'Query.quarantinedRecords', c),
    'Query.auditLog': async (c) => graphqlOutcome(await as(c, '{ auditLog(first: 1) { totalCount } }'), 'Query.auditLog', c),
    'Query.auditChain': async (c) => graphqlOutcome(await as(c, '{ auditChain { intact } }'), 'Query.auditChain', c),
    'Query.enterpriseStats': async (c) => graphqlOutcome(await as(c, '{ enterpriseStats { count } }'), 'Query.enterpriseStats', c),
    'Query.keySupervisionList': async (c) =>
      graphqlOutcome(
        await as(c, `query($r: String!) { keySupervisionList(region: $r, limit: 1) { region { code } } }`, {
          r: person.enterprise.slice(2, 4),
        }),
        'Query.keySupervisionList',
        c,
      ),
    'Query.projectCheck': async (c) =>
      graphqlOutcome(
        await as(c, 'query($p: ID!) { projectCheck(projectCode: $p) { status } }', { p: projectCode }),
        'Query.projectCheck',
        c,
      ),
    'Query.contractCheck': async (c) => {
      const project = await as('admin', 'query($p: ID!) { projectCheck(projectCode: $p) { project { builder { creditCode } } } }', {
        p: projectCode,
      });
      const builder = project.data.projectCheck.project.builder.creditCode;
      const input = {
        projectCode,
        kind: 'GENERAL',
        employerCreditCode: builder,
        contractorCreditCode: sc.enterprises['contractor.gcClean']!.creditCode,
        scope: '建筑工程',
        value: 100,
        safetyAgreementSigned: true,
      };
      return graphqlOutcome(
        await as(c, 'query($i: ProposedContractInput!) { contractCheck(input: $i) { status } }', { i: input }),
        'Query.contractCheck',
        c,
      );
    },
    'Query.enterpriseComplianceCheck': async (c) =>
      graphqlOutcome(
        await as(c, 'query($e: ID!) { enterpriseComplianceCheck(creditCode: $e) { status } }', { e: person.enterprise }),
        'Query.enterpriseComplianceCheck',
        c,
      ),
    'Mutation.runJointPunishmentCheck': async (c) =>
      graphqlOutcome(
        await as(c, `mutation($e: ID!) { runJointPunishmentCheck(input: { creditCode: $e, matter: PUBLIC_BIDDING }) { checkId } }`, {
          e: sc.enterprises['clean.general']!.creditCode,
        }),
        'Mutation.runJointPunishmentCheck',
        c,
      ),
    'Mutation.runJointPunishmentChecks': async (c) =>
      graphqlOutcome(
        await as(c, `mutation($e: ID!) { runJointPunishmentChecks(inputs: [{ creditCode: $e, matter: PUBLIC_BIDDING }]) { checkId } }`, {
          e: sc.enterprises['clean.general']!.creditCode,
        }),
        'Mutation.runJointPunishmentChecks',
        c,
      ),
    'Mutation.recordCheckFeedback': async (c) => {
      const { id, mandatory } = await freshCheck();
      return graphqlOutcome(
        await as(
          c,
          `mutation($id: ID!, $m: [String!]) { recordCheckFeedback(checkId: $id, action: REFUSED, measuresApplied: $m, note: "矩阵测试") { action } }`,
          { id, m: mandatory },
        ),
        'Mutation.recordCheckFeedback',
        c,
      );
    },
    'Mutation.upsertMeasure': async (c) => {
      const input = {
        code: `JP-MATRIX-${c}`,
        text: '矩阵测试措施',
        applyingDepartment: 'HOUSING',
        triggerLists: ['CONSTRUCTION_BLACKLIST'],
        matters: ['PUBLIC_BIDDING'],
        subjectTypes: ['ENTERPRISE'],
        effect: 'RESTRICT',
        mandatory: false,
        legalBasis: '测试依据',
      };
      return graphqlOutcome(
        await as(c, 'mutation($i: MeasureInput!) { upsertMeasure(input: $i) { code } }', { i: input }),
        'Mutation.upsertMeasure',
        c,
      );
    },
    'Mutation.deactivateMeasure': async (c) => {
      // a measure of its own for each caller, so an allowed deactivation changes no other probe
      const input = {
        code: `JP-MATRIX-D-${c}`,
        text: '矩阵测试措施',
        applyingDepartment: 'HOUSING',
        triggerLists: ['CONSTRUCTION_BLACKLIST'],
        matters: ['PUBLIC_BIDDING'],
        subjectTypes: ['ENTERPRISE'],
        effect: 'RESTRICT',
        mandatory: false,
        legalBasis: '测试依据',
      };
      expect((await as('admin', 'mutation($i: MeasureInput!) { upsertMeasure(input: $i) { code } }', { i: input })).errors).toBeUndefined();
      return graphqlOutcome(
        await as(c, 'mutation($code: ID!) { deactivateMeasure(code: $code, reason: "矩阵测试") { code } }', { code: input.code }),
        'Mutation.deactivateMeasure',
        c,
      );
    },
    'Person.name': async (c) =>
      graphqlOutcome(
        await as(c, 'query($e: ID!) { enterprise(creditCode: $e) { persons { nodes { person { name } } } } }', { e: person.enterprise }),
        'Person.name',
        c,
      ),
    'Person.personKey': async (c) =>
      graphqlOutcome(
        await as(c, 'query($e: ID!) { enterprise(creditCode: $e) { persons { nodes { person { personKey } } } } }', {
          e: person.enterprise,
        }),
        'Person.personKey',
        c,
      ),
    'Person.idNumber': async (c) => {
      const r = await as(
        c,
        'query($e: ID!) { enterprise(creditCode: $e) { persons { nodes { person { idNumber } } } } }',
        { e: person.enterprise },
        PURPOSE,
      );
      const o = graphqlOutcome(r, 'Person.idNumber', c);
      return o === 'allow'
        ? masked(
            r.data.enterprise.persons.nodes
              .map((n: Any) => n.person.idNumber)
              .find((v: string) => v.slice(-4) === person.idNumber.slice(-4)),
            person.idNumber,
          )
        : o;
    },
    'Person.phone': async (c) => {
      const r = await as(
        c,
        'query($e: ID!) { enterprise(creditCode: $e) { persons { nodes { person { idNumberMasked phone } } } } }',
        { e: person.enterprise },
        PURPOSE,
      );
      const o = graphqlOutcome(r, 'Person.phone', c);
      return o === 'allow'
        ? masked(
            r.data.enterprise.persons.nodes.find((n: Any) => n.person.idNumberMasked.slice(-4) === person.idNumber.slice(-4)).person.phone,
            person.phone,
          )
        : o;
    },
    'Enterprise.legalRepresentative': async (c) =>
      graphqlOutcome(
        await as(c, 'query($e: ID!) { enterprise(creditCode: $e) { legalRepresentative } }', { e: person.enterprise }),
        'Enterprise.legalRepresentative',
        c,
      ),
    'ListEntry.personName': async (c) =>
      graphqlOutcome(
        await as(c, 'query($e: ID!) { enterprise(creditCode: $e) { listEntries { nodes { personName } } } }', { e: person.enterprise }),
        'ListEntry.personName',
        c,
      ),
    'ListHit.personName': async (c) => checkField(c, 'hits { personName }', 'ListHit.personName'),
    'ListHit.personIdNumber': async (c) =>
      checkField(
        c,
        'hits { subject personIdNumber }',
        'ListHit.personIdNumber',
        (d) => d.hits.find((h: Any) => h.subject === 'LEGAL_REPRESENTATIVE').personIdNumber,
      ),
    'CheckedPerson.name': async (c) => checkField(c, 'personsChecked { name }', 'CheckedPerson.name'),
    'CheckedPerson.idNumber': async (c) =>
      checkField(
        c,
        'personsChecked { idNumber }',
        'CheckedPerson.idNumber',
        (d) => d.personsChecked.find((p: Any) => p.idNumber.slice(-4) === person.idNumber.slice(-4)).idNumber,
      ),
    'FindingParty.personName': async (c) =>
      graphqlOutcome(
        await as(c, 'query($p: ID!) { projectCheck(projectCode: $p) { findings { parties { personName } } } }', { p: projectCode }),
        'FindingParty.personName',
        c,
      ),
    'QuarantinedRecord.raw': async (c) => quarantinedField(c, 'raw'),
    'QuarantinedRecord.record': async (c) => quarantinedField(c, 'record'),
    'QuarantinedRecord.candidates': async (c) => quarantinedField(c, 'candidates'),
    'GET /api/v1/joint-punishment-checks/{id}': async (c) =>
      httpOutcome((await http(c, `/api/v1/joint-punishment-checks/${checkId}`)).status),
    'GET /api/v1/joint-punishment-checks': async (c) => {
      const res = await http(c, `/api/v1/joint-punishment-checks?caseNumber=${caseNumber}`);
      const o = httpOutcome(res.status);
      if (o !== 'allow') return o;
      return ((await res.json()) as { items: { checkId: string }[] }).items.some((i) => i.checkId === checkId) ? 'allow' : 'office';
    },
    'POST /api/v1/joint-punishment-checks/{id}/feedback': async (c) => {
      const { id, mandatory } = await freshCheck();
      const res = await http(c, `/api/v1/joint-punishment-checks/${id}/feedback`, {
        method: 'POST',
        body: { action: 'REFUSED', measuresApplied: mandatory, note: '矩阵测试' },
      });
      if (res.status === 403 && ((await res.json()) as { error: { reason?: string } }).error.reason === 'NOT_OWN_OFFICE') return 'office';
      return httpOutcome(res.status);
    },
    'GET /checks/{id} (printable record)': async (c) => {
      const res = await http(c, `/checks/${checkId}`);
      const o = httpOutcome(res.status);
      if (o === 'allow') expect(await res.text()).not.toContain(person.idNumber);
      return o;
    },
    'GET /export/enterprises.csv': async (c) => {
      const res = await http(
        c,
        `/export/enterprises.csv?where=${encodeURIComponent(JSON.stringify({ creditCode: { _eq: person.enterprise } }))}`,
      );
      const o = httpOutcome(res.status);
      if (o === 'allow') expect(await res.text()).not.toContain(person.idNumber);
      return o;
    },
    'CSV column 法定代表人': async (c) => {
      const res = await http(
        c,
        `/export/enterprises.csv?where=${encodeURIComponent(JSON.stringify({ creditCode: { _eq: person.enterprise } }))}`,
      );
      const o = httpOutcome(res.status);
      // refused the export: the column's own rule tells whether it is refused too or only out of reach
      if (o === 'deny')
        return rolesAllow(ruleFor('Enterprise', 'legalRepresentative')!, {
          subject: c,
          department: null,
          roles: ROLE_OF[c as Exclude<Caller, 'anonymous'>].roles,
        })
          ? 'unreachable'
          : 'deny';
      if (o !== 'allow') return o;
      const header = (await res.text()).replace(/^\uFEFF/, '').split(/\r?\n/)[0]!;
      return header.includes('法定代表人') ? 'allow' : 'deny';
    },
    'GET /metrics': async (c) => httpOutcome((await http(c, '/metrics')).status),
    'GET /api/v1/openapi.json (public)': async (c) => httpOutcome((await http(c, '/api/v1/openapi.json')).status),
    'GET /readyz (public, no sync error text)': async (c) => {
      // a failed run's error (hosts, credentials in a URL…) is for operators (syncRuns), never for anonymous probes
      if (c === CALLERS[0]) {
        const [connector] = [...hub.connectors.keys()];
        await hub.ds.query(
          `INSERT INTO sync_run (connector, status, finished_at, error) VALUES ($1, 'FAILED', now(), 'connect ECONNREFUSED 10.9.8.7:5432 (matrix)')`,
          [connector],
        );
        await new Promise((r) => setTimeout(r, 1100)); // past the readiness answer's one-second reuse
      }
      const res = await http(c, '/readyz');
      expect(await res.text()).not.toContain('10.9.8.7');
      return httpOutcome(res.status);
    },
  };

  /** A new check of office A's officer, for a feedback probe (feedback is recorded once per check and amended after). */
  async function freshCheck(): Promise<{ id: string; mandatory: string[] }> {
    const r = await as(
      'officer',
      `mutation($e: ID!) { runJointPunishmentCheck(input: { creditCode: $e, matter: PUBLIC_BIDDING }) { checkId measures { code mandatory } } }`,
      { e: sc.enterprises['list.CONSTRUCTION_BLACKLIST']!.creditCode },
    );
    const check = r.data.runJointPunishmentCheck;
    return { id: check.checkId, mandatory: check.measures.filter((m: Any) => m.mandatory).map((m: Any) => m.code) };
  }

  /** A field of the officer's check, read through Query.check; `pick` returns a personal value to judge masked/clear. */
  async function checkField(c: Caller, selection: string, field: string, pick?: (check: Any) => string): Promise<Outcome> {
    const r = await as(c, `query($id: ID!) { check(checkId: $id) { ${selection} } }`, { id: checkId });
    const o = graphqlOutcome(r, field, c);
    if (o !== 'allow') return o;
    if (r.data.check === null) return 'office';
    return pick ? masked(pick(r.data.check), person.idNumber) : 'allow';
  }

  async function quarantinedField(c: Caller, field: 'raw' | 'record' | 'candidates'): Promise<Outcome> {
    const r = await as(c, `{ quarantinedRecords(first: 100) { nodes { id source ${field} } } }`);
    if (r.status === 401) return 'unauth';
    const entry = r.errors?.find((e) => e.extensions?.field === 'Query.quarantinedRecords');
    if (entry) return 'deny';
    const node = r.data.quarantinedRecords.nodes.findIndex((n: Any) => n.id === quarantinedMarketId);
    expect(node).toBeGreaterThanOrEqual(0);
    const refused = r.errors?.filter((e) => e.extensions?.code === 'FORBIDDEN') ?? [];
    // a refusal is per record: the market record's field, never the whole list
    expect(refused.every((e) => e.path?.length === 4 && e.path[3] === field)).toBe(true);
    if (refused.some((e) => e.path?.[2] === node)) return 'record';
    const value = r.data.quarantinedRecords.nodes[node][field];
    if (field === 'raw') expect(value).not.toBeNull();
    // raw data is masked for whoever may read it: no ID number or mobile number in clear
    expect(JSON.stringify(value)).not.toMatch(/\d{17}[\dXx]|1[3-9]\d{9}/);
    return 'allow';
  }

  for (const row of Object.keys(MATRIX)) {
    it(row, async () => {
      const got: Record<string, Outcome> = {};
      const want: Record<string, Outcome> = {};
      for (const c of CALLERS) {
        got[c] = await PROBES[row]!(c);
        want[c] = outcomeOf(row, c);
      }
      expect(got).toEqual(want);
    });
  }
});
