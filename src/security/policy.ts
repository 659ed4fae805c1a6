/**
 * THE authorisation policy: for every GraphQL type, who may read each field. Data in code, applied to
 * the whole schema by authorize.ts; tests/security-policy.test.ts fails when any field of the merged
 * schema has no rule here (explicitly or by its type's `'*'` default).
 *
 * The roles (a caller may hold several; a rule passes when any role passes):
 * - licensing_officer 行政许可审批人员: runs joint-punishment checks, reads checks, hits, measures,
 *   enterprises and their records; persons masked.
 * - inspector 执法人员: enterprise profiles (every department section) and risk; reads checks; persons masked.
 * - analyst 数据分析: enterprises, filters and aggregates; no personal field (person names, person
 *   lookup by ID number) and nothing in clear.
 * - department_operator 部门系统: every department's records as the hub serves them (masked), and its
 *   OWN department's raw data: raw quarantined records of its sources (ID numbers and phones in them
 *   masked, as for the admin: src/security/raw-pii.ts), and ID numbers and phones in clear of persons
 *   its department's system holds (with a lawful purpose, audited: see src/person/disclosure.ts);
 *   sync runs and sources.
 * - admin 管理员: measures catalogue, risk weights, connectors and sync, the audit log; passes every
 *   role rule below EXCEPT clear personal information (an administrator has no licensing or
 *   enforcement purpose for it; least privilege).
 *
 * A field no rule covers is refused at run time (FORBIDDEN, fail closed).
 */
import { DEPARTMENT_PACKAGES } from '../../connectors/registry.js';
import type { Role } from './roles.js';

export interface PolicyCaller {
  subject: string;
  department: string | null;
  roles: readonly string[];
}

export interface Rule {
  /** roles that may read the field; 'any' = every authenticated caller */
  roles: readonly Role[] | 'any';
  /** per-record check on the parent object, after the role check passed */
  record?: (caller: PolicyCaller, parent: unknown, ctx: unknown) => boolean;
  /** why, for the FORBIDDEN message and the reader of this file */
  note?: string;
}

/** Every authenticated caller. */
export const ANY: Rule = { roles: 'any' };
/** These roles and admin. */
export const only = (...roles: Role[]): Rule => ({ roles: [...new Set<Role>([...roles, 'admin'])] });
/** Personal information: readable by every caller, masked or clear decided (and audited) by src/person/disclosure.ts. */
export const PII: Rule = { roles: 'any', note: 'masked unless src/person/disclosure.ts allows clear (audited)' };
/** Personal but not identifying (names): everyone except analysts. */
const PERSONAL: Rule = only('licensing_officer', 'inspector', 'department_operator');

/** Raw source data of a connector: admin, or an operator of the source's own department. */
function ownSourceRaw(caller: PolicyCaller, parent: unknown, ctx: unknown): boolean {
  if (caller.roles.includes('admin')) return true;
  const source = (parent as { source?: string } | null)?.source;
  const connectors = (ctx as { connectors?: ReadonlyMap<string, { department: string }> } | null)?.connectors;
  const department = source ? connectors?.get(source)?.department : undefined;
  return caller.roles.includes('department_operator') && !!department && department === caller.department;
}
const OWN_RAW: Rule = {
  roles: ['department_operator', 'admin'],
  record: ownSourceRaw,
  note: "raw data only of the own department's sources",
};

export type TypePolicy = { '*'?: Rule } & Record<string, Rule>;

/**
 * Type → field → rule. `'*'` is the type's default for fields not named. Record and connection types
 * default to ANY because every root field that reaches them carries its own rule.
 */
