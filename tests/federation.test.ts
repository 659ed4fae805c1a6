/**
 * Federation (issue 20): the hub as an Apollo Federation 2 subgraph, the fire service's assessment system
 * as a GraphQL subgraph of its own extending Enterprise, and the gateway composing both — over a hub synced
 * from the simulated departments, the subgraph simulator and the gateway on loopback, all real HTTP.
 *
 * Expected values come from the rules: the assessment from the generator's fire inspections graded by the
 * rule the department's schema states (computed here, not by the simulator's code), enterprise fields from
 * the hub's own answer, masking and refusals from src/security/policy.ts.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse, validate } from 'graphql';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIRE_GRAPHQL, fireGraphqlTypeDefs, startFireGraphql, type RunningFireGraphql } from '../connectors/fire-graphql/simulator.js';
import { worldParams, worldSlice } from '../src/generator/generate.js';
import { poolOf } from '../src/store/data-source.js';
import { composeSupergraph, startGateway, type RunningGateway, type SubgraphSpec } from '../src/gateway/gateway.js';
import { ENTITY_LOOKUP, ruleFor } from '../src/security/policy.js';
import { QUERY_LIMITS } from '../src/security/query-limits.js';
import { buildSchema } from '../src/server/schema.js';
import { NoServiceSdl, hubSubgraphSdl } from '../src/server/subgraph.js';
import { bearer, mintToken } from './support/auth.js';
import { gql, type GraphQLResponse } from './support/graphql-client.js';
import { startHubFixture, type HubFixture } from './support/hub-fixture.js';

type Any = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const ENTERPRISES = 300;
const SEED = 20261101;
const PURPOSE = { 'x-purpose': 'IDENTITY_VERIFICATION' };
const MASKED = /^\d{6}\*{8}[\dX]{4}$/;

const specs = (hubUrl: string, fireUrl: string): SubgraphSpec[] => [
  { name: 'hub', url: hubUrl, typeDefs: hubSubgraphSdl(), forwardCaller: true },
  { name: FIRE_GRAPHQL, url: fireUrl, typeDefs: fireGraphqlTypeDefs(), forwardCaller: false },
];

describe('composition (what CI checks before anything runs)', () => {
  it('composes the hub and the fire-service subgraph into one supergraph, both keying Enterprise by creditCode', () => {
    const { supergraphSdl } = composeSupergraph(specs('http://hub.invalid/graphql', 'http://fire.invalid/graphql'));
    const enterprise = supergraphSdl.match(/type Enterprise\n([^{]*)\{/)![1]!;
    expect(enterprise).toMatch(/@join__type\(graph: HUB, key: "creditCode"\)/);
    expect(enterprise).toMatch(/@join__type\(graph: FIRE_GRAPHQL, key: "creditCode"\)/);
    expect(supergraphSdl).toMatch(/fireSafetyAssessment: FireSafetyAssessment @join__field\(graph: FIRE_GRAPHQL\)/);
    expect(supergraphSdl).toMatch(/type Person\n\s*@join__type\(graph: HUB, key: "personKey"\)/);
  });

  it('fails when the department declares the key differently from the hub', () => {
    const broken = fireGraphqlTypeDefs().replace('creditCode: ID!', 'creditCode: Int!');
    expect(() =>
      composeSupergraph([
        specs('http://h.invalid', 'http://f.invalid')[0]!,
        { name: FIRE_GRAPHQL, url: 'http://f.invalid', typeDefs: broken, forwardCaller: false },
      ]),
    ).toThrow(/composition failed[\s\S]*creditCode/);
  });

  it('has a lookup rule for every entity type of the hub (a new @key type without one is refused at run time and fails here)', () => {
    const entity = buildSchema().getType('_Entity') as unknown as { getTypes(): { name: string }[] };
    expect(
      entity
        .getTypes()
        .map((t) => t.name)
        .sort(),
    ).toEqual(['Enterprise', 'Person']);
    for (const t of entity.getTypes())
      expect(ENTITY_LOOKUP[t.name], t.name).toBe(ruleFor('Query', t.name.charAt(0).toLowerCase() + t.name.slice(1)));
  });

  it('keeps _service where introspection is kept: refused by the production rule, other root fields untouched', () => {
    const schema = buildSchema();
    expect(validate(schema, parse('{ _service { sdl } }'), [NoServiceSdl]).map((e) => e.message)).toEqual([
      expect.stringMatching(/not served/),
    ]);
    expect(validate(schema, parse('{ ping enterprise(creditCode: "x") { name } }'), [NoServiceSdl])).toEqual([]);
  });
});

describe('gateway over the hub and the fire-service GraphQL subgraph', () => {
  let hub: HubFixture;
  let fire: RunningFireGraphql;
  let gateway: RunningGateway;
  const tokens: Record<string, Record<string, string>> = {};
  /** assessed enterprises whose premises another enterprise owns, that owner having persons on record */
  let tenant: string;
  let owner: string;
  const viaGateway = (who: string, query: string, variables: Record<string, unknown> = {}, extra: Record<string, string> = {}) =>
    gql<Any>(gateway.url, query, variables, { ...(tokens[who] ?? {}), ...extra });
  const hubEntities = (who: string, representations: unknown[], selection: string, extra: Record<string, string> = {}) =>
    gql<Any>(
      hub.url,
      `query($r: [_Any!]!) { _entities(representations: $r) { __typename ${selection} } }`,
      { r: representations },
      { ...tokens[who]!, ...extra },
    );

  /** The department's rule (schema.graphql), applied here to the generator's fire inspections of one enterprise. */
  function expectedAssessment(creditCode: string) {
    const mine = worldSlice(
      worldParams({ enterprises: ENTERPRISES, seed: SEED, today: hub.generated.scenarios.today }),
      0,
      ENTERPRISES,
      (d) => d === 'FIRE',
    )
      .map((i) => i.record)
      .filter((r): r is Extract<typeof r, { kind: 'inspection' }> => r.kind === 'inspection' && r.enterprise.creditCode === creditCode);
    if (mine.length === 0) return null;
    const sealed = mine.filter((r) => r.result === 'SEALED').length;
    const hazards = mine.filter((r) => r.result === 'HAZARDS_FOUND').length;
    return {
      grade: sealed > 0 ? 'C' : hazards > 0 ? 'B' : 'A',
      inspectionCount: mine.length,
      hazardInspectionCount: sealed + hazards,
      sealedCount: sealed,
      lastInspectedOn: mine
        .map((r) => r.inspectedOn)
        .sort()
        .at(-1),
    };
  }

  beforeAll(async () => {
    hub = await startHubFixture({ enterprises: ENTERPRISES, seed: SEED });
    fire = await startFireGraphql({
      enterprises: ENTERPRISES,
      seed: SEED,
      today: hub.generated.scenarios.today,
      port: 0,
      host: '127.0.0.1',
    });
    gateway = await startGateway({
      subgraphs: specs(`${hub.url}/graphql`, fire.url),
      port: 0,
      host: '127.0.0.1',
      timeoutMs: 3000,
      log: pino({ level: 'silent' }),
      introspection: false,
    });
    for (const [who, roles, department] of [
      ['analyst', ['analyst'], 'SAFETY_COMMITTEE'],
      ['inspector', ['inspector'], 'EMERGENCY'],
      ['marketOp', ['department_operator'], 'MARKET'],
    ] as const) {
      tokens[who] = bearer(await mintToken([...roles], { subject: `federation-${who}`, department }));
    }
    // an assessed enterprise renting from another one that has persons on record (the hub says which have)
    for (const a of [...fire.assessments.values()].filter((x) => x.premisesOwner)) {
      const r = await gql<Any>(hub.url, 'query($c: ID!) { enterprise(creditCode: $c) { persons(first: 1) { totalCount } } }', {
        c: a.premisesOwner,
      });
      if (r.data?.enterprise?.persons.totalCount > 0) {
        tenant = a.creditCode;
        owner = a.premisesOwner!;
        break;
      }
    }
    expect(tenant, 'an assessed enterprise whose premises owner has persons').toBeTruthy();
  }, 300_000);

  it("reports nothing to Apollo's cloud: the gateway's telemetry (and its cloud-metadata probes) is off", () => {
    expect(process.env.APOLLO_TELEMETRY_DISABLED).toBe('true');
  });

  afterAll(async () => {
    await gateway?.close();
    await fire?.close();
    await hub?.close();
  });

  it("answers one query across both: the hub's registration, the department's assessment, and the hub again for the premises owner", async () => {
    const direct = await gql<Any>(
      hub.url,
      'query($t: ID!, $o: ID!) { t: enterprise(creditCode: $t) { name status } o: enterprise(creditCode: $o) { name divisionCode } }',
      { t: tenant, o: owner },
    );
    expect(direct.errors).toBeUndefined();
    const r = await viaGateway(
      'inspector',
      `query($c: ID!) { enterprise(creditCode: $c) {
      creditCode name status
      fireSafetyAssessment { grade inspectionCount hazardInspectionCount sealedCount lastInspectedOn premisesOwner { creditCode name divisionCode } }
    } }`,
      { c: tenant },
    );
    expect(r.status).toBe(200);
    expect(r.errors).toBeUndefined();
    const { fireSafetyAssessment: assessment, ...registration } = r.data.enterprise;
    expect(registration).toEqual({ creditCode: tenant, name: direct.data.t.name, status: direct.data.t.status });
    const { premisesOwner, ...graded } = assessment;
    expect(graded).toEqual(expectedAssessment(tenant));
    expect(premisesOwner).toEqual({ creditCode: owner, name: direct.data.o.name, divisionCode: direct.data.o.divisionCode });
  });

  it("answers a page of enterprises with each one's assessment, null where the fire service never inspected", async () => {
    const r = await viaGateway(
      'inspector',
      '{ enterprises(first: 40) { nodes { creditCode fireSafetyAssessment { grade inspectionCount } } } }',
    );
    expect(r.errors).toBeUndefined();
    const nodes = r.data.enterprises.nodes as {
      creditCode: string;
      fireSafetyAssessment: { grade: string; inspectionCount: number } | null;
    }[];
    expect(nodes).toHaveLength(40);
    for (const n of nodes) {
      const e = expectedAssessment(n.creditCode);
      expect(n.fireSafetyAssessment, n.creditCode).toEqual(e && { grade: e.grade, inspectionCount: e.inspectionCount });
    }
    expect(nodes.some((n) => n.fireSafetyAssessment === null) && nodes.some((n) => n.fireSafetyAssessment !== null)).toBe(true);
  });

  it('forwards the caller: a token the hub does not accept gets nothing, of the hub or the department; no credentials get 401', async () => {
    const query = 'query($c: ID!) { enterprise(creditCode: $c) { name fireSafetyAssessment { grade } } }';
    const forged = bearer(await mintToken(['inspector'], { subject: 'forged', secret: 'not-the-hub-secret-0123456789abcdef' }));
    const r = await gql<Any>(gateway.url, query, { c: tenant }, forged);
    expect(r.data?.enterprise ?? null).toBeNull();
    expect(r.errors?.map((e) => [e.extensions?.code, e.extensions?.source, e.extensions?.status])).toEqual([
      ['UNAUTHENTICATED', 'hub', 401],
    ]);
    // as the hub words it (in Chinese too), without the hub's address
    expect(r.errors?.[0]?.extensions?.messageZh).toBeTruthy();
    expect(JSON.stringify(r.errors)).not.toContain(hub.url);
    const none = await gql<Any>(gateway.url, query, { c: tenant });
    expect(none.status).toBe(401);
    expect(none.data).toBeNull();
  });

  it("_entities through the gateway obeys the policy: for an analyst the owner's legal representative and persons' names are FORBIDDEN, ID numbers masked", async () => {
    const r = await viaGateway(
      'analyst',
      `query($c: ID!) { enterprise(creditCode: $c) { name fireSafetyAssessment { grade premisesOwner {
      name legalRepresentative persons(first: 5) { nodes { person { idNumber idNumberMasked name } } }
    } } } }`,
      { c: tenant },
    );
    expect(r.status).toBe(200);
    const ownerData = r.data.enterprise.fireSafetyAssessment.premisesOwner;
    expect(ownerData.name).toBeTruthy();
    expect(ownerData.legalRepresentative).toBeNull();
    const forbidden = (r.errors ?? []).filter((e) => e.extensions?.code === 'FORBIDDEN');
    expect(forbidden.find((e) => e.extensions?.field === 'Enterprise.legalRepresentative')?.path).toEqual([
      'enterprise',
      'fireSafetyAssessment',
      'premisesOwner',
      'legalRepresentative',
    ]);
    const persons = ownerData.persons.nodes.map((n: Any) => n.person);
    expect(persons.length).toBeGreaterThan(0);
    for (const p of persons) {
      expect(p.name).toBeNull();
      expect(p.idNumber).toMatch(MASKED);
      expect(p.idNumber).toBe(p.idNumberMasked);
    }
    expect(forbidden.filter((e) => e.extensions?.field === 'Person.name')).toHaveLength(persons.length);
    // the same owner through the same door for an inspector: names and the legal representative answer
    const i = await viaGateway(
      'inspector',
      `query($c: ID!) { enterprise(creditCode: $c) { fireSafetyAssessment { premisesOwner { legalRepresentative persons(first: 5) { nodes { person { name idNumber } } } } } } }`,
      { c: tenant },
    );
    expect(i.errors).toBeUndefined();
    const seen = i.data.enterprise.fireSafetyAssessment.premisesOwner;
    expect(seen.persons.nodes.every((n: Any) => n.person.name && MASKED.test(n.person.idNumber))).toBe(true);
  });

  it("_entities on the hub holds each representation to its type's lookup rule: analysts get enterprises, not persons", async () => {
    const listed = hub.generated.scenarios.persons['person.legalRepListed']!;
    const personKey = hub.vault.personKey(listed.idNumber);
    const reps = [
      { __typename: 'Enterprise', creditCode: owner },
      { __typename: 'Person', personKey },
    ];
    const selection = '... on Enterprise { creditCode } ... on Person { idNumber personKey }';
    const a = await hubEntities('analyst', reps, selection);
    expect(a.data._entities[0]).toEqual({ __typename: 'Enterprise', creditCode: owner });
    expect(a.data._entities[1]).toBeNull();
    expect(a.errors?.map((e) => [e.path, e.extensions?.code, e.extensions?.entity])).toEqual([[['_entities', 1], 'FORBIDDEN', 'Person']]);

    const i = await hubEntities('inspector', reps, `${selection} ... on Person { name }`);
    expect(i.errors).toBeUndefined();
    expect(i.data._entities[1]).toEqual({ __typename: 'Person', idNumber: expect.stringMatching(MASKED), personKey, name: listed.name });
    expect(i.data._entities[1].idNumber.slice(-4)).toBe(listed.idNumber.slice(-4));
  });

  it("_entities discloses a person in clear only as Query.person does: to the holding department's operator with a purpose, audited", async () => {
    const listed = hub.generated.scenarios.persons['person.legalRepListed']!;
    const personKey = hub.vault.personKey(listed.idNumber);
    const rep = [{ __typename: 'Person', personKey }];
    const without = await hubEntities('marketOp', rep, '... on Person { idNumber }');
    expect(without.data._entities[0].idNumber).toMatch(MASKED);
    const requestId = `federation-${Date.now()}`;
    const clear = await hubEntities('marketOp', rep, '... on Person { idNumber }', { ...PURPOSE, 'x-request-id': requestId });
    expect(clear.errors).toBeUndefined();
    expect(clear.data._entities[0].idNumber).toBe(listed.idNumber);
    const audit = await gql<Any>(hub.url, '{ auditLog(first: 50) { nodes { requestId action subjectRef fields } } }');
    expect(audit.data.auditLog.nodes.filter((n: Any) => n.requestId === requestId)).toEqual([
      { requestId, action: 'DISCLOSE_PERSONAL_DATA', subjectRef: personKey, fields: ['idNumber'] },
    ]);
  });

  it("_entities resolves a batch of references through the request's loaders: one store query for all the enterprises", async () => {
    const codes = [...fire.assessments.keys()].slice(0, 25);
    // counts the enterprise reads the hub sends its store during this one request (the real database
    // answers): through TypeORM, or through the shared read batch's pooled connections (EXECUTE of a
    // prepared statement)
    const statements: string[] = [];
    const query = hub.ds.query.bind(hub.ds);
    const pool = poolOf(hub.ds);
    const connect = pool.connect.bind(pool);
    hub.ds.query = ((sql: string, params?: unknown[]) => {
      statements.push(`${sql} ${JSON.stringify(params ?? [])}`);
      return query(sql, params);
    }) as typeof hub.ds.query;
    pool.connect = (async () => {
      const client = await connect();
      const clientQuery = client.query.bind(client) as (...a: unknown[]) => unknown;
      (client as unknown as { query: (...a: unknown[]) => unknown }).query = (...a: unknown[]) => {
        if (typeof a[0] === 'string') statements.push(a[0]);
        return clientQuery(...a);
      };
      const release = client.release.bind(client);
      client.release = (e?: boolean | Error) => {
        (client as unknown as { query: unknown }).query = clientQuery;
        release(e);
      };
      return client;
    }) as unknown as typeof pool.connect;
    let r: GraphQLResponse<Any>;
    try {
      r = await hubEntities(
        'inspector',
        codes.map((creditCode) => ({ __typename: 'Enterprise', creditCode })),
        '... on Enterprise { creditCode name }',
      );
    } finally {
      hub.ds.query = query;
      pool.connect = connect as typeof pool.connect;
    }
    expect(r.errors).toBeUndefined();
    expect(r.data._entities.map((e: Any) => e.creditCode)).toEqual(codes);
    const reads = statements.flatMap(
      (sql) => sql.match(/EXECUTE rb_enterprises\([^;]*\)|FROM enterprise WHERE credit_code = ANY\(\$1::text\[\]\) \[.*\]/g) ?? [],
    );
    expect(reads).toHaveLength(1);
    for (const c of codes) expect(reads[0]).toContain(c);
  });

  it('costs _entities by its representations: many references with deep pages are refused before they run, a few answer', async () => {
    const selection = '... on Enterprise { persons(first: 500) { nodes { person { roles(first: 500) { nodes { role } } } } } }';
    const reps = (n: number) => Array.from({ length: n }, () => ({ __typename: 'Enterprise', creditCode: tenant }));
    const many = await hubEntities('inspector', reps(2000), selection);
    expect(many.data).toBeNull();
    expect(many.errors?.[0]?.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', reason: 'COST_LIMIT' });
    const few = await hubEntities('inspector', reps(2), selection);
    expect(few.errors).toBeUndefined();
    expect(few.data._entities).toHaveLength(2);
  });

  it('_entities refuses a malformed key at its index and answers the others', async () => {
    const r = await hubEntities(
      'inspector',
      [
        { __typename: 'Person', personKey: '420106199001011234' },
        { __typename: 'Enterprise', creditCode: tenant },
        { __typename: 'Enterprise', creditCode: 'not-a-code' },
      ],
      '... on Enterprise { creditCode }',
    );
    expect(r.data._entities).toEqual([null, { __typename: 'Enterprise', creditCode: tenant }, null]);
    expect(r.errors?.map((e) => [e.path, e.extensions?.code, e.extensions?.field])).toEqual([
      [['_entities', 0], 'BAD_USER_INPUT', 'personKey'],
      [['_entities', 2], 'BAD_USER_INPUT', 'creditCode'],
    ]);
  });

  it('serves its subgraph schema to an authenticated caller outside production', async () => {
    const r = await gql<Any>(hub.url, '{ _service { sdl } }', {}, tokens.analyst!);
    expect(r.errors).toBeUndefined();
    expect(r.data._service.sdl).toMatch(/type Enterprise\s+@key\(fields: "creditCode"\)/);
    expect(r.data._service.sdl).toMatch(/type Person\s+@key\(fields: "personKey"\)/);
  });

  it("holds queries to the hub's limits at the gateway, before planning: too many aliases is refused there, as the hub answers it", async () => {
    const aliases = (n: number) => Array.from({ length: n }, (_, i) => `p${i}: ping`).join(' ');
    const r = await viaGateway('inspector', `{ ${aliases(QUERY_LIMITS.maxAliases + 1)} }`);
    // a request error: 200 for application/json, 400 for application/graphql-response+json (GraphQL over HTTP), like the hub
    expect(r.status).toBe(200);
    expect(r.data).toBeNull();
    const strict = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...tokens.inspector },
      body: JSON.stringify({ query: `{ ${aliases(QUERY_LIMITS.maxAliases + 1)} }` }),
    });
    expect(strict.status).toBe(400);
    expect(r.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(r.errors?.[0]?.extensions?.source).toBeUndefined();
    const within = await viaGateway('inspector', `{ ${aliases(QUERY_LIMITS.maxAliases)} }`);
    expect(within.errors).toBeUndefined();
  });

  it("gives no federated trace (per-field timings) to whoever asks for one, though its schema is a subgraph's", async () => {
    const res = await fetch(`${hub.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'apollo-federation-include-trace': 'ftv1', ...tokens.inspector },
      body: JSON.stringify({ query: '{ ping }' }),
    });
    const body = (await res.json()) as { data?: unknown; extensions?: Record<string, unknown> };
    expect(body.data).toEqual({ ping: true });
    expect(body.extensions?.ftv1).toBeUndefined();
  });

  it('answers without a department subgraph that hangs: its fields null with a TIMEOUT naming it, within the deadline', async () => {
    const silent = http.createServer(() => undefined); // accepts, never answers
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const hanging = await startGateway({
      subgraphs: specs(`${hub.url}/graphql`, `http://127.0.0.1:${(silent.address() as AddressInfo).port}/graphql`),
      port: 0,
      host: '127.0.0.1',
      timeoutMs: 800,
      log: pino({ level: 'silent' }),
      introspection: false,
    });
    try {
      const t0 = Date.now();
      const r = await gql<Any>(
        hanging.url,
        '{ enterprises(first: 3) { nodes { creditCode fireSafetyAssessment { grade } } } }',
        {},
        tokens.inspector!,
      );
      expect(Date.now() - t0).toBeLessThan(5000);
      expect(r.status).toBe(200);
      expect(r.data.enterprises.nodes).toHaveLength(3);
      for (const n of r.data.enterprises.nodes) {
        expect(n.creditCode).toMatch(/^[0-9A-Z]{18}$/);
        expect(n.fireSafetyAssessment).toBeNull();
      }
      expect(r.errors?.map((e) => [e.extensions?.code, e.extensions?.source, e.extensions?.reason, e.path])).toEqual([
        ['SOURCE_UNAVAILABLE', FIRE_GRAPHQL, 'TIMEOUT', ['enterprises', 'nodes']],
      ]);
    } finally {
      await hanging.close();
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  // last: stops the department subgraph
  it("with the department subgraph down, answers the hub's part with the department's fields null and an error naming the source", async () => {
    await fire.close();
    const r: GraphQLResponse<Any> = await viaGateway(
      'inspector',
      'query($c: ID!) { enterprise(creditCode: $c) { creditCode name fireSafetyAssessment { grade } } }',
      { c: tenant },
    );
    expect(r.status).toBe(200);
    expect(r.data.enterprise.creditCode).toBe(tenant);
    expect(r.data.enterprise.name).toBeTruthy();
    expect(r.data.enterprise.fireSafetyAssessment).toBeNull();
    expect(r.errors?.map((e) => [e.extensions?.code, e.extensions?.source, e.extensions?.reason])).toEqual([
      ['SOURCE_UNAVAILABLE', FIRE_GRAPHQL, 'UNAVAILABLE'],
    ]);
    expect(r.errors?.[0]?.path).toEqual(['enterprise']);
  });
});
