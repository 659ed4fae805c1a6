/**
 * The hub's quarantine checked against the department systems' own data, not against its own counts.
 * A generated world (planted scenarios, background dirt) in the 市场监管 and 交通运输 systems, plus
 * references planted in the systems' own tables for every linking rule of DOMAIN.md (credit code →
 * organisation code → normalised name; a code failing its checksum links only as itself; one name or
 * organisation code for several enterprises is ambiguous). tests/support/source-truth.ts judges every
 * record from the source data alone; the store must hold exactly the readable, linkable ones and
 * quarantine exactly the rest with the right reason.
 */
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PiiVault } from '../src/security/pii.js';
import { syncAll } from '../src/sync/engine.js';
import { balanced, perfect, readSourceTruth, reconcile, type SourceTruth } from './support/reconcile.js';
import { creditChecksumOk, normalisedName, withCreditCheck } from './support/source-truth.js';
import { startSourcesWorld, type SourcesWorld } from './support/sources-world.js';
import { ThrowawayHubs } from './support/throwaway-hubs.js';

const WORLD = { enterprises: 160, seed: 8080, today: '2026-11-23' };
const SOURCES = ['market', 'transport'];

interface Ent {
  id: string;
  credit_code: string;
  org_code: string | null;
  ent_name: string;
}

/** Full-width letters/digits/brackets and a full-width space, as old forms typed names. */
const fullWidth = (name: string) =>
  name.slice(0, 2) +
  '\u3000' +
  name
    .slice(2)
    .replace(/[!-~]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0))
    .replace(/\(/g, '（')
    .replace(/\)/g, '）');

