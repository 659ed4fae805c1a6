/**
 * 住房城乡建设 wire format: the legacy 建筑市场监管公共服务平台 database (PostgreSQL, schema sim_housing),
 * read by SQL. Upper-case pinyin-abbreviation names written unquoted (PostgreSQL folds them, so result
 * columns arrive lower-case), enums as codes in T_DM_* dictionaries, real DATE columns, soft delete
 * SFYX '1'/'0', GXSJ = Beijing local time (timestamp without zone). The hub reads the exchange views
 * V_GX_* (共享视图), never the base tables. This file holds the table layout (shared with the seeder),
 * the SELECTs the connector sends, and the row → canonical mapping; bad rows become error envelopes.
 */
import { z } from 'zod';
import type {
  CanonicalRecord,
  ContractKind,
  ContractRecord,
  CredentialKind,
  CredentialRecord,
  CredentialStatus,
  EnterpriseRef,
  ListEntryRecord,
  PersonRecord,
  PersonRole,
  ProjectRecord,
  ProjectScale,
  RecordKind,
  RoleRecord,
} from '../../src/domain/canonical.js';
import { creditCodeField as creditCode, idNumberField as idNumber, orgCodeField as orgCode } from '../kit/identifiers.js';
import type { SourceEnvelope } from '../types.js';

export const SCHEMA = 'sim_housing';
/** the exchange views' read-only login (创建于 reset; a real platform issues its own) */
export const READER_ROLE = 'hub_housing_reader';
export const READER_PASSWORD = 'sim-housing-7d41c09e';
export const MAX_KEYS_PER_QUERY = 500;
export const MAX_PAGE_SIZE = 2000;

// ---------------------------------------------------------------- dictionaries (T_DM_*)

/** Closed dictionaries: code → label, and label ↔ canonical value. Open ones (labels are the values) are seeded on demand. */
export const ZSZT: Readonly<Record<string, [string, CredentialStatus]>> = {
  '01': ['有效', 'VALID'],
  '02': ['过期', 'EXPIRED'],
  '03': ['暂扣', 'SUSPENDED'],
  '04': ['撤销', 'REVOKED'],
};
export const GCGM: Readonly<Record<string, [string, ProjectScale]>> = {
  '1': ['大型', 'LARGE'],
  '2': ['中型', 'MEDIUM'],
  '3': ['小型', 'SMALL'],
};
export const HTLX: Readonly<Record<string, [string, ContractKind]>> = {
  '01': ['施工总承包', 'GENERAL'],
  '02': ['专业分包', 'PROFESSIONAL_SUBCONTRACT'],
  '03': ['劳务分包', 'LABOUR_SUBCONTRACT'],
};
export const GWLX: Readonly<Record<string, [string, PersonRole]>> = {
  '01': ['项目经理', 'PROJECT_MANAGER'],
  '02': ['专职安全生产管理人员', 'SAFETY_MANAGER'],
  '03': ['企业主要负责人', 'PRINCIPAL'],
  '04': ['安全总监', 'SAFETY_DIRECTOR'],
  '05': ['法定代表人', 'LEGAL_REPRESENTATIVE'],
  '06': ['实际控制人', 'ACTUAL_CONTROLLER'],
  '07': ['注册安全工程师', 'REGISTERED_SAFETY_ENGINEER'],
  '08': ['特种作业人员', 'SPECIAL_OPERATOR'],
};
export const ZTLX: Readonly<Record<string, [string, 'ENTERPRISE' | 'PERSON']>> = { '1': ['企业', 'ENTERPRISE'], '2': ['个人', 'PERSON'] };
export const XKZLX: Readonly<Record<string, [string, CredentialKind]>> = {
  '01': ['建筑施工企业安全生产许可证', 'CONSTRUCTION_SAFETY_LICENCE'],
  '02': ['燃气经营许可证', 'GAS_OPERATION_LICENCE'],
};
/** Open dictionaries with their usual entries; a label the platform has not seen gets the next code. */
export const OPEN_DICTIONARIES = {
  t_dm_zzlb: ['施工总承包', '专业承包', '施工劳务'], // 资质类别
  t_dm_zzxl: ['建筑工程', '市政公用工程', '公路工程', '水利水电工程', '机电工程', '地基基础工程', '模板脚手架', '施工劳务'], // 资质序列
  t_dm_zzdj: ['特级', '一级', '二级', '三级'], // 资质等级
  t_dm_zclb: ['一级建造师', '二级建造师'], // 注册类别
  t_dm_zczy: ['建筑工程', '市政公用工程', '机电工程', '公路工程', '水利水电工程'], // 注册专业
  t_dm_khlb: ['A', 'B', 'C'], // 三类人员考核类别
} as const;
export type OpenDictionary = keyof typeof OPEN_DICTIONARIES;
export const CLOSED_DICTIONARIES = {
  t_dm_zszt: ZSZT,
  t_dm_gcgm: GCGM,
  t_dm_htlx: HTLX,
  t_dm_gwlx: GWLX,
  t_dm_ztlx: ZTLX,
  t_dm_xkzlx: XKZLX,
} as const;
export type ClosedDictionary = keyof typeof CLOSED_DICTIONARIES;
export const DICTIONARIES = [...Object.keys(CLOSED_DICTIONARIES), ...Object.keys(OPEN_DICTIONARIES)] as (
  ClosedDictionary | OpenDictionary
)[];

