/**
 * The canonical model: what every connector turns its department's wire records into, and what
 * the sync engine stores. Services only ever see these shapes (never a wire format).
 *
 * Dates are ISO `YYYY-MM-DD` strings (calendar dates carry no time zone in these systems);
 * instants are ISO 8601 strings with a zone.
 */

/**
 * A department's code (the GraphQL `Department` value), e.g. MARKET: one of the packages in the department
 * registry (connectors/registry.ts, `isDepartment`); open, so that adding a department touches no core type.
 */
export type Department = string;

export type IsoDate = string;
export type IsoInstant = string;

/**
 * How a record names the enterprise it belongs to. Newer records carry the credit code; older ones
 * only an organisation code or only a name. The sync engine links in that order.
 */
export interface EnterpriseRef {
  creditCode?: string | null;
  orgCode?: string | null;
  name?: string | null;
}

export const ENTERPRISE_STATUSES = ['ACTIVE', 'REVOKED', 'CANCELLED'] as const;
/** 存续 / 吊销 / 注销 */
export type EnterpriseStatus = (typeof ENTERPRISE_STATUSES)[number];

export interface EnterpriseRecord {
  kind: 'enterprise';
  creditCode: string;
  /** set when the source sent a code that fails the GB 32100 checksum (kept, flagged) */
  creditCodeChecksumFailed?: boolean;
  orgCode: string;
  name: string;
  /** e.g. 有限责任公司, 股份有限公司, 个人独资企业 */
  type: string;
  status: EnterpriseStatus;
  legalRepresentative: string;
  /** GB/T 2260 county-level division code, 6 digits */
  divisionCode: string;
  /** GB/T 4754 industry code, e.g. B0610 or E4710 */
  industryCode: string;
  /** 注册资本, in units of 10,000 yuan (万元) */
  registeredCapital: number;
  establishedDate: IsoDate;
  address?: string | null;
  businessScope?: string | null;
}

export interface PersonRecord {
  kind: 'person';
  idNumber: string;
  name: string;
  phone?: string | null;
}

export const PERSON_ROLES = [
  'LEGAL_REPRESENTATIVE', // 法定代表人
  'PRINCIPAL', // 主要负责人
  'ACTUAL_CONTROLLER', // 实际控制人
  'SAFETY_DIRECTOR', // 安全总监
  'SAFETY_MANAGER', // 安全管理人员
  'PROJECT_MANAGER', // 项目经理
  'REGISTERED_SAFETY_ENGINEER', // 注册安全工程师
  'SPECIAL_OPERATOR', // 特种作业人员
] as const;
export type PersonRole = (typeof PERSON_ROLES)[number];

export interface RoleRecord {
  kind: 'role';
  enterprise: EnterpriseRef;
  idNumber: string;
  personName: string;
  role: PersonRole;
  since?: IsoDate | null;
  until?: IsoDate | null;
}

/** Core's credential kinds; a department package may add its own (`extend enum CredentialKind`, labels in its department.ts). */
export const CREDENTIAL_KINDS = [
  'CONSTRUCTION_QUALIFICATION', // 建筑业企业资质
  'CONSTRUCTION_SAFETY_LICENCE', // 建筑施工企业安全生产许可证
  'SAFETY_PRODUCTION_LICENCE', // 安全生产许可证 (mines, hazardous chemicals, fireworks)
  'HAZCHEM_OPERATION_LICENCE', // 危险化学品经营许可证
  'ROAD_TRANSPORT_LICENCE', // 道路运输经营许可证
  'GAS_OPERATION_LICENCE', // 燃气经营许可证
  'REGISTERED_CONSTRUCTOR', // 注册建造师 (person)
  'SAFETY_CERTIFICATE_ABC', // 三类人员安全生产考核合格证 (person)
  'SPECIAL_OPERATION_CERTIFICATE', // 特种作业操作证 (person)
  'REGISTERED_SAFETY_ENGINEER', // 注册安全工程师 (person)
] as const;
/** One of CREDENTIAL_KINDS or a kind a registered package adds: open, like Department. */
export type CredentialKind = string;

export const CREDENTIAL_STATUSES = ['VALID', 'EXPIRED', 'SUSPENDED', 'REVOKED'] as const;
export type CredentialStatus = (typeof CREDENTIAL_STATUSES)[number];

