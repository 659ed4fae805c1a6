/**
 * Storage of the 自然资源 stand-in system: schema `sim_natres` in the departments database, one table
 * per resource named as the endpoint. reset (create + empty), seed (world items → rows in the system's
 * own format, dirt planted, loaded with COPY by the kit's table writer) and touch (change one row in
 * place, bump modify_time). Dates are text as the system keeps them ('yyyy年MM月dd日', so broken ones
 * can exist); modify_time is an instant to the millisecond (a Java Date); fines are 万元.
 */
import type {
  CanonicalRecord,
  CredentialRecord,
  CredentialStatus,
  EnterpriseRef,
  FoundBy,
  HiddenDangerRecord,
  HiddenDangerStatus,
  ListEntryRecord,
  PenaltyRecord,
} from '../../src/domain/canonical.js';
import type pg from 'pg';
import type { WorldItem } from '../../src/generator/world.js';
import { breakValues, fnv1a, refValues } from '../kit/dirt.js';
import { assignBySetters, col, resetTables, seedTables, touchRow, type Setter, type SqlValue as Value } from '../kit/sql-tables.js';
import type { SimulatorEnv } from '../types.js';
import {
  CODE_BY_HAZARD_TYPE,
  CODE_BY_LICENCE_STATUS,
  GOVERN_BY_STATUS,
  parseHazardDescription,
  parseLicenceScope,
  toChineseDate,
  wanOfYuan,
  WAY_BY_FOUND_BY,
  type ResourceName,
} from './mapping.js';

export const SCHEMA = 'sim_natres';
export const TABLES = ['ckq', 'dzzh', 'xzcf', 'sxzt'] as const satisfies readonly ResourceName[];
type Table = (typeof TABLES)[number];
export const REF_COLUMNS = ['uscc', 'org_code', 'unit_name'] as const;

/** Columns of each table after id and the reference (the seeder's value arrays follow it); wire names are these upper-cased. */
export const COLUMNS: Record<Table, readonly string[]> = {
  ckq: ['licence_no', 'mine_name', 'mineral', 'mining_method', 'scale', 'mine_area', 'valid_period', 'licence_status'],
  dzzh: ['hazard_name', 'hazard_type', 'danger_scale', 'threat', 'find_date', 'govern_deadline', 'govern_status', 'done_date', 'found_way'],
  xzcf: ['decision_no', 'decision_date', 'penalty_content', 'illegal_fact', 'legal_basis', 'fine_wan'],
  sxzt: ['decision_no', 'list_reason', 'list_basis', 'list_date', 'valid_until', 'remove_date'],
};
const TYPES: Record<string, string> = { fine_wan: 'numeric(16,6)' };

/**
 * The system's own name normalisation (full-width letters/digits/brackets folded, spaces dropped), used
 * by its subject query to find rows that carry only a 单位名称.
 */
const range = (from: number, to: number, shift: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => String.fromCharCode(from + i + shift)).join('');
const WIDE = range(0x30, 0x39, 0xfee0) + range(0x41, 0x5a, 0xfee0) + range(0x61, 0x7a, 0xfee0) + '（）\u3000';
const NARROW = range(0x30, 0x39, 0) + range(0x41, 0x5a, 0) + range(0x61, 0x7a, 0) + '() ';

const DDL = `
CREATE SCHEMA IF NOT EXISTS ${SCHEMA};
CREATE OR REPLACE FUNCTION ${SCHEMA}.norm_name(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
  $$ SELECT upper(regexp_replace(translate(t, '${WIDE}', '${NARROW}'), '\\s+', '', 'g')) $$;
${TABLES.map(
  (t) => `CREATE TABLE IF NOT EXISTS ${SCHEMA}.${t} (
  id text COLLATE "C" PRIMARY KEY, ${REF_COLUMNS.map((c) => `${c} text`).join(', ')},
  ${COLUMNS[t].map((c) => `${c} ${TYPES[c] ?? 'text'}`).join(', ')},
  modify_time timestamptz(3) NOT NULL);
CREATE INDEX IF NOT EXISTS ${t}_modify ON ${SCHEMA}.${t} (modify_time, id);
CREATE INDEX IF NOT EXISTS ${t}_uscc ON ${SCHEMA}.${t} (uscc);
CREATE INDEX IF NOT EXISTS ${t}_org_code ON ${SCHEMA}.${t} (org_code);
CREATE INDEX IF NOT EXISTS ${t}_unit_name ON ${SCHEMA}.${t} (${SCHEMA}.norm_name(unit_name));`,
).join('\n')}`;

export const reset = (env: SimulatorEnv): Promise<void> => resetTables(env.departmentsDatabaseUrl, DDL, SCHEMA, TABLES);

