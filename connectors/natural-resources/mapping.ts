/**
 * 自然资源 wire records (省自然资源厅 矿业权与地质灾害数据共享接口) and their mapping to canonical records.
 *
 * Wire conventions (faithful to the system, different from every other department):
 * - JSON encoded in GB18030 (`application/json;charset=GB18030`, as its old Java stack answers); requests
 *   authenticate with HTTP Basic; a refused login is HTTP 401.
 * - every answer is `{resultCode, resultMsg, …}`: resultCode '0000' = 成功, '1001' 参数错误,
 *   '1002' 分页令牌无效或已过期, '9999' 系统繁忙 (the last with HTTP 200; the gateway in front answers 5xx).
 * - lists page with tokens: `?pageSize=&modifiedFrom=&pageToken=` → `{items, nextPageToken}`; the token
 *   is opaque, expires (10 minutes by default) and is '' on the last page. `modifiedFrom` (epoch ms,
 *   inclusive) is the only filter.
 * - field names are the UPPER_SNAKE columns of the department's Oracle views; MODIFY_TIME is epoch
 *   milliseconds (a Java Date as fastjson writes it); calendar dates are 'yyyy年MM月dd日' (some rows
 *   without the leading zeros, '2024年5月1日'); a licence's 有效期限 is one text 'yyyy年MM月dd日至yyyy年MM月dd日';
 *   fines are in 万元 (ten thousand yuan); statuses and hazard types are codes, other enums Chinese labels.
 *
 * Field dictionary (字段字典):
 *   every record   RECORD_ID 记录标识 · MODIFY_TIME 更新时间 · USCC 统一社会信用代码 · ORG_CODE 组织机构代码 ·
 *                  UNIT_NAME 单位名称/采矿权人 (older rows carry only ORG_CODE or only UNIT_NAME)
 *   ckq  采矿许可证  LICENCE_NO 许可证号 · MINE_NAME 矿山名称 · MINERAL 开采矿种 · MINING_METHOD 开采方式 ·
 *                  SCALE 生产规模 · MINE_AREA 矿区范围 · VALID_PERIOD 有效期限 · LICENCE_STATUS 证书状态 (code)
 *   dzzh 地质灾害隐患点  HAZARD_NAME 隐患点名称 · HAZARD_TYPE 灾害类型 (code) · DANGER_SCALE 险情等级 ·
 *                  THREAT 威胁对象 · FIND_DATE 发现日期 · GOVERN_DEADLINE 治理期限 · GOVERN_STATUS 治理状态 ·
 *                  DONE_DATE 销号日期 · FOUND_WAY 发现方式
 *   xzcf 行政处罚   DECISION_NO 处罚决定书文号 · DECISION_DATE 处罚决定日期 · PENALTY_CONTENT 处罚内容 ·
 *                  ILLEGAL_FACT 违法事实 · LEGAL_BASIS 处罚依据 · FINE_WAN 罚款金额（万元）
 *   sxzt 严重失信主体  DECISION_NO 认定文书号 · LIST_REASON 列入事由 · LIST_BASIS 列入依据 · LIST_DATE 列入日期 ·
 *                  VALID_UNTIL 有效期至 · REMOVE_DATE 移出日期
 *   subject query  RES_TYPE 资源类型 (CKQ / DZZH / XZCF / SXZT) tags each record
 *
 * Canonical mapping of what has no canonical field of its own: a licence's category is the mineral,
 * its grade the production scale, its scope '开采方式，矿区范围'; a hazard's description is
 * '<灾害类型>隐患：<隐患点名称>，威胁<威胁对象>', its level MAJOR for 特大型/大型 险情 and GENERAL for 中型/小型.
 * A record that cannot be trusted becomes an error envelope (never a throw, never dropped).
 */
import { z } from 'zod';
import type {
  CanonicalRecord,
  CredentialRecord,
  CredentialStatus,
  EnterpriseRef,
  FoundBy,
  HiddenDangerLevel,
  HiddenDangerRecord,
  HiddenDangerStatus,
  ListEntryRecord,
  PenaltyRecord,
  RecordKind,
} from '../../src/domain/canonical.js';
import { creditCodeField as creditCode, orgCodeField as orgCode } from '../kit/identifiers.js';
import type { SourceEnvelope } from '../types.js';

// ---------------------------------------------------------------- protocol

export const API_BASE = '/zrzy/share/v1';
export const MAX_PAGE_SIZE = 100;
/** codes per subject query (`uscc=a,b,c`) */
export const MAX_BATCH_CODES = 20;
export const CHARSET = 'GB18030';

