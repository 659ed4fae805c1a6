/**
 * Set-based loads for compliance checks: for a whole chunk of projects, their contracts, every party's
 * registration, credentials, roles, insurance and the credentials of the persons that matter (project
 * managers, safety staff, special operators) in a fixed handful of queries, whatever the chunk size.
 */
import type { DataSource } from 'typeorm';
import type { ContractKind, Department } from '../domain/canonical.js';
import type { BatchStatement, ReadBatch } from '../store/read-batch.js';
import { itemsFromRows, itemsStatement, PERSON_AND_STAFF_CREDENTIALS, personItemsFromRows } from '../records/store.js';
import { withKey, type ContractView, type CredentialView, type PersonRef, type ProjectView } from '../records/views.js';
import type { ContractFact, EnterpriseFacts } from './model.js';

type Row = Record<string, unknown>;
const PROV = (t: string) => `${t}.department, ${t}.source, ${t}.source_record_id, ${t}.fetched_at, ${t}.source_updated_at`;
const prov = (r: Row) => ({
  department: r.department as string,
  source: r.source as string,
  source_record_id: r.source_record_id as string,
  fetched_at: r.fetched_at as Date,
  source_updated_at: (r.source_updated_at ?? null) as Date | null,
});

const PROJECT_SQL = `SELECT p.project_code, p.name, p.builder_credit_code, p.construction_permit, p.scale, p.required_category, p.required_sequence,
  p.division_code, p.start_date, p.investment, ${PROV('p')} FROM project p`;

/** A row of PROJECT_SQL: `scale` is stored only from canonical project records (PROJECT_SCALES). */
type ProjectRow = Row & { scale: ProjectView['scale'] };

export function projectView(r: ProjectRow): ProjectView {
  return withKey('project', {
    projectCode: r.project_code as string,
    name: r.name as string,
    builder: { creditCode: r.builder_credit_code as string },
    constructionPermit: (r.construction_permit ?? null) as string | null,
    scale: r.scale,
    requiredCategory: r.required_category as string,
    requiredSequence: r.required_sequence as string,
    divisionCode: r.division_code as string,
    startDate: (r.start_date ?? null) as string | null,
    investment: (r.investment ?? null) as number | null,
    department: r.department as Department,
    provenance: prov(r),
  });
}

const PROJECTS: BatchStatement = {
  name: 'rb_compliance_projects',
  sql: `${PROJECT_SQL} WHERE p.project_code = ANY($1::text[])`,
  keyColumn: 'project_code',
};

export async function loadProjects(rb: ReadBatch, codes: readonly string[]): Promise<ProjectView[]> {
  return ((await rb.read(PROJECTS, codes)) as ProjectRow[]).map(projectView);
}

/** A page of projects by code (keyset), with optional filters. */
export async function pageProjects(
  ds: DataSource,
  where: { builderCreditCode?: string | null; contractorCreditCode?: string | null; divisionCode?: string | null; scale?: string | null },
  after: string | null,
  first: number,
): Promise<{ totalCount: number; items: ProjectView[]; hasNextPage: boolean }> {
  const params = [where.builderCreditCode ?? null, where.contractorCreditCode ?? null, where.divisionCode ?? null, where.scale ?? null];
  const cond = `($1::text IS NULL OR p.builder_credit_code = $1) AND ($2::text IS NULL OR EXISTS (SELECT 1 FROM contract c
      WHERE c.project_code = p.project_code AND c.contractor_credit_code = $2)) AND ($3::text IS NULL OR p.division_code LIKE $3 || '%')
      AND ($4::text IS NULL OR p.scale = $4)`;
  const [[{ n }], rows] = await Promise.all([
    ds.query(`SELECT count(*)::int AS n FROM project p WHERE ${cond}`, params),
    ds.query(`${PROJECT_SQL} WHERE ${cond} AND ($5::text IS NULL OR p.project_code > $5) ORDER BY p.project_code LIMIT $6`, [
      ...params,
      after,
      first + 1,
    ]),
  ]);
  return { totalCount: n, items: (rows as ProjectRow[]).slice(0, first).map(projectView), hasNextPage: rows.length > first };
}

/** Project codes in order, after a code (keyset), for the bulk run. */
export async function nextProjectCodes(ds: DataSource, after: string | null, limit: number): Promise<string[]> {
  const rows: { project_code: string }[] = await ds.query(
    `SELECT project_code FROM project WHERE ($1::text IS NULL OR project_code > $1) ORDER BY project_code LIMIT $2`,
    [after, limit],
  );
  return rows.map((r) => r.project_code);
}

export interface LoadedContract {
  fact: ContractFact;
  view: ContractView;
}

const CONTRACTS: BatchStatement = {
  name: 'rb_compliance_contracts',
  keyColumn: 'project_code',
  sql: `SELECT c.contract_number, c.project_code, c.parent_contract_number, c.contract_kind, c.employer_credit_code, c.contractor_credit_code,
       c.scope, c.value, c.covers_main_structure, c.covers_all_work, c.safety_agreement_signed, c.project_manager_key, c.signed_on,
       p.name AS person_name, p.id_masked, ${PROV('c')}
     FROM contract c LEFT JOIN person p ON p.person_key = c.project_manager_key
     WHERE c.project_code = ANY($1::text[]) ORDER BY c.project_code, c.contract_number`,
};

