/**
 * Storage of the 市场监管 stand-in system: schema `sim_market` in the departments database.
 * reset (create + empty), seed (world items → rows in the system's own format, dirt planted,
 * multi-row INSERTs in batches) and touch (change one row in place, bump updated_at).
 * Dates are kept as text (varchar) as the legacy system does, so broken dates can exist.
 */
import pg from 'pg';
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
import { orgCodeOfCreditCode } from '../../src/domain/codes.js';
import type { WorldItem } from '../../src/generator/world.js';
import type { SimulatorEnv } from '../types.js';
import { LABEL_BY_LIST, LABEL_BY_ROLE, LABEL_BY_STATUS, LABEL_BY_SUBJECT } from './mapping.js';

export const SCHEMA = 'sim_market';
const SQL_TIMEOUT_MS = 120_000;
const INSERT_BATCH = 1000;

type Table = 'enterprises' | 'persons' | 'key_persons' | 'penalties' | 'credit_list_entries';
const REF_COLUMNS = ['credit_code', 'org_code', 'ent_name'] as const;

/** Column order of each table (the seeder's value arrays follow it). */
const COLUMNS: Record<Table, readonly string[]> = {
  enterprises: ['id', 'credit_code', 'org_code', 'reg_no', 'ent_name', 'ent_type', 'reg_status', 'legal_rep_name', 'region_code',
    'industry_code', 'reg_capital', 'establish_date', 'address', 'business_scope', 'updated_at'],
  persons: ['id', 'cert_no', 'name', 'mobile', 'updated_at'],
  key_persons: ['id', ...REF_COLUMNS, 'name', 'cert_no', 'position', 'start_date', 'end_date', 'updated_at'],
  penalties: ['id', ...REF_COLUMNS, 'decision_no', 'decision_date', 'penalty_type', 'illegal_fact', 'legal_basis', 'fine_amount', 'updated_at'],
  credit_list_entries: ['id', 'list_type', 'subject_type', ...REF_COLUMNS, 'cert_no', 'person_name', 'inclusion_reason', 'legal_basis',
    'decision_no', 'inclusion_date', 'expiry_date', 'removal_date', 'updated_at'],
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

export async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, statement_timeout: SQL_TIMEOUT_MS, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function reset(env: SimulatorEnv): Promise<void> {
  await withClient(env.departmentsDatabaseUrl, async (c) => {
    await c.query(DDL);
    await c.query(`TRUNCATE ${TABLES.map((t) => `${SCHEMA}.${t}`).join(', ')}`);
  });
}

// ---------------------------------------------------------------- rendering world items as rows

type Value = string | number | null;
type Dirt = NonNullable<WorldItem['dirt']>;

const hash = (s: string): number => {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
};
const BAD_DATE = '2025-13-45';

/** Full-width brackets, letters and an extra space: how names were typed into old forms. */
function fullWidthName(name: string): string {
  const wide = name.replace(/[!-~]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0));
  return wide.length > 4 && !/\s/.test(wide) ? `${wide.slice(0, 2)} ${wide.slice(2)}` : wide;
}

/** The reference as this system carries it: dirt decides whether only the org code or the name is kept. */
function refValues(ref: EnterpriseRef | null | undefined, style: Dirt['refStyle']): [Value, Value, Value] {
  const r = ref ?? {};
  if (style === 'orgCode') return [null, r.orgCode ?? (r.creditCode ? orgCodeOfCreditCode(r.creditCode) : null), null];
  if (style === 'name' && r.name) return [null, null, r.name];
  if (style === 'fullWidthName' && r.name) return [null, null, /[\uff01-\uff5e\u3000]/.test(r.name) ? r.name : fullWidthName(r.name)];
  return [r.creditCode ?? null, r.orgCode ?? null, r.name ?? null];
}

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
  if (item.dirt?.malformed) breakRow(row, hash(id) % 3);
  return row;
}

const enterpriseValues = (id: string, r: EnterpriseRecord, at: string): Value[] => [
  id, r.creditCode, r.orgCode, regNo(r), r.name, r.type, statusLabel(r.status, id), r.legalRepresentative, r.divisionCode,
  r.industryCode, r.registeredCapital, r.establishedDate, r.address ?? null, r.businessScope ?? null, at,
];
const personValues = (id: string, r: PersonRecord, at: string): Value[] => [id, r.idNumber, r.name, r.phone ?? null, at];
const roleValues = (id: string, r: RoleRecord, style: Dirt['refStyle'], at: string): Value[] => [
  id, ...refValues(r.enterprise, style), r.personName, r.idNumber, LABEL_BY_ROLE[r.role], r.since ?? null, r.until ?? null, at,
];
const penaltyValues = (id: string, r: PenaltyRecord, style: Dirt['refStyle'], at: string): Value[] => [
  id, ...refValues(r.enterprise, style), r.decisionNumber, r.decisionDate, r.penaltyType, r.reason, r.legalBasis ?? null, wan(r.amount), at,
];
const listValues = (id: string, r: ListEntryRecord, style: Dirt['refStyle'], at: string): Value[] => [
  id, listLabel(r.list), LABEL_BY_SUBJECT[r.subjectType], ...refValues(r.enterprise, style), r.idNumber ?? null, r.personName ?? null,
  r.reason, r.legalBasis, r.decisionNumber, r.startDate, r.endDate ?? null, r.removedDate ?? null, at,
];

