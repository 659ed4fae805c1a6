/**
 * What the compliance rules see: a project's contract tree and the facts about every party, already
 * loaded (set-based, see store.ts) or built from a proposed contract. Rules are pure functions of these.
 */
import type { ContractKind, Department, ListKind, ProjectScale } from '../domain/canonical.js';
import type { ContractView, CredentialView, InsuranceView, PersonRef, ProjectView, RoleView } from '../records/views.js';

export type Severity = 'VIOLATION' | 'WARNING';
export type Status = 'OK' | Severity;
/** 建设单位 / 发包方 / 承包方 / 转包方 / 承揽方 / 项目经理 / 证书注册单位 / 特种作业人员 / 被核查企业 */
export type PartyRole =
  | 'BUILDER'
  | 'EMPLOYER'
  | 'CONTRACTOR'
  | 'TRANSFERRING'
  | 'UNDERTAKING'
  | 'PROJECT_MANAGER'
  | 'REGISTERED_ENTERPRISE'
  | 'SPECIAL_OPERATOR'
  | 'ENTERPRISE';

export interface Party {
  role: PartyRole;
  creditCode: string | null;
  name: string | null;
  personName?: string | null;
  /** always masked (maskIdNumber) */
  idNumber?: string | null;
}

/** A record that proves a finding, with where it came from. */
export interface Evidence {
  department: Department | null;
  source: string;
  sourceRecordId: string;
  kind: string;
  description: string;
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  clause: string;
  messageZh: string;
  messageEn: string;
  /** the contract the finding is about; null for enterprise- or project-level findings */
  contractNumber: string | null;
  /** the enterprise an enterprise-level finding is about */
  creditCode: string | null;
  parties: Party[];
  evidence: Evidence[];
}

export interface ContractFact {
  contractNumber: string;
  projectCode: string;
  parentContractNumber: string | null;
  kind: ContractKind;
  employer: string;
  contractor: string;
  scope: string;
  value: number;
  coversMainStructure: boolean;
  coversAllWork: boolean;
  safetyAgreementSigned: boolean;
  projectManager: PersonRef | null;
  signedOn: string;
  /** not yet signed: checked by contractCheck */
  proposed: boolean;
  evidence: Evidence;
}

export interface TreeNode {
  contract: ContractFact;
  /** position in the tree: a contract without parent is 1 */
  depth: number;
  /** non-labour contract layers down to and including this one (层层转包 counts these) */
  chainDepth: number;
  parent: TreeNode | null;
  children: TreeNode[];
}

export interface EnterpriseFacts {
  creditCode: string;
  name: string;
  industryCode: string;
  status: string;
  /** credentials the enterprise holds */
  credentials: CredentialView[];
  roles: RoleView[];
  /** personal credentials of persons registered with the enterprise */
  registeredPersonCredentials: CredentialView[];
  insurance: InsuranceView[];
  evidence: Evidence;
}

/** Outcome of the joint-punishment check (capability 1) for one party. */
export interface JointPunishmentOutcome {
  checkId: string;
  decision: string;
  hits: {
    entryId: string;
    source: string;
    list: ListKind;
    department: Department;
    reason: string;
    decisionNumber: string;
    subject: string;
    personName: string | null;
    /** 名单随人: the listed enterprise the entry belongs to, when it followed the person here */
    listedEnterprise?: { creditCode: string; name: string } | null;
  }[];
}

export interface Facts {
  policy: Policy;
  enterprises: ReadonlyMap<string, EnterpriseFacts>;
  /** every credential of these persons (project managers, special operators), by person key */
  personCredentials: ReadonlyMap<string, CredentialView[]>;
  jointPunishment: ReadonlyMap<string, JointPunishmentOutcome>;
  /** the date enterprise-level facts are judged on (contract facts use the contract's date) */
  asOf: string;
}

export interface ProjectContext extends Facts {
  project: ProjectView;
  nodes: readonly TreeNode[];
}

export interface IndustryPolicy {
  industry: string;
  nameZh: string;
  prefixes: string[];
  safetyDirectorRequired: boolean;
  engineerRatioRequired: boolean;
  liabilityInsuranceRequired: boolean;
  specialOperationsChecked: boolean;
  licenceKinds: string[];
}

export interface EnterpriseContext extends Facts {
  industry: IndustryPolicy | null;
  /** the role the checked enterprise plays (CONTRACTOR in a project, ENTERPRISE alone) */
  role: PartyRole;
}

export interface RuleMeta {
  id: string;
  severity: Severity;
  /** the seed clause it enforces, e.g. '002 (十四)' */
  clause: string;
  titleZh: string;
  titleEn: string;
}

/**
 * A rule looks at one contract node of a project, or at one enterprise (alone, or as a party of a project).
 * `parties`: which parties of a project an enterprise rule applies to (contractors by default).
 */
export interface Rule extends RuleMeta {
  onContract?(node: TreeNode, ctx: ProjectContext): Finding[];
  onEnterprise?(e: EnterpriseFacts, ctx: EnterpriseContext): Finding[];
  parties?: 'CONTRACTORS' | 'ALL';
  /** findings of a distinct kind the rule also reports, each under its own id and clause (listed in the catalogue) */
  variants?: readonly RuleMeta[];
}

export type { ProjectScale };

const CONTRACT_KIND_ZH: Record<ContractKind, string> = {
  GENERAL: '施工总承包',
  PROFESSIONAL_SUBCONTRACT: '专业分包',
  LABOUR_SUBCONTRACT: '劳务分包',
};
export const contractKindZh = (k: ContractKind): string => CONTRACT_KIND_ZH[k];