export interface CredentialRecord {
  kind: 'credential';
  credentialKind: CredentialKind;
  number: string;
  /** holder: an enterprise, or a person by ID number */
  enterprise?: EnterpriseRef | null;
  idNumber?: string | null;
  /** e.g. 施工总承包 / 专业承包 / 施工劳务; 一级建造师; A/B/C; 电工作业 */
  category?: string | null;
  /** e.g. 特级 / 一级 / 二级 / 三级; 中级 */
  grade?: string | null;
  /** sequence or specialty, e.g. 建筑工程, 市政公用工程; permitted scope */
  scope?: string | null;
  /** for personal registrations: the enterprise the person is registered with */
  registeredEnterprise?: EnterpriseRef | null;
  issuerDepartment: Department;
  validFrom?: IsoDate | null;
  validTo?: IsoDate | null;
  status: CredentialStatus;
}

export interface PenaltyRecord {
  kind: 'penalty';
  enterprise: EnterpriseRef;
  decisionNumber: string;
  decisionDate: IsoDate;
  /** e.g. 罚款, 警告, 责令停产停业, 暂扣许可证, 临时查封 */
  penaltyType: string;
  reason: string;
  legalBasis?: string | null;
  /** yuan */
  amount?: number | null;
}

export const HIDDEN_DANGER_LEVELS = ['MAJOR', 'GENERAL'] as const;
export type HiddenDangerLevel = (typeof HIDDEN_DANGER_LEVELS)[number];
export const HIDDEN_DANGER_STATUSES = ['OPEN', 'RECTIFYING', 'CLOSED'] as const;
export type HiddenDangerStatus = (typeof HIDDEN_DANGER_STATUSES)[number];
/** how it was found decides treatment: 004 (三)(五) */
export const FOUND_BY = ['SELF_INSPECTION', 'LOCAL_REPORT', 'ENFORCEMENT', 'HIGHER_SUPERVISION', 'PUBLIC_REPORT'] as const;
export type FoundBy = (typeof FOUND_BY)[number];

export interface HiddenDangerRecord {
  kind: 'hidden_danger';
  enterprise: EnterpriseRef;
  level: HiddenDangerLevel;
  description: string;
  foundDate: IsoDate;
  deadline: IsoDate;
  foundBy: FoundBy;
  status: HiddenDangerStatus;
  closedDate?: IsoDate | null;
}

export const ACCIDENT_LEVELS = ['ESPECIALLY_MAJOR', 'MAJOR', 'LARGER', 'GENERAL'] as const;
/** 特别重大 ≥30 deaths / 重大 10-29 / 较大 3-9 / 一般 <3 */
export type AccidentLevel = (typeof ACCIDENT_LEVELS)[number];

export interface AccidentRecord {
  kind: 'accident';
  enterprise: EnterpriseRef;
  occurredOn: IsoDate;
  level: AccidentLevel;
  deaths: number;
  seriousInjuries: number;
  /** 万元 */
  directLoss: number;
  description: string;
  /** 迟报、谎报、瞒报 */
  reportingViolation?: 'LATE' | 'FALSE' | 'CONCEALED' | null;
}

export interface InspectionRecord {
  kind: 'inspection';
  enterprise: EnterpriseRef;
  inspectedOn: IsoDate;
  /** e.g. 消防监督检查, 安全生产执法检查 */
  inspectionType: string;
  /** PASSED / HAZARDS_FOUND / SEALED (临时查封) */
  result: 'PASSED' | 'HAZARDS_FOUND' | 'SEALED';
  findings?: string | null;
  /** fire: key fire-safety unit 消防安全重点单位 */
  keyFireSafetyUnit?: boolean | null;
}

export const VEHICLE_KINDS = ['PASSENGER_COACH', 'TOURIST_COACH', 'DANGEROUS_GOODS', 'HEAVY_FREIGHT'] as const;
/** 两客一危一货 */
export type VehicleKind = (typeof VEHICLE_KINDS)[number];

export interface VehicleRecord {
  kind: 'vehicle';
  enterprise: EnterpriseRef;
  plateNumber: string;
  vehicleKind: VehicleKind;
  operatingCertificate: string;
  certificateValidTo?: IsoDate | null;
  /** 动态监控 online status */
  monitoringOnline: boolean;
}

export const VIOLATION_KINDS = ['OVERSPEED', 'OVERLOAD', 'OVER_LIMIT', 'FATIGUE'] as const;
/** 三超一疲劳 */
export type ViolationKind = (typeof VIOLATION_KINDS)[number];

export interface TransportViolationRecord {
  kind: 'transport_violation';
  enterprise: EnterpriseRef;
  plateNumber: string;
  occurredAt: IsoInstant;
  violationKind: ViolationKind;
  location?: string | null;
  fine?: number | null;
}

