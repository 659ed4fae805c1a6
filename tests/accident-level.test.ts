/**
 * Accident level from the facts (issue 18.3). The thresholds are those of 《生产安全事故报告和调查处理条例》
 * （国务院令第493号）第三条, written out here from the regulation, not from our table:
 *   特别重大 ≥30 deaths, or ≥100 serious injuries, or ≥1亿元 (10000 万元) direct loss;
 *   重大 10–29 deaths, 50–99 serious injuries, 5000万–1亿元;
 *   较大 3–9 deaths, 10–49 serious injuries, 1000万–5000万元;
 *   一般 below all of these. "以上" includes the number, "以下" does not (第三条第二款).
 * The derivation is checked at every boundary both in SQL (what the risk statement uses) and in TypeScript
 * (what the profile shows); then on a generated world, the planted 一般 accident with 4 deaths shows both
 * levels in the profile and counts as 较大 in the risk score, with evidence saying the source recorded it lower.
 */
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import type { AccidentLevel, Department } from '../src/domain/canonical.js';
import { worldParams, worldSlice } from '../src/generator/generate.js';
import { PLANTED_MIN_ENTERPRISES, PlantedWorld, type ScenarioIndex } from '../src/generator/planted.js';
import {
  deriveAccidentLevel,
  levelUnderstated,
  loadAccidentThresholds,
  type AccidentLevelThreshold,
} from '../src/records/accident-level.js';
import { activeRiskModel, recomputeRisk, riskByCodes } from '../src/risk/service.js';
import { PiiVault } from '../src/security/pii.js';
import { createHubServer, type HubServer } from '../src/server/app.js';
import { openStore } from '../src/store/data-source.js';
import { applyEnvelopes } from '../src/sync/apply.js';
import { mintToken, TEST_JWT_SECRET } from './support/auth.js';
import { createTestDatabase } from './support/db.js';
import { gql, registerToken } from './support/graphql-client.js';

// [deaths, serious injuries, direct loss (万元), level by the regulation]
const BOUNDARIES: [number, number, number, AccidentLevel][] = [
  [0, 0, 0, 'GENERAL'],
  [2, 9, 999.99, 'GENERAL'],
  // 较大: each fact alone at its lower bound
  [3, 0, 0, 'LARGER'],
  [0, 10, 0, 'LARGER'],
  [0, 0, 1000, 'LARGER'],
  [9, 49, 4999.99, 'LARGER'],
  // 重大
  [10, 0, 0, 'MAJOR'],
  [0, 50, 0, 'MAJOR'],
  [0, 0, 5000, 'MAJOR'],
  [29, 99, 9999.99, 'MAJOR'],
  // 特别重大
  [30, 0, 0, 'ESPECIALLY_MAJOR'],
  [0, 100, 0, 'ESPECIALLY_MAJOR'],
  [0, 0, 10000, 'ESPECIALLY_MAJOR'],
  // the gravest fact decides
  [1, 12, 6000, 'MAJOR'],
];

const SOURCES: [string, Department][] = [
  ['market', 'MARKET'],
  ['housing', 'HOUSING'],
  ['emergency', 'EMERGENCY'],
  ['transport', 'TRANSPORT'],
  ['fire', 'FIRE'],
];

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let ds: DataSource;
let thresholds: AccidentLevelThreshold[];
let index: ScenarioIndex;
let server: HubServer;
let url: string;

beforeAll(async () => {
  db = await createTestDatabase('accident_level');
  ds = await openStore(db.url);
  thresholds = await loadAccidentThresholds(ds);
  const vault = new PiiVault(Buffer.alloc(32, 7));
  const log = pino({ level: 'silent' });
  const p = worldParams({ enterprises: PLANTED_MIN_ENTERPRISES + 40, seed: 20261203 });
  index = new PlantedWorld(p).index();
  const items = worldSlice(p, 0, p.enterprises).filter((i) => !i.dirt?.malformed);
  for (const [id, department] of SOURCES) {
    const mine = items.filter((i) => i.department === department);
    await applyEnvelopes(
      { ds, vault, log },
      { id, department },
      mine.map((i) => ({ sourceRecordId: i.sourceRecordId, kind: i.record.kind, raw: i.record, record: i.record })),
    );
  }
  const codes = Object.values(index.enterprises).map((e) => e.creditCode);
  await recomputeRisk(ds, codes, { asOf: index.today });
  const config = loadConfig({
    NODE_ENV: 'test',
    HUB_DATA_DIR: '.data/test-accident-level',
    HUB_JWT_SECRET: TEST_JWT_SECRET,
    HUB_RATE_LIMIT_POINTS: '0',
  });
  server = await createHubServer({ ds, config, vault, connectors: new Map(), log });
  url = await server.listen(0, '127.0.0.1');
  registerToken(url, await mintToken(['inspector']));
});

afterAll(async () => {
  await server?.close();
  await ds?.destroy();
  await db?.drop();
});

