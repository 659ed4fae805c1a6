/**
 * The level an accident's facts put it in (《生产安全事故报告和调查处理条例》第三条): the thresholds are
 * policy data (table accident_level_threshold); the risk statement derives the same in SQL
 * (accident_level_from_facts). The source's own level is kept; the derived one is shown beside it.
 */
import type { DataSource, EntityManager } from 'typeorm';
import type { AccidentLevel } from '../domain/canonical.js';
import type { HubContext } from '../kernel/context.js';

export interface AccidentLevelThreshold {
  level: AccidentLevel;
  /** higher is graver */
  rank: number;
  nameZh: string;
  minDeaths: number;
  minSeriousInjuries: number;
  /** 万元 */
  minDirectLoss: number;
  legalBasis: string;
}

export interface AccidentFacts {
  deaths: number;
  seriousInjuries: number;
  /** 万元 */
  directLoss: number;
}

type Queryable = Pick<DataSource | EntityManager, 'query'>;

export async function loadAccidentThresholds(ds: Queryable): Promise<AccidentLevelThreshold[]> {
  const rows: {
    level: AccidentLevel;
    rank: number;
    name_zh: string;
    min_deaths: number;
    min_serious_injuries: number;
    min_direct_loss: string;
    legal_basis: string;
  }[] = await ds.query(
    `SELECT level, rank, name_zh, min_deaths, min_serious_injuries, min_direct_loss, legal_basis FROM accident_level_threshold ORDER BY rank DESC`,
  );
  return rows.map((r) => ({
    level: r.level,
    rank: r.rank,
    nameZh: r.name_zh,
    minDeaths: r.min_deaths,
    minSeriousInjuries: r.min_serious_injuries,
    minDirectLoss: Number(r.min_direct_loss),
    legalBasis: r.legal_basis,
  }));
}

/** The highest level any one fact reaches ("以上" includes the number); null when no threshold row matches. */
export function deriveAccidentLevel(ts: readonly AccidentLevelThreshold[], f: AccidentFacts): AccidentLevel | null {
  let best: AccidentLevelThreshold | null = null;
  for (const t of ts) {
    const reached = f.deaths >= t.minDeaths || f.seriousInjuries >= t.minSeriousInjuries || f.directLoss >= t.minDirectLoss;
    if (reached && (!best || t.rank > best.rank)) best = t;
  }
  return best?.level ?? null;
}

/** Whether the facts put the accident higher than the level the source recorded. */
export function levelUnderstated(ts: readonly AccidentLevelThreshold[], recorded: AccidentLevel, derived: AccidentLevel | null): boolean {
  const rank = (l: AccidentLevel | null) => ts.find((t) => t.level === l)?.rank ?? 0;
  return derived !== null && rank(derived) > rank(recorded);
}

/** The thresholds as this request reads them (once per request: ctx.loaders.accidentThresholds, see records/loaders.ts). */
export function accidentThresholdsFor(ctx: HubContext): Promise<AccidentLevelThreshold[]> {
  return ctx.loaders.accidentThresholds();
}