export const RESULT = {
  OK: '0000',
  BAD_PARAM: '1001',
  BAD_PAGE_TOKEN: '1002',
  BUSY: '9999',
} as const;

// ---------------------------------------------------------------- resources

/** The list endpoints (also the tables behind them), the subject query's tag and the canonical kind. */
export const RESOURCES = [
  { name: 'ckq', tag: 'CKQ', kind: 'credential' }, // 采矿权 / 采矿许可证
  { name: 'dzzh', tag: 'DZZH', kind: 'hidden_danger' }, // 地质灾害隐患点
  { name: 'xzcf', tag: 'XZCF', kind: 'penalty' }, // 行政处罚
  { name: 'sxzt', tag: 'SXZT', kind: 'list_entry' }, // 严重失信主体
] as const satisfies readonly { name: string; tag: string; kind: RecordKind }[];
export type ResourceName = (typeof RESOURCES)[number]['name'];
export type ResourceTag = (typeof RESOURCES)[number]['tag'];
export const RESOURCE_BY_TAG = Object.fromEntries(RESOURCES.map((r) => [r.tag, r.name])) as Record<ResourceTag, ResourceName>;
export const KIND_OF = Object.fromEntries(RESOURCES.map((r) => [r.name, r.kind])) as Record<ResourceName, RecordKind>;

// ---------------------------------------------------------------- dictionaries (shared with the seeder)

/** 证书状态 LICENCE_STATUS: 1 正常, 2 过期, 3 暂扣（停产整顿）, 4 吊销. */
export const LICENCE_STATUS_BY_CODE: Readonly<Record<string, CredentialStatus>> = {
  '1': 'VALID',
  '2': 'EXPIRED',
  '3': 'SUSPENDED',
  '4': 'REVOKED',
};
/** 开采方式 MINING_METHOD. */
export const MINING_METHODS = ['露天开采', '地下开采', '露天/地下开采'] as const;
/** 灾害类型 HAZARD_TYPE (codes of the provincial 地质灾害 ledger). */
export const HAZARD_TYPE_BY_CODE: Readonly<Record<string, string>> = {
  '01': '滑坡',
  '02': '崩塌',
  '03': '泥石流',
  '04': '地面塌陷',
  '05': '地裂缝',
  '06': '地面沉降',
};
/** 险情等级 DANGER_SCALE → level: 特大型/大型 are major hazards. */
export const LEVEL_BY_DANGER_SCALE: Readonly<Record<string, HiddenDangerLevel>> = {
  特大型: 'MAJOR',
  大型: 'MAJOR',
  中型: 'GENERAL',
  小型: 'GENERAL',
};
/** 治理状态 GOVERN_STATUS. */
export const STATUS_BY_GOVERN: Readonly<Record<string, HiddenDangerStatus>> = { 未治理: 'OPEN', 治理中: 'RECTIFYING', 已销号: 'CLOSED' };
/** 发现方式 FOUND_WAY. */
export const FOUND_BY_WAY: Readonly<Record<string, FoundBy>> = {
  企业自查: 'SELF_INSPECTION',
  群测群防: 'LOCAL_REPORT',
  执法检查: 'ENFORCEMENT',
  上级督查: 'HIGHER_SUPERVISION',
  群众举报: 'PUBLIC_REPORT',
};

const invert = <V extends string>(t: Readonly<Record<string, V>>) =>
  Object.fromEntries(Object.entries(t).map(([k, v]) => [v, k])) as Record<V, string>;
export const CODE_BY_LICENCE_STATUS = invert(LICENCE_STATUS_BY_CODE);
export const CODE_BY_HAZARD_TYPE = Object.fromEntries(Object.entries(HAZARD_TYPE_BY_CODE).map(([k, v]) => [v, k])) as Record<
  string,
  string
>;
export const GOVERN_BY_STATUS = invert(STATUS_BY_GOVERN);
export const WAY_BY_FOUND_BY = invert(FOUND_BY_WAY);

/** Hazard description as the canonical record carries it, and back. */
export const hazardDescription = (type: string, name: string, threat: string | null): string =>
  `${type}隐患：${name}${threat ? `，威胁${threat}` : ''}`;
