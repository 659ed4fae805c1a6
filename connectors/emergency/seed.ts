/**
 * Storage of the 应急管理 stand-in system: schema `sim_emergency` in the departments database.
 * reset (create + empty), seed (world items → rows in the system's own format, dirt planted,
 * loaded with COPY by the kit's table writer) and touch (change one row in place, bump updated_at).
 * Dates are stored as the platform keeps them ('yyyyMMdd' text), so broken dates can exist.
 */
import type {
  AccidentRecord,
  CanonicalRecord,
  CredentialKind,
  CredentialRecord,
  CredentialStatus,
  EnterpriseRef,
  FoundBy,
  HiddenDangerLevel,
  HiddenDangerRecord,
  HiddenDangerStatus,
  InsurancePolicyRecord,
  ListEntryRecord,
  ListKind,
  PenaltyRecord,
  PersonRole,
  RoleRecord,
  AccidentLevel,
} from '../../src/domain/canonical.js';
import type { WorldItem } from '../../src/generator/world.js';
import { breakValues, refValues, type RefStyle } from '../kit/dirt.js';
import { assignBySetters, col, resetTables, seedTables, touchRow, type Setter, type SqlValue as Value } from '../kit/sql-tables.js';
import type { SimulatorEnv } from '../types.js';
import {
  CERTIFICATE_BY_LABEL,
  INSURANCE_LABEL,
  LABEL_BY_ACCIDENT_LEVEL,
  LABEL_BY_BAN_SCOPE,
  LABEL_BY_CREDENTIAL,
  LABEL_BY_CREDENTIAL_STATUS,
  LABEL_BY_DANGER_LEVEL,
  LABEL_BY_DANGER_STATUS,
  LABEL_BY_FOUND_BY,
  LABEL_BY_LIST,
  LABEL_BY_REPORTING,
  LABEL_BY_ROLE,
  LABEL_BY_SUBJECT,
  LICENCE_BY_LABEL,
  toWireDate,
  type ResourceName,
} from './mapping.js';

export const SCHEMA = 'sim_emergency';

type Table = ResourceName;
const REF = ['credit_code', 'org_code', 'ent_name'] as const;
const UNIT_REF = ['unit_credit_code', 'unit_org_code', 'unit_name'] as const;

/** Column order of each table (the seeder's value arrays follow it); the wire uses the same snake_case names. */
export const COLUMNS: Record<Table, readonly string[]> = {
  personnel: ['id', 'id_card_no', 'name', 'mobile', 'updated_at'],
  enterprise_licences: [
    'id',
    'licence_type',
    'licence_no',
    ...REF,
    'licence_category',
    'licence_grade',
    'permit_scope',
    'valid_from',
    'valid_to',
    'licence_status',
    'updated_at',
  ],
  personnel_certificates: [
    'id',
    'cert_type',
    'cert_no',
    'id_card_no',
    'operation_category',
    'qualification_level',
    'specialty',
    ...UNIT_REF,
    'issue_date',
    'expire_date',
    'cert_status',
    'updated_at',
  ],
  safety_staff: ['id', ...REF, 'person_name', 'id_card_no', 'post', 'appoint_date', 'leave_date', 'updated_at'],
  hidden_dangers: [
    'id',
    ...REF,
    'danger_level',
    'danger_desc',
    'found_date',
    'rectify_deadline',
    'found_way',
    'rectify_status',
    'close_date',
    'updated_at',
  ],
  penalties: ['id', ...REF, 'doc_no', 'decision_date', 'punish_type', 'illegal_fact', 'legal_basis', 'fine_amount', 'updated_at'],
  accidents: [
    'id',
    ...REF,
    'occur_date',
    'accident_level',
    'death_toll',
    'serious_injury_count',
    'direct_economic_loss',
    'accident_summary',
    'report_violation',
    'updated_at',
  ],
  punishment_lists: [
    'id',
    'list_type',
    'subject_type',
    ...REF,
    'id_card_no',
    'person_name',
    'include_reason',
    'legal_basis',
    'decision_no',
    'include_date',
    'expire_date',
    'remove_date',
    'ban_scope',
    'ban_industry',
    'updated_at',
  ],
  liability_insurances: ['id', ...REF, 'policy_no', 'insurance_type', 'insurer', 'insure_start', 'insure_end', 'updated_at'],
};
export const TABLES = Object.keys(COLUMNS) as Table[];
/** Columns that are not text. */
export const NUMERIC_COLUMNS: Readonly<Record<string, string>> = {
  fine_amount: 'numeric',
  direct_economic_loss: 'numeric',
  death_toll: 'integer',
  serious_injury_count: 'integer',
};
/** Tables whose rows name an enterprise, and the columns that do. */
export const REF_COLUMNS: Partial<Record<Table, readonly [string, string, string]>> = {
  enterprise_licences: REF,
  personnel_certificates: UNIT_REF,
  safety_staff: REF,
  hidden_dangers: REF,
  penalties: REF,
  accidents: REF,
  punishment_lists: REF,
  liability_insurances: REF,
};

