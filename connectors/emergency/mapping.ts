/**
 * 应急管理 wire records (REST/JSON, snake_case, dates 'yyyyMMdd', instants 'yyyyMMddHHmmss' in
 * Asia/Shanghai, Chinese enum labels) and their mapping to canonical records. A record that cannot be
 * trusted becomes an error envelope naming the field and reason (never a throw, never dropped).
 */
import { z } from 'zod';
import type {
  AccidentLevel,
  AccidentRecord,
  CanonicalRecord,
  CredentialKind,
  CredentialRecord,
  CredentialStatus,
  EnterpriseRef,
  FoundBy,
  HiddenDangerLevel,
  HiddenDangerRecord,
  HiddenDangerStatus,
  InsurancePolicyRecord,
  ListEntryRecord,
  ListKind,
  PenaltyRecord,
  PersonRecord,
  PersonRole,
  RecordKind,
  RoleRecord,
} from '../../src/domain/canonical.js';
import { creditCodeField as creditCode, idNumberField as idNumber, orgCodeField as orgCode } from '../kit/identifiers.js';
import type { SourceEnvelope } from '../types.js';

// ---------------------------------------------------------------- protocol

export const MAX_PAGE_SIZE = 500;
export const MAX_BATCH_CODES = 100;

/** The list endpoints, in the order changesSince walks them, and the canonical kind each carries. */
export const RESOURCES = [
  { name: 'personnel', path: '/api/v1/personnel', kind: 'person' },
  { name: 'enterprise_licences', path: '/api/v1/enterprise-licences', kind: 'credential' },
  { name: 'personnel_certificates', path: '/api/v1/personnel-certificates', kind: 'credential' },
  { name: 'safety_staff', path: '/api/v1/safety-staff', kind: 'role' },
  { name: 'hidden_dangers', path: '/api/v1/hidden-dangers', kind: 'hidden_danger' },
  { name: 'penalties', path: '/api/v1/penalties', kind: 'penalty' },
  { name: 'accidents', path: '/api/v1/accidents', kind: 'accident' },
  { name: 'punishment_lists', path: '/api/v1/punishment-lists', kind: 'list_entry' },
  { name: 'liability_insurances', path: '/api/v1/liability-insurances', kind: 'insurance_policy' },
] as const satisfies readonly { name: string; path: string; kind: RecordKind }[];
export type ResourceName = (typeof RESOURCES)[number]['name'];
export const RESOURCE_NAMES: readonly ResourceName[] = RESOURCES.map((r) => r.name);

// ---------------------------------------------------------------- dates and instants

/** 'YYYY-MM-DD' → 'yyyyMMdd' (the system's own date form). */
export const toWireDate = (iso: string | null | undefined): string | null => (iso == null ? null : iso.replaceAll('-', ''));

const SHANGHAI_OFFSET_MS = 8 * 3600_000; // China has kept UTC+8 without daylight saving since 1991
/** 'yyyyMMddHHmmss' (Asia/Shanghai) → ISO instant in UTC, or null when it is not one. */
export function fromWireInstant(s: unknown): string | null {
  if (typeof s !== 'string') return null;
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(s);
  if (!m) return null;
  const [y, mo, d, h, mi, se] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, se) - SHANGHAI_OFFSET_MS;
  const back = new Date(ms + SHANGHAI_OFFSET_MS);
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || se > 59) return null;
  return new Date(ms).toISOString();
}
/** ISO instant → 'yyyyMMddHHmmss' (Asia/Shanghai). */
export function toWireInstant(iso: string | Date): string {
  const t = new Date(new Date(iso).getTime() + SHANGHAI_OFFSET_MS).toISOString();
  return t.slice(0, 19).replace(/[-T:]/g, '');
}

// ---------------------------------------------------------------- labels (shared with the seeder)

const invert = <K extends string, V extends string>(t: Readonly<Record<K, V>>): Record<V, K> =>
  Object.fromEntries(Object.entries(t).map(([k, v]) => [v, k])) as Record<V, K>;

