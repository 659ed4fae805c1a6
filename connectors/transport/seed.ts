/**
 * Storage of the 交通运输 stand-in system: schema `sim_transport` in the departments database.
 * reset (create + empty), seed (world items → rows in the platform's own format, dirt planted,
 * loaded with COPY by the kit's table writer) and touch (change one row in place, bump update_time).
 * Columns carry the wire's pinyin names; dates and violation times are text as the legacy platform
 * keeps them (so '0000-00-00' can exist); update_time is Beijing local time to the second.
 */
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
import type pg from 'pg';
import type { WorldItem } from '../../src/generator/world.js';
import { breakValues, refValues } from '../kit/dirt.js';
import { assignBySetters, col, resetTables, seedTables, touchRow, type Setter, type SqlValue as Value } from '../kit/sql-tables.js';
import type { SimulatorEnv } from '../types.js';
import { CODE_BY_VEHICLE_KIND, CODE_BY_VIOLATION_KIND, LABEL_BY_LICENCE_STATUS, toBeijingLocal } from './mapping.js';

export const SCHEMA = 'sim_transport';

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

/**
 * One row per committed statement that wrote to the platform's tables: the simulator's cheap "has anything
 * changed since" for its page totals (simulator.ts). Part of the schema, and ensured again when the
 * simulator starts on tables an earlier version created.
 */
const CHANGE_LOG_DDL = `
CREATE TABLE IF NOT EXISTS ${SCHEMA}.change_log (id bigserial PRIMARY KEY);
CREATE OR REPLACE FUNCTION ${SCHEMA}.note_change() RETURNS trigger LANGUAGE plpgsql AS
  $$ BEGIN INSERT INTO ${SCHEMA}.change_log DEFAULT VALUES; RETURN NULL; END $$;
${TABLES.map(
  (t) => `CREATE OR REPLACE TRIGGER ${t}_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${SCHEMA}.${t}
  FOR EACH STATEMENT EXECUTE FUNCTION ${SCHEMA}.note_change();`,
).join('\n')}
`;

