import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Risk profile and analytics (capability 3, 002 (二十四), 002 (十八)):
 * - risk weights and tier cut-offs are versioned data; exactly one version is active, and every stored
 *   score names the version it was computed with;
 * - stored scores with their factor explanations (jsonb), recomputed incrementally by the sync engine;
 * - the GB/T 2260 division table (province / city / county, real names) loaded from the shipped CSV;
 * - indexes that keep cross-department filters fast at 1,000,000 enterprises.
 */
const DIVISIONS_CSV = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/analytics/data/divisions.csv');

/** Version 1 weights: contribution = weight × min(value, cap). Tuned so one overdue major hazard alone lands in tier B. */
const FACTORS_V1: [factor: string, weight: number, cap: number, description: string][] = [
  ['MAJOR_HIDDEN_DANGER_OPEN', 6, 3, '未销号重大隐患（未逾期）Open major hidden dangers within their deadline'],
  ['MAJOR_HIDDEN_DANGER_OVERDUE', 15, 3, '逾期未整改重大隐患 Open major hidden dangers past their deadline'],
  ['ACCIDENT_ESPECIALLY_MAJOR_3Y', 60, 1, '近3年特别重大事故 Especially major accidents in the last 3 years'],
  ['ACCIDENT_MAJOR_3Y', 45, 2, '近3年重大事故 Major accidents in the last 3 years'],
  ['ACCIDENT_LARGER_3Y', 25, 2, '近3年较大事故 Larger accidents in the last 3 years'],
  ['ACCIDENT_GENERAL_3Y', 8, 3, '近3年一般事故 General accidents in the last 3 years'],
  ['PENALTIES_2Y', 3, 5, '近2年行政处罚 Administrative penalties in the last 2 years'],
  ['LIST_ENTRIES_IN_FORCE', 12, 3, '有效名单记录 Enterprise list entries in force (blacklists, dishonest lists, abnormal operation)'],
  ['TRANSPORT_VIOLATIONS_PER_VEHICLE', 5, 4, '近1年每车违法次数 Transport violations in the last year per vehicle'],
  ['NO_SAFETY_LIABILITY_INSURANCE', 10, 1, '高危行业未投保安全生产责任保险 High-risk industry without safety liability insurance in force'],
  ['EXPIRED_CREDENTIAL_IN_USE', 6, 3, '证照过期仍在使用 Expired licences or vehicle operating certificates still in use'],
  ['NO_SAFETY_DIRECTOR', 8, 1, '未配备安全总监 Mine or construction enterprise without a safety director'],
];
const TIERS_V1: [tier: string, minScore: number, label: string][] = [
  ['A', 0, '低风险 Low'],
  ['B', 10, '一般风险 Moderate'],
  ['C', 25, '较大风险 Elevated'],
  ['D', 50, '重大风险 High'],
];
/** GB/T 4754 prefixes of high-risk industries named across the seeds; safety director required per 000 (四). */
const HIGH_RISK_INDUSTRIES: [prefix: string, name: string, needsSafetyDirector: boolean][] = [
  ['B06', '煤炭开采和洗选业', true],
  ['B08', '黑色金属矿采选业', true],
  ['B09', '有色金属矿采选业', true],
  ['B10', '非金属矿采选业', true],
  ['C26', '化学原料和化学制品制造业（含危险化学品、烟花爆竹、民用爆炸物品）', false],
  ['C31', '黑色金属冶炼和压延加工业', false],
  ['C32', '有色金属冶炼和压延加工业', false],
  ['D45', '燃气生产和供应业', false],
  ['E47', '房屋建筑业', true],
  ['E48', '土木工程建筑业', true],
  ['E49', '建筑安装业', true],
  ['E50', '建筑装饰、装修和其他建筑业', true],
  ['G54', '道路运输业', false],
  ['G55', '水上运输业', false],
  ['A04', '渔业', false],
];

