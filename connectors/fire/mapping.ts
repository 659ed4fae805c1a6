/**
 * 消防 wire records: rows of the daily CSV exports (Chinese headers, dates 'yyyy/MM/dd', 更新时间
 * 'yyyy-MM-dd HH:mm:ss' China time, Chinese labels, money in 元, losses in 万元) and their mapping to
 * canonical records, both ways (the seeder renders with the same tables). A row that cannot be
 * trusted becomes an error envelope (never a throw, never dropped).
 */
import { z } from 'zod';
import type {
  AccidentLevel,
  AccidentRecord,
  CanonicalRecord,
  EnterpriseRef,
  InspectionRecord,
  ListEntryRecord,
  PenaltyRecord,
  RecordKind,
} from '../../src/domain/canonical.js';
import { refineCreditCode, refineIdNumber, refineOrgCode } from '../kit/identifiers.js';
import type { SourceEnvelope } from '../types.js';

// ---------------------------------------------------------------- tables (one export file per table per day)

const REF_HEADERS = ['记录编号', '单位名称', '统一社会信用代码', '组织机构代码'] as const;
export const ID_HEADER = '记录编号';
export const UPDATED_HEADER = '更新时间';

/** File prefix → canonical kind and the columns of its export, in the exporter's order. */
export const TABLES = [
  {
    prefix: 'jdjc',
    kind: 'inspection',
    title: '监督检查',
    headers: [...REF_HEADERS, '检查日期', '检查类型', '检查结果', '发现问题', '消防安全重点单位', UPDATED_HEADER],
  },
  {
    prefix: 'xzcf',
    kind: 'penalty',
    title: '行政处罚',
    headers: [...REF_HEADERS, '决定书文号', '决定日期', '处罚种类', '违法事实', '处罚依据', '罚款金额(元)', UPDATED_HEADER],
  },
  {
    prefix: 'hzsg',
    kind: 'accident',
    title: '火灾事故',
    headers: [...REF_HEADERS, '起火日期', '事故等级', '死亡人数', '重伤人数', '直接财产损失(万元)', '火灾概况', '报告情况', UPDATED_HEADER],
  },
  {
    prefix: 'sxmd',
    kind: 'list_entry',
    title: '失信名单',
    headers: [
      ...REF_HEADERS,
      '主体类型',
      '当事人姓名',
      '身份证件号码',
      '列入事由',
      '列入依据',
      '认定文书编号',
      '列入日期',
      '届满日期',
      '移出日期',
      UPDATED_HEADER,
    ],
  },
] as const satisfies readonly { prefix: string; kind: RecordKind; title: string; headers: readonly string[] }[];
export type Table = (typeof TABLES)[number];
export type TablePrefix = Table['prefix'];
export const tableByPrefix = (p: string): Table | undefined => TABLES.find((t) => t.prefix === p);
export const tableOfKind = (k: RecordKind): Table | undefined => TABLES.find((t) => t.kind === k);

// ---------------------------------------------------------------- labels (shared with the seeder)

export const RESULT_BY_LABEL: Readonly<Record<string, InspectionRecord['result']>> = {
  合格: 'PASSED',
  发现隐患: 'HAZARDS_FOUND',
  临时查封: 'SEALED',
};
export const LABEL_BY_RESULT = invert(RESULT_BY_LABEL);
export const YES_NO: Readonly<Record<string, boolean>> = { 是: true, 否: false };
export const LEVEL_BY_LABEL: Readonly<Record<string, AccidentLevel>> = {
  特别重大: 'ESPECIALLY_MAJOR',
  重大: 'MAJOR',
  较大: 'LARGER',
  一般: 'GENERAL',
};
export const LABEL_BY_LEVEL = invert(LEVEL_BY_LABEL);
type ReportingViolation = NonNullable<AccidentRecord['reportingViolation']>;
export const REPORTING_BY_LABEL: Readonly<Record<string, ReportingViolation>> = { 迟报: 'LATE', 谎报: 'FALSE', 瞒报: 'CONCEALED' };
export const LABEL_BY_REPORTING = invert(REPORTING_BY_LABEL);
export const SUBJECT_BY_LABEL: Readonly<Record<string, ListEntryRecord['subjectType']>> = { 单位: 'ENTERPRISE', 个人: 'PERSON' };
export const LABEL_BY_SUBJECT = invert(SUBJECT_BY_LABEL);