/** canonical value → code of a closed dictionary */
export const codeOf = <T extends string>(dict: Readonly<Record<string, [string, T]>>, value: T): string => {
  const hit = Object.entries(dict).find(([, [, v]]) => v === value);
  if (!hit) throw new Error(`no code for '${value}'`);
  return hit[0];
};

// ---------------------------------------------------------------- tables

export type ColumnType = 'text' | 'code' | 'date' | 'money' | 'flag' | 'key';
/** A reference to an enterprise is three columns: credit code, organisation code, name. */
export interface RefColumns {
  prefix: '' | 'jsdw' | 'fbf' | 'cbf';
  field: string;
}
export interface TableSpec {
  table: string;
  kind: RecordKind;
  /** business columns (ID, SFYX and GXSJ are common to every table); 'key' columns are never garbled */
  columns: Readonly<Record<string, ColumnType>>;
  refs: readonly RefColumns[];
  /** column → dictionary it is coded in */
  codes: Readonly<Record<string, ClosedDictionary | OpenDictionary>>;
  /** columns holding ID numbers (for fetching the persons a row references) */
  idColumns: readonly string[];
}

const ref = (prefix: RefColumns['prefix'], field: string): RefColumns => ({ prefix, field });
export const refCols = (r: RefColumns): [string, string, string] =>
  r.prefix ? [`${r.prefix}tyshxydm`, `${r.prefix}zzjgdm`, `${r.prefix}mc`] : ['tyshxydm', 'zzjgdm', 'qymc'];
const refTypes = (r: RefColumns): Record<string, ColumnType> => Object.fromEntries(refCols(r).map((c) => [c, 'key']));