// Name matching the platform offers for older name-only rows: full-width → half-width, brackets unified, no spaces.
const FULL = Array.from({ length: 0x5e }, (_, i) => String.fromCharCode(0xff01 + i)).join('') + '\u3000【〔［】〕］';
const HALF = Array.from({ length: 0x5e }, (_, i) => String.fromCharCode(0x21 + i)).join('') + ' ((()))';
const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

const columnDdl = (c: string) =>
  c === 'id'
    ? 'id text COLLATE "C" PRIMARY KEY'
    : c === 'updated_at'
      ? 'updated_at timestamptz(3) NOT NULL'
      : `${c} ${NUMERIC_COLUMNS[c] ?? 'text'}`;
const DDL = `
CREATE SCHEMA IF NOT EXISTS ${SCHEMA};
CREATE OR REPLACE FUNCTION ${SCHEMA}.norm_name(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT upper(regexp_replace(translate(t, ${sqlString(FULL)}, ${sqlString(HALF)}), '\\s', '', 'g')) $$;
${TABLES.map((t) => `CREATE TABLE IF NOT EXISTS ${SCHEMA}.${t} (${COLUMNS[t].map(columnDdl).join(', ')});`).join('\n')}
${TABLES.map((t) => `CREATE INDEX IF NOT EXISTS ${t}_keyset ON ${SCHEMA}.${t} (updated_at, id);`).join('\n')}
${Object.entries(REF_COLUMNS)
  .map(
    ([t, [cc, oc, n]]) => `CREATE INDEX IF NOT EXISTS ${t}_${cc} ON ${SCHEMA}.${t} (${cc});
CREATE INDEX IF NOT EXISTS ${t}_${oc} ON ${SCHEMA}.${t} (${oc});
CREATE INDEX IF NOT EXISTS ${t}_${n}_norm ON ${SCHEMA}.${t} (${SCHEMA}.norm_name(${n}));`,
  )
  .join('\n')}
${(['personnel', 'personnel_certificates', 'safety_staff', 'punishment_lists'] as const)
  .map((t) => `CREATE INDEX IF NOT EXISTS ${t}_id_card_no ON ${SCHEMA}.${t} (id_card_no);`)
  .join('\n')}
`;

export const reset = (env: SimulatorEnv): Promise<void> => resetTables(env.departmentsDatabaseUrl, DDL, SCHEMA, TABLES);

// ---------------------------------------------------------------- rendering world items as rows

const d = toWireDate;
const LICENCE_KINDS = new Set<CredentialKind>(Object.values(LICENCE_BY_LABEL));
const CERTIFICATE_KINDS = new Set<CredentialKind>(Object.values(CERTIFICATE_BY_LABEL));

interface Row {
  table: Table;
  values: Value[];
}

