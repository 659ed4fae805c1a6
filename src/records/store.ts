/**
 * Batched reads of an enterprise's records from the hub store: one query per kind for any number of
 * enterprises (the per-request DataLoaders call these), rows mapped to the kind's view.
 */
import type { DataSource } from 'typeorm';
import type { Department } from '../domain/canonical.js';
import type { ProvenanceRow } from '../kernel/provenance.js';
import type { BatchStatement } from '../store/read-batch.js';
import {
  withKey,
  type AccidentView,
  type ContractView,
  type CredentialView,
  type HiddenDangerView,
  type InspectionView,
  type InsuranceView,
  type ItemKind,
  type ItemViews,
  type ListEntryView,
  type PersonRef,
  type ProjectView,
  type RoleView,
  type VehicleView,
  type ViolationView,
} from './views.js';

type Row = Record<string, unknown> & ProvenanceRow;

type CredentialColumns = { credential_kind: CredentialView['credentialKind']; status: CredentialView['status'] };
/**
 * The vocabulary-valued columns of each kind's rows, typed as the view has them: the sync engine stores only
 * canonical records (checked against these vocabularies by each connector's mapping), so a stored value is one of them.
 */
interface VocabularyColumns {
  role: { role: RoleView['role'] };
  credential: CredentialColumns;
  person_credential: CredentialColumns;
  penalty: object;
  hidden_danger: { level: HiddenDangerView['level']; found_by: HiddenDangerView['foundBy']; status: HiddenDangerView['status'] };
  accident: { level: AccidentView['level'] };
  inspection: { result: InspectionView['result'] };
  vehicle: { vehicle_kind: VehicleView['vehicleKind'] };
  transport_violation: { violation_kind: ViolationView['violationKind'] };
  project: { scale: ProjectView['scale'] };
  contract: { contract_kind: ContractView['contractKind'] };
  insurance_policy: { insurance_kind: InsuranceView['insuranceKind'] };
  list_entry: { list: ListEntryView['list']; subject_type: ListEntryView['subjectType'] };
}
/** A stored row of one kind (what `QUERIES[kind].sql` selects). */
type RowOf<K extends ItemKind> = Row & VocabularyColumns[K];

const PROV = 'department, source, source_record_id, fetched_at, source_updated_at';
const provOf = (r: Row): ProvenanceRow => ({
  department: r.department,
  source: r.source,
  source_record_id: r.source_record_id,
  fetched_at: r.fetched_at,
  source_updated_at: r.source_updated_at,
});
const meta = (r: Row) => ({ department: r.department as Department, provenance: provOf(r) });
const str = (v: unknown): string => v as string;
const opt = <T>(v: unknown): T | null => (v ?? null) as T | null;
const personRef = (key: unknown, name: unknown, masked: unknown): PersonRef | null =>
  key ? { personKey: str(key), name: opt<string>(name), idMasked: str(masked ?? '') } : null;

interface KindQuery<K extends ItemKind> {
  /** SQL selecting `key_code` (the enterprise the row belongs to) and the row's columns, for $1 = codes */
  sql: string;
  view(r: RowOf<K>): Omit<ItemViews[K], 'cursorKey'>;
}

const P = (t: string) => `${t}.department, ${t}.source, ${t}.source_record_id, ${t}.fetched_at, ${t}.source_updated_at`;
const CREDENTIAL_COLS = `c.credential_kind, c.number, c.credit_code, c.person_key, p.name AS person_name, p.id_masked, c.category, c.grade,
  c.scope, c.registered_credit_code, c.issuer_department, c.valid_from, c.valid_to, c.status, ${P('c')}`;
const credentialView = (r: RowOf<'credential'>): Omit<CredentialView, 'cursorKey'> => ({
  credentialKind: r.credential_kind,
  number: str(r.number),
  enterprise: r.credit_code ? { creditCode: str(r.credit_code) } : null,
  person: personRef(r.person_key, r.person_name, r.id_masked),
  category: opt<string>(r.category),
  grade: opt<string>(r.grade),
  scope: opt<string>(r.scope),
  registeredEnterprise: r.registered_credit_code ? { creditCode: str(r.registered_credit_code) } : null,
  issuerDepartment: r.issuer_department as Department,
  validFrom: opt<string>(r.valid_from),
  validTo: opt<string>(r.valid_to),
  status: r.status,
  ...meta(r),
});

const LIST_COLS_ = `l.list, l.subject_type, l.credit_code, l.person_key, COALESCE(l.person_name, p.name) AS person_name, p.id_masked,
  l.reason, l.legal_basis, l.decision_number, l.start_date, l.end_date, l.removed_date, l.ban_scope, l.ban_industry`;
const LIST_COLS = `${LIST_COLS_}, ${P('l')}`;