export const PROJECT_SCALES = ['LARGE', 'MEDIUM', 'SMALL'] as const;
export type ProjectScale = (typeof PROJECT_SCALES)[number];

export interface ProjectRecord {
  kind: 'project';
  projectCode: string;
  name: string;
  /** 建设单位 */
  builder: EnterpriseRef;
  constructionPermit?: string | null;
  scale: ProjectScale;
  /** qualification category and sequence the work needs, e.g. 施工总承包 / 建筑工程 */
  requiredCategory: string;
  requiredSequence: string;
  divisionCode: string;
  startDate?: IsoDate | null;
  /** 万元 */
  investment?: number | null;
}

export const CONTRACT_KINDS = ['GENERAL', 'PROFESSIONAL_SUBCONTRACT', 'LABOUR_SUBCONTRACT'] as const;
/** 施工总承包 / 专业分包 / 劳务分包 */
export type ContractKind = (typeof CONTRACT_KINDS)[number];

export interface ContractRecord {
  kind: 'contract';
  contractNumber: string;
  projectCode: string;
  parentContractNumber?: string | null;
  contractKind: ContractKind;
  /** 发包方 */
  employer: EnterpriseRef;
  /** 承包方 */
  contractor: EnterpriseRef;
  scope: string;
  /** 万元 */
  value: number;
  coversMainStructure: boolean;
  /** the contract passes on all the work of its parent */
  coversAllWork: boolean;
  safetyAgreementSigned: boolean;
  projectManagerIdNumber?: string | null;
  signedOn: IsoDate;
}

export interface InsurancePolicyRecord {
  kind: 'insurance_policy';
  enterprise: EnterpriseRef;
  policyNumber: string;
  /** SAFETY_LIABILITY = 安全生产责任保险 */
  insuranceKind: 'SAFETY_LIABILITY';
  insurer: string;
  validFrom: IsoDate;
  validTo: IsoDate;
}

/** Core's list kinds; a department package may add its own (`extend enum ListKind`, labels in its department.ts). */
export const LIST_KINDS = [
  'SAFETY_DISHONEST', // 安全生产失信联合惩戒名单 (应急)
  'SERIOUS_ILLEGAL_DISHONEST', // 严重违法失信名单 (市场监管)
  'ABNORMAL_OPERATION', // 经营异常名录 (市场监管)
  'CONSTRUCTION_BLACKLIST', // 建筑市场主体黑名单 (住建)
  'TRANSPORT_DISHONEST', // 交通运输严重失信名单 (交通)
  'FIRE_DISHONEST', // 消防安全严重失信名单 (消防)
  'PRINCIPAL_BAN', // 主要负责人从业禁止 (persons: 000 (三), 003 (十), 001 (八))
] as const;
/** One of LIST_KINDS or a kind a registered package adds: open, like Department. */
export type ListKind = string;

export interface ListEntryRecord {
  kind: 'list_entry';
  list: ListKind;
  subjectType: 'ENTERPRISE' | 'PERSON';
  enterprise?: EnterpriseRef | null;
  idNumber?: string | null;
  personName?: string | null;
  reason: string;
  legalBasis: string;
  decisionNumber: string;
  startDate: IsoDate;
  /** null: open-ended (e.g. a lifetime ban) */
  endDate?: IsoDate | null;
  /** 移出 / 信用修复 */
  removedDate?: IsoDate | null;
  /** person bans: ALL_UNITS (5 years) or INDUSTRY (lifetime, same industry) */
  banScope?: 'ALL_UNITS' | 'INDUSTRY' | null;
  /** GB/T 4754 industry (section letter or code) the INDUSTRY ban applies to */
  banIndustry?: string | null;
}

export type CanonicalRecord =
  | EnterpriseRecord
  | PersonRecord
  | RoleRecord
  | CredentialRecord
  | PenaltyRecord
  | HiddenDangerRecord
  | AccidentRecord
  | InspectionRecord
  | VehicleRecord
  | TransportViolationRecord
  | ProjectRecord
  | ContractRecord
  | InsurancePolicyRecord
  | ListEntryRecord;

export type RecordKind = CanonicalRecord['kind'];
export const RECORD_KINDS: readonly RecordKind[] = [
  'enterprise',
  'person',
  'role',
  'credential',
  'penalty',
  'hidden_danger',
  'accident',
  'inspection',
  'vehicle',
  'transport_violation',
  'project',
  'contract',
  'insurance_policy',
  'list_entry',
];
export type RecordOfKind<K extends RecordKind> = Extract<CanonicalRecord, { kind: K }>;