const DESCRIPTION = new RegExp(`^(${Object.values(HAZARD_TYPE_BY_CODE).join('|')})隐患：(.+?)(?:，威胁(.+))?$`);
export function parseHazardDescription(d: string): { type: string; name: string; threat: string | null } | null {
  const m = DESCRIPTION.exec(d);
  return m ? { type: m[1]!, name: m[2]!, threat: m[3] ?? null } : null;
}
/** Licence scope as the canonical record carries it ('开采方式，矿区范围'), and back. */
export const licenceScope = (method: string, area: string | null): string => (area ? `${method}，${area}` : method);
export function parseLicenceScope(scope: string): { method: string; area: string | null } | null {
  const i = scope.indexOf('，');
  const method = i < 0 ? scope : scope.slice(0, i);
  return (MINING_METHODS as readonly string[]).includes(method) ? { method, area: i < 0 ? null : scope.slice(i + 1) } : null;
}

// ---------------------------------------------------------------- dates and amounts

const CN_DATE = /^(\d{4})年(\d{1,2})月(\d{1,2})日$/;
const CN_PERIOD = /^(\d{4}年\d{1,2}月\d{1,2}日)至(\d{4}年\d{1,2}月\d{1,2}日)$/;

/** 'yyyy年M月d日' (zero-padded or not) → ISO date; null when not a real calendar date. */
export function fromChineseDate(s: string): string | null {
  const m = CN_DATE.exec(s);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  if (t.getUTCFullYear() !== y || t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d) return null;
  return t.toISOString().slice(0, 10);
}

/** ISO date → 'yyyy年MM月dd日', or without leading zeros ('2024年5月1日') as some rows have it. */
export function toChineseDate(iso: string, padded = true): string {
  const [y, m, d] = iso.split('-');
  const p = (s: string) => (padded ? s : String(Number(s)));
  return `${y}年${p(m!)}月${p(d!)}日`;
}

/** 万元 → yuan, to the fen (the wire's decimals are binary floats). */
export const yuanOfWan = (wan: number): number => Math.round(wan * 1_000_000) / 100;
export const wanOfYuan = (yuan: number): number => yuan / 10_000;

// ---------------------------------------------------------------- validation

const issue = (ctx: z.RefinementCtx, message: string) => ctx.addIssue({ code: 'custom', message });
const date = z.string().transform((s, ctx) => {
  const iso = fromChineseDate(s);
  if (!iso) {
    issue(ctx, `'${s}' is not a date yyyy年MM月dd日`);
    return z.NEVER;
  }
  return iso;
});
const optDate = z
  .union([z.null(), z.literal(''), date])
  .optional()
  .transform((v) => v || null);
const text = z.string().refine((s) => s.trim().length > 0, 'must not be empty');
const optText = z
  .string()
  .nullish()
  .transform((v) => (v === undefined || v === '' ? null : v));
const dictionary = <T extends string>(table: Readonly<Record<string, T>>, what: string) =>
  z.string().transform((k, ctx): T => {
    const v = table[k];
    if (v === undefined) {
      issue(ctx, `unknown ${what} ${JSON.stringify(k)}`);
      return z.NEVER;
    }
    return v;
  });
const period = z.string().transform((s, ctx) => {
  const m = CN_PERIOD.exec(s);
  const from = m ? fromChineseDate(m[1]!) : null;
  const to = m ? fromChineseDate(m[2]!) : null;
  if (!from || !to || to < from) {
    issue(ctx, `'${s}' is not a period yyyy年MM月dd日至yyyy年MM月dd日`);
    return z.NEVER;
  }
  return { from, to };
});
const wan = z.number().nonnegative('a fine is not negative');

const base = {
  RECORD_ID: z.string().min(1),
  MODIFY_TIME: z.number().int(),
  USCC: creditCode.nullish(),
  ORG_CODE: orgCode.nullish(),
  UNIT_NAME: z.string().nullish(),
};

/** The reference exactly as the system had it: only the keys it carried. */
function toRef(w: { USCC?: string | null; ORG_CODE?: string | null; UNIT_NAME?: string | null }, ctx: z.RefinementCtx): EnterpriseRef {
  const ref: EnterpriseRef = {};
  if (w.USCC) ref.creditCode = w.USCC;
  if (w.ORG_CODE) ref.orgCode = w.ORG_CODE;
  if (w.UNIT_NAME) ref.name = w.UNIT_NAME;
  if (!ref.creditCode && !ref.orgCode && !ref.name) issue(ctx, 'record names no enterprise (no USCC, ORG_CODE or UNIT_NAME)');
  return ref;
}

// ---------------------------------------------------------------- wire → canonical

