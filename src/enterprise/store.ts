/** Reads of enterprises from the hub store (SQL lives here, not in resolvers). */
import type { DataSource } from 'typeorm';

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

/** Enterprises by credit code, in the order asked (null where unknown): one query for any number of keys. */
export async function enterprisesByCodes(ds: DataSource, codes: readonly string[]): Promise<(EnterpriseRow | null)[]> {
  const rows: EnterpriseRow[] = await ds.query(
    `SELECT ${ENTERPRISE_COLUMNS} FROM enterprise WHERE credit_code = ANY($1::text[])`,
    [codes],
  );
  const byCode = new Map(rows.map((r) => [r.credit_code, r]));
  return codes.map((c) => byCode.get(c) ?? null);
}