export const POLICY: Record<string, TypePolicy> = {
  Query: {
    enterprise: ANY,
    enterpriseByName: ANY,
    enterprises: ANY,
    person: PERSONAL,
    ping: ANY,
    measures: ANY,
    // public policy data with its legal basis, like the catalogue
    jointPunishmentPolicy: ANY,
    check: only('licensing_officer', 'inspector'),
    checks: only('licensing_officer', 'inspector'),
    // per office, scoped like `checks` (checkScope below)
    checkFeedbackStats: only('licensing_officer', 'inspector'),
    sources: only('department_operator'),
    syncRuns: only('department_operator'),
    quarantinedRecords: only('department_operator'),
    auditLog: only(),
    auditChain: only(),
    me: ANY,
    lawfulPurposes: ANY,
    // analytics (schema/analytics.graphql): aggregates for analysts and supervisors; the model is public policy data
    enterpriseStats: only('analyst', 'inspector', 'department_operator'),
    keySupervisionList: only('analyst', 'inspector'),
    riskModel: ANY,
    division: ANY,
    divisions: ANY,
    // compliance (schema/compliance.graphql): checks run the joint-punishment check (recorded), so officers and inspectors
    projectCheck: only('licensing_officer', 'inspector'),
    contractCheck: only('licensing_officer', 'inspector'),
    enterpriseComplianceCheck: only('licensing_officer', 'inspector'),
    projects: ANY,
    complianceRules: ANY,
    compliancePolicy: ANY,
    // Federation (schema/federation.graphql): a gateway resolves entities by key with the caller's own token.
    // Each representation is held to the rule of the root field that looks its type up (ENTITY_LOOKUP below,
    // applied by authorize.ts), and the entity's fields to their own rules as anywhere else.
    _entities: ANY,
    // the schema as SDL: to every caller where introspection is served; in production neither is (a
    // validation rule, like introspection's: src/server/subgraph.ts)
    _service: ANY,
  },
  Mutation: {
    _noop: ANY,
    runJointPunishmentCheck: only('licensing_officer'),
    runJointPunishmentChecks: only('licensing_officer'),
    recordCheckFeedback: only('licensing_officer'),
    upsertMeasure: only(),
    deactivateMeasure: only(),
  },

  // core
  // the legal representative is a person named as a plain string: the rule of Person.name
  Enterprise: { '*': ANY, legalRepresentative: PERSONAL },
  EnterpriseNameMatch: { '*': ANY },
  EnterpriseConnection: { '*': ANY },
  EnterpriseEdge: { '*': ANY },
  DepartmentSection: { '*': ANY },
  // every registered department's section: its fields are the section's lists, whose records have their own rules
  ...Object.fromEntries(DEPARTMENT_PACKAGES.map((d) => [d.sectionType, { '*': ANY }])),
  SourceProblem: { '*': ANY },
  EnterpriseReference: { '*': ANY },
  Person: {
    '*': ANY,
    idNumber: PII,
    idNumberMasked: ANY,
    phone: PII,
    phoneMasked: ANY,
    name: PERSONAL,
    // the opaque key identifies one person across every record and department exactly: linking persons is
    // personal work, not analysis (analysts are refused Person entities too: ENTITY_LOOKUP below)
    personKey: PERSONAL,
  },
  RoleAssignment: { '*': ANY },
  Credential: { '*': ANY },
  Penalty: { '*': ANY },
  Accident: { '*': ANY },
  ListEntry: { '*': ANY, personName: PERSONAL },
  Provenance: { '*': ANY },
  PageInfo: { '*': ANY },
  RoleAssignmentConnection: { '*': ANY },
  RoleAssignmentEdge: { '*': ANY },
  CredentialConnection: { '*': ANY },
  CredentialEdge: { '*': ANY },
  PenaltyConnection: { '*': ANY },
  PenaltyEdge: { '*': ANY },
  AccidentConnection: { '*': ANY },
  AccidentEdge: { '*': ANY },
  ListEntryConnection: { '*': ANY },
  ListEntryEdge: { '*': ANY },

  // credit: reached only through check/checks/run*/measures, which carry the role rules
  JointPunishmentCheck: { '*': ANY },
  CheckedEnterprise: { '*': ANY },
  ListHit: { '*': ANY, personName: PERSONAL, personIdNumber: PII },
  AppliedMeasure: { '*': ANY },
  CheckedPerson: { '*': ANY, idNumber: PII, name: PERSONAL },
  SourceFreshness: { '*': ANY },
  CheckFeedback: { '*': ANY },
  Measure: { '*': ANY },
  MeasureCatalogue: { '*': ANY },
  // the listed enterprise a listing followed a person from: an enterprise, not personal information
  FollowedListing: { '*': ANY },
  JointPunishmentPolicy: { '*': ANY },
  RegistrationStatusRule: { '*': ANY },
  ListFollowingPersons: { '*': ANY },
  CheckConnection: { '*': ANY },
  CheckEdge: { '*': ANY },
  OfficeFeedbackStats: { '*': ANY },

  // department sections
  HiddenDanger: { '*': ANY },
  InsurancePolicy: { '*': ANY },
  HiddenDangerConnection: { '*': ANY },
  HiddenDangerEdge: { '*': ANY },
  InsurancePolicyConnection: { '*': ANY },
  InsurancePolicyEdge: { '*': ANY },
  Inspection: { '*': ANY },
  InspectionConnection: { '*': ANY },
  InspectionEdge: { '*': ANY },
  Project: { '*': ANY },
  Contract: { '*': ANY },
  ProjectConnection: { '*': ANY },
  ProjectEdge: { '*': ANY },
  ContractConnection: { '*': ANY },
  ContractEdge: { '*': ANY },
  Vehicle: { '*': ANY },
  TransportViolation: { '*': ANY },
  VehicleConnection: { '*': ANY },
  VehicleEdge: { '*': ANY },
  TransportViolationConnection: { '*': ANY },
  TransportViolationEdge: { '*': ANY },

  // ops: reached through sources / syncRuns / quarantinedRecords (operators and admin)
  Source: { '*': ANY },
  SourceResilience: { '*': ANY },
  KindCount: { '*': ANY },
  SourceHealth: { '*': ANY },
  QuarantinedRecord: { '*': ANY, raw: OWN_RAW, record: OWN_RAW, candidates: OWN_RAW },
  QuarantinedRecordConnection: { '*': ANY },
  QuarantinedRecordEdge: { '*': ANY },
  SyncRun: { '*': ANY },

  // analytics and risk: reached through the guarded entry points above, or Enterprise.risk (every role)
  RiskProfile: { '*': ANY },
  RiskFactor: { '*': ANY },
  RiskEvidence: { '*': ANY },
  RiskModel: { '*': ANY },
  RiskWeight: { '*': ANY },
  RiskTierCutoff: { '*': ANY },
  KeySupervisionList: { '*': ANY },
  KeySupervisionEntry: { '*': ANY },
  Division: { '*': ANY },
  StatsGroup: { '*': ANY },

  // compliance: reached only through projectCheck/contractCheck/enterpriseComplianceCheck; ID numbers in findings are always masked
  ProjectCheck: { '*': ANY },
  ContractCheck: { '*': ANY },
  EnterpriseComplianceCheck: { '*': ANY },
  ComplianceFinding: { '*': ANY },
  FindingParty: { '*': ANY, personName: PERSONAL },
  FindingEvidence: { '*': ANY },
  ContractTreeNode: { '*': ANY },
  ComplianceRule: { '*': ANY },
  CompliancePolicy: { '*': ANY },
  ComplianceSetting: { '*': ANY },
  BlacklistList: { '*': ANY },

  // security (schema/security.graphql): admin only via Query.auditLog / auditChain
  AuditEntry: { '*': ANY },
  AuditEntryConnection: { '*': ANY },
  AuditEntryEdge: { '*': ANY },
  AuditChainStatus: { '*': ANY },
  Caller: { '*': ANY },
  LawfulPurpose: { '*': ANY },

  // federation
  _Service: { '*': ANY },
};