export class RiskAnalytics1732700000000 implements MigrationInterface {
  name = 'RiskAnalytics1732700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE risk_model_version (
      version         integer     PRIMARY KEY,
      description     text        NOT NULL,
      active          boolean     NOT NULL DEFAULT false,
      created_at      timestamptz NOT NULL DEFAULT now())`);
    // exactly one active version at a time
    await q.query(`CREATE UNIQUE INDEX risk_model_one_active ON risk_model_version (active) WHERE active`);
    await q.query(`CREATE TABLE risk_factor_weight (
      version         integer     NOT NULL REFERENCES risk_model_version(version),
      factor          text        NOT NULL,
      weight          numeric(8,2) NOT NULL CHECK (weight >= 0),
      cap             numeric(8,2) NOT NULL CHECK (cap > 0),
      description     text        NOT NULL,
      PRIMARY KEY (version, factor))`);
    await q.query(`CREATE TABLE risk_tier_cutoff (
      version         integer     NOT NULL REFERENCES risk_model_version(version),
      tier            char(1)     NOT NULL CHECK (tier IN ('A','B','C','D')),
      min_score       numeric(8,2) NOT NULL,
      label           text        NOT NULL,
      PRIMARY KEY (version, tier))`);
    await q.query(`CREATE TABLE risk_high_risk_industry (
      prefix          text        PRIMARY KEY,
      name            text        NOT NULL,
      needs_safety_director boolean NOT NULL)`);

    await q.query(
      `INSERT INTO risk_model_version (version, description, active) VALUES (1, '初始权重 Initial weights (002 (二十四))', true)`,
    );
    await q.query(
      `INSERT INTO risk_factor_weight (version, factor, weight, cap, description)
       SELECT 1, * FROM unnest($1::text[], $2::numeric[], $3::numeric[], $4::text[])`,
      [FACTORS_V1.map((f) => f[0]), FACTORS_V1.map((f) => f[1]), FACTORS_V1.map((f) => f[2]), FACTORS_V1.map((f) => f[3])],
    );
    await q.query(
      `INSERT INTO risk_tier_cutoff (version, tier, min_score, label) SELECT 1, * FROM unnest($1::text[], $2::numeric[], $3::text[])`,
      [TIERS_V1.map((t) => t[0]), TIERS_V1.map((t) => t[1]), TIERS_V1.map((t) => t[2])],
    );
    await q.query(
      `INSERT INTO risk_high_risk_industry (prefix, name, needs_safety_director) SELECT * FROM unnest($1::text[], $2::text[], $3::boolean[])`,
      [HIGH_RISK_INDUSTRIES.map((h) => h[0]), HIGH_RISK_INDUSTRIES.map((h) => h[1]), HIGH_RISK_INDUSTRIES.map((h) => h[2])],
    );

    await q.query(`CREATE TABLE enterprise_risk (
      credit_code     varchar(18) PRIMARY KEY REFERENCES enterprise(credit_code),
      version         integer     NOT NULL REFERENCES risk_model_version(version),
      score           numeric(8,2) NOT NULL,
      tier            char(1)     NOT NULL,
      factors         jsonb       NOT NULL,
      as_of           date        NOT NULL,
      computed_at     timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE INDEX enterprise_risk_tier_score ON enterprise_risk (tier, score DESC, credit_code)`);
    await q.query(`CREATE INDEX enterprise_risk_score ON enterprise_risk (score DESC, credit_code)`);

    await q.query(`CREATE TABLE division (
      code            varchar(6)  PRIMARY KEY,
      name            text        NOT NULL,
      level           text        NOT NULL CHECK (level IN ('PROVINCE','CITY','COUNTY')),
      parent_code     varchar(6)  REFERENCES division(code))`);
    const rows = parse(fs.readFileSync(DIVISIONS_CSV, 'utf8'), { columns: true, skip_empty_lines: true }) as {
      code: string;
      name: string;
      level: string;
      parent_code: string;
    }[];
    // parents first (the CSV lists provinces, then cities, then counties)
    await q.query(
      `INSERT INTO division (code, name, level, parent_code) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])`,
      [rows.map((r) => r.code), rows.map((r) => r.name), rows.map((r) => r.level), rows.map((r) => r.parent_code || null)],
    );

    // prefix filters (division 4201%, industry E47%) and analytic filters at 1,000,000 enterprises
    await q.query(`CREATE INDEX enterprise_division_prefix ON enterprise (division_code varchar_pattern_ops)`);
    await q.query(`CREATE INDEX enterprise_industry_prefix ON enterprise (industry_code text_pattern_ops)`);
    await q.query(`CREATE INDEX enterprise_registered_capital ON enterprise (registered_capital)`);
    await q.query(`CREATE INDEX enterprise_established ON enterprise (established_date)`);
    await q.query(
      `CREATE INDEX hidden_danger_major_open ON hidden_danger (credit_code, deadline) WHERE level = 'MAJOR' AND status <> 'CLOSED'`,
    );
    await q.query(`CREATE INDEX accident_level_date ON accident (occurred_on, level)`);
    await q.query(`CREATE INDEX list_entry_list_enterprise ON list_entry (list, credit_code) WHERE credit_code IS NOT NULL`);
    await q.query(`CREATE INDEX credential_kind_status ON credential (credential_kind, status, credit_code) WHERE credit_code IS NOT NULL`);
    await q.query(`CREATE INDEX violation_kind ON transport_violation (violation_kind, credit_code)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const i of [
      'enterprise_division_prefix',
      'enterprise_industry_prefix',
      'enterprise_registered_capital',
      'enterprise_established',
      'hidden_danger_major_open',
      'accident_level_date',
      'list_entry_list_enterprise',
      'credential_kind_status',
      'violation_kind',
    ]) {
      await q.query(`DROP INDEX IF EXISTS ${i}`);
    }
    for (const t of [
      'division',
      'enterprise_risk',
      'risk_high_risk_industry',
      'risk_tier_cutoff',
      'risk_factor_weight',
      'risk_model_version',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${t}`);
    }
  }
}