export function partyOf(ctx: Facts, role: PartyRole, creditCode: string): Party {
  return { role, creditCode, name: ctx.enterprises.get(creditCode)?.name ?? null };
}

export const finding = (rule: RuleMeta, f: Omit<Finding, 'ruleId' | 'severity' | 'clause'> & { severity?: Severity }): Finding => ({
  ruleId: rule.id,
  clause: rule.clause,
  ...f,
  severity: f.severity ?? rule.severity,
});

/** Evidence from a stored view's provenance. */
export function evidenceOf(
  v: { department: Department; provenance: { source: string; source_record_id: string } },
  kind: string,
  description: string,
): Evidence {
  return { department: v.department, source: v.provenance.source, sourceRecordId: v.provenance.source_record_id, kind, description };
}

/** Orders contracts into a tree (parents before children); contracts whose parent is unknown become roots. */
export function buildTree(contracts: readonly ContractFact[]): TreeNode[] {
  const byNumber = new Map<string, TreeNode>();
  for (const c of contracts) byNumber.set(c.contractNumber, { contract: c, depth: 1, chainDepth: 1, parent: null, children: [] });
  for (const n of byNumber.values()) {
    const p = n.contract.parentContractNumber ? byNumber.get(n.contract.parentContractNumber) : undefined;
    if (p && p !== n) {
      n.parent = p;
      p.children.push(n);
    }
  }
  // break cycles in bad data: a node that reaches itself going up is made a root
  for (const n of byNumber.values()) {
    const seen = new Set<TreeNode>([n]);
    for (let p = n.parent; p; p = p.parent) {
      if (seen.has(p)) {
        n.parent?.children.splice(n.parent.children.indexOf(n), 1);
        n.parent = null;
        break;
      }
      seen.add(p);
    }
  }
  const out: TreeNode[] = [];
  const visit = (n: TreeNode, depth: number, chain: number) => {
    const labour = n.contract.kind === 'LABOUR_SUBCONTRACT';
    n.depth = depth;
    n.chainDepth = labour ? chain : chain + 1;
    out.push(n);
    n.children.sort((a, b) => (a.contract.contractNumber < b.contract.contractNumber ? -1 : 1));
    for (const c of n.children) visit(c, depth + 1, n.chainDepth);
  };
  const roots = [...byNumber.values()]
    .filter((n) => !n.parent)
    .sort((a, b) => (a.contract.contractNumber < b.contract.contractNumber ? -1 : 1));
  for (const r of roots) visit(r, 1, 0);
  return out;
}

const RANK: Record<Status, number> = { OK: 0, WARNING: 1, VIOLATION: 2 };
export const worst = (statuses: Iterable<Status>): Status => {
  let s: Status = 'OK';
  for (const x of statuses) if (RANK[x] > RANK[s]) s = x;
  return s;
};

/** A node's status: its own findings, and enterprise-level findings about its contractor. */
export function nodeStatus(node: TreeNode, findings: readonly Finding[]): Status {
  return worst(
    findings
      .filter(
        (f) =>
          f.contractNumber === node.contract.contractNumber || (f.contractNumber === null && f.creditCode === node.contract.contractor),
      )
      .map((f) => f.severity),
  );
}

/** The compliance policy (tables seeded by migrations 1732600000000 and 1732861000000, versioned): policy.ts loads it. */
export interface Policy {
  version: number;
  /** `${category}|${grade}` → scales the grade may undertake */
  gradeScales: ReadonlyMap<string, ReadonlySet<string>>;
  /** constructor level (一级建造师 / 二级建造师) → scales */
  constructorScales: ReadonlyMap<string, ReadonlySet<string>>;
  /** qualification sequence → registered constructor specialty (注册建造师专业) that may manage it */
  constructorSpecialty: ReadonlyMap<string, string>;
  industries: readonly IndustryPolicy[];
  maxChainDepth: number;
  engineerMinRatio: number;
  engineerMinGrades: readonly string[];
  jointPunishmentMatter: string;
  /** lists that make a party "on a blacklist" (BLACKLISTED_PARTY), with their legal basis */
  blacklistLists: ReadonlyMap<ListKind, string>;
  /** every setting as stored, with its legal basis (what the API shows) */
  settings: readonly { key: string; value: unknown; description: string; legalBasis: string | null }[];
}

/** What the API answers (codegen maps the schema's check types onto these). */
export interface TreeNodeResult {
  contractNumber: string;
  parentContractNumber: string | null;
  kind: ContractKind;
  depth: number;
  chainDepth: number;
  status: Status;
  proposed: boolean;
  employer: Party;
  contractor: Party;
  /** the stored contract; null for a proposed one */
  contract: ContractView | null;
}

export interface ProjectCheckResult {
  project: ProjectView;
  asOf: string;
  checkedAt: string;
  policyVersion: number;
  status: Status;
  findings: Finding[];
  tree: TreeNodeResult[];
}

export interface ContractCheckResult extends Omit<ProjectCheckResult, 'project'> {
  project: ProjectView;
  contractNumber: string;
}

export interface EnterpriseCheckResult {
  creditCode: string;
  name: string;
  industryCode: string;
  industry: string | null;
  asOf: string;
  checkedAt: string;
  policyVersion: number;
  status: Status;
  findings: Finding[];
}
