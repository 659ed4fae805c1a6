/**
 * 交通运输信用信息共享平台 wire records and their mapping to canonical records.
 *
 * Wire conventions (faithful to the platform, different from every other department):
 * - every answer is an envelope `{code, msg, data}` with HTTP 200, errors included: code 0 = success,
 *   40101 = apikey无效, 400xx = 参数错误, 5xxxx = 系统繁忙; lists answer `data: {records, total}`.
 * - business fields are pinyin initials (dictionary below); the protocol fields are `id` and `updateTime`.
 * - calendar dates 'yyyy-MM-dd'; instants 'yyyy-MM-dd HH:mm:ss' in Beijing time (UTC+8, no zone, whole
 *   seconds); amounts in yuan (元); vehicle and violation kinds as numeric codes; statuses as Chinese labels.
 *
 * Field dictionary (字段字典):
 *   tyshxydm 统一社会信用代码 · zzjgdm 组织机构代码 · yhmc 业户名称 (the enterprise reference; older rows
 *   carry only zzjgdm or only yhmc)
 *   licences  许可证号 xkzh · 经营许可类别 jyxklb · 经营等级 jydj · 经营范围 jyfw · 有效期起 yxqq · 有效期止 yxqz · 证照状态 zzzt
 *   vehicles  车牌号码 cphm · 车辆类型 cllx · 道路运输证号 dlyszh · 道路运输证有效期止 dlyszyxqz · 动态监控在线 jkzx (1/0)
 *   violations 车牌号码 cphm · 违法时间 wfsj · 违法类型 wflx · 违法地点 wfdd · 罚款金额(元) fkje
 *   penalties 处罚决定书文号 cfjdswh · 处罚决定日期 cfjdrq · 处罚类别 cflb · 处罚事由 cfsy · 处罚依据 cfyj · 罚款金额(元) fkje
 *   dishonest 认定文书号 rdwsh · 列入事由 lrsy · 列入依据 lryj · 列入日期 lrrq · 截止日期 jzrq · 移出日期 ycrq
 *   batch     资源类型 zylx (XKZ 许可证 / CL 车辆 / WF 违法 / CF 处罚 / SXMD 失信名单) tags each record
 *
 * Validation is strict on codes, dates and dictionaries: a record that cannot be trusted becomes an error
 * envelope (never a throw, never dropped).
 */
import { z } from 'zod';
import type {
  CanonicalRecord,
  CredentialRecord,
  CredentialStatus,
  EnterpriseRef,
  ListEntryRecord,
  PenaltyRecord,
  RecordKind,
  TransportViolationRecord,
  VehicleKind,
  VehicleRecord,
  ViolationKind,
} from '../../src/domain/canonical.js';
import { creditCodeField as creditCode, orgCodeField as orgCode } from '../kit/identifiers.js';
import type { SourceEnvelope } from '../types.js';

// ---------------------------------------------------------------- protocol

export const API_BASE = '/openapi/credit/v1';
export const MAX_PAGE_SIZE = 200;
export const MAX_BATCH_CODES = 50;

/** Envelope codes the platform answers (always with HTTP 200). */
export const CODE = {
  OK: 0,
  BAD_PARAM: 40001,
  BAD_APIKEY: 40101,
  BUSY: 50001,
} as const;

// ---------------------------------------------------------------- dictionaries (shared with the seeder)

/** 车辆类型 cllx (两客一危一货): 11 班线客车, 12 旅游包车, 21 危险货物运输车, 31 重型载货汽车. */
export const VEHICLE_KIND_BY_CODE: Readonly<Record<number, VehicleKind>> = {
  11: 'PASSENGER_COACH',
  12: 'TOURIST_COACH',
  21: 'DANGEROUS_GOODS',
  31: 'HEAVY_FREIGHT',
};
/** 违法类型 wflx (三超一疲劳): 1 超速, 2 超载, 3 超限, 4 疲劳驾驶. */
export const VIOLATION_KIND_BY_CODE: Readonly<Record<number, ViolationKind>> = {
  1: 'OVERSPEED',
  2: 'OVERLOAD',
  3: 'OVER_LIMIT',
  4: 'FATIGUE',
};
/** 证照状态 zzzt. */
export const LICENCE_STATUS_BY_LABEL: Readonly<Record<string, CredentialStatus>> = {
  有效: 'VALID',
  过期: 'EXPIRED',
  暂扣: 'SUSPENDED',
  吊销: 'REVOKED',
};

const invert = <K extends string | number, V extends string>(t: Readonly<Record<K, V>>, asNumber: boolean) =>
  Object.fromEntries(Object.entries(t).map(([k, v]) => [v, asNumber ? Number(k) : k])) as Record<V, K>;
export const CODE_BY_VEHICLE_KIND = invert(VEHICLE_KIND_BY_CODE, true) as Record<VehicleKind, number>;
export const CODE_BY_VIOLATION_KIND = invert(VIOLATION_KIND_BY_CODE, true) as Record<ViolationKind, number>;
export const LABEL_BY_LICENCE_STATUS = invert(LICENCE_STATUS_BY_LABEL, false) as Record<CredentialStatus, string>;