const QUERIES: { [K in ItemKind]: KindQuery<K> } = {
  role: {
    sql: `SELECT r.credit_code AS key_code, r.role, r.since, r.until, r.person_key, p.name AS person_name, p.id_masked, ${P('r')}
          FROM enterprise_person_role r JOIN person p ON p.person_key = r.person_key WHERE r.credit_code = ANY($1::text[])`,
    view: (r) => ({
      enterprise: { creditCode: str(r.key_code) },
      role: r.role,
      since: opt(r.since),
      until: opt(r.until),
      person: personRef(r.person_key, r.person_name, r.id_masked)!,
      ...meta(r),
    }),
  },
  credential: {
    sql: `SELECT c.credit_code AS key_code, ${CREDENTIAL_COLS} FROM credential c LEFT JOIN person p ON p.person_key = c.person_key
          WHERE c.credit_code = ANY($1::text[])`,
    view: credentialView,
  },
  person_credential: {
    sql: `SELECT c.registered_credit_code AS key_code, ${CREDENTIAL_COLS} FROM credential c LEFT JOIN person p ON p.person_key = c.person_key
          WHERE c.registered_credit_code = ANY($1::text[]) AND c.person_key IS NOT NULL`,
    view: credentialView,
  },
  penalty: {
    sql: `SELECT credit_code AS key_code, decision_number, decision_date, penalty_type, reason, legal_basis, amount, ${PROV}
          FROM penalty WHERE credit_code = ANY($1::text[])`,
    view: (r) => ({
      enterprise: { creditCode: str(r.key_code) },
      decisionNumber: str(r.decision_number),
      decisionDate: str(r.decision_date),
      penaltyType: str(r.penalty_type),
      reason: str(r.reason),
      legalBasis: opt(r.legal_basis),
      amount: opt(r.amount),
      ...meta(r),
    }),
  },
  hidden_danger: {
    sql: `SELECT credit_code AS key_code, level, description, found_date, deadline, found_by, status, closed_date, ${PROV}
          FROM hidden_danger WHERE credit_code = ANY($1::text[])`,
    view: (r) => ({
      enterprise: { creditCode: str(r.key_code) },
      level: r.level,
      description: str(r.description),
      foundDate: str(r.found_date),
      deadline: str(r.deadline),
      foundBy: r.found_by,
      status: r.status,
      closedDate: opt(r.closed_date),
      ...meta(r),
    }),
  },
  accident: {
    sql: `SELECT credit_code AS key_code, occurred_on, level, deaths, serious_injuries, direct_loss, description, reporting_violation, ${PROV}
          FROM accident WHERE credit_code = ANY($1::text[])`,
    view: (r) => ({
      enterprise: { creditCode: str(r.key_code) },
      occurredOn: str(r.occurred_on),
      level: r.level,
      deaths: r.deaths as number,
      seriousInjuries: r.serious_injuries as number,
      directLoss: r.direct_loss as number,
      description: str(r.description),
      reportingViolation: opt(r.reporting_violation),
      ...meta(r),
    }),
  },
  inspection: {
    sql: `SELECT credit_code AS key_code, inspected_on, inspection_type, result, findings, key_fire_safety_unit, ${PROV}
          FROM inspection WHERE credit_code = ANY($1::text[])`,
    view: (r) => ({
      enterprise: { creditCode: str(r.key_code) },
      inspectedOn: str(r.inspected_on),
      inspectionType: str(r.inspection_type),
      result: r.result,
      findings: opt(r.findings),
      keyFireSafetyUnit: opt(r.key_fire_safety_unit),
      ...meta(r),
    }),
  },
  vehicle: {
    sql: `SELECT credit_code AS key_code, plate_number, vehicle_kind, operating_certificate, certificate_valid_to, monitoring_online, ${PROV}
          FROM vehicle WHERE credit_code = ANY($1::text[])`,
    view: (r) => ({
      enterprise: { creditCode: str(r.key_code) },
      plateNumber: str(r.plate_number),
      vehicleKind: r.vehicle_kind,
      operatingCertificate: str(r.operating_certificate),
      certificateValidTo: opt(r.certificate_valid_to),
      monitoringOnline: r.monitoring_online as boolean,
      ...meta(r),
    }),
  },
  transport_violation: {
    sql: `SELECT credit_code AS key_code, plate_number, occurred_at, violation_kind, location, fine, ${PROV}
          FROM transport_violation WHERE credit_code = ANY($1::text[])`,
    view: (r) => ({
      enterprise: { creditCode: str(r.key_code) },
      plateNumber: str(r.plate_number),
      occurredAt: (r.occurred_at as Date).toISOString(),
      violationKind: r.violation_kind,
      location: opt(r.location),
      fine: opt(r.fine),
      ...meta(r),
    }),
  },
  project: {
    // projects the enterprise builds, or holds a contract on (as employer or contractor)
    sql: `SELECT x.key_code, p.project_code, p.name, p.builder_credit_code, p.construction_permit, p.scale, p.required_category,
            p.required_sequence, p.division_code, p.start_date, p.investment, ${P('p')}
          FROM (SELECT builder_credit_code AS key_code, project_code FROM project WHERE builder_credit_code = ANY($1::text[])
                UNION SELECT contractor_credit_code, project_code FROM contract WHERE contractor_credit_code = ANY($1::text[])
                UNION SELECT employer_credit_code, project_code FROM contract WHERE employer_credit_code = ANY($1::text[])) x
          JOIN project p ON p.project_code = x.project_code`,
    view: (r) => ({
      projectCode: str(r.project_code),
      name: str(r.name),
      builder: { creditCode: str(r.builder_credit_code) },
      constructionPermit: opt(r.construction_permit),
      scale: r.scale,
      requiredCategory: str(r.required_category),
      requiredSequence: str(r.required_sequence),
      divisionCode: str(r.division_code),
      startDate: opt(r.start_date),
      investment: opt(r.investment),
      ...meta(r),
    }),
  },
  contract: {
    sql: `SELECT x.key_code, c.contract_number, c.project_code, c.parent_contract_number, c.contract_kind, c.employer_credit_code,
            c.contractor_credit_code, c.scope, c.value, c.covers_main_structure, c.covers_all_work, c.safety_agreement_signed,
            c.project_manager_key, p.name AS person_name, p.id_masked, c.signed_on, ${P('c')}
          FROM (SELECT contractor_credit_code AS key_code, contract_number FROM contract WHERE contractor_credit_code = ANY($1::text[])
                UNION SELECT employer_credit_code, contract_number FROM contract WHERE employer_credit_code = ANY($1::text[])) x
          JOIN contract c ON c.contract_number = x.contract_number LEFT JOIN person p ON p.person_key = c.project_manager_key`,
    view: (r) => ({
      contractNumber: str(r.contract_number),
      projectCode: str(r.project_code),
      parentContractNumber: opt(r.parent_contract_number),
      contractKind: r.contract_kind,
      employer: { creditCode: str(r.employer_credit_code) },
      contractor: { creditCode: str(r.contractor_credit_code) },
      scope: str(r.scope),
      value: r.value as number,
      coversMainStructure: r.covers_main_structure as boolean,
      coversAllWork: r.covers_all_work as boolean,
      safetyAgreementSigned: r.safety_agreement_signed as boolean,
      projectManager: personRef(r.project_manager_key, r.person_name, r.id_masked),
      signedOn: str(r.signed_on),
      ...meta(r),
    }),
  },
  insurance_policy: {
    sql: `SELECT credit_code AS key_code, policy_number, insurance_kind, insurer, valid_from, valid_to, ${PROV}
          FROM insurance_policy WHERE credit_code = ANY($1::text[])`,
    view: (r) => ({
      enterprise: { creditCode: str(r.key_code) },
      policyNumber: str(r.policy_number),
      insuranceKind: r.insurance_kind,
      insurer: str(r.insurer),
      validFrom: str(r.valid_from),
      validTo: str(r.valid_to),
      ...meta(r),
    }),
  },
  list_entry: {
    sql: `SELECT l.credit_code AS key_code, ${LIST_COLS} FROM list_entry l LEFT JOIN person p ON p.person_key = l.person_key
          WHERE l.credit_code = ANY($1::text[])`,
    view: (r) => listEntryView(r),
  },
};