/** In read order (changesSince walks them one after another). */
export const TABLES: readonly TableSpec[] = [
  {
    table: 't_qy_zz',
    kind: 'credential', // 企业资质
    columns: {
      zzzsh: 'text',
      ...refTypes(ref('', 'enterprise')),
      zzlb: 'code',
      zzxl: 'code',
      zzdj: 'code',
      fzrq: 'date',
      yxqz: 'date',
      zszt: 'code',
      fzjg: 'text',
    },
    refs: [ref('', 'enterprise')],
    codes: { zzlb: 't_dm_zzlb', zzxl: 't_dm_zzxl', zzdj: 't_dm_zzdj', zszt: 't_dm_zszt' },
    idColumns: [],
  },
  {
    table: 't_qy_xkz',
    kind: 'credential', // 企业许可证 (安全生产许可证, 燃气经营许可证)
    columns: {
      xkzlx: 'code',
      xkzh: 'text',
      ...refTypes(ref('', 'enterprise')),
      xklb: 'text',
      xkfw: 'text',
      fzrq: 'date',
      yxqz: 'date',
      zszt: 'code',
      fzjg: 'text',
    },
    refs: [ref('', 'enterprise')],
    codes: { xkzlx: 't_dm_xkzlx', zszt: 't_dm_zszt' },
    idColumns: [],
  },
  {
    table: 't_ry_jbxx',
    kind: 'person', // 人员基本信息
    columns: { sfzh: 'key', xm: 'text', lxdh: 'text' },
    refs: [],
    codes: {},
    idColumns: [],
  },
  {
    table: 't_ry_zc',
    kind: 'credential', // 注册建造师
    columns: {
      zczsh: 'text',
      sfzh: 'key',
      zclb: 'code',
      zczy: 'code',
      ...refTypes(ref('', 'registeredEnterprise')),
      zcrq: 'date',
      yxqz: 'date',
      zszt: 'code',
    },
    refs: [ref('', 'registeredEnterprise')],
    codes: { zclb: 't_dm_zclb', zczy: 't_dm_zczy', zszt: 't_dm_zszt' },
    idColumns: ['sfzh'],
  },
  {
    table: 't_ry_aqkh',
    kind: 'credential', // 三类人员安全生产考核合格证
    columns: {
      zsbh: 'text',
      sfzh: 'key',
      khlb: 'code',
      ...refTypes(ref('', 'registeredEnterprise')),
      fzrq: 'date',
      yxqz: 'date',
      zszt: 'code',
    },
    refs: [ref('', 'registeredEnterprise')],
    codes: { khlb: 't_dm_khlb', zszt: 't_dm_zszt' },
    idColumns: ['sfzh'],
  },
  {
    table: 't_ry_gw',
    kind: 'role', // 人员岗位
    columns: { sfzh: 'key', xm: 'text', ...refTypes(ref('', 'enterprise')), gwlx: 'code', rzrq: 'date', lzrq: 'date' },
    refs: [ref('', 'enterprise')],
    codes: { gwlx: 't_dm_gwlx' },
    idColumns: ['sfzh'],
  },
  {
    table: 't_xm',
    kind: 'project', // 工程项目
    columns: {
      xmbh: 'text',
      xmmc: 'text',
      ...refTypes(ref('jsdw', 'builder')),
      sgxkzh: 'text',
      gcgm: 'code',
      zzlb: 'code',
      zzxl: 'code',
      xzqhdm: 'text',
      kgrq: 'date',
      ztz: 'money',
    },
    refs: [ref('jsdw', 'builder')],
    codes: { gcgm: 't_dm_gcgm', zzlb: 't_dm_zzlb', zzxl: 't_dm_zzxl' },
    idColumns: [],
  },
  {
    table: 't_ht',
    kind: 'contract', // 合同备案
    columns: {
      htbh: 'text',
      xmbh: 'text',
      sjhtbh: 'text',
      htlx: 'code',
      ...refTypes(ref('fbf', 'employer')),
      ...refTypes(ref('cbf', 'contractor')),
      cbfw: 'text',
      htje: 'money',
      sfhztjg: 'flag',
      sfqbfb: 'flag',
      sfqdaqxy: 'flag',
      xmjlsfzh: 'key',
      qdrq: 'date',
    },
    refs: [ref('fbf', 'employer'), ref('cbf', 'contractor')],
    codes: { htlx: 't_dm_htlx' },
    idColumns: ['xmjlsfzh'],
  },
  {
    table: 't_hmd',
    kind: 'list_entry', // 建筑市场主体黑名单
    columns: {
      ztlx: 'code',
      ...refTypes(ref('', 'enterprise')),
      sfzh: 'key',
      xm: 'text',
      lryy: 'text',
      rdyj: 'text',
      jdwh: 'text',
      lrrq: 'date',
      jzrq: 'date',
      ycrq: 'date',
    },
    refs: [ref('', 'enterprise')],
    codes: { ztlx: 't_dm_ztlx' },
    idColumns: ['sfzh'],
  },
];
export type TableName = 't_qy_zz' | 't_qy_xkz' | 't_ry_jbxx' | 't_ry_zc' | 't_ry_aqkh' | 't_ry_gw' | 't_xm' | 't_ht' | 't_hmd';
export const TABLE = Object.fromEntries(TABLES.map((t) => [t.table, t])) as Record<TableName, TableSpec>;
export const viewOf = (table: string): string => `${SCHEMA}.v_gx_${table.slice(2)}`;

// ---------------------------------------------------------------- SELECTs the connector sends

/**
 * One row as the platform renders it: the view's columns, each code with its dictionary label
 * (`<code>_mc`), dates as text, GXSJ as text to the microsecond (the keyset needs it exact).
 */
