/**
 * Enterprise risk score and tier (002 (二十四) 精准画像、分级分类; 002 (十八) 动态调整).
 *
 * The score is the sum of factor contributions, contribution = weight × min(value, cap), capped at 100;
 * the tier is the highest whose cut-off the score reaches. Weights, caps and cut-offs come from the
 * active row of risk_model_version (data, not code) and every stored score names that version.
 * Recomputation is set-based: one SQL statement per batch of enterprises, never a loop per row here.
 */
import type { DataSource, EntityManager } from 'typeorm';
import { todayIso } from '../kernel/dates.js';

export const RISK_FACTORS = [
  'MAJOR_HIDDEN_DANGER_OPEN',
  'MAJOR_HIDDEN_DANGER_OVERDUE',
  'ACCIDENT_ESPECIALLY_MAJOR_3Y',
  'ACCIDENT_MAJOR_3Y',
  'ACCIDENT_LARGER_3Y',
  'ACCIDENT_GENERAL_3Y',
  'PENALTIES_2Y',
  'LIST_ENTRIES_IN_FORCE',
  'TRANSPORT_VIOLATIONS_PER_VEHICLE',
  'NO_SAFETY_LIABILITY_INSURANCE',
  'EXPIRED_CREDENTIAL_IN_USE',
  'NO_SAFETY_DIRECTOR',
] as const;
export type RiskFactorKind = (typeof RISK_FACTORS)[number];
export const RISK_TIERS = ['A', 'B', 'C', 'D'] as const;
export type RiskTier = (typeof RISK_TIERS)[number];

export interface RiskEvidence {
  department: string;
  source: string;
  sourceRecordId: string;
  kind: string;
  /** why it counts where it does when the source says otherwise (an accident counted above its recorded level) */
  note?: string | null;
}

export interface StoredFactor {
  factor: RiskFactorKind;
  description: string;
  weight: number;
  cap: number;
  value: number;
  contribution: number;
  evidenceCount: number;
  /** at most EVIDENCE_LIMIT records, in source order */
  evidence: RiskEvidence[];
}

export interface RiskRow {
  credit_code: string;
  version: number;
  score: number;
  tier: RiskTier;
  factors: StoredFactor[];
  as_of: string;
  computed_at: Date;
}

const EVIDENCE_LIMIT = 50;
/** enterprises per statement in a full recompute: big enough to be set-based, small enough to keep locks short */
const FULL_BATCH = 20_000;

type Queryable = Pick<DataSource | EntityManager, 'query'>;
/** recomputation needs one connection for its statement and the setting before it */
type RiskStore = DataSource | EntityManager;

/**
 * One statement computing and upserting the scores of the enterprises in $1 as of date $2.
 * Each factor is a branch of `ev` yielding one row per evidence record with the amount it adds.
 */
