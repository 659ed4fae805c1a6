/**
 * Storage of the 市场监管 stand-in system: schema `sim_market` in the departments database.
 * reset (create + empty), seed (world items → rows in the system's own format, dirt planted,
 * loaded with COPY by the kit's table writer) and touch (change one row in place, bump updated_at).
 * Dates are kept as text (varchar) as the legacy system does, so broken dates can exist.
 */
import type {
  CanonicalRecord,
  EnterpriseRecord,
  EnterpriseRef,
  EnterpriseStatus,
  ListEntryRecord,
  ListKind,
  PenaltyRecord,
  PersonRecord,
  PersonRole,
  RoleRecord,
} from '../../src/domain/canonical.js';
import type { WorldItem } from '../../src/generator/world.js';
import { breakValues, fnv1a as hash, refValues, type RefStyle } from '../kit/dirt.js';
import { assignBySetters, col, resetTables, seedTables, touchRow, type Setter, type SqlValue as Value } from '../kit/sql-tables.js';
import type { SimulatorEnv } from '../types.js';
import { LABEL_BY_LIST, LABEL_BY_ROLE, LABEL_BY_STATUS, LABEL_BY_SUBJECT } from './mapping.js';

export const SCHEMA = 'sim_market';

type Table = 'enterprises' | 'persons' | 'key_persons' | 'penalties' | 'credit_list_entries';
const REF_COLUMNS = ['credit_code', 'org_code', 'ent_name'] as const;

/** Column order of each table (the seeder's value arrays follow it). */
const COLUMNS: Record<Table, readonly string[]> = {
  enterprises: [
    'id',
    'credit_code',
    'org_code',
    'reg_no',
    'ent_name',
    'ent_type',
    'reg_status',
    'legal_rep_name',
    'region_code',
    'industry_code',
    'reg_capital',
    'establish_date',
    'address',
    'business_scope',
    'updated_at',
  ],
  persons: ['id', 'cert_no', 'name', 'mobile', 'updated_at'],
  key_persons: ['id', ...REF_COLUMNS, 'name', 'cert_no', 'position', 'start_date', 'end_date', 'updated_at'],
  penalties: [
    'id',
    ...REF_COLUMNS,
    'decision_no',
    'decision_date',
    'penalty_type',
    'illegal_fact',
    'legal_basis',
    'fine_amount',
    'updated_at',
  ],
  credit_list_entries: [
    'id',
    'list_type',
    'subject_type',
    ...REF_COLUMNS,
    'cert_no',
    'person_name',
    'inclusion_reason',
    'legal_basis',
    'decision_no',
    'inclusion_date',
    'expiry_date',
    'removal_date',
    'updated_at',
  ],
};
export const TABLES = Object.keys(COLUMNS) as Table[];

const DDL = `
CREATE SCHEMA IF NOT EXISTS ${SCHEMA};
CREATE TABLE IF NOT EXISTS ${SCHEMA}.enterprises (
  id text COLLATE "C" PRIMARY KEY, credit_code text, org_code text, reg_no text, ent_name text, ent_type text,
  reg_status text, legal_rep_name text, region_code text, industry_code text, reg_capital numeric(20,6),
  establish_date text, address text, business_scope text, updated_at timestamptz(3) NOT NULL);
CREATE TABLE IF NOT EXISTS ${SCHEMA}.persons (
  id text COLLATE "C" PRIMARY KEY, cert_no text, name text, mobile text, updated_at timestamptz(3) NOT NULL);
CREATE TABLE IF NOT EXISTS ${SCHEMA}.key_persons (
  id text COLLATE "C" PRIMARY KEY, credit_code text, org_code text, ent_name text, name text, cert_no text,
  position text, start_date text, end_date text, updated_at timestamptz(3) NOT NULL);
CREATE TABLE IF NOT EXISTS ${SCHEMA}.penalties (
  id text COLLATE "C" PRIMARY KEY, credit_code text, org_code text, ent_name text, decision_no text, decision_date text,
  penalty_type text, illegal_fact text, legal_basis text, fine_amount numeric(20,6), updated_at timestamptz(3) NOT NULL);
CREATE TABLE IF NOT EXISTS ${SCHEMA}.credit_list_entries (
  id text COLLATE "C" PRIMARY KEY, list_type text, subject_type text, credit_code text, org_code text, ent_name text,
  cert_no text, person_name text, inclusion_reason text, legal_basis text, decision_no text, inclusion_date text,
  expiry_date text, removal_date text, updated_at timestamptz(3) NOT NULL);
${TABLES.map((t) => `CREATE INDEX IF NOT EXISTS ${t}_keyset ON ${SCHEMA}.${t} (updated_at, id);`).join('\n')}
${(['enterprises', 'key_persons', 'penalties', 'credit_list_entries'] as const)
  .map((t) => REF_COLUMNS.map((c) => `CREATE INDEX IF NOT EXISTS ${t}_${c} ON ${SCHEMA}.${t} (${c});`).join('\n'))
  .join('\n')}
CREATE INDEX IF NOT EXISTS persons_cert_no ON ${SCHEMA}.persons (cert_no);
CREATE INDEX IF NOT EXISTS key_persons_cert_no ON ${SCHEMA}.key_persons (cert_no);
`;