export function selectList(spec: TableSpec, alias = 'v'): string {
  const cols = Object.entries(spec.columns).map(([c, type]) =>
    type === 'date' ? `to_char(${alias}.${c}, 'YYYY-MM-DD') AS ${c}` : type === 'money' ? `${alias}.${c}::float8 AS ${c}` : `${alias}.${c}`,
  );
  const labels = Object.keys(spec.codes).map((c) => `${c}_dm.mc AS ${c}_mc`);
  return [`${alias}.id`, ...cols, ...labels, `${alias}.sfyx`, `to_char(${alias}.gxsj, 'YYYY-MM-DD HH24:MI:SS.US') AS gxsj`].join(', ');
}
/** FROM the exchange view, with a LEFT JOIN per coded column (an unknown code keeps its row, label null). */
export function fromClause(spec: TableSpec, alias = 'v'): string {
  const joins = Object.entries(spec.codes).map(([c, dict]) => `LEFT JOIN ${SCHEMA}.${dict} ${c}_dm ON ${c}_dm.dm = ${alias}.${c}`);
  return [`${viewOf(spec.table)} ${alias}`, ...joins].join(' ');
}

/** Full-width ASCII, ideographic space and CJK brackets folded as normaliseName does (src/domain/names.ts). */
const FULL = Array.from({ length: 94 }, (_, i) => String.fromCharCode(0xff01 + i)).join('') + '\u3000（【〔［）】〕］';
const HALF = Array.from({ length: 94 }, (_, i) => String.fromCharCode(0x21 + i)).join('') + ' (((())))';
const lit = (s: string): string => `'${s.replace(/'/g, "''")}'`;
/** Normalised name in SQL; immutable, so the seeder indexes it and name-only rows are found by index. */
export const normSql = (column: string): string =>
  `upper(regexp_replace(translate(${column}, ${lit(FULL)}, ${lit(HALF)}), '\\s+', '', 'g'))`;

/**
 * One statement for everything about a batch of credit codes: $1 codes, $2 their organisation codes.
 * Rows naming the enterprise by code or org code match directly; rows carrying only a name match on
 * the names this platform itself records for those codes (it keeps code and name side by side).
 * Persons referenced by the matched rows come in the same statement.
 */
export function fetchByKeysSql(): string {
  const active = (a: string) => `${a}.sfyx = '1'`;
  const nameSources = TABLES.flatMap((t) =>
    t.refs.map((r) => {
      const [cc, , mc] = refCols(r);
      return `SELECT ${normSql(mc)} AS n FROM ${viewOf(t.table)} WHERE ${cc} = ANY($1) AND ${mc} IS NOT NULL AND sfyx = '1'`;
    }),
  );
  const matches = (t: TableSpec, a: string) =>
    t.refs
      .map((r) => {
        const [cc, oc, mc] = refCols(r);
        return `${a}.${cc} = ANY($1) OR ${a}.${oc} = ANY($2) OR (${a}.${cc} IS NULL AND ${a}.${oc} IS NULL AND ${normSql(`${a}.${mc}`)} IN (SELECT n FROM names))`;
      })
      .join(' OR ');
  const refTables = TABLES.filter((t) => t.refs.length > 0);
  const ctes = refTables.map(
    (t) => `m_${t.table} AS (SELECT ${selectList(t)} FROM ${fromClause(t)} WHERE ${active('v')} AND (${matches(t, 'v')}))`,
  );
  const ids = refTables.flatMap((t) => t.idColumns.map((c) => `SELECT ${c} AS sfzh FROM m_${t.table} WHERE ${c} IS NOT NULL`));
  const person = TABLE.t_ry_jbxx;
  const parts = [
    ...refTables.map((t) => `SELECT '${t.table}' AS bm, to_jsonb(m) AS row FROM m_${t.table} m`),
    `SELECT 't_ry_jbxx' AS bm, to_jsonb(p) AS row FROM (SELECT ${selectList(person)} FROM ${fromClause(person)}
       WHERE ${active('v')} AND v.sfzh IN (SELECT sfzh FROM ids)) p`,
  ];
  return `WITH names AS (${nameSources.join(' UNION ')}),
  ${ctes.join(',\n  ')},
  ids AS (${ids.join(' UNION ')})
  ${parts.join('\nUNION ALL ')}`;
}

