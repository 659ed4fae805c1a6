/**
 * 市场监管 wire records (REST/JSON, camelCase, dates 'YYYY-MM-DD', money in 万元, Chinese labels)
 * and their mapping to canonical records. Validation is strict on codes and enums: a record that
 * cannot be trusted becomes an error envelope (never a throw, never dropped).
 */
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import type {
  EnterpriseRecord,
  EnterpriseRef,
  EnterpriseStatus,
  ListEntryRecord,
  ListKind,
  PenaltyRecord,
  PersonRecord,
  PersonRole,
  RecordKind,
  RoleRecord,
  CanonicalRecord,
} from '../../src/domain/canonical.js';
import { checkCreditCode, orgCodeOfCreditCode } from '../../src/domain/codes.js';
import { creditCodeField as creditCode, idNumberField as idNumber, orgCodeField as orgCodeRef } from '../kit/identifiers.js';
import type { SourceEnvelope } from '../types.js';

// ---------------------------------------------------------------- protocol

export const MAX_PAGE_SIZE = 500;
export const MAX_BATCH_CODES = 100;

/** X-Signature: hex HMAC-SHA256(secret, `${METHOD}\n${path}\n${timestamp}`), path without the query. */
export function sign(secret: string, method: string, path: string, timestamp: string): string {
  return createHmac('sha256', secret).update(`${method.toUpperCase()}\n${path}\n${timestamp}`).digest('hex');
}

// ---------------------------------------------------------------- labels (shared with the seeder)

/** 登记状态: 存续 and 在业 both mean the enterprise is alive. */
export const STATUS_BY_LABEL: Readonly<Record<string, EnterpriseStatus>> = {
  存续: 'ACTIVE',
  在业: 'ACTIVE',
  吊销: 'REVOKED',
  注销: 'CANCELLED',
};
export const LABEL_BY_STATUS: Readonly<Record<EnterpriseStatus, string>> = { ACTIVE: '存续', REVOKED: '吊销', CANCELLED: '注销' };

/** The two lists 市场监管 keeps. */
export const LIST_BY_LABEL: Readonly<Record<string, ListKind>> = {
  严重违法失信名单: 'SERIOUS_ILLEGAL_DISHONEST',
  经营异常名录: 'ABNORMAL_OPERATION',
};
export const LABEL_BY_LIST: Readonly<Partial<Record<ListKind, string>>> = {
  SERIOUS_ILLEGAL_DISHONEST: '严重违法失信名单',
  ABNORMAL_OPERATION: '经营异常名录',
};

/** 主要人员 职务 (registration keeps the legal representative; other labels kept for completeness). */
export const ROLE_BY_LABEL: Readonly<Record<string, PersonRole>> = {
  法定代表人: 'LEGAL_REPRESENTATIVE',
  主要负责人: 'PRINCIPAL',
  实际控制人: 'ACTUAL_CONTROLLER',
  安全总监: 'SAFETY_DIRECTOR',
  安全管理人员: 'SAFETY_MANAGER',
  项目经理: 'PROJECT_MANAGER',
  注册安全工程师: 'REGISTERED_SAFETY_ENGINEER',
  特种作业人员: 'SPECIAL_OPERATOR',
};
export const LABEL_BY_ROLE = Object.fromEntries(Object.entries(ROLE_BY_LABEL).map(([l, r]) => [r, l])) as Record<PersonRole, string>;

export const SUBJECT_BY_LABEL: Readonly<Record<string, 'ENTERPRISE' | 'PERSON'>> = { 企业: 'ENTERPRISE', 自然人: 'PERSON' };
export const LABEL_BY_SUBJECT = { ENTERPRISE: '企业', PERSON: '自然人' } as const;

// ---------------------------------------------------------------- wire shapes

/** The endpoints and the canonical kind each one carries. */
export const ENDPOINTS = [
  { name: 'enterprises', path: '/api/v2/enterprises', kind: 'enterprise' },
  { name: 'persons', path: '/api/v2/persons', kind: 'person' },
  { name: 'keyPersons', path: '/api/v2/key-persons', kind: 'role' },
  { name: 'penalties', path: '/api/v2/penalties', kind: 'penalty' },
  { name: 'creditLists', path: '/api/v2/credit-lists', kind: 'list_entry' },
] as const satisfies readonly { name: string; path: string; kind: RecordKind }[];
export type EndpointName = (typeof ENDPOINTS)[number]['name'];