/** Breakage natural to this system: an impossible date, a missing mandatory field, an unknown label. */
const BREAKAGE: Record<Table, readonly [string, Value][]> = {
  enterprises: [['establish_date', BAD_DATE], ['ent_name', null], ['reg_status', '未知']],
  persons: [['name', null], ['cert_no', '42010619800101'], ['name', '']],
  key_persons: [['start_date', BAD_DATE], ['position', '未知'], ['name', null]],
  penalties: [['decision_date', BAD_DATE], ['decision_no', null], ['penalty_type', '']],
  credit_list_entries: [['inclusion_date', BAD_DATE], ['list_type', '未知名单'], ['inclusion_reason', null]],
};
function breakRow(row: Row, variant: number): void {
  const [column, value] = BREAKAGE[row.table][variant % 3]!;
  row.values[COLUMNS[row.table].indexOf(column)] = value;
}

async function insertRows(c: pg.Client, table: Table, rows: Value[][]): Promise<void> {
  if (rows.length === 0) return;
  const cols = COLUMNS[table];
  const params: Value[] = [];
  const tuples = rows.map((r) => `(${r.map((v) => (params.push(v), `$${params.length}`)).join(',')})`);
  await c.query(`INSERT INTO ${SCHEMA}.${table} (${cols.join(',')}) VALUES ${tuples.join(',')}`, params);
}

export async function seed(env: SimulatorEnv, items: AsyncIterable<WorldItem[]>): Promise<{ written: number }> {
  return withClient(env.departmentsDatabaseUrl, async (c) => {
    const pending = new Map<Table, Value[][]>(TABLES.map((t) => [t, []]));
    let written = 0;
    const flush = async (t: Table) => {
      const rows = pending.get(t)!;
      await insertRows(c, t, rows);
      written += rows.length;
      pending.set(t, []);
    };
    for await (const chunk of items) {
      for (const item of chunk) {
        const row = render(item);
        if (!row) continue;
        const rows = pending.get(row.table)!;
        rows.push(row.values);
        if (rows.length >= INSERT_BATCH) await flush(row.table);
      }
    }
    for (const t of TABLES) await flush(t);
    await c.query(`ANALYZE ${TABLES.map((t) => `${SCHEMA}.${t}`).join(', ')}`);
    return { written };
  });
}

// ---------------------------------------------------------------- touch

type Setter = (v: unknown) => [string, Value][];
const col = (name: string, f: (v: unknown) => Value = (v) => (v == null ? null : (v as Value))): Setter => (v) => [[name, f(v)]];
const refSetter: Setter = (v) => {
  const [cc, oc, n] = refValues(v as EnterpriseRef, undefined);
  return [['credit_code', cc], ['org_code', oc], ['ent_name', n]];
};

/** Canonical field → stored columns, per table. */
const TOUCH: Record<Table, Record<string, Setter>> = {
  enterprises: {
    creditCode: col('credit_code'), orgCode: col('org_code'), name: col('ent_name'), type: col('ent_type'),
    status: col('reg_status', (v) => LABEL_BY_STATUS[v as EnterpriseStatus] ?? String(v)),
    legalRepresentative: col('legal_rep_name'), divisionCode: col('region_code'), industryCode: col('industry_code'),
    registeredCapital: col('reg_capital'), establishedDate: col('establish_date'), address: col('address'),
    businessScope: col('business_scope'),
  },
  persons: { idNumber: col('cert_no'), name: col('name'), phone: col('mobile') },
  key_persons: {
    enterprise: refSetter, idNumber: col('cert_no'), personName: col('name'),
    role: col('position', (v) => LABEL_BY_ROLE[v as PersonRole] ?? String(v)), since: col('start_date'), until: col('end_date'),
  },
  penalties: {
    enterprise: refSetter, decisionNumber: col('decision_no'), decisionDate: col('decision_date'), penaltyType: col('penalty_type'),
    reason: col('illegal_fact'), legalBasis: col('legal_basis'), amount: col('fine_amount', (v) => wan(v as number | null)),
  },
  credit_list_entries: {
    list: col('list_type', (v) => listLabel(v as ListKind)), enterprise: refSetter, idNumber: col('cert_no'),
    personName: col('person_name'), reason: col('inclusion_reason'), legalBasis: col('legal_basis'),
    decisionNumber: col('decision_no'), startDate: col('inclusion_date'), endDate: col('expiry_date'), removedDate: col('removal_date'),
  },
};

export async function touch(env: SimulatorEnv, sourceRecordId: string, change: Record<string, unknown>): Promise<void> {
  await withClient(env.departmentsDatabaseUrl, async (c) => {
    for (const table of TABLES) {
      const found = await c.query(`SELECT 1 FROM ${SCHEMA}.${table} WHERE id = $1`, [sourceRecordId]);
      if (found.rowCount === 0) continue;
      const sets: [string, Value][] = [];
      for (const [field, value] of Object.entries(change)) {
        const setter = TOUCH[table][field];
        if (!setter) throw new Error(`market touch: field '${field}' cannot be changed on ${table}`);
        sets.push(...setter(value));
      }
      const params: Value[] = [sourceRecordId, ...sets.map(([, v]) => v)];
      const assignments = [...sets.map(([column], i) => `${column} = $${i + 2}`), 'updated_at = now()'];
      await c.query(`UPDATE ${SCHEMA}.${table} SET ${assignments.join(', ')} WHERE id = $1`, params);
      return;
    }
    throw new Error(`market touch: no record '${sourceRecordId}'`);
  });
}