const RECOMPUTE_SQL = `
WITH target AS (
  SELECT e.credit_code, e.industry_code, e.department, e.source, e.source_record_id
  FROM enterprise e WHERE e.credit_code = ANY($1::text[])
),
model AS (SELECT version FROM risk_model_version WHERE active),
industry AS (
  SELECT t.credit_code, bool_or(h.prefix IS NOT NULL) AS high_risk, coalesce(bool_or(h.needs_safety_director), false) AS needs_director
  FROM target t LEFT JOIN risk_high_risk_industry h ON t.industry_code LIKE h.prefix || '%'
  GROUP BY t.credit_code
),
ev AS (
  SELECT h.credit_code,
         CASE WHEN hidden_danger_overdue(h.status, h.closed_date, h.deadline, $2::date) THEN 'MAJOR_HIDDEN_DANGER_OVERDUE' ELSE 'MAJOR_HIDDEN_DANGER_OPEN' END AS factor,
         1::numeric AS amount, h.department, h.source, h.source_record_id, 'hidden_danger' AS kind, NULL::text AS note
  FROM hidden_danger h JOIN target t ON t.credit_code = h.credit_code
  WHERE h.level = 'MAJOR' AND h.status <> 'CLOSED' AND h.found_date <= $2::date
  UNION ALL
  -- an accident counts at the higher of the recorded level and the one its facts reach (条例 第三条, table
  -- accident_level_threshold), saying so in the evidence when the source recorded it lower
  SELECT a.credit_code, 'ACCIDENT_' || (CASE WHEN d.rank > r.rank THEN d.level ELSE a.level END) || '_3Y', 1,
         a.department, a.source, a.source_record_id, 'accident',
         CASE WHEN d.rank > r.rank THEN format('来源记录为%s；死亡%s人、重伤%s人、直接经济损失%s万元，按%s应为%s，按%s计',
           r.name_zh, a.deaths, a.serious_injuries, a.direct_loss, d.legal_basis, d.name_zh, d.name_zh) END
  FROM accident a JOIN target t ON t.credit_code = a.credit_code
  LEFT JOIN accident_level_threshold r ON r.level = a.level
  LEFT JOIN accident_level_threshold d ON d.level = accident_level_from_facts(a.deaths, a.serious_injuries, a.direct_loss)
  WHERE a.occurred_on > ($2::date - interval '3 years')::date AND a.occurred_on <= $2::date
  UNION ALL
  SELECT p.credit_code, 'PENALTIES_2Y', 1, p.department, p.source, p.source_record_id, 'penalty', NULL
  FROM penalty p JOIN target t ON t.credit_code = p.credit_code
  WHERE p.decision_date > ($2::date - interval '2 years')::date AND p.decision_date <= $2::date
  UNION ALL
  SELECT l.credit_code, 'LIST_ENTRIES_IN_FORCE', 1, l.department, l.source, l.source_record_id, 'list_entry', NULL
  FROM list_entry l JOIN target t ON t.credit_code = l.credit_code
  WHERE l.subject_type = 'ENTERPRISE' AND list_entry_in_force(l.start_date, l.end_date, l.removed_date, $2::date)
  UNION ALL
  -- each violation of the last year adds 1 / (vehicles of the enterprise, at least 1)
  SELECT v.credit_code, 'TRANSPORT_VIOLATIONS_PER_VEHICLE',
         1::numeric / greatest(1, (SELECT count(*) FROM vehicle vh WHERE vh.credit_code = v.credit_code)),
         v.department, v.source, v.source_record_id, 'transport_violation', NULL
  FROM transport_violation v JOIN target t ON t.credit_code = v.credit_code
  WHERE v.occurred_at >= ($2::date - interval '1 year') AND v.occurred_at < ($2::date + 1)
  UNION ALL
  SELECT t.credit_code, 'NO_SAFETY_LIABILITY_INSURANCE', 1, t.department, t.source, t.source_record_id, 'enterprise', NULL
  FROM target t JOIN industry i ON i.credit_code = t.credit_code
  WHERE i.high_risk AND NOT EXISTS (
    SELECT 1 FROM insurance_policy p WHERE p.credit_code = t.credit_code AND p.insurance_kind = 'SAFETY_LIABILITY'
      AND p.valid_from <= $2::date AND $2::date <= p.valid_to)
  UNION ALL
  SELECT t.credit_code, 'NO_SAFETY_DIRECTOR', 1, t.department, t.source, t.source_record_id, 'enterprise', NULL
  FROM target t JOIN industry i ON i.credit_code = t.credit_code
  WHERE i.needs_director AND NOT EXISTS (
    SELECT 1 FROM enterprise_person_role r WHERE r.credit_code = t.credit_code AND r.role = 'SAFETY_DIRECTOR'
      AND (r.since IS NULL OR r.since <= $2::date) AND (r.until IS NULL OR $2::date <= r.until))
  UNION ALL
  -- an enterprise credential past its validity (not revoked) with no valid one of the same kind replacing it
  SELECT c.credit_code, 'EXPIRED_CREDENTIAL_IN_USE', 1, c.department, c.source, c.source_record_id, 'credential', NULL
  FROM credential c JOIN target t ON t.credit_code = c.credit_code
  WHERE c.person_key IS NULL AND c.status <> 'REVOKED' AND (c.status = 'EXPIRED' OR c.valid_to < $2::date)
    AND NOT EXISTS (
      SELECT 1 FROM credential n WHERE n.credit_code = c.credit_code AND n.credential_kind = c.credential_kind
        AND credential_valid_on(n.valid_from, n.valid_to, n.status, $2::date))
  UNION ALL
  -- a vehicle still on the fleet whose operating certificate has expired
  SELECT v.credit_code, 'EXPIRED_CREDENTIAL_IN_USE', 1, v.department, v.source, v.source_record_id, 'vehicle', NULL
  FROM vehicle v JOIN target t ON t.credit_code = v.credit_code
  WHERE v.certificate_valid_to < $2::date
),
fv AS (
  SELECT credit_code, factor, sum(amount) AS value, count(*)::int AS evidence_count,
         to_jsonb((array_agg(jsonb_build_object('department', department, 'source', source, 'sourceRecordId', source_record_id, 'kind', kind)
                             || CASE WHEN note IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('note', note) END
                   ORDER BY source, source_record_id))[1:${EVIDENCE_LIMIT}]) AS evidence
  FROM ev GROUP BY credit_code, factor
),
contrib AS (
  SELECT fv.*, w.weight, w.cap, w.description, round(w.weight * least(fv.value, w.cap), 2) AS contribution
  FROM fv JOIN risk_factor_weight w ON w.factor = fv.factor AND w.version = (SELECT version FROM model)
),
scored AS (
  SELECT t.credit_code, least(100, coalesce(sum(c.contribution), 0)) AS score,
         coalesce(jsonb_agg(jsonb_build_object(
           'factor', c.factor, 'description', c.description, 'weight', c.weight, 'cap', c.cap, 'value', round(c.value, 4),
           'contribution', c.contribution, 'evidenceCount', c.evidence_count, 'evidence', c.evidence)
           ORDER BY c.contribution DESC, c.factor) FILTER (WHERE c.factor IS NOT NULL), '[]'::jsonb) AS factors
  FROM target t LEFT JOIN contrib c ON c.credit_code = t.credit_code
  GROUP BY t.credit_code
)
INSERT INTO enterprise_risk (credit_code, version, score, tier, factors, as_of, computed_at)
SELECT s.credit_code, m.version, s.score,
       (SELECT k.tier FROM risk_tier_cutoff k WHERE k.version = m.version AND k.min_score <= s.score ORDER BY k.min_score DESC LIMIT 1),
       s.factors, $2::date, now()
FROM scored s CROSS JOIN model m
ON CONFLICT (credit_code) DO UPDATE SET version = EXCLUDED.version, score = EXCLUDED.score, tier = EXCLUDED.tier,
  factors = EXCLUDED.factors, as_of = EXCLUDED.as_of, computed_at = EXCLUDED.computed_at`;