// ---------------------------------------------------------------- Beijing time (UTC+8, no daylight saving since 1991)

const BEIJING_OFFSET_MS = 8 * 3600_000;
const LOCAL_INSTANT = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/** ISO instant → 'yyyy-MM-dd HH:mm:ss' Beijing time (sub-second part dropped, as the platform stores it). */
export function toBeijingLocal(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`'${iso}' is not an ISO instant`);
  return new Date(ms + BEIJING_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

/** 'yyyy-MM-dd HH:mm:ss' Beijing time → ISO instant (UTC, `toISOString` form); null when not a real time. */
export function fromBeijingLocal(local: string): string | null {
  const m = LOCAL_INSTANT.exec(local);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const t = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return null;
  return new Date(t - BEIJING_OFFSET_MS).toISOString();
}

// ---------------------------------------------------------------- resources

/** The list endpoints, the table behind each, its batch tag and the canonical kind it carries. */
export const RESOURCES = [
  { name: 'licences', tag: 'XKZ', kind: 'credential' },
  { name: 'vehicles', tag: 'CL', kind: 'vehicle' },
  { name: 'violations', tag: 'WF', kind: 'transport_violation' },
  { name: 'penalties', tag: 'CF', kind: 'penalty' },
  { name: 'dishonest', tag: 'SXMD', kind: 'list_entry' },
] as const satisfies readonly { name: string; tag: string; kind: RecordKind }[];
export type ResourceName = (typeof RESOURCES)[number]['name'];
export type ResourceTag = (typeof RESOURCES)[number]['tag'];
export const RESOURCE_BY_TAG = Object.fromEntries(RESOURCES.map((r) => [r.tag, r.name])) as Record<ResourceTag, ResourceName>;

export interface WireRef {
  tyshxydm: string | null;
  zzjgdm: string | null;
  yhmc: string | null;
}
interface WireBase extends WireRef {
  id: string;
  /** 'yyyy-MM-dd HH:mm:ss' Beijing time */
  updateTime: string;
}
export interface WireLicence extends WireBase {
  xkzh: string | null;
  jyxklb: string | null;
  jydj: string | null;
  jyfw: string | null;
  yxqq: string | null;
  yxqz: string | null;
  zzzt: string | null;
}
export interface WireVehicle extends WireBase {
  cphm: string | null;
  cllx: number | null;
  dlyszh: string | null;
  dlyszyxqz: string | null;
  jkzx: number | null;
}
export interface WireViolation extends WireBase {
  cphm: string | null;
  wfsj: string | null;
  wflx: number | null;
  wfdd: string | null;
  fkje: number | null;
}
export interface WirePenalty extends WireBase {
  cfjdswh: string | null;
  cfjdrq: string | null;
  cflb: string | null;
  cfsy: string | null;
  cfyj: string | null;
  fkje: number | null;
}
export interface WireDishonest extends WireBase {
  rdwsh: string | null;
  lrsy: string | null;
  lryj: string | null;
  lrrq: string | null;
  jzrq: string | null;
  ycrq: string | null;
}

// ---------------------------------------------------------------- validation helpers

const isRealDate = (s: string): boolean => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
};
const date = z.string().refine(isRealDate, { error: (iss) => `'${String(iss.input)}' is not a calendar date yyyy-MM-dd` });
const optDate = date.nullish().transform((v) => v ?? null);
const instant = z.string().transform((s, ctx) => {
  const iso = fromBeijingLocal(s);
  if (!iso) {
    ctx.addIssue({ code: 'custom', message: `'${s}' is not a time yyyy-MM-dd HH:mm:ss` });
    return z.NEVER;
  }
  return iso;
});
const text = z.string().refine((s) => s.trim().length > 0, 'must not be empty');
const optText = z
  .string()
  .nullish()
  .transform((v) => (v === undefined || v === '' ? null : v));
const yuan = z.number().nonnegative(); // zod 4 numbers refuse ±Infinity and NaN themselves
const optYuan = yuan.nullish().transform((v) => v ?? null);
const dictionary = <K extends string | number, T extends string>(table: Readonly<Record<K, T>>, what: string, schema: z.ZodType<K>) =>
  schema.transform((k, ctx): T => {
    const v: T | undefined = table[k];
    if (v === undefined) {
      ctx.addIssue({ code: 'custom', message: `unknown ${what} ${JSON.stringify(k)}` });
      return z.NEVER;
    }
    return v;
  });
/** 车牌号码: province character, issuing-office letter, 4-6 letters/digits, optional 挂/学… suffix. */
const plate = z.string().regex(/^[\u4e00-\u9fa5][A-Z][0-9A-Z]{4,6}[\u4e00-\u9fa5]?$/, 'not a plate number like 鄂A12345');