function render(item: WorldItem): Row | null {
  const { sourceRecordId: id, updatedAt: at } = item;
  const style = item.dirt?.refStyle;
  const rec: CanonicalRecord = item.record;
  let row: Row;
  switch (rec.kind) {
    case 'person':
      row = { table: 'personnel', values: [id, rec.idNumber, rec.name, rec.phone ?? null, at] };
      break;
    case 'credential':
      if (LICENCE_KINDS.has(rec.credentialKind)) row = { table: 'enterprise_licences', values: licenceValues(id, rec, style, at) };
      else if (CERTIFICATE_KINDS.has(rec.credentialKind))
        row = { table: 'personnel_certificates', values: certificateValues(id, rec, style, at) };
      else return null; // issued by another department
      break;
    case 'role':
      row = { table: 'safety_staff', values: staffValues(id, rec, style, at) };
      break;
    case 'hidden_danger':
      row = { table: 'hidden_dangers', values: dangerValues(id, rec, style, at) };
      break;
    case 'penalty':
      row = { table: 'penalties', values: penaltyValues(id, rec, style, at) };
      break;
    case 'accident':
      row = { table: 'accidents', values: accidentValues(id, rec, style, at) };
      break;
    case 'list_entry':
      row = { table: 'punishment_lists', values: listValues(id, rec, style, at) };
      break;
    case 'insurance_policy':
      row = { table: 'liability_insurances', values: insuranceValues(id, rec, style, at) };
      break;
    default:
      return null; // not held by 应急管理
  }
  if (item.dirt?.malformed) breakValues(id, COLUMNS[row.table], BREAKAGE[row.table], row.values);
  return row;
}

const licenceValues = (id: string, r: CredentialRecord, style: RefStyle, at: string): Value[] => [
  id,
  LABEL_BY_CREDENTIAL[r.credentialKind]!,
  r.number,
  ...refValues(r.enterprise, style),
  r.category ?? null,
  r.grade ?? null,
  r.scope ?? null,
  d(r.validFrom),
  d(r.validTo),
  LABEL_BY_CREDENTIAL_STATUS[r.status],
  at,
];
const certificateValues = (id: string, r: CredentialRecord, style: RefStyle, at: string): Value[] => [
  id,
  LABEL_BY_CREDENTIAL[r.credentialKind]!,
  r.number,
  r.idNumber ?? null,
  r.category ?? null,
  r.grade ?? null,
  r.scope ?? null,
  ...refValues(r.registeredEnterprise, style),
  d(r.validFrom),
  d(r.validTo),
  LABEL_BY_CREDENTIAL_STATUS[r.status],
  at,
];
const staffValues = (id: string, r: RoleRecord, style: RefStyle, at: string): Value[] => [
  id,
  ...refValues(r.enterprise, style),
  r.personName,
  r.idNumber,
  LABEL_BY_ROLE[r.role],
  d(r.since),
  d(r.until),
  at,
];
const dangerValues = (id: string, r: HiddenDangerRecord, style: RefStyle, at: string): Value[] => [
  id,
  ...refValues(r.enterprise, style),
  LABEL_BY_DANGER_LEVEL[r.level],
  r.description,
  d(r.foundDate),
  d(r.deadline),
  LABEL_BY_FOUND_BY[r.foundBy],
  LABEL_BY_DANGER_STATUS[r.status],
  d(r.closedDate),
  at,
];
const penaltyValues = (id: string, r: PenaltyRecord, style: RefStyle, at: string): Value[] => [
  id,
  ...refValues(r.enterprise, style),
  r.decisionNumber,
  d(r.decisionDate),
  r.penaltyType,
  r.reason,
  r.legalBasis ?? null,
  r.amount ?? null,
  at,
];
const accidentValues = (id: string, r: AccidentRecord, style: RefStyle, at: string): Value[] => [
  id,
  ...refValues(r.enterprise, style),
  d(r.occurredOn),
  LABEL_BY_ACCIDENT_LEVEL[r.level],
  r.deaths,
  r.seriousInjuries,
  r.directLoss,
  r.description,
  r.reportingViolation ? LABEL_BY_REPORTING[r.reportingViolation] : null,
  at,
];
const listValues = (id: string, r: ListEntryRecord, style: RefStyle, at: string): Value[] => [
  id,
  LABEL_BY_LIST[r.list] ?? r.list,
  LABEL_BY_SUBJECT[r.subjectType],
  ...refValues(r.enterprise, style),
  r.idNumber ?? null,
  r.personName ?? null,
  r.reason,
  r.legalBasis,
  r.decisionNumber,
  d(r.startDate),
  d(r.endDate),
  d(r.removedDate),
  r.banScope ? LABEL_BY_BAN_SCOPE[r.banScope] : null,
  r.banIndustry ?? null,
  at,
];
const insuranceValues = (id: string, r: InsurancePolicyRecord, style: RefStyle, at: string): Value[] => [
  id,
  ...refValues(r.enterprise, style),
  r.policyNumber,
  INSURANCE_LABEL,
  r.insurer,
  d(r.validFrom),
  d(r.validTo),
  at,
];