export const reset = (env: SimulatorEnv): Promise<void> => resetTables(env.departmentsDatabaseUrl, DDL, SCHEMA, TABLES);

// ---------------------------------------------------------------- rendering world items as rows

const BAD_DATE = '2025-13-45';

const statusLabel = (s: EnterpriseStatus, id: string): string => (s === 'ACTIVE' && hash(id) % 2 === 1 ? '在业' : LABEL_BY_STATUS[s]);
/** 注册号: the pre-2015 15-digit registration number, derived so it is stable. */
const regNo = (r: EnterpriseRecord): string => `${r.divisionCode}${String(hash(r.creditCode)).padStart(10, '0').slice(0, 9)}`;
const listLabel = (l: ListKind): string => LABEL_BY_LIST[l] ?? l;
const wan = (yuan: number | null | undefined): Value => (yuan == null ? null : (yuan / 10_000).toFixed(6));

interface Row {
  table: Table;
  values: Value[];
}

function render(item: WorldItem): Row | null {
  const { sourceRecordId: id, updatedAt } = item;
  const style = item.dirt?.refStyle;
  const rec: CanonicalRecord = item.record;
  let row: Row;
  switch (rec.kind) {
    case 'enterprise':
      row = { table: 'enterprises', values: enterpriseValues(id, rec, updatedAt) };
      break;
    case 'person':
      row = { table: 'persons', values: personValues(id, rec, updatedAt) };
      break;
    case 'role':
      row = { table: 'key_persons', values: roleValues(id, rec, style, updatedAt) };
      break;
    case 'penalty':
      row = { table: 'penalties', values: penaltyValues(id, rec, style, updatedAt) };
      break;
    case 'list_entry':
      row = { table: 'credit_list_entries', values: listValues(id, rec, style, updatedAt) };
      break;
    default:
      return null; // not held by 市场监管
  }
  if (item.dirt?.malformed) breakValues(id, COLUMNS[row.table], BREAKAGE[row.table], row.values);
  return row;
}

const enterpriseValues = (id: string, r: EnterpriseRecord, at: string): Value[] => [
  id,
  r.creditCode,
  r.orgCode,
  regNo(r),
  r.name,
  r.type,
  statusLabel(r.status, id),
  r.legalRepresentative,
  r.divisionCode,
  r.industryCode,
  r.registeredCapital,
  r.establishedDate,
  r.address ?? null,
  r.businessScope ?? null,
  at,
];
const personValues = (id: string, r: PersonRecord, at: string): Value[] => [id, r.idNumber, r.name, r.phone ?? null, at];
const roleValues = (id: string, r: RoleRecord, style: RefStyle, at: string): Value[] => [
  id,
  ...refValues(r.enterprise, style),
  r.personName,
  r.idNumber,
  LABEL_BY_ROLE[r.role],
  r.since ?? null,
  r.until ?? null,
  at,
];
const penaltyValues = (id: string, r: PenaltyRecord, style: RefStyle, at: string): Value[] => [
  id,
  ...refValues(r.enterprise, style),
  r.decisionNumber,
  r.decisionDate,
  r.penaltyType,
  r.reason,
  r.legalBasis ?? null,
  wan(r.amount),
  at,
];
const listValues = (id: string, r: ListEntryRecord, style: RefStyle, at: string): Value[] => [
  id,
  listLabel(r.list),
  LABEL_BY_SUBJECT[r.subjectType],
  ...refValues(r.enterprise, style),
  r.idNumber ?? null,
  r.personName ?? null,
  r.reason,
  r.legalBasis,
  r.decisionNumber,
  r.startDate,
  r.endDate ?? null,
  r.removedDate ?? null,
  at,
];