/** One page of a table after a keyset position: $1 GXSJ text, $2 ID (both null = from the start), $3 limit. */
export function pageSql(spec: TableSpec): string {
  return `SELECT ${selectList(spec)} FROM ${fromClause(spec)}
    WHERE v.sfyx = '1' AND ($1::timestamp IS NULL OR (v.gxsj, v.id) > ($1::timestamp, $2::text))
    ORDER BY v.gxsj, v.id LIMIT $3`;
}

// ---------------------------------------------------------------- row → canonical

/** GXSJ is Beijing time (UTC+8, no daylight saving since 1991) without a zone: the instant it means. */
export function gxsjToInstant(gxsj: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/.exec(gxsj);
  if (!m) return undefined;
  const ms = Math.floor(Number((m[7] ?? '0').padEnd(6, '0')) / 1000);
  const utc = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!, ms) - 8 * 3_600_000;
  return new Date(utc).toISOString();
}
/** The inverse, for the seeder: an ISO instant as the platform stores GXSJ. */
export function instantToGxsj(iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) throw new Error(`'${iso}' is not an ISO instant`);
  return new Date(t + 8 * 3_600_000).toISOString().replace('T', ' ').replace('Z', '');
}

type Row = Record<string, unknown>;
const GARBLED = /\uFFFD/;
const text = z
  .string()
  .refine((s) => s.trim().length > 0, 'must not be empty')
  .refine((s) => !GARBLED.test(s), 'contains undecodable characters (U+FFFD)');
const optText = z
  .string()
  .nullish()
  .refine((s) => !s || !GARBLED.test(s), 'contains undecodable characters (U+FFFD)')
  .transform((v) => (v === undefined || v === '' ? null : v));
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'is not a date YYYY-MM-DD');
const optDate = date.nullish().transform((v) => v ?? null);
const flag = z.enum(['1', '0'], { error: "a flag is '1' or '0'" }).transform((f) => f === '1');
const money = z.number().nonnegative(); // zod 4 numbers refuse ±Infinity and NaN themselves
// built once here, not per row inside the mappers (a zod 4 schema costs more to build than to run)
const optMoney = money.nullish().transform((v) => v ?? null);
const optIdNumber = idNumber.nullish().transform((v) => v ?? null);
const divisionCode = z.string().regex(/^\d{6}$/, 'is 6 digits');

/** A coded column: the code must be known to its dictionary (LEFT JOIN gave a label). */
function coded<T>(row: Row, column: string, toValue: (label: string) => T | undefined, ctx: z.RefinementCtx, required: boolean): T | null {
  const code = row[column];
  const label = row[`${column}_mc`];
  if (code === null || code === undefined || code === '') {
    if (required) ctx.addIssue({ code: 'custom', path: [column], message: 'is required' });
    return null;
  }
  const value = typeof label === 'string' ? toValue(label) : undefined;
  if (value === undefined) {
    ctx.addIssue({ code: 'custom', path: [column], message: `unknown code '${String(code)}' (not in its dictionary)` });
    return null;
  }
  return value;
}
const byLabel = <T>(dict: Readonly<Record<string, [string, T]>>) => {
  const m = new Map(Object.values(dict));
  return (label: string) => m.get(label);
};
const asIs = (label: string) => label;

/** The reference exactly as the row carries it (only the columns that are filled). */
function toRef(row: Row, r: RefColumns, ctx: z.RefinementCtx, required: boolean): EnterpriseRef | null {
  const [cc, oc, mc] = refCols(r);
  const out: EnterpriseRef = {};
  const check = (col: string, schema: z.ZodType): string | null => {
    const v = row[col];
    if (v === null || v === undefined || v === '') return null;
    const p = schema.safeParse(v);
    if (!p.success) {
      ctx.addIssue({ code: 'custom', path: [col], message: p.error.issues[0]?.message ?? 'invalid' });
      return null;
    }
    return p.data as string;
  };
  const c = check(cc, creditCode);
  const o = check(oc, orgCode);
  const n = check(mc, text);
  if (c) out.creditCode = c;
  if (o) out.orgCode = o;
  if (n) out.name = n;
  if (!c && !o && !n) {
    if (required && row[cc] == null && row[oc] == null && row[mc] == null) {
      ctx.addIssue({ code: 'custom', path: [cc], message: `names no enterprise (${cc}, ${oc}, ${mc} all empty)` });
    }
    return null;
  }
  return out;
}