function listEntryView(r: RowOf<'list_entry'>): Omit<ItemViews['list_entry'], 'cursorKey'> {
  return {
    list: r.list,
    subjectType: r.subject_type,
    enterprise: r.credit_code ? { creditCode: str(r.credit_code) } : null,
    person: personRef(r.person_key, r.person_name, r.id_masked),
    personName: opt(r.person_name),
    reason: str(r.reason),
    legalBasis: str(r.legal_basis),
    decisionNumber: str(r.decision_number),
    startDate: str(r.start_date),
    endDate: opt(r.end_date),
    removedDate: opt(r.removed_date),
    banScope: opt(r.ban_scope),
    banIndustry: opt(r.ban_industry),
    ...meta(r),
  };
}

/** The statement reading one kind for `$1` = credit codes (for a ReadBatch). */
export function itemsStatement(kind: ItemKind): BatchStatement {
  return { name: `rb_items_${kind}`, sql: QUERIES[kind].sql, keyColumn: 'key_code' };
}

/** All records of one kind for these enterprises, grouped by enterprise, in each list's sort order. */
export async function itemsByCodes<K extends ItemKind>(ds: DataSource, kind: K, codes: readonly string[]): Promise<ItemViews[K][][]> {
  return itemsFromRows(kind, await ds.query(QUERIES[kind].sql, [codes]), codes);
}