/** Breakage natural to this system: an impossible date, a missing mandatory field, an unknown label. */
const BREAKAGE: Record<Table, readonly [string, Value][]> = {
  enterprises: [
    ['establish_date', BAD_DATE],
    ['ent_name', null],
    ['reg_status', '未知'],
  ],
  persons: [
    ['name', null],
    ['cert_no', '42010619800101'],
    ['name', ''],
  ],
  key_persons: [
    ['start_date', BAD_DATE],
    ['position', '未知'],
    ['name', null],
  ],
  penalties: [
    ['decision_date', BAD_DATE],
    ['decision_no', null],
    ['penalty_type', ''],
  ],
  credit_list_entries: [
    ['inclusion_date', BAD_DATE],
    ['list_type', '未知名单'],
    ['inclusion_reason', null],
  ],
};
export const seed = (env: SimulatorEnv, items: AsyncIterable<WorldItem[]>): Promise<{ written: number }> =>
  seedTables(env.departmentsDatabaseUrl, { schema: SCHEMA, columns: COLUMNS }, items, render);

// ---------------------------------------------------------------- touch

const refSetter: Setter = (v) => {
  const [cc, oc, n] = refValues(v as EnterpriseRef, undefined);
  return [
    ['credit_code', cc],
    ['org_code', oc],
    ['ent_name', n],
  ];
};

/** Canonical field → stored columns, per table. */
const TOUCH: Record<Table, Record<string, Setter>> = {
  enterprises: {
    creditCode: col('credit_code'),
    orgCode: col('org_code'),
    name: col('ent_name'),
    type: col('ent_type'),
    status: col('reg_status', (v) => LABEL_BY_STATUS[v as EnterpriseStatus] ?? String(v)),
    legalRepresentative: col('legal_rep_name'),
    divisionCode: col('region_code'),
    industryCode: col('industry_code'),
    registeredCapital: col('reg_capital'),
    establishedDate: col('establish_date'),
    address: col('address'),
    businessScope: col('business_scope'),
  },
  persons: { idNumber: col('cert_no'), name: col('name'), phone: col('mobile') },
  key_persons: {
    enterprise: refSetter,
    idNumber: col('cert_no'),
    personName: col('name'),
    role: col('position', (v) => LABEL_BY_ROLE[v as PersonRole] ?? String(v)),
    since: col('start_date'),
    until: col('end_date'),
  },
  penalties: {
    enterprise: refSetter,
    decisionNumber: col('decision_no'),
    decisionDate: col('decision_date'),
    penaltyType: col('penalty_type'),
    reason: col('illegal_fact'),
    legalBasis: col('legal_basis'),
    amount: col('fine_amount', (v) => wan(v as number | null)),
  },
  credit_list_entries: {
    list: col('list_type', (v) => listLabel(v as ListKind)),
    enterprise: refSetter,
    idNumber: col('cert_no'),
    personName: col('person_name'),
    reason: col('inclusion_reason'),
    legalBasis: col('legal_basis'),
    decisionNumber: col('decision_no'),
    startDate: col('inclusion_date'),
    endDate: col('expiry_date'),
    removedDate: col('removal_date'),
  },
};

export const touch = (env: SimulatorEnv, sourceRecordId: string, change: Record<string, unknown>): Promise<void> =>
  touchRow(
    env.departmentsDatabaseUrl,
    { schema: SCHEMA, tables: TABLES, source: 'market', stamp: 'updated_at = now()', assign: assignBySetters('market', TOUCH) },
    sourceRecordId,
    change,
  );