describe('quarantine reconciled with what the department systems hold', () => {
  let world: SourcesWorld;
  const vault = new PiiVault(Buffer.alloc(32, 9));
  const log = pino({ level: 'silent' });
  const hubs = new ThrowawayHubs('reconhub', { vault, log });
  let truth: Map<string, SourceTruth>;
  /** source record → the state the rules call for, for the references planted below */
  const planted = new Map<string, { source: string; key: string; expected: string }>();
  let twinName: string;

  beforeAll(async () => {
    world = await startSourcesWorld({ prefix: 'recon', world: WORLD, log, only: SOURCES });
    const c = new pg.Client({ connectionString: world.env.departmentsDatabaseUrl });
    await c.connect();
    try {
      const ents = (await c.query<Ent>(`SELECT id, credit_code, org_code, ent_name FROM sim_market.enterprises ORDER BY id`)).rows;
      // two registrations under one name (planted in the world: 同名企业) and three ordinary ones with checksums that hold
      const byName = new Map<string, Ent[]>();
      for (const e of ents) byName.set(normalisedName(e.ent_name ?? ''), [...(byName.get(normalisedName(e.ent_name ?? '')) ?? []), e]);
      const twins = [...byName.values()].find((l) => l.length === 2);
      expect(twins, 'the world registers two enterprises under one name').toBeTruthy();
      twinName = twins![0]!.ent_name;
      const plain = ents.filter(
        (e) =>
          e.ent_name &&
          byName.get(normalisedName(e.ent_name))!.length === 1 &&
          creditChecksumOk(e.credit_code) &&
          /有限公司$/.test(e.ent_name),
      );
      const [a, b, cEnt] = plain.slice(-3) as [Ent, Ent, Ent];
      const org = (e: Ent) => e.org_code ?? e.credit_code.slice(8, 17);
      // B is also registered under C's organisation code (a re-registration keeping the old code)
      await c.query(`UPDATE sim_market.enterprises SET org_code = $2 WHERE id = $1`, [b.id, org(cEnt)]);
      const registered = new Set(ents.map((e) => e.credit_code));
      let unregistered = a.credit_code;
      for (let i = 0; registered.has(unregistered) || i === 0; i++) {
        unregistered = withCreditCheck(`${a.credit_code.slice(0, 8)}${String(70000000 + i).padStart(8, '0')}${a.credit_code[16]}`);
      }
      const wrongCheck = a.credit_code.slice(0, 17) + (a.credit_code[17] === '0' ? '1' : '0');

      const ids = async (table: string, n: number) =>
        (await c.query<{ id: string }>(`SELECT id FROM ${table} ORDER BY id LIMIT ${n}`)).rows.map((r) => r.id);
      const setRef = async (
        source: 'market' | 'transport',
        table: string,
        id: string,
        ref: [string | null, string | null, string | null],
        kind: string,
        expected: string,
      ) => {
        const cols = source === 'market' ? ['credit_code', 'org_code', 'ent_name'] : ['tyshxydm', 'zzjgdm', 'yhmc'];
        await c.query(`UPDATE ${table} SET ${cols.map((col, i) => `${col} = $${i + 2}`).join(', ')} WHERE id = $1`, [id, ...ref]);
        planted.set(id, { source, key: `${kind}:${id}`, expected });
      };
      const [v0, v1, v2, v3] = await ids('sim_transport.cl', 4);
      const [w0, w1] = await ids('sim_transport.wf', 2);
      const [p0, p1] = await ids('sim_transport.cf', 2);
      const [l0] = await ids('sim_transport.jyxk', 1);
      const [m0] = await ids('sim_market.penalties', 1);
      await setRef('transport', 'sim_transport.cl', v0!, [null, null, twinName], 'vehicle', 'AMBIGUOUS_LINK');
      await setRef('transport', 'sim_transport.cl', v1!, [null, org(a), null], 'vehicle', 'STORED');
      await setRef('transport', 'sim_transport.cl', v2!, [null, null, fullWidth(a.ent_name)], 'vehicle', 'STORED');
      // several enterprises under the organisation code: the name given beside it singles one out
      await setRef('transport', 'sim_transport.cl', v3!, [null, org(cEnt), cEnt.ent_name], 'vehicle', 'STORED');
      await setRef('transport', 'sim_transport.wf', w0!, [unregistered, null, null], 'transport_violation', 'UNLINKED');
      // a code failing its checksum links only as itself, never through the organisation code inside it
      await setRef('transport', 'sim_transport.wf', w1!, [wrongCheck, null, null], 'transport_violation', 'UNLINKED');
      // another legal form is another name
      await setRef(
        'transport',
        'sim_transport.cf',
        p0!,
        [null, null, a.ent_name.replace(/有限公司$/, '有限责任公司')],
        'penalty',
        'UNLINKED',
      );
      await setRef('transport', 'sim_transport.cf', p1!, [null, org(cEnt), null], 'penalty', 'AMBIGUOUS_LINK');
      // a valid code nobody registered, with an organisation code that is registered: linked by the latter
      await setRef('transport', 'sim_transport.jyxk', l0!, [unregistered, org(a), null], 'credential', 'STORED');
      await setRef('market', 'sim_market.penalties', m0!, [null, null, twinName], 'penalty', 'AMBIGUOUS_LINK');
      // an ID number whose check character is wrong cannot be read as one
      const [person] = (await c.query<{ id: string; cert_no: string }>(`SELECT id, cert_no FROM sim_market.persons ORDER BY id LIMIT 1`))
        .rows;
      const bad = person!.cert_no.slice(0, 17) + (person!.cert_no[17] === '0' ? '1' : '0');
      await c.query(`UPDATE sim_market.persons SET cert_no = $2 WHERE id = $1`, [person!.id, bad]);
      planted.set(person!.id, { source: 'market', key: `person:${person!.id}`, expected: 'PARSE_ERROR' });
    } finally {
      await c.end();
    }
    truth = await readSourceTruth(world.env.departmentsDatabaseUrl, SOURCES, ['market']);
  }, 120_000);
  afterAll(async () => {
    await hubs.dropAll();
    await world?.close();
  });

  it('judges the planted references by the rules (the expectation itself is right)', () => {
    const judged = [...planted.values()].map((p) => [p.key, truth.get(p.source)!.quarantine.get(p.key) ?? 'STORED']);
    expect(Object.fromEntries(judged)).toEqual(Object.fromEntries([...planted.values()].map((p) => [p.key, p.expected])));
    // and the world's own dirt: unreadable rows in both systems
    for (const s of SOURCES) expect([...truth.get(s)!.quarantine.values()], s).toContain('PARSE_ERROR');
  });

  it('a full sync stores exactly the readable, linkable records and quarantines exactly the rest, each with its reason', async () => {
    const hub = await hubs.fresh();
    const runs = await syncAll(
      hub,
      SOURCES.map((s) => world.running.connectors.get(s)!),
      { batchSize: 40 },
    );
    expect(runs.map((r) => r.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    for (const s of SOURCES) {
      const r = await reconcile(hub.ds, s, truth.get(s)!);
      expect(balanced(r), s).toEqual(perfect(r));
    }
  });
});
