/** The compliance policy (tables seeded by migrations 1732600000000 and 1732861000000, versioned), loaded once per check or bulk run. */
import type { ListKind } from '../domain/canonical.js';
import type { BatchStatement, ReadBatch } from '../store/read-batch.js';
import type { IndustryPolicy, Policy } from './model.js';

/** 施工劳务 has no grade: the table keys it as 不分等级. */
export const UNGRADED = '不分等级';

export const gradeCovers = (p: Policy, category: string, grade: string | null | undefined, scale: string): boolean =>
  p.gradeScales.get(`${category}|${grade || UNGRADED}`)?.has(scale) ?? false;

/** The constructor specialty a qualification sequence needs (the sequence itself when the table has no row). */
export const specialtyFor = (p: Policy, sequence: string): string => p.constructorSpecialty.get(sequence) ?? sequence;

/** The high-risk industry of a GB/T 4754 code: the policy row with the longest matching prefix. */
export function industryOf(p: Policy, industryCode: string): IndustryPolicy | null {
  let best: IndustryPolicy | null = null;
  let len = 0;
  for (const i of p.industries) {
    for (const prefix of i.prefixes) {
      if (industryCode.startsWith(prefix) && prefix.length > len) {
        best = i;
        len = prefix.length;
      }
    }
  }
  return best;
}

/** The whole policy in one statement (tables of a few dozen rows; one round trip instead of seven). */
export const POLICY_STATEMENT: BatchStatement = {
  name: 'rb_compliance_policy',
  params: 0,
  sql: `SELECT (SELECT max(version)::int FROM compliance_policy_version) AS version,
    (SELECT coalesce(json_agg(g), '[]') FROM (SELECT category, grade, scale FROM qualification_grade_scale) g) AS grades,
    (SELECT coalesce(json_agg(l), '[]') FROM (SELECT level, scale FROM constructor_level_scale) l) AS levels,
    (SELECT coalesce(json_agg(i ORDER BY i.industry), '[]') FROM high_risk_industry i) AS industries,
    (SELECT coalesce(json_agg(s ORDER BY s.key), '[]') FROM (SELECT key, value, description, legal_basis FROM compliance_setting) s) AS settings,
    (SELECT coalesce(json_agg(b ORDER BY b.list), '[]') FROM (SELECT list, legal_basis FROM blacklist_list) b) AS blacklists,
    (SELECT coalesce(json_agg(c), '[]') FROM (SELECT sequence, specialty FROM constructor_specialty) c) AS specialties`,
};

export async function loadPolicy(reads: ReadBatch): Promise<Policy> {
  return policyOf(await reads.read(POLICY_STATEMENT));
}

/** The policy from the rows of POLICY_STATEMENT. */
export function policyOf(rows: readonly Record<string, unknown>[]): Policy {
  const row = rows[0] as {
    version: number;
    grades: { category: string; grade: string; scale: string }[];
    levels: { level: string; scale: string }[];
    industries: Record<string, unknown>[];
    settings: { key: string; value: unknown; description: string; legal_basis: string | null }[];
    blacklists: { list: ListKind; legal_basis: string }[];
    specialties: { sequence: string; specialty: string }[];
  };
  const { grades, levels, industries, settings, blacklists, specialties } = row;
  const group = (rows: { k: string; scale: string }[]) => {
    const m = new Map<string, Set<string>>();
    for (const r of rows) m.set(r.k, (m.get(r.k) ?? new Set()).add(r.scale));
    return m;
  };
  const s = new Map<string, unknown>(settings.map((r) => [r.key, r.value]));
  return {
    version: row.version,
    gradeScales: group(grades.map((r) => ({ k: `${r.category}|${r.grade}`, scale: r.scale }))),
    constructorScales: group(levels.map((r) => ({ k: r.level, scale: r.scale }))),
    constructorSpecialty: new Map(specialties.map((r) => [r.sequence, r.specialty])),
    industries: industries.map((r) => ({
      industry: r.industry as string,
      nameZh: r.name_zh as string,
      prefixes: r.industry_prefixes as string[],
      safetyDirectorRequired: r.safety_director_required as boolean,
      engineerRatioRequired: r.engineer_ratio_required as boolean,
      liabilityInsuranceRequired: r.liability_insurance_required as boolean,
      specialOperationsChecked: r.special_operations_checked as boolean,
      licenceKinds: r.licence_kinds as string[],
    })),
    maxChainDepth: Number(s.get('max_chain_depth') ?? 3),
    engineerMinRatio: Number(s.get('engineer_min_ratio') ?? 0.15),
    engineerMinGrades: (s.get('engineer_min_grades') as string[] | undefined) ?? ['中级', '高级'],
    jointPunishmentMatter: String(s.get('joint_punishment_matter') ?? 'PUBLIC_BIDDING'),
    blacklistLists: new Map(blacklists.map((r) => [r.list, r.legal_basis])),
    settings: settings.map((r) => ({ key: r.key, value: r.value, description: r.description, legalBasis: r.legal_basis })),
  };
}