// ---------------------------------------------------------------- rendering world items as rows

/** What this system cannot hold is a generator bug: say so loudly rather than lose the record. */
function unsupported(item: WorldItem, why: string): never {
  throw new Error(`natural-resources seed: ${item.sourceRecordId} (${item.record.kind}) cannot be held by 自然资源: ${why}`);
}

/** Dates as clerks typed them: a quarter of the rows without leading zeros (same rows every time). */
const cnDate = (id: string) => {
  const padded = fnv1a(id) % 4 !== 0;
  return (iso: string | null | undefined): string | null => (iso ? toChineseDate(iso, padded) : null);
};
/** 矿山名称 the licence names: the holder's trade name and 矿, as the register writes it (raw only). */
const mineName = (ref: EnterpriseRef | null | undefined): string | null =>
  ref?.name ? `${ref.name.replace(/(集团)?(股份)?有限(责任)?公司$/, '')}矿` : null;

function licenceValues(item: WorldItem, r: CredentialRecord): Value[] {
  const scope = parseLicenceScope(r.scope ?? '');
  if (!scope) unsupported(item, `scope '${r.scope}' is not '开采方式，矿区范围'`);
  if (!r.validFrom || !r.validTo) unsupported(item, 'a mining licence always has its 有效期限');
  const d = cnDate(item.sourceRecordId);
  return [
    r.number,
    mineName(r.enterprise),
    r.category ?? null,
    scope.method,
    r.grade ?? null,
    scope.area,
    `${d(r.validFrom)}至${d(r.validTo)}`,
    CODE_BY_LICENCE_STATUS[r.status],
  ];
}
function hazardValues(item: WorldItem, r: HiddenDangerRecord): Value[] {
  const desc = parseHazardDescription(r.description);
  if (!desc) unsupported(item, `description '${r.description}' is not '<灾害类型>隐患：<隐患点>，威胁<对象>'`);
  const d = cnDate(item.sourceRecordId);
  // the ledger grades 险情 in four; either of the two of a level maps back to it
  const scale =
    r.level === 'MAJOR' ? (fnv1a(item.sourceRecordId) % 3 === 0 ? '特大型' : '大型') : fnv1a(item.sourceRecordId) % 2 ? '中型' : '小型';
  return [
    desc.name,
    CODE_BY_HAZARD_TYPE[desc.type]!,
    scale,
    desc.threat,
    d(r.foundDate),
    d(r.deadline),
    GOVERN_BY_STATUS[r.status],
    d(r.closedDate),
    WAY_BY_FOUND_BY[r.foundBy],
  ];
}
function penaltyValues(item: WorldItem, r: PenaltyRecord): Value[] {
  const d = cnDate(item.sourceRecordId);
  return [
    r.decisionNumber,
    d(r.decisionDate),
    r.penaltyType,
    r.reason,
    r.legalBasis ?? null,
    r.amount == null ? null : wanOfYuan(r.amount),
  ];
}
function listValues(item: WorldItem, r: ListEntryRecord): Value[] {
  const d = cnDate(item.sourceRecordId);
  return [r.decisionNumber, r.reason, r.legalBasis, d(r.startDate), d(r.endDate), d(r.removedDate)];
}

function render(item: WorldItem): { table: Table; values: Value[] } {
  const rec: CanonicalRecord = item.record;
  let table: Table;
  let cols: Value[];
  switch (rec.kind) {
    case 'credential':
      if (rec.credentialKind !== 'MINING_LICENCE' || !rec.enterprise) unsupported(item, 'only enterprise-held 采矿许可证');
      [table, cols] = ['ckq', licenceValues(item, rec)];
      break;
    case 'hidden_danger':
      [table, cols] = ['dzzh', hazardValues(item, rec)];
      break;
    case 'penalty':
      [table, cols] = ['xzcf', penaltyValues(item, rec)];
      break;
    case 'list_entry':
      if (rec.list !== 'NATURAL_RESOURCES_DISHONEST' || rec.subjectType !== 'ENTERPRISE')
        unsupported(item, 'only enterprises on 自然资源领域严重失信主体名单');
      [table, cols] = ['sxzt', listValues(item, rec)];
      break;
    default:
      unsupported(item, 'kind not kept');
  }
  const values: Value[] = [item.sourceRecordId, ...refValues(rec.enterprise, item.dirt?.refStyle), ...cols, item.updatedAt];
  if (item.dirt?.malformed) breakValues(item.sourceRecordId, ALL_COLUMNS[table], BREAKAGE[table], values);
  return { table, values };
}