/** Breakage natural to this platform: an impossible or ISO-formatted date, a missing mandatory field, an unknown label. */
const BAD_DATE = '20251345';
const BREAKAGE: Record<Table, readonly [string, Value][]> = {
  personnel: [
    ['id_card_no', '42010619800101'],
    ['name', null],
    ['name', ''],
  ],
  enterprise_licences: [
    ['valid_to', '2025-12-31'],
    ['licence_status', '未知'],
    ['licence_no', null],
  ],
  personnel_certificates: [
    ['expire_date', BAD_DATE],
    ['cert_type', '未知证书'],
    ['id_card_no', '42010619800101'],
  ],
  safety_staff: [
    ['appoint_date', BAD_DATE],
    ['post', '未知'],
    ['person_name', null],
  ],
  hidden_dangers: [
    ['found_date', '2024/05/06'],
    ['danger_level', '特大隐患'],
    ['danger_desc', null],
  ],
  penalties: [
    ['decision_date', BAD_DATE],
    ['doc_no', null],
    ['punish_type', ''],
  ],
  accidents: [
    ['occur_date', BAD_DATE],
    ['accident_level', '未定级'],
    ['death_toll', -1],
  ],
  punishment_lists: [
    ['include_date', BAD_DATE],
    ['list_type', '未知名单'],
    ['include_reason', null],
  ],
  liability_insurances: [
    ['insure_end', '2026-06-30'],
    ['insurance_type', '雇主责任险'],
    ['policy_no', null],
  ],
};
export const seed = (env: SimulatorEnv, items: AsyncIterable<WorldItem[]>): Promise<{ written: number }> =>
  seedTables(env.departmentsDatabaseUrl, { schema: SCHEMA, columns: COLUMNS }, items, render);

// ---------------------------------------------------------------- touch

const dateCol = (name: string): Setter => col(name, (v) => d(v as string | null));
const labelCol = <K extends string>(name: string, table: Readonly<Partial<Record<K, string>>>): Setter =>
  col(name, (v) => (v == null ? null : (table[v as K] ?? String(v))));
const refSetter =
  (columns: readonly [string, string, string]): Setter =>
  (v) => {
    const vals = refValues(v as EnterpriseRef | null, undefined);
    return columns.map((c, i) => [c, vals[i]!] as [string, Value]);
  };