export interface WireRef {
  creditCode?: string | null;
  orgCode?: string | null;
  entName?: string | null;
}
export interface WireEnterprise {
  id: string;
  creditCode: string | null;
  orgCode: string | null;
  regNo: string | null;
  entName: string | null;
  entType: string | null;
  regStatus: string | null;
  legalRepName: string | null;
  regionCode: string | null;
  industryCode: string | null;
  /** 注册资本 万元 */
  regCapital: number | null;
  establishDate: string | null;
  address: string | null;
  businessScope: string | null;
  updatedAt: string;
}
export interface WirePerson {
  id: string;
  certNo: string | null;
  name: string | null;
  mobile: string | null;
  updatedAt: string;
}
export interface WireKeyPerson extends WireRef {
  id: string;
  name: string | null;
  certNo: string | null;
  position: string | null;
  startDate: string | null;
  endDate: string | null;
  updatedAt: string;
}
export interface WirePenalty extends WireRef {
  id: string;
  decisionNo: string | null;
  decisionDate: string | null;
  penaltyType: string | null;
  illegalFact: string | null;
  legalBasis: string | null;
  /** 罚没金额 万元 */
  fineAmount: number | null;
  updatedAt: string;
}
export interface WireCreditListEntry extends WireRef {
  id: string;
  listType: string | null;
  subjectType: string | null;
  certNo: string | null;
  personName: string | null;
  /** 列入原因 */
  inclusionReason: string | null;
  legalBasis: string | null;
  /** 决定文号 */
  decisionNo: string | null;
  /** 列入日期 */
  inclusionDate: string | null;
  expiryDate: string | null;
  /** 移出日期 */
  removalDate: string | null;
  updatedAt: string;
}

/** POST /api/v2/enterprises/batch answer: everything about the asked codes. */
export interface WireBatchAnswer {
  enterprises: unknown[];
  persons: unknown[];
  keyPersons: unknown[];
  penalties: unknown[];
  creditLists: unknown[];
  notFound: string[];
}

// ---------------------------------------------------------------- validation helpers

const isRealDate = (s: string): boolean => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
};
const date = z.string().refine(isRealDate, { error: (iss) => `'${String(iss.input)}' is not a calendar date YYYY-MM-DD` });
const optDate = date.nullish().transform((v) => v ?? null);
const text = z.string().refine((s) => s.trim().length > 0, 'must not be empty');
const optText = z
  .string()
  .nullish()
  .transform((v) => (v === undefined || v === '' ? null : v));
const label = <T extends string>(table: Readonly<Record<string, T>>, what: string) =>
  z.string().transform((s, ctx) => {
    const v = table[s];
    if (!v) {
      ctx.addIssue({ code: 'custom', message: `unknown ${what} label '${s}'` });
      return z.NEVER;
    }
    return v;
  });
/** 万元 → yuan, rounded to the fen so float noise never leaks into the record. */
const wanToYuan = (w: number): number => Math.round(w * 1_000_000) / 100;

const refShape = {
  creditCode: creditCode.nullish(),
  orgCode: orgCodeRef.nullish(),
  entName: z.string().nullish(),
};
/** The reference exactly as the source had it: only the keys it carried. */
function toRef(w: { creditCode?: string | null; orgCode?: string | null; entName?: string | null }, ctx: z.RefinementCtx): EnterpriseRef {
  const ref: EnterpriseRef = {};
  if (w.creditCode) ref.creditCode = w.creditCode;
  if (w.orgCode) ref.orgCode = w.orgCode;
  if (w.entName) ref.name = w.entName;
  if (!ref.creditCode && !ref.orgCode && !ref.name) {
    ctx.addIssue({ code: 'custom', message: 'record names no enterprise (no creditCode, orgCode or entName)' });
  }
  return ref;
}

const base = { id: z.string().min(1), updatedAt: z.string() };

// ---------------------------------------------------------------- wire → canonical

const enterpriseSchema = z
  .object({
    ...base,
    creditCode,
    orgCode: z
      .string()
      .regex(/^[0-9A-Z]{8}[0-9X]$/, 'malformed organisation code')
      .nullish(),
    entName: text,
    entType: text,
    regStatus: label(STATUS_BY_LABEL, 'registration status'),
    legalRepName: text,
    regionCode: z.string().regex(/^\d{6}$/, 'region code is 6 digits'),
    industryCode: z.string().regex(/^[A-T]\d{0,4}$/, 'industry code is GB/T 4754 (letter + up to 4 digits)'),
    regCapital: z.number().nonnegative(),
    establishDate: date,
    address: optText,
    businessScope: optText,
  })
  .transform((w): EnterpriseRecord => {
    const rec: EnterpriseRecord = {
      kind: 'enterprise',
      creditCode: w.creditCode,
      orgCode: w.orgCode ?? orgCodeOfCreditCode(w.creditCode),
      name: w.entName,
      type: w.entType,
      status: w.regStatus,
      legalRepresentative: w.legalRepName,
      divisionCode: w.regionCode,
      industryCode: w.industryCode,
      registeredCapital: w.regCapital,
      establishedDate: w.establishDate,
      address: w.address,
      businessScope: w.businessScope,
    };
    if (!checkCreditCode(w.creditCode).ok) rec.creditCodeChecksumFailed = true;
    return rec;
  });