export const LICENCE_BY_LABEL = {
  安全生产许可证: 'SAFETY_PRODUCTION_LICENCE',
  危险化学品经营许可证: 'HAZCHEM_OPERATION_LICENCE',
} as const satisfies Record<string, CredentialKind>;
export const CERTIFICATE_BY_LABEL = {
  特种作业操作证: 'SPECIAL_OPERATION_CERTIFICATE',
  注册安全工程师执业证: 'REGISTERED_SAFETY_ENGINEER',
} as const satisfies Record<string, CredentialKind>;
export const LABEL_BY_CREDENTIAL: Partial<Record<CredentialKind, string>> = {
  ...invert(LICENCE_BY_LABEL),
  ...invert(CERTIFICATE_BY_LABEL),
};

export const CREDENTIAL_STATUS_BY_LABEL: Readonly<Record<string, CredentialStatus>> = {
  有效: 'VALID',
  已过期: 'EXPIRED',
  暂扣: 'SUSPENDED',
  吊销: 'REVOKED',
};
export const LABEL_BY_CREDENTIAL_STATUS = invert(CREDENTIAL_STATUS_BY_LABEL as Record<string, CredentialStatus>);

export const DANGER_LEVEL_BY_LABEL: Readonly<Record<string, HiddenDangerLevel>> = { 重大隐患: 'MAJOR', 一般隐患: 'GENERAL' };
export const LABEL_BY_DANGER_LEVEL = invert(DANGER_LEVEL_BY_LABEL as Record<string, HiddenDangerLevel>);
/** 整改状态: not started / rectifying / closed (销号) */
export const DANGER_STATUS_BY_LABEL: Readonly<Record<string, HiddenDangerStatus>> = {
  未整改: 'OPEN',
  整改中: 'RECTIFYING',
  已销号: 'CLOSED',
};
export const LABEL_BY_DANGER_STATUS = invert(DANGER_STATUS_BY_LABEL as Record<string, HiddenDangerStatus>);
/** 发现方式: decides treatment, 004 (三)(五) */
export const FOUND_BY_BY_LABEL: Readonly<Record<string, FoundBy>> = {
  企业自查: 'SELF_INSPECTION',
  属地上报: 'LOCAL_REPORT',
  执法检查: 'ENFORCEMENT',
  上级督查: 'HIGHER_SUPERVISION',
  群众举报: 'PUBLIC_REPORT',
};
export const LABEL_BY_FOUND_BY = invert(FOUND_BY_BY_LABEL as Record<string, FoundBy>);

export const ACCIDENT_LEVEL_BY_LABEL: Readonly<Record<string, AccidentLevel>> = {
  特别重大事故: 'ESPECIALLY_MAJOR',
  重大事故: 'MAJOR',
  较大事故: 'LARGER',
  一般事故: 'GENERAL',
};
export const LABEL_BY_ACCIDENT_LEVEL = invert(ACCIDENT_LEVEL_BY_LABEL as Record<string, AccidentLevel>);
type ReportingViolation = NonNullable<AccidentRecord['reportingViolation']>;
export const REPORTING_BY_LABEL: Readonly<Record<string, ReportingViolation>> = { 迟报: 'LATE', 谎报: 'FALSE', 瞒报: 'CONCEALED' };
export const LABEL_BY_REPORTING = invert(REPORTING_BY_LABEL as Record<string, ReportingViolation>);

/** The two lists 应急管理 keeps. */
export const LIST_BY_LABEL: Readonly<Record<string, ListKind>> = {
  安全生产失信联合惩戒名单: 'SAFETY_DISHONEST',
  主要负责人从业禁止: 'PRINCIPAL_BAN',
};
export const LABEL_BY_LIST: Readonly<Partial<Record<ListKind, string>>> = invert(LIST_BY_LABEL as Record<string, ListKind>);
export const SUBJECT_BY_LABEL: Readonly<Record<string, 'ENTERPRISE' | 'PERSON'>> = { 企业: 'ENTERPRISE', 个人: 'PERSON' };
export const LABEL_BY_SUBJECT = { ENTERPRISE: '企业', PERSON: '个人' } as const;
type BanScope = NonNullable<ListEntryRecord['banScope']>;
/** ALL_UNITS: 5 years, any production unit; INDUSTRY: lifetime, same industry (000 (三), 003 (十)) */
export const BAN_SCOPE_BY_LABEL: Readonly<Record<string, BanScope>> = { 任何生产经营单位: 'ALL_UNITS', 本行业终身: 'INDUSTRY' };
export const LABEL_BY_BAN_SCOPE = invert(BAN_SCOPE_BY_LABEL as Record<string, BanScope>);