/** Canonical field → stored columns, per table. */
const TOUCH: Record<Table, Record<string, Setter>> = {
  personnel: { idNumber: col('id_card_no'), name: col('name'), phone: col('mobile') },
  enterprise_licences: {
    credentialKind: labelCol<CredentialKind>('licence_type', LABEL_BY_CREDENTIAL),
    number: col('licence_no'),
    enterprise: refSetter(REF),
    category: col('licence_category'),
    grade: col('licence_grade'),
    scope: col('permit_scope'),
    validFrom: dateCol('valid_from'),
    validTo: dateCol('valid_to'),
    status: labelCol<CredentialStatus>('licence_status', LABEL_BY_CREDENTIAL_STATUS),
  },
  personnel_certificates: {
    credentialKind: labelCol<CredentialKind>('cert_type', LABEL_BY_CREDENTIAL),
    number: col('cert_no'),
    idNumber: col('id_card_no'),
    category: col('operation_category'),
    grade: col('qualification_level'),
    scope: col('specialty'),
    registeredEnterprise: refSetter(UNIT_REF),
    validFrom: dateCol('issue_date'),
    validTo: dateCol('expire_date'),
    status: labelCol<CredentialStatus>('cert_status', LABEL_BY_CREDENTIAL_STATUS),
  },
  safety_staff: {
    enterprise: refSetter(REF),
    idNumber: col('id_card_no'),
    personName: col('person_name'),
    role: labelCol<PersonRole>('post', LABEL_BY_ROLE),
    since: dateCol('appoint_date'),
    until: dateCol('leave_date'),
  },
  hidden_dangers: {
    enterprise: refSetter(REF),
    level: labelCol<HiddenDangerLevel>('danger_level', LABEL_BY_DANGER_LEVEL),
    description: col('danger_desc'),
    foundDate: dateCol('found_date'),
    deadline: dateCol('rectify_deadline'),
    foundBy: labelCol<FoundBy>('found_way', LABEL_BY_FOUND_BY),
    status: labelCol<HiddenDangerStatus>('rectify_status', LABEL_BY_DANGER_STATUS),
    closedDate: dateCol('close_date'),
  },
  penalties: {
    enterprise: refSetter(REF),
    decisionNumber: col('doc_no'),
    decisionDate: dateCol('decision_date'),
    penaltyType: col('punish_type'),
    reason: col('illegal_fact'),
    legalBasis: col('legal_basis'),
    amount: col('fine_amount'),
  },
  accidents: {
    enterprise: refSetter(REF),
    occurredOn: dateCol('occur_date'),
    level: labelCol<AccidentLevel>('accident_level', LABEL_BY_ACCIDENT_LEVEL),
    deaths: col('death_toll'),
    seriousInjuries: col('serious_injury_count'),
    directLoss: col('direct_economic_loss'),
    description: col('accident_summary'),
    reportingViolation: labelCol('report_violation', LABEL_BY_REPORTING),
  },
  punishment_lists: {
    list: labelCol<ListKind>('list_type', LABEL_BY_LIST),
    subjectType: labelCol('subject_type', LABEL_BY_SUBJECT),
    enterprise: refSetter(REF),
    idNumber: col('id_card_no'),
    personName: col('person_name'),
    reason: col('include_reason'),
    legalBasis: col('legal_basis'),
    decisionNumber: col('decision_no'),
    startDate: dateCol('include_date'),
    endDate: dateCol('expire_date'),
    removedDate: dateCol('remove_date'),
    banScope: labelCol('ban_scope', LABEL_BY_BAN_SCOPE),
    banIndustry: col('ban_industry'),
  },
  liability_insurances: {
    enterprise: refSetter(REF),
    policyNumber: col('policy_no'),
    insurer: col('insurer'),
    validFrom: dateCol('insure_start'),
    validTo: dateCol('insure_end'),
  },
};

export const touch = (env: SimulatorEnv, sourceRecordId: string, change: Record<string, unknown>): Promise<void> =>
  touchRow(
    env.departmentsDatabaseUrl,
    { schema: SCHEMA, tables: TABLES, source: 'emergency', stamp: 'updated_at = now()', assign: assignBySetters('emergency', TOUCH) },
    sourceRecordId,
    change,
  );