export async function loadContracts(rb: ReadBatch, projectCodes: readonly string[]): Promise<Map<string, LoadedContract[]>> {
  const rows = await rb.read(CONTRACTS, projectCodes);
  const out = new Map<string, LoadedContract[]>();
  for (const r of rows) {
    const pm: PersonRef | null = r.project_manager_key
      ? {
          personKey: r.project_manager_key as string,
          name: (r.person_name ?? null) as string | null,
          idMasked: (r.id_masked ?? '') as string,
        }
      : null;
    const base = {
      contractNumber: r.contract_number as string,
      projectCode: r.project_code as string,
      parentContractNumber: (r.parent_contract_number ?? null) as string | null,
      kind: r.contract_kind as ContractKind,
      employer: r.employer_credit_code as string,
      contractor: r.contractor_credit_code as string,
      scope: r.scope as string,
      value: r.value as number,
      coversMainStructure: r.covers_main_structure as boolean,
      coversAllWork: r.covers_all_work as boolean,
      safetyAgreementSigned: r.safety_agreement_signed as boolean,
      projectManager: pm,
      signedOn: r.signed_on as string,
    };
    const fact: ContractFact = {
      ...base,
      proposed: false,
      evidence: {
        department: r.department as Department,
        source: r.source as string,
        sourceRecordId: r.source_record_id as string,
        kind: 'contract',
        description: `合同 ${base.contractNumber}`,
      },
    };
    const view = withKey('contract', {
      contractNumber: base.contractNumber,
      projectCode: base.projectCode,
      parentContractNumber: base.parentContractNumber,
      contractKind: base.kind,
      employer: { creditCode: base.employer },
      contractor: { creditCode: base.contractor },
      scope: base.scope,
      value: base.value,
      coversMainStructure: base.coversMainStructure,
      coversAllWork: base.coversAllWork,
      safetyAgreementSigned: base.safetyAgreementSigned,
      projectManager: pm,
      signedOn: base.signedOn,
      department: r.department as Department,
      provenance: prov(r),
    });
    const list = out.get(base.projectCode) ?? [];
    list.push({ fact, view });
    out.set(base.projectCode, list);
  }
  return out;
}

const STAFF_ROLES = new Set(['SPECIAL_OPERATOR', 'SAFETY_MANAGER', 'SAFETY_DIRECTOR', 'REGISTERED_SAFETY_ENGINEER']);

/**
 * Everything the rules need about these enterprises (`detailed`: the ones whose own staffing and credentials
 * are judged, e.g. contractors; the rest get registration and credentials only) and these persons.
 */
const ENTERPRISE_FACTS: BatchStatement = {
  name: 'rb_compliance_enterprises',
  keyColumn: 'credit_code',
  sql: `SELECT credit_code, name, industry_code, status, department, source, source_record_id FROM enterprise WHERE credit_code = ANY($1::text[])`,
};

/** One round trip (a ReadBatch): registrations, credentials, staff, insurance, and the credentials of the persons and the staff. */
export async function loadFacts(
  rb: ReadBatch,
  codes: readonly string[],
  detailed: readonly string[],
  personKeys: readonly string[],
): Promise<{ enterprises: Map<string, EnterpriseFacts>; personCredentials: Map<string, CredentialView[]> }> {
  const items = async <K extends 'credential' | 'role' | 'person_credential' | 'insurance_policy'>(kind: K, keys: readonly string[]) =>
    itemsFromRows(kind, await rb.read(itemsStatement(kind), keys), keys);
  const [entRows, creds, roles, registered, insurance, personCredRows] = await Promise.all([
    rb.read(ENTERPRISE_FACTS, codes),
    items('credential', codes),
    items('role', detailed),
    items('person_credential', detailed),
    items('insurance_policy', detailed),
    rb.read(PERSON_AND_STAFF_CREDENTIALS, personKeys, detailed, [...STAFF_ROLES]),
  ]);
  const idx = new Map(detailed.map((c, i) => [c, i]));
  const credIdx = new Map(codes.map((c, i) => [c, i]));
  const enterprises = new Map<string, EnterpriseFacts>();
  entRows.forEach((r) => {
    const code = r.credit_code as string;
    const i = idx.get(code);
    enterprises.set(code, {
      creditCode: code,
      name: r.name as string,
      industryCode: r.industry_code as string,
      status: r.status as string,
      credentials: creds[credIdx.get(code)!] ?? [],
      roles: i === undefined ? [] : roles[i]!,
      registeredPersonCredentials: i === undefined ? [] : registered[i]!,
      insurance: i === undefined ? [] : insurance[i]!,
      evidence: {
        department: r.department as Department,
        source: r.source as string,
        sourceRecordId: r.source_record_id as string,
        kind: 'enterprise',
        description: `${r.name as string} 登记状态 ${r.status as string} 行业 ${r.industry_code as string}`,
      },
    });
  });
  const staffKeys = roles
    .flat()
    .filter((r) => STAFF_ROLES.has(r.role))
    .map((r) => r.person.personKey);
  const keys = [...new Set([...personKeys, ...staffKeys])];
  const personCreds = personItemsFromRows('credential', personCredRows, keys);
  const personCredentials = new Map(keys.map((k, i) => [k, personCreds[i]!]));
  return { enterprises, personCredentials };
}