export interface RecomputeOptions {
  /** the date the factors are evaluated on (default: today in China) */
  asOf?: string;
}

/**
 * Recomputes the stored risk of these enterprises (unknown codes are ignored) in one statement.
 * This is what the sync engine calls after committing a batch that touched the enterprises' records.
 */
export async function recomputeRisk(db: RiskStore, creditCodes: Iterable<string>, opts: RecomputeOptions = {}): Promise<number> {
  const codes = [...new Set(creditCodes)];
  if (codes.length === 0) return 0;
  const asOf = opts.asOf ?? todayIso();
  const manager = 'manager' in db ? db.manager : db;
  let done = 0;
  for (let i = 0; i < codes.length; i += FULL_BATCH) {
    const batch = codes.slice(i, i + FULL_BATCH);
    await manager.transaction(async (m) => {
      // The plan's cost estimate crosses jit_above_cost, and compiling its ~200 expressions costs far more
      // than running them (docs/performance.md, "Why the code is as it is"): off for this one.
      await m.query('SET LOCAL jit = off');
      await m.query(RECOMPUTE_SQL, [batch, asOf]);
    });
    done += batch.length;
  }
  return done;
}

/** Recomputes every enterprise (nightly, or after a new weights version is activated), keyset batch by batch. */
export async function recomputeAllRisk(
  ds: RiskStore,
  opts: RecomputeOptions & { onProgress?: (done: number) => void } = {},
): Promise<number> {
  let after = '';
  let done = 0;
  for (;;) {
    const rows: { credit_code: string }[] = await ds.query(
      `SELECT credit_code FROM enterprise WHERE credit_code > $1 ORDER BY credit_code LIMIT $2`,
      [after, FULL_BATCH],
    );
    if (rows.length === 0) {
      // every score was rewritten: statistics and the visibility map (index-only scans of the tier/score
      // indexes behind the risk filters) as the sync does for its tables; not from an EntityManager, which may
      // be inside a transaction, where VACUUM cannot run
      if (done > 0 && 'manager' in ds)
        await ds
          .query(`VACUUM (ANALYZE) enterprise_risk`)
          .catch(() => ds.query(`ANALYZE enterprise_risk`))
          .catch(() => undefined);
      return done;
    }
    done += await recomputeRisk(
      ds,
      rows.map((r) => r.credit_code),
      opts,
    );
    after = rows.at(-1)!.credit_code;
    opts.onProgress?.(done);
  }
}