function invert<V extends string | boolean>(t: Readonly<Record<string, V>>): Record<Extract<V, string>, string> {
  return Object.fromEntries(Object.entries(t).map(([l, v]) => [v, l])) as Record<Extract<V, string>, string>;
}

// ---------------------------------------------------------------- dates and times

const CHINA_OFFSET_MS = 8 * 3600_000;
const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** ISO instant → '2025-03-01 08:30:00' in China time (UTC+8, no daylight saving), as the exporter writes it. */
export function toLocalTimestamp(iso: string): string {
  const d = new Date(Date.parse(iso) + CHINA_OFFSET_MS);
  if (Number.isNaN(d.getTime())) throw new Error(`'${iso}' is not an ISO instant`);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}
/** '2025-03-01 08:30:00' China time → ISO instant; null when it is not such a timestamp. */
export function fromLocalTimestamp(s: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(s);
  if (!m) return null;
  const [y, mo, d, h, mi, se] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const t = Date.UTC(y, mo - 1, d, h, mi, se);
  const back = new Date(t);
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || se > 59) return null;
  return new Date(t - CHINA_OFFSET_MS).toISOString();
}
/** The export day (yyyyMMdd, China time) an instant belongs to. */
export const exportDay = (iso: string): string => toLocalTimestamp(iso).slice(0, 10).replace(/-/g, '');

/** ISO date → 'yyyy/MM/dd' as the exports show dates. */
export const toWireDate = (d: string): string => d.replace(/-/g, '/');
const isCalendarDate = (y: number, m: number, d: number): boolean => {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
};

// ---------------------------------------------------------------- field parsers

type Row = Record<string, string>;
const issue = (ctx: z.RefinementCtx, message: string) => ctx.addIssue({ code: 'custom', message });
const cell = z
  .string()
  .optional()
  .transform((v) => v ?? '');

/** 'yyyy/MM/dd' (older files also 'yyyy-MM-dd') → ISO date, or an issue saying why not. */
function wireDate(s: string, ctx: z.RefinementCtx): string {
  const m = /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})$/.exec(s);
  if (!m || !isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]))) {
    issue(
      ctx,
      /^\d{4,5}$/.test(s)
        ? `'${s}' is an Excel day number, not a date yyyy/MM/dd`
        : s
          ? `'${s}' is not a calendar date yyyy/MM/dd`
          : 'missing',
    );
    return z.NEVER;
  }
  return `${m[1]}-${pad(Number(m[2]))}-${pad(Number(m[3]))}`;
}
const date = cell.transform(wireDate);
const optDate = cell.transform((s, ctx) => (s === '' ? null : wireDate(s, ctx)));
const text = cell.refine((s) => s.trim().length > 0, 'missing');
const optText = cell.transform((s) => (s === '' ? null : s));
const label = <T>(table: Readonly<Record<string, T>>, what: string) =>
  cell.transform((s, ctx): T => {
    if (!(s in table)) {
      issue(ctx, s ? `unknown ${what} '${s}'` : 'missing');
      return z.NEVER;
    }
    return table[s]!;
  });
const optLabel = <T>(table: Readonly<Record<string, T>>, what: string) =>
  cell.transform((s, ctx): T | null => {
    if (s === '') return null;
    if (!(s in table)) {
      issue(ctx, `unknown ${what} '${s}'`);
      return z.NEVER;
    }
    return table[s]!;
  });
const decimal = (what: string) =>
  cell.transform((s, ctx) => {
    if (!/^\d+(\.\d+)?$/.test(s)) {
      issue(ctx, s ? `'${s}' is not a ${what}` : 'missing');
      return z.NEVER;
    }
    return Number(s);
  });