/** 安全管理人员配备 岗位 */
export const ROLE_BY_LABEL: Readonly<Record<string, PersonRole>> = {
  主要负责人: 'PRINCIPAL',
  安全总监: 'SAFETY_DIRECTOR',
  安全管理人员: 'SAFETY_MANAGER',
  注册安全工程师: 'REGISTERED_SAFETY_ENGINEER',
  特种作业人员: 'SPECIAL_OPERATOR',
  法定代表人: 'LEGAL_REPRESENTATIVE',
  实际控制人: 'ACTUAL_CONTROLLER',
  项目经理: 'PROJECT_MANAGER',
};
export const LABEL_BY_ROLE = invert(ROLE_BY_LABEL as Record<string, PersonRole>);
export const INSURANCE_LABEL = '安全生产责任保险';

// ---------------------------------------------------------------- validation helpers

const isRealCompactDate = (s: string): boolean => {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
};
/** 'yyyyMMdd' → 'YYYY-MM-DD' */
const date = z
  .string()
  .refine(isRealCompactDate, { error: (iss) => `'${String(iss.input)}' is not a calendar date yyyyMMdd` })
  .transform((s) => `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`);
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
const optLabel = <T extends string>(table: Readonly<Record<string, T>>, what: string) =>
  z
    .string()
    .nullish()
    .transform((s, ctx): T | null => {
      if (s == null || s === '') return null;
      const v = table[s];
      if (!v) ctx.addIssue({ code: 'custom', message: `unknown ${what} label '${s}'` });
      return v ?? null;
    });

/** The reference exactly as the source had it: only the keys it carried (null when it carried none). */
function ref(cc: string | null | undefined, oc: string | null | undefined, name: string | null | undefined): EnterpriseRef | null {
  const r: EnterpriseRef = {};
  if (cc) r.creditCode = cc;
  if (oc) r.orgCode = oc;
  if (name) r.name = name;
  return r.creditCode || r.orgCode || r.name ? r : null;
}
function requiredRef(
  w: { credit_code?: string | null; org_code?: string | null; ent_name?: string | null },
  ctx: z.RefinementCtx,
): EnterpriseRef {
  const r = ref(w.credit_code, w.org_code, w.ent_name);
  if (!r) ctx.addIssue({ code: 'custom', message: 'record names no enterprise (no credit_code, org_code or ent_name)' });
  return r ?? {};
}

const refShape = { credit_code: creditCode.nullish(), org_code: orgCode.nullish(), ent_name: z.string().nullish() };
const base = { id: z.string().min(1), update_time: z.string() };

// ---------------------------------------------------------------- wire → canonical

const personnelSchema = z
  .object({ ...base, id_card_no: idNumber, name: text, mobile: optText })
  .transform((w): PersonRecord => ({ kind: 'person', idNumber: w.id_card_no, name: w.name, phone: w.mobile }));

const licenceSchema = z
  .object({
    ...base,
    ...refShape,
    licence_type: label(LICENCE_BY_LABEL, 'licence type'),
    licence_no: text,
    /** 许可类别 / 经营方式 */
    licence_category: optText,
    licence_grade: optText,
    /** 许可范围 */
    permit_scope: optText,
    valid_from: optDate,
    valid_to: optDate,
    licence_status: label(CREDENTIAL_STATUS_BY_LABEL, 'licence status'),
  })
  .transform((w, ctx): CredentialRecord => ({
    kind: 'credential',
    credentialKind: w.licence_type,
    number: w.licence_no,
    enterprise: requiredRef(w, ctx),
    category: w.licence_category,
    grade: w.licence_grade,
    scope: w.permit_scope,
    issuerDepartment: 'EMERGENCY',
    validFrom: w.valid_from,
    validTo: w.valid_to,
    status: w.licence_status,
  }));

