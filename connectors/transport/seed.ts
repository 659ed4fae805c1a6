/**
 * Storage of the 交通运输 stand-in system: schema `sim_transport` in the departments database.
 * reset (create + empty), seed (world items → rows in the platform's own format, dirt planted,
 * multi-row INSERTs in batches) and touch (change one row in place, bump update_time).
 * Columns carry the wire's pinyin names; dates and violation times are text as the legacy platform
 * keeps them (so '0000-00-00' can exist); update_time is Beijing local time to the second.
 */
import pg from 'pg';
import type {
  CanonicalRecord,
  CredentialRecord,
  CredentialStatus,
  EnterpriseRef,
  ListEntryRecord,
  PenaltyRecord,
  TransportViolationRecord,
  VehicleKind,
  VehicleRecord,
  ViolationKind,
} from '../../src/domain/canonical.js';
import { orgCodeOfCreditCode } from '../../src/domain/codes.js';
import type { WorldItem } from '../../src/generator/world.js';
import type { SimulatorEnv } from '../types.js';
import { CODE_BY_VEHICLE_KIND, CODE_BY_VIOLATION_KIND, LABEL_BY_LICENCE_STATUS, toBeijingLocal } from './mapping.js';

export const SCHEMA = 'sim_transport';
const SQL_TIMEOUT_MS = 120_000;
const INSERT_BATCH = 1000;

/** Table of each resource (pinyin abbreviations, as the platform names them). */
export const TABLE_OF = {
  licences: 'jyxk', // 经营许可
  vehicles: 'cl', // 车辆
  violations: 'wf', // 违法
  penalties: 'cf', // 处罚
  dishonest: 'sxmd', // 失信名单
} as const;
type Table = (typeof TABLE_OF)[keyof typeof TABLE_OF];
export const TABLES = Object.values(TABLE_OF) as Table[];
export const REF_COLUMNS = ['tyshxydm', 'zzjgdm', 'yhmc'] as const;

/** Column order of each table after id and the reference (the seeder's value arrays follow it). */
export const COLUMNS: Record<Table, readonly string[]> = {
  jyxk: ['xkzh', 'jyxklb', 'jydj', 'jyfw', 'yxqq', 'yxqz', 'zzzt'],
  cl: ['cphm', 'cllx', 'dlyszh', 'dlyszyxqz', 'jkzx'],
  wf: ['cphm', 'wfsj', 'wflx', 'wfdd', 'fkje'],
  cf: ['cfjdswh', 'cfjdrq', 'cflb', 'cfsy', 'cfyj', 'fkje'],
  sxmd: ['rdwsh', 'lrsy', 'lryj', 'lrrq', 'jzrq', 'ycrq'],
};
const TYPES: Record<string, string> = { cllx: 'integer', jkzx: 'smallint', wflx: 'integer', fkje: 'numeric(14,2)' };

/**
 * The platform's own name normalisation (full-width letters/digits/brackets folded, spaces dropped,
 * upper case), used by its batch query to find rows that carry only a 业户名称.
 */
const range = (from: number, to: number, shift: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => String.fromCharCode(from + i + shift)).join('');
const WIDE = range(0x30, 0x39, 0xfee0) + range(0x41, 0x5a, 0xfee0) + range(0x61, 0x7a, 0xfee0) + '（）【】〔〕［］\u3000';
const NARROW = range(0x30, 0x39, 0) + range(0x41, 0x5a, 0) + range(0x61, 0x7a, 0) + '()()()() ';

const DDL = `
CREATE SCHEMA IF NOT EXISTS ${SCHEMA};
CREATE OR REPLACE FUNCTION ${SCHEMA}.norm_name(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
  $$ SELECT upper(regexp_replace(translate(t, '${WIDE}', '${NARROW}'), '\\s+', '', 'g')) $$;
${TABLES.map(
  (t) => `CREATE TABLE IF NOT EXISTS ${SCHEMA}.${t} (
  id text COLLATE "C" PRIMARY KEY, ${REF_COLUMNS.map((c) => `${c} text`).join(', ')},
  ${COLUMNS[t].map((c) => `${c} ${TYPES[c] ?? 'text'}`).join(', ')},
  update_time timestamp(0) NOT NULL);