/**
 * Federation `_entities`: who may look an entity up by its key. An entity reference is a lookup like the
 * root field of its type, so it carries that field's rule: an analyst, refused `person`, is refused
 * Person entities too, however the gateway came by the key.
 */
export const ENTITY_LOOKUP: Record<string, Rule> = {
  Enterprise: POLICY.Query!.enterprise!,
  Person: POLICY.Query!.person!,
};

/**
 * Which stored joint-punishment checks a caller may see and give feedback on (issue 17.4: checks belong
 * to their office). Applied in SQL by src/credit/service.ts to `check`, `checks`, `checkFeedbackStats`,
 * the printable record and the REST facade (they all run the same queries).
 * - admin: every check (catalogue and supervision of the whole hub).
 * - inspector 执法人员: every check, read only (the mutation rule above keeps feedback to officers).
 *   Inspectors supervise how licensing applies joint punishment across offices and departments (an
 *   enterprise's checks in one office say little without the others'), and a check carries no clear
 *   personal data (ID numbers masked), so a narrower scope would hide what they are there to see.
 * - licensing_officer: the checks of their own office (caller_office = the token's office), and the
 *   checks they ran themselves (an officer without an office in the token sees only their own).
 *   Another office's check answers as an unknown id does (null / NOT_FOUND), so its existence does not
 *   leak; recording or amending feedback on it is refused FORBIDDEN with reason NOT_OWN_OFFICE (the id is
 *   a random UUID the officer can only have been given, and the console must say why).
 */
export type CheckScope = { all: true } | { all: false; office: string | null; subject: string };

export function checkScope(caller: PolicyCaller & { office?: string | null }): CheckScope {
  if (caller.roles.includes('admin') || caller.roles.includes('inspector')) return { all: true };
  return { all: false, office: caller.office ?? null, subject: caller.subject };
}

/** Who may record or amend feedback on a check: who ran it, an officer of its office, or an admin. */
export function mayGiveFeedback(
  caller: PolicyCaller & { office?: string | null },
  check: { callerSubject: string; office: string | null },
): boolean {
  if (caller.roles.includes('admin')) return true;
  if (!caller.roles.includes('licensing_officer')) return false;
  return check.callerSubject === caller.subject || (!!caller.office && caller.office === check.office);
}

/** The rule of Type.field, or null when the policy has none (refused at run time, and the walk test fails). */
export function ruleFor(typeName: string, fieldName: string): Rule | null {
  const t = POLICY[typeName];
  if (!t) return null;
  return (Object.hasOwn(t, fieldName) ? t[fieldName] : t['*']) ?? null;
}

/** Whether the caller's roles pass the rule (the per-record part is checked separately). */
export function rolesAllow(rule: Rule, caller: PolicyCaller): boolean {
  if (rule.roles === 'any') return caller.roles.length > 0;
  return rule.roles.some((r) => caller.roles.includes(r));
}