const optDecimal = (what: string) => cell.transform((s, ctx) => (s === '' ? null : decimalOrIssue(s, what, ctx)));
function decimalOrIssue(s: string, what: string, ctx: z.RefinementCtx): number {
  if (!/^\d+(\.\d+)?$/.test(s)) {
    issue(ctx, `'${s}' is not a ${what}`);
    return z.NEVER;
  }
  return Number(s);
}
const count = cell.transform((s, ctx) => {
  if (!/^\d+$/.test(s)) {
    issue(ctx, s ? `'${s}' is not a head count` : 'missing');
    return z.NEVER;
  }
  return Number(s);
});
const timestamp = cell.transform((s, ctx) => {
  const iso = fromLocalTimestamp(s);
  if (!iso) {
    issue(ctx, s ? `'${s}' is not a time yyyy-MM-dd HH:mm:ss` : 'missing');
    return z.NEVER;
  }
  return iso;
});

// an empty cell is no identifier at all, not a wrong one
const creditCode = cell.superRefine((s, ctx) => void (s !== '' && refineCreditCode(s, ctx)));
const orgCode = cell.superRefine((s, ctx) => void (s !== '' && refineOrgCode(s, ctx)));
const idNumber = cell.superRefine((s, ctx) => void (s !== '' && refineIdNumber(s, ctx)));

const refShape = { 单位名称: cell, 统一社会信用代码: creditCode, 组织机构代码: orgCode };
/** The reference exactly as the row carries it: only the columns it filled (names kept as typed). */
function toRef(w: { 单位名称: string; 统一社会信用代码: string; 组织机构代码: string }, ctx: z.RefinementCtx | null): EnterpriseRef | null {
  const ref: EnterpriseRef = {};
  if (w.统一社会信用代码) ref.creditCode = w.统一社会信用代码;
  if (w.组织机构代码) ref.orgCode = w.组织机构代码;
  if (w.单位名称) ref.name = w.单位名称;
  if (!ref.creditCode && !ref.orgCode && !ref.name) {
    if (ctx) issue(ctx, 'row names no unit (单位名称, 统一社会信用代码 and 组织机构代码 all empty)');
    return null;
  }
  return ref;
}
const base = { 记录编号: text, 更新时间: timestamp };

// ---------------------------------------------------------------- wire → canonical

const inspectionSchema = z
  .object({
    ...base,
    ...refShape,
    检查日期: date,
    检查类型: text,
    检查结果: label(RESULT_BY_LABEL, 'inspection result'),
    发现问题: optText,
    消防安全重点单位: optLabel(YES_NO, '是/否 value'),
  })
  .transform((w, ctx): InspectionRecord => ({
    kind: 'inspection',
    enterprise: toRef(w, ctx) ?? {},
    inspectedOn: w.检查日期,
    inspectionType: w.检查类型,
    result: w.检查结果,
    findings: w.发现问题,
    keyFireSafetyUnit: w.消防安全重点单位,
  }));

const penaltySchema = z
  .object({
    ...base,
    ...refShape,
    决定书文号: text,
    决定日期: date,
    处罚种类: text,
    违法事实: text,
    处罚依据: optText,
    '罚款金额(元)': optDecimal('amount in yuan'),
  })
  .transform((w, ctx): PenaltyRecord => ({
    kind: 'penalty',
    enterprise: toRef(w, ctx) ?? {},
    decisionNumber: w.决定书文号,
    decisionDate: w.决定日期,
    penaltyType: w.处罚种类,
    reason: w.违法事实,
    legalBasis: w.处罚依据,
    amount: w['罚款金额(元)'],
  }));