const personSchema = z
  .object({ ...base, certNo: idNumber, name: text, mobile: optText })
  .transform((w): PersonRecord => ({ kind: 'person', idNumber: w.certNo, name: w.name, phone: w.mobile }));

const keyPersonSchema = z
  .object({
    ...base,
    ...refShape,
    name: text,
    certNo: idNumber,
    position: label(ROLE_BY_LABEL, 'position'),
    startDate: optDate,
    endDate: optDate,
  })
  .transform((w, ctx): RoleRecord => ({
    kind: 'role',
    enterprise: toRef(w, ctx),
    idNumber: w.certNo,
    personName: w.name,
    role: w.position,
    since: w.startDate,
    until: w.endDate,
  }));

const penaltySchema = z
  .object({
    ...base,
    ...refShape,
    decisionNo: text,
    decisionDate: date,
    penaltyType: text,
    illegalFact: text,
    legalBasis: optText,
    fineAmount: z.number().nonnegative().nullish(),
  })
  .transform((w, ctx): PenaltyRecord => ({
    kind: 'penalty',
    enterprise: toRef(w, ctx),
    decisionNumber: w.decisionNo,
    decisionDate: w.decisionDate,
    penaltyType: w.penaltyType,
    reason: w.illegalFact,
    legalBasis: w.legalBasis,
    amount: w.fineAmount == null ? null : wanToYuan(w.fineAmount),
  }));

const creditListSchema = z
  .object({
    ...base,
    ...refShape,
    listType: label(LIST_BY_LABEL, 'list'),
    subjectType: label(SUBJECT_BY_LABEL, 'subject type').nullish(),
    certNo: idNumber.nullish(),
    personName: z.string().nullish(),
    inclusionReason: text,
    legalBasis: text,
    decisionNo: text,
    inclusionDate: date,
    expiryDate: optDate,
    removalDate: optDate,
  })
  .transform((w, ctx): ListEntryRecord => {
    const subjectType = w.subjectType ?? 'ENTERPRISE';
    const rec: ListEntryRecord = {
      kind: 'list_entry',
      list: w.listType,
      subjectType,
      reason: w.inclusionReason,
      legalBasis: w.legalBasis,
      decisionNumber: w.decisionNo,
      startDate: w.inclusionDate,
      endDate: w.expiryDate,
      removedDate: w.removalDate,
    };
    if (subjectType === 'ENTERPRISE') rec.enterprise = toRef(w, ctx);
    else {
      if (!w.certNo) ctx.addIssue({ code: 'custom', message: 'a person entry needs certNo' });
      rec.idNumber = w.certNo ?? null;
      rec.personName = w.personName ?? null;
      if (w.creditCode || w.orgCode || w.entName) rec.enterprise = toRef(w, ctx);
    }
    return rec;
  });

const SCHEMAS: Record<EndpointName, z.ZodType<CanonicalRecord>> = {
  enterprises: enterpriseSchema,
  persons: personSchema,
  keyPersons: keyPersonSchema,
  penalties: penaltySchema,
  creditLists: creditListSchema,
};

export const KIND_OF: Record<EndpointName, RecordKind> = Object.fromEntries(ENDPOINTS.map((e) => [e.name, e.kind])) as Record<
  EndpointName,
  RecordKind
>;

/** One wire record → one envelope: the canonical record, or why it could not be read (raw kept). */
export function toEnvelope(endpoint: EndpointName, raw: unknown, index: number): SourceEnvelope {
  const obj = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const id = typeof obj.id === 'string' && obj.id ? obj.id : `${endpoint}#unidentified-${index}`;
  const updatedAt = typeof obj.updatedAt === 'string' ? obj.updatedAt : undefined;
  const kind = KIND_OF[endpoint];
  const parsed = SCHEMAS[endpoint].safeParse(raw);
  if (parsed.success) return { sourceRecordId: id, kind, raw, record: parsed.data, updatedAt };
  const why = parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
  return { sourceRecordId: id, kind, raw, error: why, updatedAt };
}