/** Parses one field with a schema, reporting the column on failure. */
function field<S extends z.ZodType>(row: Row, column: string, schema: S, ctx: z.RefinementCtx): z.output<S> {
  const p = schema.safeParse(row[column]);
  if (!p.success) {
    for (const i of p.error.issues) ctx.addIssue({ code: 'custom', path: [column, ...i.path], message: i.message });
    return null as z.output<S>;
  }
  return p.data as z.output<S>;
}

type Mapper = (row: Row, ctx: z.RefinementCtx) => CanonicalRecord;
const zszt = byLabel(ZSZT);

const MAPPERS: Record<TableName, Mapper> = {
  t_qy_zz: (r, ctx): CredentialRecord => ({
    kind: 'credential',
    credentialKind: 'CONSTRUCTION_QUALIFICATION',
    number: field(r, 'zzzsh', text, ctx),
    enterprise: toRef(r, TABLE.t_qy_zz.refs[0]!, ctx, true),
    category: coded(r, 'zzlb', asIs, ctx, false),
    grade: coded(r, 'zzdj', asIs, ctx, false),
    scope: coded(r, 'zzxl', asIs, ctx, false),
    issuerDepartment: 'HOUSING',
    validFrom: field(r, 'fzrq', optDate, ctx),
    validTo: field(r, 'yxqz', optDate, ctx),
    status: coded(r, 'zszt', zszt, ctx, true)!,
  }),
  t_qy_xkz: (r, ctx): CredentialRecord => ({
    kind: 'credential',
    credentialKind: coded(r, 'xkzlx', byLabel(XKZLX), ctx, true)!,
    number: field(r, 'xkzh', text, ctx),
    enterprise: toRef(r, TABLE.t_qy_xkz.refs[0]!, ctx, true),
    category: field(r, 'xklb', optText, ctx),
    grade: null,
    scope: field(r, 'xkfw', optText, ctx),
    issuerDepartment: 'HOUSING',
    validFrom: field(r, 'fzrq', optDate, ctx),
    validTo: field(r, 'yxqz', optDate, ctx),
    status: coded(r, 'zszt', zszt, ctx, true)!,
  }),
  t_ry_jbxx: (r, ctx): PersonRecord => ({
    kind: 'person',
    idNumber: field(r, 'sfzh', idNumber, ctx),
    name: field(r, 'xm', text, ctx),
    phone: field(r, 'lxdh', optText, ctx),
  }),
  t_ry_zc: (r, ctx): CredentialRecord => ({
    kind: 'credential',
    credentialKind: 'REGISTERED_CONSTRUCTOR',
    number: field(r, 'zczsh', text, ctx),
    idNumber: field(r, 'sfzh', idNumber, ctx),
    category: coded(r, 'zclb', asIs, ctx, true),
    grade: null,
    scope: coded(r, 'zczy', asIs, ctx, false),
    registeredEnterprise: toRef(r, TABLE.t_ry_zc.refs[0]!, ctx, false),
    issuerDepartment: 'HOUSING',
    validFrom: field(r, 'zcrq', optDate, ctx),
    validTo: field(r, 'yxqz', optDate, ctx),
    status: coded(r, 'zszt', zszt, ctx, true)!,
  }),
  t_ry_aqkh: (r, ctx): CredentialRecord => ({
    kind: 'credential',
    credentialKind: 'SAFETY_CERTIFICATE_ABC',
    number: field(r, 'zsbh', text, ctx),
    idNumber: field(r, 'sfzh', idNumber, ctx),
    category: coded(r, 'khlb', asIs, ctx, true),
    grade: null,
    scope: null,
    registeredEnterprise: toRef(r, TABLE.t_ry_aqkh.refs[0]!, ctx, false),
    issuerDepartment: 'HOUSING',
    validFrom: field(r, 'fzrq', optDate, ctx),
    validTo: field(r, 'yxqz', optDate, ctx),
    status: coded(r, 'zszt', zszt, ctx, true)!,
  }),
  t_ry_gw: (r, ctx): RoleRecord => ({
    kind: 'role',
    enterprise: toRef(r, TABLE.t_ry_gw.refs[0]!, ctx, true)!,
    idNumber: field(r, 'sfzh', idNumber, ctx),
    personName: field(r, 'xm', text, ctx),
    role: coded(r, 'gwlx', byLabel(GWLX), ctx, true)!,
    since: field(r, 'rzrq', optDate, ctx),
    until: field(r, 'lzrq', optDate, ctx),
  }),
  t_xm: (r, ctx): ProjectRecord => ({
    kind: 'project',
    projectCode: field(r, 'xmbh', text, ctx),
    name: field(r, 'xmmc', text, ctx),
    builder: toRef(r, TABLE.t_xm.refs[0]!, ctx, true)!,
    constructionPermit: field(r, 'sgxkzh', optText, ctx),
    scale: coded(r, 'gcgm', byLabel(GCGM), ctx, true)!,
    requiredCategory: coded(r, 'zzlb', asIs, ctx, true)!,
    requiredSequence: coded(r, 'zzxl', asIs, ctx, true)!,
    divisionCode: field(r, 'xzqhdm', divisionCode, ctx),
    startDate: field(r, 'kgrq', optDate, ctx),
    investment: field(r, 'ztz', optMoney, ctx),
  }),
  t_ht: (r, ctx): ContractRecord => ({
    kind: 'contract',
    contractNumber: field(r, 'htbh', text, ctx),
    projectCode: field(r, 'xmbh', text, ctx),
    parentContractNumber: field(r, 'sjhtbh', optText, ctx),
    contractKind: coded(r, 'htlx', byLabel(HTLX), ctx, true)!,
    employer: toRef(r, TABLE.t_ht.refs[0]!, ctx, true)!,
    contractor: toRef(r, TABLE.t_ht.refs[1]!, ctx, true)!,
    scope: field(r, 'cbfw', text, ctx),
    value: field(r, 'htje', money, ctx),
    coversMainStructure: field(r, 'sfhztjg', flag, ctx),
    coversAllWork: field(r, 'sfqbfb', flag, ctx),
    safetyAgreementSigned: field(r, 'sfqdaqxy', flag, ctx),
    projectManagerIdNumber: field(r, 'xmjlsfzh', optIdNumber, ctx),
    signedOn: field(r, 'qdrq', date, ctx),
  }),
  t_hmd: (r, ctx): ListEntryRecord => {
    const subjectType = coded(r, 'ztlx', byLabel(ZTLX), ctx, true) ?? 'ENTERPRISE';
    const person = subjectType === 'PERSON';
    if (person && !r.sfzh) ctx.addIssue({ code: 'custom', path: ['sfzh'], message: 'a person entry needs an ID number' });
    return {
      kind: 'list_entry',
      list: 'CONSTRUCTION_BLACKLIST',
      subjectType,
      enterprise: toRef(r, TABLE.t_hmd.refs[0]!, ctx, !person),
      idNumber: field(r, 'sfzh', optIdNumber, ctx),
      personName: field(r, 'xm', optText, ctx),
      reason: field(r, 'lryy', text, ctx),
      legalBasis: field(r, 'rdyj', text, ctx),
      decisionNumber: field(r, 'jdwh', text, ctx),
      startDate: field(r, 'lrrq', date, ctx),
      endDate: field(r, 'jzrq', optDate, ctx),
      removedDate: field(r, 'ycrq', optDate, ctx),
    };
  },
};

const SCHEMAS = Object.fromEntries(
  TABLES.map((t) => [t.table, z.record(z.string(), z.unknown()).transform((row, ctx) => MAPPERS[t.table as TableName](row, ctx))]),
) as unknown as Record<TableName, z.ZodType<CanonicalRecord>>;

/** One row → one envelope: the canonical record, or why it could not be read (the row kept as raw). */
export function toEnvelope(table: TableName, raw: unknown, index: number): SourceEnvelope {
  const row = raw !== null && typeof raw === 'object' ? (raw as Row) : {};
  const id = typeof row.id === 'string' && row.id ? row.id : `${table}#unidentified-${index}`;
  const updatedAt = typeof row.gxsj === 'string' ? gxsjToInstant(row.gxsj) : undefined;
  const kind = TABLE[table].kind;
  const parsed = SCHEMAS[table].safeParse(raw);
  if (parsed.success) return { sourceRecordId: id, kind, raw, record: parsed.data, updatedAt };
  const why = parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.').toUpperCase()}: ${i.message}` : i.message)).join('; ');
  return { sourceRecordId: id, kind, raw, error: why, updatedAt };
}