/** The change log on tables that exist (a system seeded before it had one); nothing on an empty database. */
export async function ensureChangeLog(pool: pg.Pool): Promise<void> {
  const { rows } = await pool.query<{ ok: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS ok`, [`${SCHEMA}.${TABLES.at(-1)!}`]);
  if (rows[0]?.ok) await pool.query(CHANGE_LOG_DDL);
}

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
${CHANGE_LOG_DDL}`;

export const reset = (env: SimulatorEnv): Promise<void> => resetTables(env.departmentsDatabaseUrl, DDL, SCHEMA, TABLES);

// ---------------------------------------------------------------- rendering world items as rows

interface Row {
  table: Table;
  /** id, reference, the table's COLUMNS, update_time */
  values: Value[];
}

const licenceValues = (r: CredentialRecord): Value[] => [
  r.number,
  r.category ?? null,
  r.grade ?? null,
  r.scope ?? null,
  r.validFrom ?? null,
  r.validTo ?? null,
  LABEL_BY_LICENCE_STATUS[r.status],
];
const vehicleValues = (r: VehicleRecord): Value[] => [
  r.plateNumber,
  CODE_BY_VEHICLE_KIND[r.vehicleKind],
  r.operatingCertificate,
  r.certificateValidTo ?? null,
  r.monitoringOnline ? 1 : 0,
];
const violationValues = (r: TransportViolationRecord): Value[] => [
  r.plateNumber,
  toBeijingLocal(r.occurredAt),
  CODE_BY_VIOLATION_KIND[r.violationKind],
  r.location ?? null,
  r.fine ?? null,
];
const penaltyValues = (r: PenaltyRecord): Value[] => [
  r.decisionNumber,
  r.decisionDate,
  r.penaltyType,
  r.reason,
  r.legalBasis ?? null,
  r.amount ?? null,
];
const dishonestValues = (r: ListEntryRecord): Value[] => [
  r.decisionNumber,
  r.reason,
  r.legalBasis,
  r.startDate,
  r.endDate ?? null,
  r.removedDate ?? null,
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
      if (rec.list !== 'TRANSPORT_DISHONEST' || rec.subjectType !== 'ENTERPRISE')
        unsupported(item, 'only enterprises on 交通运输严重失信名单');
      [table, enterprise, cols] = ['sxmd', rec.enterprise, dishonestValues(rec)];
      break;
    default:
      unsupported(item, 'kind not kept');
  }
  const row: Row = {
    table,
    values: [item.sourceRecordId, ...refValues(enterprise, item.dirt?.refStyle), ...cols, toBeijingLocal(item.updatedAt)],
  };
  if (item.dirt?.malformed) breakValues(item.sourceRecordId, ALL_COLUMNS[table], BREAKAGE[table], row.values);
  return row;
}

/** Breakage natural to this platform: MySQL-style zero dates, codes outside the dictionary, missing mandatory fields. */
const BREAKAGE: Record<Table, readonly [string, Value][]> = {
  jyxk: [
    ['yxqz', '0000-00-00'],
    ['jyxklb', null],
    ['zzzt', '待核实'],
  ],
  cl: [
    ['cllx', 99],
    ['cphm', null],
    ['dlyszyxqz', '0000-00-00'],
  ],
  wf: [
    ['wfsj', '0000-00-00 00:00:00'],
    ['wflx', 9],
    ['cphm', ''],
  ],
  cf: [
    ['cfjdrq', '0000-00-00'],
    ['cfjdswh', null],
    ['cfsy', ''],
  ],
  sxmd: [
    ['lrrq', '0000-00-00'],
    ['rdwsh', null],
    ['lrsy', ''],
  ],
};
/** Every column of a table in the order of a row's values. */
const ALL_COLUMNS = Object.fromEntries(TABLES.map((t) => [t, ['id', ...REF_COLUMNS, ...COLUMNS[t], 'update_time']])) as Record<
  Table,
  string[]
>;

export const seed = (env: SimulatorEnv, items: AsyncIterable<WorldItem[]>): Promise<{ written: number }> =>
  seedTables(env.departmentsDatabaseUrl, { schema: SCHEMA, columns: ALL_COLUMNS }, items, render);

// ---------------------------------------------------------------- touch

const refSetter: Setter = (v) => {
  const [cc, oc, n] = refValues(v as EnterpriseRef, undefined);
  return [
    ['tyshxydm', cc],
    ['zzjgdm', oc],
    ['yhmc', n],
  ];
};

/** Canonical field → stored columns, per table. */
const TOUCH: Record<Table, Record<string, Setter>> = {
  jyxk: {
    enterprise: refSetter,
    number: col('xkzh'),
    category: col('jyxklb'),
    grade: col('jydj'),
    scope: col('jyfw'),
    validFrom: col('yxqq'),
    validTo: col('yxqz'),
    status: col('zzzt', (v) => LABEL_BY_LICENCE_STATUS[v as CredentialStatus] ?? String(v)),
  },
  cl: {
    enterprise: refSetter,
    plateNumber: col('cphm'),
    vehicleKind: col('cllx', (v) => CODE_BY_VEHICLE_KIND[v as VehicleKind] ?? null),
    operatingCertificate: col('dlyszh'),
    certificateValidTo: col('dlyszyxqz'),
    monitoringOnline: col('jkzx', (v) => (v ? 1 : 0)),
  },
  wf: {
    enterprise: refSetter,
    plateNumber: col('cphm'),
    occurredAt: col('wfsj', (v) => toBeijingLocal(String(v))),
    violationKind: col('wflx', (v) => CODE_BY_VIOLATION_KIND[v as ViolationKind] ?? null),
    location: col('wfdd'),
    fine: col('fkje'),
  },
  cf: {
    enterprise: refSetter,
    decisionNumber: col('cfjdswh'),
    decisionDate: col('cfjdrq'),
    penaltyType: col('cflb'),
    reason: col('cfsy'),
    legalBasis: col('cfyj'),
    amount: col('fkje'),
  },
  sxmd: {
    enterprise: refSetter,
    decisionNumber: col('rdwsh'),
    reason: col('lrsy'),
    legalBasis: col('lryj'),
    startDate: col('lrrq'),
    endDate: col('jzrq'),
    removedDate: col('ycrq'),
  },
};

export const touch = (env: SimulatorEnv, sourceRecordId: string, change: Record<string, unknown>): Promise<void> =>
  touchRow(
    env.departmentsDatabaseUrl,
    {
      schema: SCHEMA,
      tables: TABLES,
      source: 'transport',
      // the platform stamps Beijing local time to the second
      stamp: `update_time = date_trunc('second', now() AT TIME ZONE 'Asia/Shanghai')`,
      assign: assignBySetters('transport', TOUCH),
    },
    sourceRecordId,
    change,
  );