const accidentSchema = z
  .object({
    ...base,
    ...refShape,
    起火日期: date,
    事故等级: label(LEVEL_BY_LABEL, 'accident level'),
    死亡人数: count,
    重伤人数: count,
    '直接财产损失(万元)': decimal('loss in 万元'),
    火灾概况: text,
    报告情况: optLabel(REPORTING_BY_LABEL, 'reporting label'),
  })
  .transform((w, ctx): AccidentRecord => ({
    kind: 'accident',
    enterprise: toRef(w, ctx) ?? {},
    occurredOn: w.起火日期,
    level: w.事故等级,
    deaths: w.死亡人数,
    seriousInjuries: w.重伤人数,
    directLoss: w['直接财产损失(万元)'],
    description: w.火灾概况,
    reportingViolation: w.报告情况,
  }));

const listSchema = z
  .object({
    ...base,
    ...refShape,
    主体类型: label(SUBJECT_BY_LABEL, 'subject type'),
    当事人姓名: optText,
    身份证件号码: idNumber,
    列入事由: text,
    列入依据: text,
    认定文书编号: text,
    列入日期: date,
    届满日期: optDate,
    移出日期: optDate,
  })
  .transform((w, ctx): ListEntryRecord => {
    const rec: ListEntryRecord = {
      kind: 'list_entry',
      list: 'FIRE_DISHONEST',
      subjectType: w.主体类型,
      reason: w.列入事由,
      legalBasis: w.列入依据,
      decisionNumber: w.认定文书编号,
      startDate: w.列入日期,
      endDate: w.届满日期,
      removedDate: w.移出日期,
    };
    if (w.主体类型 === 'ENTERPRISE') rec.enterprise = toRef(w, ctx);
    else {
      if (!w.身份证件号码) issue(ctx, '身份证件号码: a person entry needs an ID number');
      rec.idNumber = w.身份证件号码 || null;
      rec.personName = w.当事人姓名;
      const ref = toRef(w, null);
      if (ref) rec.enterprise = ref;
    }
    return rec;
  });

const SCHEMAS: Record<TablePrefix, z.ZodType<CanonicalRecord>> = {
  jdjc: inspectionSchema,
  xzcf: penaltySchema,
  hzsg: accidentSchema,
  sxmd: listSchema,
};

/** What an envelope keeps as raw: where the row was and its cells by header (after decoding). */
export interface RawRow {
  file: string;
  /** 1-based data row number in the file (the header is row 0) */
  row: number;
  cells: Row;
  /** cells beyond the header's width (a row split by a stray comma) */
  extra?: string[];
}