/** The rows of `itemsStatement(kind)` as views, grouped by enterprise in the order of `codes`. */
export function itemsFromRows<K extends ItemKind>(
  kind: K,
  rows: readonly Record<string, unknown>[],
  codes: readonly string[],
): ItemViews[K][][] {
  const q = QUERIES[kind];
  const by = new Map<string, ItemViews[K][]>();
  // the one place a row gets its kind's column types: the statement read is `QUERIES[kind].sql`
  for (const r of rows as RowOf<K>[]) {
    const code = str(r.key_code);
    let list = by.get(code);
    if (!list) by.set(code, (list = []));
    list.push(withKey(kind, q.view(r)));
  }
  return codes.map((c) => (by.get(c) ?? []).sort((a, b) => (a.cursorKey < b.cursorKey ? -1 : 1)));
}

/** Person-centred reads (Person.credentials / bans / managedContracts), keyed by person key. */
const PERSON_QUERIES = {
  credential: `SELECT c.person_key AS key_code, ${CREDENTIAL_COLS} FROM credential c JOIN person p ON p.person_key = c.person_key
               WHERE c.person_key = ANY($1::text[])`,
  list_entry: `SELECT l.person_key AS key_code, ${LIST_COLS_}, ${P('l')} FROM list_entry l JOIN person p ON p.person_key = l.person_key
               WHERE l.person_key = ANY($1::text[])`,
  role: `SELECT r.person_key AS key_code, r.credit_code, r.role, r.since, r.until, r.person_key, p.name AS person_name, p.id_masked, ${P('r')}
         FROM enterprise_person_role r JOIN person p ON p.person_key = r.person_key WHERE r.person_key = ANY($1::text[])`,
  contract: `SELECT c.project_manager_key AS key_code, c.contract_number, c.project_code, c.parent_contract_number, c.contract_kind,
               c.employer_credit_code, c.contractor_credit_code, c.scope, c.value, c.covers_main_structure, c.covers_all_work,
               c.safety_agreement_signed, c.project_manager_key, p.name AS person_name, p.id_masked, c.signed_on, ${P('c')}
             FROM contract c JOIN person p ON p.person_key = c.project_manager_key WHERE c.project_manager_key = ANY($1::text[])`,
} as const;
type PersonKind = keyof typeof PERSON_QUERIES;

/** A person-keyed row as its kind's view (a role row names its enterprise in `credit_code`: its key is the person). */
const PERSON_VIEWS: { [K in PersonKind]: (r: RowOf<K>) => Omit<ItemViews[K], 'cursorKey'> } = {
  credential: credentialView,
  list_entry: listEntryView,
  role: (r) => QUERIES.role.view({ ...r, key_code: r.credit_code }),
  contract: QUERIES.contract.view,
};

/**
 * Credentials of these persons ($1) and of the staff ($3 = roles) of these enterprises ($2), keyed by
 * person key: compliance reads the staff's credentials in the same round trip as the staff.
 */
export const PERSON_AND_STAFF_CREDENTIALS: BatchStatement = {
  name: 'rb_person_and_staff_credentials',
  params: 3,
  sql: `SELECT c.person_key AS key_code, ${CREDENTIAL_COLS} FROM credential c JOIN person p ON p.person_key = c.person_key
        WHERE c.person_key = ANY(ARRAY(SELECT unnest($1::text[]) UNION SELECT r.person_key FROM enterprise_person_role r
                                       WHERE r.credit_code = ANY($2::text[]) AND r.role = ANY($3::text[])))`,
};

export async function itemsByPersonKeys<K extends PersonKind>(ds: DataSource, kind: K, keys: readonly string[]): Promise<ItemViews[K][][]> {
  return personItemsFromRows(kind, await ds.query(PERSON_QUERIES[kind], [keys]), keys);
}

/** Rows keyed by person (`key_code`) as views, grouped in the order of `keys` (rows of other keys are left out). */
export function personItemsFromRows<K extends PersonKind>(
  kind: K,
  rows: readonly Record<string, unknown>[],
  keys: readonly string[],
): ItemViews[K][][] {
  const view = PERSON_VIEWS[kind];
  const by = new Map<string, ItemViews[K][]>();
  // the statement read is `PERSON_QUERIES[kind]` (or PERSON_AND_STAFF_CREDENTIALS, the same columns as credential's)
  for (const r of rows as RowOf<K>[]) {
    const key = str(r.key_code);
    let list = by.get(key);
    if (!list) by.set(key, (list = []));
    list.push(withKey(kind, view(r)));
  }
  return keys.map((k) => (by.get(k) ?? []).sort((a, b) => (a.cursorKey < b.cursorKey ? -1 : 1)));
}