/** Breakage natural to this system: impossible dates typed by hand, codes outside the dictionary, missing mandatory fields. */
const BREAKAGE: Record<Table, readonly [string, Value][]> = {
  ckq: [
    ['valid_period', '2019年02月30日至2029年02月28日'],
    ['licence_status', '9'],
    ['licence_no', null],
  ],
  dzzh: [
    ['hazard_type', '99'],
    ['find_date', '2023.03.05'],
    ['govern_deadline', null],
  ],
  xzcf: [
    ['decision_date', '0000年00月00日'],
    ['decision_no', ''],
    ['fine_wan', -1],
  ],
  sxzt: [
    ['list_date', null],
    ['decision_no', null],
    ['list_reason', ''],
  ],
};
/** Every column of a table in the order of a row's values. */
export const ALL_COLUMNS = Object.fromEntries(TABLES.map((t) => [t, ['id', ...REF_COLUMNS, ...COLUMNS[t], 'modify_time']])) as Record<
  Table,
  string[]
>;

export const seed = (env: SimulatorEnv, items: AsyncIterable<WorldItem[]>): Promise<{ written: number }> =>
  seedTables(env.departmentsDatabaseUrl, { schema: SCHEMA, columns: ALL_COLUMNS }, items, render);

// ---------------------------------------------------------------- touch

const refSetter: Setter = (v) => {
  const [cc, oc, n] = refValues(v as EnterpriseRef, undefined);
  return [
    ['uscc', cc],
    ['org_code', oc],
    ['unit_name', n],
  ];
};
const dateCol = (name: string) => col(name, (v) => (v == null ? null : toChineseDate(String(v))));

/** Canonical field → stored columns, per table (a licence's two dates share 有效期限: assignPeriod below). */
const TOUCH: Record<Table, Record<string, Setter>> = {
  ckq: {
    enterprise: refSetter,
    number: col('licence_no'),
    category: col('mineral'),
    grade: col('scale'),
    status: col('licence_status', (v) => CODE_BY_LICENCE_STATUS[v as CredentialStatus] ?? String(v)),
  },
  dzzh: {
    enterprise: refSetter,
    level: col('danger_scale', (v) => (v === 'MAJOR' ? '大型' : '中型')),
    foundDate: dateCol('find_date'),
    deadline: dateCol('govern_deadline'),
    status: col('govern_status', (v) => GOVERN_BY_STATUS[v as HiddenDangerStatus] ?? String(v)),
    closedDate: dateCol('done_date'),
    foundBy: col('found_way', (v) => WAY_BY_FOUND_BY[v as FoundBy] ?? String(v)),
  },
  xzcf: {
    enterprise: refSetter,
    decisionNumber: col('decision_no'),
    decisionDate: dateCol('decision_date'),
    penaltyType: col('penalty_content'),
    reason: col('illegal_fact'),
    legalBasis: col('legal_basis'),
    amount: col('fine_wan', (v) => (v == null ? null : wanOfYuan(Number(v)))),
  },
  sxzt: {
    enterprise: refSetter,
    decisionNumber: col('decision_no'),
    reason: col('list_reason'),
    legalBasis: col('list_basis'),
    startDate: dateCol('list_date'),
    endDate: dateCol('valid_until'),
    removedDate: dateCol('remove_date'),
  },
};

/** 有效期限 with one or both of its dates changed (the other as stored). */
async function changedPeriod(c: pg.Client, id: string, validFrom: unknown, validTo: unknown): Promise<string> {
  const { rows } = await c.query<{ p: string | null }>(`SELECT valid_period AS p FROM ${SCHEMA}.ckq WHERE id = $1`, [id]);
  const [from, to] = (rows[0]?.p ?? '').split('至');
  const d = (v: unknown, stored: string | undefined) => (v === undefined ? (stored ?? '') : toChineseDate(String(v)));
  return `${d(validFrom, from)}至${d(validTo, to)}`;
}

export const touch = (env: SimulatorEnv, sourceRecordId: string, change: Record<string, unknown>): Promise<void> =>
  touchRow(
    env.departmentsDatabaseUrl,
    {
      schema: SCHEMA,
      tables: TABLES,
      source: 'natural-resources',
      // the system stamps its Java clock, to the millisecond
      stamp: `modify_time = date_trunc('milliseconds', clock_timestamp())`,
      assign: async (c, table, change) => {
        const { validFrom, validTo, ...rest } = change;
        const sets = await assignBySetters('natural-resources', TOUCH)(c, table, rest);
        if (validFrom === undefined && validTo === undefined) return sets;
        if (table !== 'ckq') throw new Error(`natural-resources touch: field 'validFrom'/'validTo' cannot be changed on ${table}`);
        return [...sets, ['valid_period', await changedPeriod(c, sourceRecordId, validFrom, validTo)]];
      },
    },
    sourceRecordId,
    change,
  );