/** One CSV row → one envelope: the canonical record, or why it could not be read (raw kept). */
export function toEnvelope(
  table: Table,
  file: string,
  rowIndex: number,
  header: readonly string[],
  fields: readonly string[],
): SourceEnvelope {
  const cells: Row = {};
  header.forEach((h, i) => {
    if (i < fields.length) cells[h] = fields[i]!;
  });
  const raw: RawRow = { file, row: rowIndex + 1, cells };
  if (fields.length > header.length) raw.extra = fields.slice(header.length);
  const id = cells[ID_HEADER] || `${file}#${rowIndex + 1}`;
  const updatedAt = fromLocalTimestamp(cells[UPDATED_HEADER] ?? '') ?? undefined;
  const env = { sourceRecordId: id, kind: table.kind, raw, ...(updatedAt ? { updatedAt } : {}) };
  if (fields.length !== header.length) {
    return { ...env, error: `row has ${fields.length} cells but the header has ${header.length} (a stray comma or a cut line)` };
  }
  const parsed = SCHEMAS[table.prefix].safeParse(cells);
  if (parsed.success) return { ...env, record: parsed.data };
  return { ...env, error: parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ') };
}

// ---------------------------------------------------------------- canonical → wire (the seeder's renderer)

export type Cells = Record<string, string>;
const s = (v: string | null | undefined): string => v ?? '';
const wireRef = (r: EnterpriseRef | null | undefined): Cells => ({
  单位名称: s(r?.name),
  统一社会信用代码: s(r?.creditCode),
  组织机构代码: s(r?.orgCode),
});
const optYesNo = (b: boolean | null | undefined): string => (b == null ? '' : b ? '是' : '否');

/**
 * Canonical field → cells, per table. render() applies all of them; touch() applies the ones it is
 * asked to change, so a changed field is written exactly as a fresh export would write it.
 */
export const FIELD_CELLS: Record<TablePrefix, Record<string, (v: never) => Cells>> = {
  jdjc: {
    enterprise: (r: EnterpriseRef) => wireRef(r),
    inspectedOn: (v: string) => ({ 检查日期: toWireDate(v) }),
    inspectionType: (v: string) => ({ 检查类型: v }),
    result: (v: InspectionRecord['result']) => ({ 检查结果: LABEL_BY_RESULT[v] ?? String(v) }),
    findings: (v: string | null) => ({ 发现问题: s(v) }),
    keyFireSafetyUnit: (v: boolean | null) => ({ 消防安全重点单位: optYesNo(v) }),
  },
  xzcf: {
    enterprise: (r: EnterpriseRef) => wireRef(r),
    decisionNumber: (v: string) => ({ 决定书文号: v }),
    decisionDate: (v: string) => ({ 决定日期: toWireDate(v) }),
    penaltyType: (v: string) => ({ 处罚种类: v }),
    reason: (v: string) => ({ 违法事实: v }),
    legalBasis: (v: string | null) => ({ 处罚依据: s(v) }),
    amount: (v: number | null) => ({ '罚款金额(元)': v == null ? '' : v.toFixed(2) }),
  },
  hzsg: {
    enterprise: (r: EnterpriseRef) => wireRef(r),
    occurredOn: (v: string) => ({ 起火日期: toWireDate(v) }),
    level: (v: AccidentLevel) => ({ 事故等级: LABEL_BY_LEVEL[v] ?? String(v) }),
    deaths: (v: number) => ({ 死亡人数: String(v) }),
    seriousInjuries: (v: number) => ({ 重伤人数: String(v) }),
    directLoss: (v: number) => ({ '直接财产损失(万元)': String(v) }),
    description: (v: string) => ({ 火灾概况: v }),
    reportingViolation: (v: ReportingViolation | null) => ({ 报告情况: v == null ? '' : LABEL_BY_REPORTING[v] }),
  },
  sxmd: {
    enterprise: (r: EnterpriseRef | null) => wireRef(r),
    subjectType: (v: ListEntryRecord['subjectType']) => ({ 主体类型: LABEL_BY_SUBJECT[v] }),
    personName: (v: string | null) => ({ 当事人姓名: s(v) }),
    idNumber: (v: string | null) => ({ 身份证件号码: s(v) }),
    reason: (v: string) => ({ 列入事由: v }),
    legalBasis: (v: string) => ({ 列入依据: v }),
    decisionNumber: (v: string) => ({ 认定文书编号: v }),
    startDate: (v: string) => ({ 列入日期: toWireDate(v) }),
    endDate: (v: string | null) => ({ 届满日期: v == null ? '' : toWireDate(v) }),
    removedDate: (v: string | null) => ({ 移出日期: v == null ? '' : toWireDate(v) }),
    // one list per file: the column does not exist, only FIRE_DISHONEST can be rendered
    list: () => ({}),
  },
};

/** Canonical record → the cells of its export row (no 记录编号/更新时间: the caller adds them). */
export function renderCells(table: Table, record: CanonicalRecord): Cells {
  const fields = FIELD_CELLS[table.prefix];
  const out: Cells = {};
  for (const [field, value] of Object.entries(record)) {
    if (field === 'kind' || field === 'creditCodeChecksumFailed') continue;
    const f = fields[field] as ((v: unknown) => Cells) | undefined;
    if (f) Object.assign(out, f(value));
  }
  if (!('enterprise' in record) || record.enterprise == null) Object.assign(out, wireRef(null));
  return out;
}

/** Cells in header order (missing ones empty). */
export const rowOf = (table: Table, cells: Cells): string[] => table.headers.map((h) => cells[h] ?? '');