const base = {
  id: z.string().min(1),
  updateTime: z.string(),
  tyshxydm: creditCode.nullish(),
  zzjgdm: orgCode.nullish(),
  yhmc: z.string().nullish(),
};
/** The reference exactly as the platform had it: only the keys it carried. */
function toRef(w: { tyshxydm?: string | null; zzjgdm?: string | null; yhmc?: string | null }, ctx: z.RefinementCtx): EnterpriseRef {
  const ref: EnterpriseRef = {};
  if (w.tyshxydm) ref.creditCode = w.tyshxydm;
  if (w.zzjgdm) ref.orgCode = w.zzjgdm;
  if (w.yhmc) ref.name = w.yhmc;
  if (!ref.creditCode && !ref.orgCode && !ref.name) {
    ctx.addIssue({ code: 'custom', message: 'record names no enterprise (no tyshxydm, zzjgdm or yhmc)' });
  }
  return ref;
}

// ---------------------------------------------------------------- wire → canonical

const licenceSchema = z
  .object({
    ...base,
    xkzh: text,
    jyxklb: text,
    jydj: optText,
    jyfw: optText,
    yxqq: optDate,
    yxqz: optDate,
    zzzt: dictionary(LICENCE_STATUS_BY_LABEL, 'licence status (zzzt)', z.string()),
  })
  .transform((w, ctx): CredentialRecord => ({
    kind: 'credential',
    credentialKind: 'ROAD_TRANSPORT_LICENCE',
    number: w.xkzh,
    enterprise: toRef(w, ctx),
    category: w.jyxklb,
    grade: w.jydj,
    scope: w.jyfw,
    issuerDepartment: 'TRANSPORT',
    validFrom: w.yxqq,
    validTo: w.yxqz,
    status: w.zzzt,
  }));

const vehicleSchema = z
  .object({
    ...base,
    cphm: plate,
    cllx: dictionary(VEHICLE_KIND_BY_CODE, 'vehicle type code (cllx)', z.number().int()),
    dlyszh: text,
    dlyszyxqz: optDate,
    jkzx: z.literal([0, 1], { error: 'monitoring flag (jkzx) is 1 or 0' }),
  })
  .transform((w, ctx): VehicleRecord => ({
    kind: 'vehicle',
    enterprise: toRef(w, ctx),
    plateNumber: w.cphm,
    vehicleKind: w.cllx,
    operatingCertificate: w.dlyszh,
    certificateValidTo: w.dlyszyxqz,
    monitoringOnline: w.jkzx === 1,
  }));

const violationSchema = z
  .object({
    ...base,
    cphm: plate,
    wfsj: instant,
    wflx: dictionary(VIOLATION_KIND_BY_CODE, 'violation type code (wflx)', z.number().int()),
    wfdd: optText,
    fkje: optYuan,
  })
  .transform((w, ctx): TransportViolationRecord => ({
    kind: 'transport_violation',
    enterprise: toRef(w, ctx),
    plateNumber: w.cphm,
    occurredAt: w.wfsj,
    violationKind: w.wflx,
    location: w.wfdd,
    fine: w.fkje,
  }));

const penaltySchema = z
  .object({ ...base, cfjdswh: text, cfjdrq: date, cflb: text, cfsy: text, cfyj: optText, fkje: optYuan })
  .transform((w, ctx): PenaltyRecord => ({
    kind: 'penalty',
    enterprise: toRef(w, ctx),
    decisionNumber: w.cfjdswh,
    decisionDate: w.cfjdrq,
    penaltyType: w.cflb,
    reason: w.cfsy,
    legalBasis: w.cfyj,
    amount: w.fkje,
  }));

const dishonestSchema = z
  .object({ ...base, rdwsh: text, lrsy: text, lryj: text, lrrq: date, jzrq: optDate, ycrq: optDate })
  .transform((w, ctx): ListEntryRecord => ({
    kind: 'list_entry',
    list: 'TRANSPORT_DISHONEST',
    subjectType: 'ENTERPRISE',
    enterprise: toRef(w, ctx),
    reason: w.lrsy,
    legalBasis: w.lryj,
    decisionNumber: w.rdwsh,
    startDate: w.lrrq,
    endDate: w.jzrq,
    removedDate: w.ycrq,
  }));

const SCHEMAS: Record<ResourceName, z.ZodType<CanonicalRecord>> = {
  licences: licenceSchema,
  vehicles: vehicleSchema,
  violations: violationSchema,
  penalties: penaltySchema,
  dishonest: dishonestSchema,
};
export const KIND_OF = Object.fromEntries(RESOURCES.map((r) => [r.name, r.kind])) as Record<ResourceName, RecordKind>;

/** One wire record → one envelope: the canonical record, or why it could not be read (raw kept). */
export function toEnvelope(resource: ResourceName, raw: unknown, index: number): SourceEnvelope {
  const obj = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const id = typeof obj.id === 'string' && obj.id ? obj.id : `${resource}#unidentified-${index}`;
  const updatedAt = typeof obj.updateTime === 'string' ? (fromBeijingLocal(obj.updateTime) ?? undefined) : undefined;
  const kind = KIND_OF[resource];
  const parsed = SCHEMAS[resource].safeParse(raw);
  if (parsed.success) return { sourceRecordId: id, kind, raw, record: parsed.data, updatedAt };
  const why = parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
  return { sourceRecordId: id, kind, raw, error: why, updatedAt };
}