describe('deriving the level from deaths, serious injuries and direct loss', () => {
  it.each(BOUNDARIES)('SQL: %i deaths, %i serious injuries, %f 万元 → %s', async (deaths, injuries, loss, level) => {
    const [r] = await ds.query(`SELECT accident_level_from_facts($1, $2, $3) AS level`, [deaths, injuries, loss]);
    expect(r.level).toBe(level);
  });

  it.each(BOUNDARIES)('TypeScript: %i deaths, %i serious injuries, %f 万元 → %s', (deaths, seriousInjuries, directLoss, level) => {
    expect(deriveAccidentLevel(thresholds, { deaths, seriousInjuries, directLoss })).toBe(level);
  });

  it('flags only a recorded level below the derived one', () => {
    expect(levelUnderstated(thresholds, 'GENERAL', 'LARGER')).toBe(true);
    expect(levelUnderstated(thresholds, 'LARGER', 'ESPECIALLY_MAJOR')).toBe(true);
    expect(levelUnderstated(thresholds, 'LARGER', 'LARGER')).toBe(false);
    expect(levelUnderstated(thresholds, 'MAJOR', 'LARGER')).toBe(false);
  });

  it('keeps the thresholds as data with their legal basis', async () => {
    const rows = await ds.query(`SELECT DISTINCT legal_basis FROM accident_level_threshold`);
    expect(rows).toEqual([{ legal_basis: '《生产安全事故报告和调查处理条例》（国务院令第493号）第三条' }]);
  });
});

describe('the planted 一般 accident with 4 deaths', () => {
  it('the generator records every background accident at the level its facts reach: the planted one is the only disagreement', async () => {
    const rows: { source_record_id: string; credit_code: string }[] = await ds.query(
      `SELECT a.source_record_id, a.credit_code FROM accident a
       JOIN accident_level_threshold r ON r.level = a.level
       JOIN accident_level_threshold d ON d.level = accident_level_from_facts(a.deaths, a.serious_injuries, a.direct_loss)
       WHERE d.rank > r.rank`,
    );
    expect(rows.map((r) => r.credit_code)).toEqual([index.enterprises['accident.levelUnderstated']!.creditCode]);
  });

  it('the profile shows the recorded level and the derived one beside it, flagged', async () => {
    const res = await gql(
      url,
      `query($c: ID!) { enterprise(creditCode: $c) { emergency { accidents(first: 10) { nodes { level derivedLevel levelUnderstated deaths } } } } }`,
      { c: index.enterprises['accident.levelUnderstated']!.creditCode },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.enterprise.emergency.accidents.nodes).toEqual([
      { level: 'GENERAL', derivedLevel: 'LARGER', levelUnderstated: true, deaths: 4 },
    ]);
  });

  it('a consistent accident shows its own level as derived, not flagged', async () => {
    const res = await gql(
      url,
      `query($c: ID!) { enterprise(creditCode: $c) { emergency { accidents(first: 10) { nodes { level derivedLevel levelUnderstated } } } } }`,
      { c: index.enterprises['accident.MAJOR']!.creditCode },
    );
    expect(res.data.enterprise.emergency.accidents.nodes).toEqual([{ level: 'MAJOR', derivedLevel: 'MAJOR', levelUnderstated: false }]);
  });

  it('the risk score counts it as 较大 (the higher level), with evidence saying the source recorded 一般', async () => {
    const code = index.enterprises['accident.levelUnderstated']!.creditCode;
    const [r] = await riskByCodes(ds, [code]);
    const factors = Object.fromEntries(r!.factors.map((f) => [f.factor, f]));
    expect(factors.ACCIDENT_GENERAL_3Y).toBeUndefined();
    const larger = (await activeRiskModel(ds)).weights.find((w) => w.factor === 'ACCIDENT_LARGER_3Y')!;
    expect(factors.ACCIDENT_LARGER_3Y).toMatchObject({ value: 1, weight: larger.weight, contribution: larger.weight, evidenceCount: 1 });
    const [e] = factors.ACCIDENT_LARGER_3Y!.evidence;
    expect(e).toMatchObject({ department: 'EMERGENCY', kind: 'accident' });
    expect(e!.note).toContain('来源记录为一般事故');
    expect(e!.note).toContain('死亡4人');
    expect(e!.note).toContain('应为较大事故');

    const res = await gql(url, `query($c: ID!) { enterprise(creditCode: $c) { risk { factors { factor evidence { kind note } } } } }`, {
      c: code,
    });
    const f = res.data.enterprise.risk.factors.find((x: { factor: string }) => x.factor === 'ACCIDENT_LARGER_3Y');
    expect(f.evidence).toEqual([{ kind: 'accident', note: e!.note }]);
  });

  it('an accident recorded at the level its facts reach counts at that level, with no note', async () => {
    const [r] = await riskByCodes(ds, [index.enterprises['accident.MAJOR']!.creditCode]);
    const f = r!.factors.find((x) => x.factor === 'ACCIDENT_MAJOR_3Y')!;
    expect(f.evidence.map((e) => e.note ?? null)).toEqual([null]);
  });
});
