/** Reads of enterprises from the hub store (SQL lives here, not in resolvers). */
import type { DataSource } from 'typeorm';
import { normaliseName } from '../domain/names.js';
import type { BatchStatement } from '../store/read-batch.js';

export interface EnterpriseRow {
  credit_code: string;
  credit_code_checksum_failed: boolean;
  org_code: string;
  name: string;
  name_normalised: string;
  type: string;
  status: 'ACTIVE' | 'REVOKED' | 'CANCELLED';
  legal_representative: string;
  division_code: string;
  industry_code: string;
  registered_capital: number;
  established_date: string;
  address: string | null;
  business_scope: string | null;
  department: string;
  source: string;
  source_record_id: string;
  fetched_at: Date;
  source_updated_at: Date | null;
}

export const ENTERPRISE_COLUMNS = `credit_code, credit_code_checksum_failed, org_code, name, name_normalised, type, status,
  legal_representative, division_code, industry_code, registered_capital, established_date, address, business_scope,
  department, source, source_record_id, fetched_at, source_updated_at`;

/** The statement of `enterprisesByCodes` (for a ReadBatch). */
export const ENTERPRISES_BY_CODES: BatchStatement = {
  name: 'rb_enterprises',
  sql: `SELECT ${ENTERPRISE_COLUMNS} FROM enterprise WHERE credit_code = ANY($1::text[])`,
  keyColumn: 'credit_code',
};

/** Rows of ENTERPRISES_BY_CODES in the order of `codes` (null where unknown). */
export function enterprisesInOrder(rows: readonly Record<string, unknown>[], codes: readonly string[]): (EnterpriseRow | null)[] {
  const byCode = new Map((rows as unknown as EnterpriseRow[]).map((r) => [r.credit_code, r]));
  return codes.map((c) => byCode.get(c) ?? null);
}

/** Enterprises by credit code, in the order asked (null where unknown): one query for any number of keys. */
export async function enterprisesByCodes(ds: DataSource, codes: readonly string[]): Promise<(EnterpriseRow | null)[]> {
  const rows: EnterpriseRow[] = await ds.query(`SELECT ${ENTERPRISE_COLUMNS} FROM enterprise WHERE credit_code = ANY($1::text[])`, [codes]);
  const byCode = new Map(rows.map((r) => [r.credit_code, r]));
  return codes.map((c) => byCode.get(c) ?? null);
}

/** What the Enterprise type resolves from: a stored row, and how its department sections should read. */
export type EnterpriseNode = EnterpriseRow & { freshness?: 'STORED' | 'LIVE' };

export interface EnterpriseFilterInput {
  divisionCode?: string | null;
  industryCode?: string | null;
  status?: string | null;
  nameContains?: string | null;
}

/** A page of enterprises in credit-code order after `afterCode`, and how many match the filter. */
export async function enterprisesPage(
  ds: Pick<DataSource, 'query'>,
  filter: EnterpriseFilterInput,
  afterCode: string | null,
  limit: number,
): Promise<{ rows: EnterpriseRow[]; total: number }> {
  const params = [
    filter.divisionCode ?? null,
    filter.industryCode ?? null,
    filter.status ?? null,
    filter.nameContains ? `%${normaliseName(filter.nameContains).replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null,
  ];
  const where = `($1::text IS NULL OR division_code LIKE $1 || '%') AND ($2::text IS NULL OR industry_code LIKE $2 || '%')
    AND ($3::text IS NULL OR status = $3) AND ($4::text IS NULL OR name_normalised LIKE $4)`;
  const [rows, count] = await Promise.all([
    ds.query(
      `SELECT ${ENTERPRISE_COLUMNS} FROM enterprise WHERE ${where} AND ($5::text IS NULL OR credit_code > $5)
              ORDER BY credit_code LIMIT $6`,
      [...params, afterCode, limit],
    ) as Promise<EnterpriseRow[]>,
    ds.query(`SELECT count(*)::int AS n FROM enterprise WHERE ${where}`, params) as Promise<{ n: number }[]>,
  ]);
  return { rows, total: count[0]?.n ?? 0 };
}

export type NameMatch = { row: EnterpriseRow; matchedBy: 'EXACT' | 'NORMALISED' | 'SIMILAR'; similarity: number };

/** Enterprises whose name equals `name` once normalised (exact ones first), and with `fuzzy` similar names too. */
export async function enterprisesByName(
  ds: Pick<DataSource, 'query'>,
  name: string,
  normalised: string,
  fuzzy: boolean,
  limit = 20,
): Promise<NameMatch[]> {
  const exact: (EnterpriseRow & { exact: boolean })[] = await ds.query(
    `SELECT ${ENTERPRISE_COLUMNS}, name = $1 AS exact FROM enterprise WHERE name_normalised = $2 ORDER BY (name = $1) DESC, credit_code LIMIT $3`,
    [name, normalised, limit],
  );
  const out: NameMatch[] = exact.map(({ exact: isExact, ...row }) => ({ row, matchedBy: isExact ? 'EXACT' : 'NORMALISED', similarity: 1 }));
  if (fuzzy && out.length < limit) {
    // names whose core (legal form and brackets dropped: enterprise_name_core, migration 1732710000000)
    // contains this core: its trigram index serves the LIKE from three characters on, instead of a scan
    // of every name; ranked by bigram similarity computed here
    const core = nameCore(normalised);
    if (core.length >= 2) {
      const similar: EnterpriseRow[] = await ds.query(
        `SELECT ${ENTERPRISE_COLUMNS} FROM enterprise
         WHERE enterprise_name_core(name_normalised) LIKE '%' || replace(replace(replace(enterprise_name_core($1), '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%'
           AND name_normalised <> $1 ORDER BY credit_code LIMIT 200`,
        [normalised],
      );
      const ranked = similar
        .map((row) => ({ row, similarity: Math.round(bigramSimilarity(normalised, row.name_normalised) * 1000) / 1000 }))
        .sort((a, b) => b.similarity - a.similarity || a.row.credit_code.localeCompare(b.row.credit_code))
        .slice(0, limit - out.length);
      for (const m of ranked) out.push({ ...m, matchedBy: 'SIMILAR' });
    }
  }
  return out;
}

const LEGAL_FORMS = /(股份有限公司|有限责任公司|有限公司|集团公司|公司|厂|店)$/;

/** The distinctive part of a normalised name: legal form and brackets dropped. */
export function nameCore(normalised: string): string {
  return normalised.replace(LEGAL_FORMS, '').replace(/[()]/g, '');
}

/** Dice coefficient over character bigrams (0-1). */
export function bigramSimilarity(a: string, b: string): number {
  const grams = (s: string) => {
    const m = new Map<string, number>();
    const chars = [...s];
    for (let i = 0; i < chars.length - 1; i++) {
      const g = chars[i]! + chars[i + 1]!;
      m.set(g, (m.get(g) ?? 0) + 1);
    }
    return m;
  };
  const ga = grams(a);
  const gb = grams(b);
  let both = 0;
  let total = 0;
  for (const n of ga.values()) total += n;
  for (const [g, n] of gb) {
    total += n;
    both += Math.min(n, ga.get(g) ?? 0);
  }
  return total === 0 ? 0 : (2 * both) / total;
}