const certificateSchema = z
  .object({
    ...base,
    cert_type: label(CERTIFICATE_BY_LABEL, 'certificate type'),
    cert_no: text,
    id_card_no: idNumber,
    /** 作业类别 (特种作业) */
    operation_category: optText,
    /** 职业资格等级 (注册安全工程师: 初级/中级/高级) */
    qualification_level: optText,
    /** 准操项目 / 专业类别 */
    specialty: optText,
    unit_credit_code: creditCode.nullish(),
    unit_org_code: orgCode.nullish(),
    unit_name: z.string().nullish(),
    issue_date: optDate,
    expire_date: optDate,
    cert_status: label(CREDENTIAL_STATUS_BY_LABEL, 'certificate status'),
  })
  .transform((w): CredentialRecord => ({
    kind: 'credential',
    credentialKind: w.cert_type,
    number: w.cert_no,
    idNumber: w.id_card_no,
    category: w.operation_category,
    grade: w.qualification_level,
    scope: w.specialty,
    registeredEnterprise: ref(w.unit_credit_code, w.unit_org_code, w.unit_name),
    issuerDepartment: 'EMERGENCY',
    validFrom: w.issue_date,
    validTo: w.expire_date,
    status: w.cert_status,
  }));

const staffSchema = z
  .object({
    ...base,
    ...refShape,
    person_name: text,
    id_card_no: idNumber,
    post: label(ROLE_BY_LABEL, 'post'),
    appoint_date: optDate,
    leave_date: optDate,
  })
  .transform((w, ctx): RoleRecord => ({
    kind: 'role',
    enterprise: requiredRef(w, ctx),
    idNumber: w.id_card_no,
    personName: w.person_name,
    role: w.post,
    since: w.appoint_date,
    until: w.leave_date,
  }));

const hiddenDangerSchema = z
  .object({
    ...base,
    ...refShape,
    danger_level: label(DANGER_LEVEL_BY_LABEL, 'danger level'),
    danger_desc: text,
    found_date: date,
    rectify_deadline: date,
    found_way: label(FOUND_BY_BY_LABEL, 'found way'),
    rectify_status: label(DANGER_STATUS_BY_LABEL, 'rectification status'),
    close_date: optDate,
  })
  .transform((w, ctx): HiddenDangerRecord => {
    if (w.rectify_status === 'CLOSED' && !w.close_date)
      ctx.addIssue({ code: 'custom', path: ['close_date'], message: 'a closed (已销号) danger needs close_date' });
    return {
      kind: 'hidden_danger',
      enterprise: requiredRef(w, ctx),
      level: w.danger_level,
      description: w.danger_desc,
      foundDate: w.found_date,
      deadline: w.rectify_deadline,
      foundBy: w.found_way,
      status: w.rectify_status,
      closedDate: w.close_date,
    };
  });

const penaltySchema = z
  .object({
    ...base,
    ...refShape,
    doc_no: text,
    decision_date: date,
    punish_type: text,
    illegal_fact: text,
    legal_basis: optText,
    /** 罚款金额 元 */
    fine_amount: z.number().nonnegative().nullish(),
  })
  .transform((w, ctx): PenaltyRecord => ({
    kind: 'penalty',
    enterprise: requiredRef(w, ctx),
    decisionNumber: w.doc_no,
    decisionDate: w.decision_date,
    penaltyType: w.punish_type,
    reason: w.illegal_fact,
    legalBasis: w.legal_basis,
    amount: w.fine_amount ?? null,
  }));

const accidentSchema = z
  .object({
    ...base,
    ...refShape,
    occur_date: date,
    accident_level: label(ACCIDENT_LEVEL_BY_LABEL, 'accident level'),
    death_toll: z.number().int().nonnegative(),
    serious_injury_count: z.number().int().nonnegative(),
    /** 直接经济损失 万元 */
    direct_economic_loss: z.number().nonnegative(),
    accident_summary: text,
    report_violation: optLabel(REPORTING_BY_LABEL, 'reporting violation'),
  })
  .transform((w, ctx): AccidentRecord => ({
    kind: 'accident',
    enterprise: requiredRef(w, ctx),
    occurredOn: w.occur_date,
    level: w.accident_level,
    deaths: w.death_toll,
    seriousInjuries: w.serious_injury_count,
    directLoss: w.direct_economic_loss,
    description: w.accident_summary,
    reportingViolation: w.report_violation,
  }));