const licenceSchema = z
  .object({
    ...base,
    LICENCE_NO: text,
    MINE_NAME: optText,
    MINERAL: text,
    MINING_METHOD: z.enum(MINING_METHODS, { error: (iss) => `unknown mining method ${JSON.stringify(iss.input)}` }),
    SCALE: optText,
    MINE_AREA: optText,
    VALID_PERIOD: period,
    LICENCE_STATUS: dictionary(LICENCE_STATUS_BY_CODE, 'licence status code'),
  })
  .transform((w, ctx): CredentialRecord => ({
    kind: 'credential',
    credentialKind: 'MINING_LICENCE',
    number: w.LICENCE_NO,
    enterprise: toRef(w, ctx),
    category: w.MINERAL,
    grade: w.SCALE,
    scope: licenceScope(w.MINING_METHOD, w.MINE_AREA),
    issuerDepartment: 'NATURAL_RESOURCES',
    validFrom: w.VALID_PERIOD.from,
    validTo: w.VALID_PERIOD.to,
    status: w.LICENCE_STATUS,
  }));

const hazardSchema = z
  .object({
    ...base,
    HAZARD_NAME: text,
    HAZARD_TYPE: dictionary(HAZARD_TYPE_BY_CODE, 'hazard type code'),
    DANGER_SCALE: dictionary(LEVEL_BY_DANGER_SCALE, 'danger scale'),
    THREAT: optText,
    FIND_DATE: date,
    GOVERN_DEADLINE: date,
    GOVERN_STATUS: dictionary(STATUS_BY_GOVERN, 'governance status'),
    DONE_DATE: optDate,
    FOUND_WAY: dictionary(FOUND_BY_WAY, 'way found'),
  })
  .transform((w, ctx): HiddenDangerRecord => ({
    kind: 'hidden_danger',
    enterprise: toRef(w, ctx),
    level: w.DANGER_SCALE,
    description: hazardDescription(w.HAZARD_TYPE, w.HAZARD_NAME, w.THREAT),
    foundDate: w.FIND_DATE,
    deadline: w.GOVERN_DEADLINE,
    foundBy: w.FOUND_WAY,
    status: w.GOVERN_STATUS,
    closedDate: w.DONE_DATE,
  }));

const penaltySchema = z
  .object({
    ...base,
    DECISION_NO: text,
    DECISION_DATE: date,
    PENALTY_CONTENT: text,
    ILLEGAL_FACT: text,
    LEGAL_BASIS: optText,
    FINE_WAN: wan.nullish().transform((v) => (v == null ? null : yuanOfWan(v))),
  })
  .transform((w, ctx): PenaltyRecord => ({
    kind: 'penalty',
    enterprise: toRef(w, ctx),
    decisionNumber: w.DECISION_NO,
    decisionDate: w.DECISION_DATE,
    penaltyType: w.PENALTY_CONTENT,
    reason: w.ILLEGAL_FACT,
    legalBasis: w.LEGAL_BASIS,
    amount: w.FINE_WAN,
  }));

const listSchema = z
  .object({ ...base, DECISION_NO: text, LIST_REASON: text, LIST_BASIS: text, LIST_DATE: date, VALID_UNTIL: optDate, REMOVE_DATE: optDate })
  .transform((w, ctx): ListEntryRecord => ({
    kind: 'list_entry',
    list: 'NATURAL_RESOURCES_DISHONEST',
    subjectType: 'ENTERPRISE',
    enterprise: toRef(w, ctx),
    reason: w.LIST_REASON,
    legalBasis: w.LIST_BASIS,
    decisionNumber: w.DECISION_NO,
    startDate: w.LIST_DATE,
    endDate: w.VALID_UNTIL,
    removedDate: w.REMOVE_DATE,
  }));

const SCHEMAS: Record<ResourceName, z.ZodType<CanonicalRecord>> = {
  ckq: licenceSchema,
  dzzh: hazardSchema,
  xzcf: penaltySchema,
  sxzt: listSchema,
};

/** One wire record → one envelope: the canonical record, or why it could not be read (raw kept). */
export function toEnvelope(resource: ResourceName, raw: unknown, index: number): SourceEnvelope {
  const obj = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const id = typeof obj.RECORD_ID === 'string' && obj.RECORD_ID ? obj.RECORD_ID : `${resource}#unidentified-${index}`;
  const updatedAt = Number.isSafeInteger(obj.MODIFY_TIME) ? new Date(obj.MODIFY_TIME as number).toISOString() : undefined;
  const kind = KIND_OF[resource];
  const parsed = SCHEMAS[resource].safeParse(raw);
  if (parsed.success) return { sourceRecordId: id, kind, raw, record: parsed.data, updatedAt };
  const why = parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
  return { sourceRecordId: id, kind, raw, error: why, updatedAt };
}