/**
 * The sync engine's `onBatchCommitted(affectedCreditCodes)` hook: rescore the enterprises a committed
 * batch touched. A failure is logged and does not fail the sync (the nightly full run repairs it).
 */
export function riskBatchHook(ds: RiskStore, log?: { warn(o: object, msg?: string): void }): (affected: Set<string>) => Promise<void> {
  return async (affected) => {
    try {
      await recomputeRisk(ds, affected);
    } catch (err) {
      log?.warn({ err, enterprises: affected.size }, 'risk recompute after sync batch failed');
    }
  };
}

/** Stored risk of these enterprises, in the order asked (null where not computed yet). */
export async function riskByCodes(ds: Queryable, codes: readonly string[]): Promise<(RiskRow | null)[]> {
  const rows: RiskRow[] = await ds.query(
    `SELECT credit_code, version, score, tier, factors, as_of, computed_at FROM enterprise_risk WHERE credit_code = ANY($1::text[])`,
    [codes],
  );
  const by = new Map(rows.map((r) => [r.credit_code, r]));
  return codes.map((c) => by.get(c) ?? null);
}

export interface RiskModel {
  version: number;
  description: string;
  weights: { factor: RiskFactorKind; weight: number; cap: number; description: string }[];
  cutoffs: { tier: RiskTier; minScore: number; label: string }[];
}

/** The active weights version with its weights and tier cut-offs. */
export async function activeRiskModel(ds: Queryable): Promise<RiskModel> {
  const [v] = (await ds.query(`SELECT version, description FROM risk_model_version WHERE active`)) as {
    version: number;
    description: string;
  }[];
  if (!v) throw new Error('no active risk model version');
  const weights = await ds.query(`SELECT factor, weight, cap, description FROM risk_factor_weight WHERE version = $1 ORDER BY factor`, [
    v.version,
  ]);
  const cutoffs: { tier: RiskTier; min_score: number; label: string }[] = await ds.query(
    `SELECT tier, min_score, label FROM risk_tier_cutoff WHERE version = $1 ORDER BY min_score`,
    [v.version],
  );
  return { ...v, weights, cutoffs: cutoffs.map((c) => ({ tier: c.tier, minScore: c.min_score, label: c.label })) };
}