CREATE INDEX IF NOT EXISTS ${t}_update ON ${SCHEMA}.${t} (update_time, id);
CREATE INDEX IF NOT EXISTS ${t}_tyshxydm ON ${SCHEMA}.${t} (tyshxydm);
CREATE INDEX IF NOT EXISTS ${t}_zzjgdm ON ${SCHEMA}.${t} (zzjgdm);
CREATE INDEX IF NOT EXISTS ${t}_yhmc ON ${SCHEMA}.${t} (${SCHEMA}.norm_name(yhmc));`,
).join('\n')}
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

/** Full-width brackets, letters and an extra space: how names were typed into old forms. */
function fullWidthName(name: string): string {
  const wide = name.replace(/[!-~]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0));
  return wide.length > 4 && !/\s/.test(wide) ? `${wide.slice(0, 2)} ${wide.slice(2)}` : wide;
}

/** The reference as the platform carries it: dirt decides whether only the org code or the name is kept. */
function refValues(ref: EnterpriseRef | null | undefined, style: Dirt['refStyle']): [Value, Value, Value] {
  const r = ref ?? {};
  if (style === 'orgCode') return [null, r.orgCode ?? (r.creditCode ? orgCodeOfCreditCode(r.creditCode) : null), null];
  if (style === 'name' && r.name) return [null, null, r.name];
  if (style === 'fullWidthName' && r.name) return [null, null, /[\uff01-\uff5e\u3000]/.test(r.name) ? r.name : fullWidthName(r.name)];
  return [r.creditCode ?? null, r.orgCode ?? null, r.name ?? null];
}

interface Row {
  table: Table;
  /** id, reference, the table's COLUMNS, update_time */
  values: Value[];
}

const licenceValues = (r: CredentialRecord): Value[] => [
  r.number, r.category ?? null, r.grade ?? null, r.scope ?? null, r.validFrom ?? null, r.validTo ?? null, LABEL_BY_LICENCE_STATUS[r.status],
];
const vehicleValues = (r: VehicleRecord): Value[] => [
  r.plateNumber, CODE_BY_VEHICLE_KIND[r.vehicleKind], r.operatingCertificate, r.certificateValidTo ?? null, r.monitoringOnline ? 1 : 0,
];
const violationValues = (r: TransportViolationRecord): Value[] => [
  r.plateNumber, toBeijingLocal(r.occurredAt), CODE_BY_VIOLATION_KIND[r.violationKind], r.location ?? null, r.fine ?? null,
];
const penaltyValues = (r: PenaltyRecord): Value[] => [
  r.decisionNumber, r.decisionDate, r.penaltyType, r.reason, r.legalBasis ?? null, r.amount ?? null,
];
const dishonestValues = (r: ListEntryRecord): Value[] => [
  r.decisionNumber, r.reason, r.legalBasis, r.startDate, r.endDate ?? null, r.removedDate ?? null,
];

/** What this platform cannot hold is a generator bug: say so loudly rather than lose the record. */
function unsupported(item: WorldItem, why: string): never {
  throw new Error(`transport seed: ${item.sourceRecordId} (${item.record.kind}) cannot be held by 交通运输: ${why}`);
}

function render(item: WorldItem): Row {
  const rec: CanonicalRecord = item.record;
  let table: Table;
  let enterprise: EnterpriseRef | null | undefined;
  let cols: Value[];
  switch (rec.kind) {
    case 'credential':
      if (rec.credentialKind !== 'ROAD_TRANSPORT_LICENCE' || !rec.enterprise) unsupported(item, 'only enterprise-held 道路运输经营许可证');
      [table, enterprise, cols] = ['jyxk', rec.enterprise, licenceValues(rec)];
      break;
    case 'vehicle':
      [table, enterprise, cols] = ['cl', rec.enterprise, vehicleValues(rec)];
      break;
    case 'transport_violation':
      [table, enterprise, cols] = ['wf', rec.enterprise, violationValues(rec)];
      break;
    case 'penalty':
      [table, enterprise, cols] = ['cf', rec.enterprise, penaltyValues(rec)];
      break;
    case 'list_entry':
      if (rec.list !== 'TRANSPORT_DISHONEST' || rec.subjectType !== 'ENTERPRISE') unsupported(item, 'only enterprises on 交通运输严重失信名单');
      [table, enterprise, cols] = ['sxmd', rec.enterprise, dishonestValues(rec)];
      break;
    default:
      unsupported(item, 'kind not kept');
  }
  const row: Row = { table, values: [item.sourceRecordId, ...refValues(enterprise, item.dirt?.refStyle), ...cols, toBeijingLocal(item.updatedAt)] };
  if (item.dirt?.malformed) breakRow(row, hash(item.sourceRecordId) % 3);
  return row;
}

/** Breakage natural to this platform: MySQL-style zero dates, codes outside the dictionary, missing mandatory fields. */
const BREAKAGE: Record<Table, readonly [string, Value][]> = {
  jyxk: [['yxqz', '0000-00-00'], ['jyxklb', null], ['zzzt', '待核实']],
  cl: [['cllx', 99], ['cphm', null], ['dlyszyxqz', '0000-00-00']],
  wf: [['wfsj', '0000-00-00 00:00:00'], ['wflx', 9], ['cphm', '']],
  cf: [['cfjdrq', '0000-00-00'], ['cfjdswh', null], ['cfsy', '']],
  sxmd: [['lrrq', '0000-00-00'], ['rdwsh', null], ['lrsy', '']],
};
const ALL_COLUMNS = (t: Table): string[] => ['id', ...REF_COLUMNS, ...COLUMNS[t], 'update_time'];
function breakRow(row: Row, variant: number): void {
  const [column, value] = BREAKAGE[row.table][variant]!;
  row.values[ALL_COLUMNS(row.table).indexOf(column)] = value;
}

async function insertRows(c: pg.Client, table: Table, rows: Value[][]): Promise<void> {
  if (rows.length === 0) return;
  const params: Value[] = [];
  const tuples = rows.map((r) => `(${r.map((v) => (params.push(v), `$${params.length}`)).join(',')})`);
  await c.query(`INSERT INTO ${SCHEMA}.${table} (${ALL_COLUMNS(table).join(',')}) VALUES ${tuples.join(',')}`, params);
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
  return [['tyshxydm', cc], ['zzjgdm', oc], ['yhmc', n]];
};

/** Canonical field → stored columns, per table. */
const TOUCH: Record<Table, Record<string, Setter>> = {
  jyxk: {
    enterprise: refSetter, number: col('xkzh'), category: col('jyxklb'), grade: col('jydj'), scope: col('jyfw'),
    validFrom: col('yxqq'), validTo: col('yxqz'), status: col('zzzt', (v) => LABEL_BY_LICENCE_STATUS[v as CredentialStatus] ?? String(v)),
  },
  cl: {
    enterprise: refSetter, plateNumber: col('cphm'), vehicleKind: col('cllx', (v) => CODE_BY_VEHICLE_KIND[v as VehicleKind] ?? null),
    operatingCertificate: col('dlyszh'), certificateValidTo: col('dlyszyxqz'), monitoringOnline: col('jkzx', (v) => (v ? 1 : 0)),
  },
  wf: {
    enterprise: refSetter, plateNumber: col('cphm'), occurredAt: col('wfsj', (v) => toBeijingLocal(String(v))),
    violationKind: col('wflx', (v) => CODE_BY_VIOLATION_KIND[v as ViolationKind] ?? null), location: col('wfdd'), fine: col('fkje'),
  },
  cf: {
    enterprise: refSetter, decisionNumber: col('cfjdswh'), decisionDate: col('cfjdrq'), penaltyType: col('cflb'), reason: col('cfsy'),
    legalBasis: col('cfyj'), amount: col('fkje'),
  },
  sxmd: {
    enterprise: refSetter, decisionNumber: col('rdwsh'), reason: col('lrsy'), legalBasis: col('lryj'), startDate: col('lrrq'),
    endDate: col('jzrq'), removedDate: col('ycrq'),
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
        if (!setter) throw new Error(`transport touch: field '${field}' cannot be changed on ${table}`);
        sets.push(...setter(value));
      }
      const params: Value[] = [sourceRecordId, ...sets.map(([, v]) => v)];
      // the platform stamps Beijing local time to the second
      const assignments = [...sets.map(([column], i) => `${column} = $${i + 2}`), `update_time = date_trunc('second', now() AT TIME ZONE 'Asia/Shanghai')`];
      await c.query(`UPDATE ${SCHEMA}.${table} SET ${assignments.join(', ')} WHERE id = $1`, params);
      return;
    }
    throw new Error(`transport touch: no record '${sourceRecordId}'`);
  });
}
