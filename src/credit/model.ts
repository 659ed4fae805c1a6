/**
 * The joint-punishment module's data: check inputs and answers, feedback, the measure catalogue and the
 * rows the check reads. Imports nothing from src/generated but its enums (codegen maps the schema's
 * types onto these, so a model that reached the generated resolvers would be an import cycle).
 */
import type { BanScope, Department, FeedbackAction, LicensingMatter, ListKind } from '../generated/enums.js';

export type HitSubject = 'ENTERPRISE' | 'LEGAL_REPRESENTATIVE' | 'PRINCIPAL' | 'ACTUAL_CONTROLLER' | 'NAMED_PERSON';
export type Decision = 'PASS' | 'RESTRICT' | 'DENY';

export interface CheckInput {
  creditCode?: string | null;
  name?: string | null;
  matter: string;
  asOf?: string | null;
  persons?: readonly string[] | null;
  /** 申请事项编号 the application's number in the approval system */
  caseNumber?: string | null;
}

export interface CheckAnswer {
  checkId: string;
  checkedAt: string;
  matter: string;
  asOf: string;
  decision: Decision;
  summary: string;
  enterprise: { creditCode: string; name: string; status: string; industryCode: string };
  hits: {
    entryId: string;
    list: ListKind;
    department: Department;
    reason: string;
    legalBasis: string;
    decisionNumber: string;
    startDate: string;
    endDate: string | null;
    subject: HitSubject;
    personName: string | null;
    personIdNumber: string | null;
    banScope: string | null;
    /** a listing that followed the person from the listed enterprise (absent on older checks) */
    listedEnterprise?: { creditCode: string; name: string; role: HitSubject; legalBasis: string } | null;
  }[];
  measures: {
    code: string;
    text: string;
    applyingDepartment: string;
    effect: string;
    mandatory: boolean;
    legalBasis: string;
    triggeredBy: string[];
  }[];
  personsChecked: { idNumber: string; name: string | null; roles: HitSubject[] }[];
  sources: { source: string; department: string; lastSyncedAt: string | null; stale: boolean }[];
  catalogueVersion: number;
  /** check policy version (registration statuses, lists following persons); absent on older checks */
  policyVersion?: number | null;
  /** legal basis when the registration status (吊销/注销) decided the check */
  statusBasis?: string | null;
  printUrl: string;
  /** 申请事项编号, 办理机构, 经办人: null on checks stored before they were recorded */
  caseNumber?: string | null;
  office?: string | null;
  checkedByName?: string | null;
}

export interface FeedbackRow {
  id: number;
  check_id: string;
  action: FeedbackAction;
  note: string | null;
  measures_applied: string[];
  recorded_by: string;
  recorded_at: Date;
  recorded_by_name: string | null;
  office: string | null;
  amends: number | string | null;
}

export interface Caller {
  subject: string;
  department: string | null;
  roles?: readonly string[];
  /** 办理机构: checks and feedback belong to it */
  office?: string | null;
  /** 经办人 display name */
  name?: string | null;
}

export interface ListEntryRow {
  id: number;
  source_record_id: string;
  department: Department;
  list: ListKind;
  subject_type: 'ENTERPRISE' | 'PERSON';
  credit_code: string | null;
  person_key: string | null;
  person_name: string | null;
  reason: string;
  legal_basis: string;
  decision_number: string;
  start_date: string;
  end_date: string | null;
  removed_date: string | null;
  ban_scope: string | null;
  ban_industry: string | null;
}

export interface MeasureRow {
  code: string;
  text: string;
  applying_department: Department;
  trigger_lists: ListKind[];
  /** for PRINCIPAL_BAN: only entries of these ban scopes (null: any) */
  trigger_ban_scopes: BanScope[] | null;
  matters: LicensingMatter[];
  subject_types: string[];
  effect: 'DENY' | 'RESTRICT';
  mandatory: boolean;
  legal_basis: string;
  active: boolean;
  updated_at: Date;
  updated_by: string;
}

/** A person the check looks at, with the capacities in which they are checked. */
export interface CheckedPersonRef {
  personKey: string;
  idMasked: string;
  name: string | null;
  roles: HitSubject[];
}

/** A list whose enterprise entries follow the enterprise's persons (policy data, list_person_policy). */
export interface PersonFollowPolicy {
  list: ListKind;
  /** the roles at the listed enterprise the listing follows */
  follows_roles: HitSubject[];
  /** the capacities at the applicant in which the followed person is hit */
  applicant_roles: HitSubject[];
  legal_basis: string;
}

/** A role a checked person holds or held at some enterprise (possibly a listed one), with that enterprise's name. */
export interface PersonRoleRow {
  credit_code: string;
  enterprise_name: string;
  person_key: string;
  role: string;
  since: string | null;
  until: string | null;
}

/** What a registration status decides (policy data, registration_status_policy), with its legal basis. */
export interface StatusPolicyRow {
  /** the table's CHECK constraint allows only these */
  status: 'REVOKED' | 'CANCELLED';
  decision: 'DENY' | 'RESTRICT';
  legal_basis: string;
}