const listSchema = z
  .object({
    ...base,
    ...refShape,
    list_type: label(LIST_BY_LABEL, 'list'),
    subject_type: label(SUBJECT_BY_LABEL, 'subject type'),
    id_card_no: idNumber.nullish(),
    person_name: z.string().nullish(),
    include_reason: text,
    legal_basis: text,
    decision_no: text,
    include_date: date,
    expire_date: optDate,
    remove_date: optDate,
    ban_scope: optLabel(BAN_SCOPE_BY_LABEL, 'ban scope'),
    /** GB/T 4754 section letter or code */
    ban_industry: z
      .string()
      .regex(/^[A-T](\d{2,4})?$/, 'ban_industry is a GB/T 4754 section letter or code')
      .nullish(),
  })
  .transform((w, ctx): ListEntryRecord => {
    const rec: ListEntryRecord = {
      kind: 'list_entry',
      list: w.list_type,
      subjectType: w.subject_type,
      reason: w.include_reason,
      legalBasis: w.legal_basis,
      decisionNumber: w.decision_no,
      startDate: w.include_date,
      endDate: w.expire_date,
      removedDate: w.remove_date,
      idNumber: w.id_card_no ?? null,
      personName: w.person_name || null,
    };
    // ban fields belong to bans only
    if (w.list_type === 'PRINCIPAL_BAN') Object.assign(rec, { banScope: w.ban_scope, banIndustry: w.ban_industry ?? null });
    if (w.subject_type === 'ENTERPRISE') rec.enterprise = requiredRef(w, ctx);
    else {
      if (!w.id_card_no) ctx.addIssue({ code: 'custom', path: ['id_card_no'], message: 'a person (个人) entry needs id_card_no' });
      const r = ref(w.credit_code, w.org_code, w.ent_name);
      if (r) rec.enterprise = r;
    }
    if (w.ban_scope === 'INDUSTRY' && !w.ban_industry) {
      ctx.addIssue({ code: 'custom', path: ['ban_industry'], message: 'an industry ban (本行业终身) needs ban_industry' });
    }
    return rec;
  });

const insuranceSchema = z
  .object({
    ...base,
    ...refShape,
    policy_no: text,
    insurance_type: z.literal(INSURANCE_LABEL, { error: `insurance_type must be '${INSURANCE_LABEL}'` }),
    insurer: text,
    insure_start: date,
    insure_end: date,
  })
  .transform((w, ctx): InsurancePolicyRecord => ({
    kind: 'insurance_policy',
    enterprise: requiredRef(w, ctx),
    policyNumber: w.policy_no,
    insuranceKind: 'SAFETY_LIABILITY',
    insurer: w.insurer,
    validFrom: w.insure_start,
    validTo: w.insure_end,
  }));

const SCHEMAS: Record<ResourceName, z.ZodType<CanonicalRecord>> = {
  personnel: personnelSchema,
  enterprise_licences: licenceSchema,
  personnel_certificates: certificateSchema,
  safety_staff: staffSchema,
  hidden_dangers: hiddenDangerSchema,
  penalties: penaltySchema,
  accidents: accidentSchema,
  punishment_lists: listSchema,
  liability_insurances: insuranceSchema,
};

export const KIND_OF = Object.fromEntries(RESOURCES.map((r) => [r.name, r.kind])) as Record<ResourceName, RecordKind>;

/** One wire record → one envelope: the canonical record, or why it could not be read (raw kept). */
export function toEnvelope(resource: ResourceName, raw: unknown, index: number): SourceEnvelope {
  const obj = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const id = typeof obj.id === 'string' && obj.id ? obj.id : `${resource}#unidentified-${index}`;
  const updatedAt = fromWireInstant(obj.update_time) ?? undefined;
  const kind = KIND_OF[resource];
  const parsed = SCHEMAS[resource].safeParse(raw);
  if (parsed.success) {
    if (!updatedAt)
      return { sourceRecordId: id, kind, raw, error: `update_time: '${String(obj.update_time)}' is not an instant yyyyMMddHHmmss` };
    return { sourceRecordId: id, kind, raw, record: parsed.data, updatedAt };
  }
  const why = parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
  return { sourceRecordId: id, kind, raw, error: why, ...(updatedAt ? { updatedAt } : {}) };
}
