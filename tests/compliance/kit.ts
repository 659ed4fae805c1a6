/** In-memory facts for the compliance rules' unit tests: the same shapes the store loads, built by hand. */
import type { ContractKind, CredentialKind, Department, PersonRole } from '../../src/domain/canonical.js';
import { makeCreditCode } from '../../src/domain/codes.js';
import {
  buildTree,
  type ContractFact,
  type EnterpriseContext,
  type EnterpriseFacts,
  type Finding,
  type JointPunishmentOutcome,
  type Policy,
  type ProjectContext,
  type Rule,
} from '../../src/compliance/model.js';
import {
  withKey,
  type CredentialView,
  type InsuranceView,
  type PersonRef,
  type ProjectView,
  type RoleView,
} from '../../src/records/views.js';

export const code = (i: number): string => makeCreditCode('9', '1', '420106', `MA4K${String(i).padStart(4, '0')}`);
export const BUILDER = code(1);
export const GC = code(2);
export const PROF = code(3);
export const PROF2 = code(4);
export const LABOUR = code(5);
export const OTHER = code(6);

const prov = (department: Department, id: string) => ({
  department,
  provenance: { department, source: department.toLowerCase(), source_record_id: id, fetched_at: new Date(0), source_updated_at: null },
});

const scales = (...s: string[]) => new Set(s);
export const policy: Policy = {
  version: 1,
  gradeScales: new Map([
    ['施工总承包|一级', scales('LARGE', 'MEDIUM', 'SMALL')],
    ['施工总承包|二级', scales('MEDIUM', 'SMALL')],
    ['施工总承包|三级', scales('SMALL')],
    ['专业承包|一级', scales('LARGE', 'MEDIUM', 'SMALL')],
    ['专业承包|二级', scales('MEDIUM', 'SMALL')],
    ['施工劳务|不分等级', scales('LARGE', 'MEDIUM', 'SMALL')],
  ]),
  constructorScales: new Map([
    ['一级建造师', scales('LARGE', 'MEDIUM', 'SMALL')],
    ['二级建造师', scales('MEDIUM', 'SMALL')],
  ]),
  constructorSpecialty: new Map([
    ['建筑工程', '建筑工程'],
    ['地基基础工程', '建筑工程'],
  ]),
  industries: [
    {
      industry: 'CONSTRUCTION',
      nameZh: '建筑施工',
      prefixes: ['E47'],
      safetyDirectorRequired: true,
      engineerRatioRequired: false,
      liabilityInsuranceRequired: true,
      specialOperationsChecked: true,
      licenceKinds: ['CONSTRUCTION_SAFETY_LICENCE'],
    },
    {
      industry: 'HAZCHEM',
      nameZh: '危险化学品',
      prefixes: ['C26'],
      safetyDirectorRequired: false,
      engineerRatioRequired: true,
      liabilityInsuranceRequired: true,
      specialOperationsChecked: true,
      licenceKinds: ['SAFETY_PRODUCTION_LICENCE'],
    },
  ],
  maxChainDepth: 3,
  engineerMinRatio: 0.15,
  engineerMinGrades: ['中级', '高级'],
  jointPunishmentMatter: 'PUBLIC_BIDDING',
  // as seeded by migration 1732861000000: every list but 经营异常名录
  blacklistLists: new Map(
    (
      [
        'SAFETY_DISHONEST',
        'SERIOUS_ILLEGAL_DISHONEST',
        'CONSTRUCTION_BLACKLIST',
        'TRANSPORT_DISHONEST',
        'FIRE_DISHONEST',
        'PRINCIPAL_BAN',
      ] as const
    ).map((l) => [l, `basis of ${l}`]),
  ),
  settings: [],
};
export const industry = (name: string) => policy.industries.find((i) => i.industry === name)!;

let seq = 0;
export function cred(
  kind: CredentialKind,
  o: Partial<CredentialView> & { holder?: string; person?: PersonRef | null; registeredWith?: string } = {},
): CredentialView {
  const id = `cred-${++seq}`;
  return withKey('credential', {
    credentialKind: kind,
    number: o.number ?? id,
    enterprise: o.holder ? { creditCode: o.holder } : null,
    person: o.person ?? null,
    category: o.category ?? null,
    grade: o.grade ?? null,
    scope: o.scope ?? null,
    registeredEnterprise: o.registeredWith ? { creditCode: o.registeredWith } : null,
    issuerDepartment: o.issuerDepartment ?? 'HOUSING',
    validFrom: o.validFrom ?? '2020-01-01',
    validTo: o.validTo ?? '2030-12-31',
    status: o.status ?? 'VALID',
    ...prov(o.department ?? o.issuerDepartment ?? 'HOUSING', id),
  });
}

export const person = (n: number, name = `人员${n}`): PersonRef => ({
  personKey: `pk${n}`,
  name,
  idMasked: `420106********${String(n).padStart(4, '0')}`,
});

export function role(r: PersonRole, p: PersonRef, at: string, o: { since?: string | null; until?: string | null } = {}): RoleView {
  const id = `role-${++seq}`;
  return withKey('role', {
    enterprise: { creditCode: at },
    role: r,
    since: o.since ?? null,
    until: o.until ?? null,
    person: p,
    ...prov('EMERGENCY', id),
  });
}

export function insurance(at: string, validFrom: string, validTo: string): InsuranceView {
  const id = `ins-${++seq}`;
  return withKey('insurance_policy', {
    enterprise: { creditCode: at },
    policyNumber: id,
    insuranceKind: 'SAFETY_LIABILITY',
    insurer: '中国人民财产保险股份有限公司',
    validFrom,
    validTo,
    ...prov('EMERGENCY', id),
  });
}

/** A construction enterprise with a valid qualification and licence, safety director and insurance unless told otherwise. */
export function enterprise(
  creditCode: string,
  o: Partial<EnterpriseFacts> & { qualification?: { category: string; scope: string; grade: string | null } | null } = {},
): EnterpriseFacts {
  const credentials = o.credentials ?? [
    ...(o.qualification === null
      ? []
      : [
          cred('CONSTRUCTION_QUALIFICATION', {
            holder: creditCode,
            ...(o.qualification ?? { category: '施工总承包', scope: '建筑工程', grade: '一级' }),
          }),
        ]),
    cred('CONSTRUCTION_SAFETY_LICENCE', { holder: creditCode, scope: '建筑施工' }),
  ];
  return {
    creditCode,
    name: o.name ?? `企业${creditCode.slice(-4)}有限公司`,
    industryCode: o.industryCode ?? 'E4710',
    status: 'ACTIVE',
    credentials,
    roles: o.roles ?? [role('SAFETY_DIRECTOR', person(1000 + ++seq), creditCode)],
    registeredPersonCredentials: o.registeredPersonCredentials ?? [],
    insurance: o.insurance ?? [insurance(creditCode, '2024-01-01', '2030-12-31')],
    evidence: {
      department: 'MARKET',
      source: 'market',
      sourceRecordId: `ent-${creditCode}`,
      kind: 'enterprise',
      description: 'registration',
    },
  };
}

export function contract(
  n: string,
  kind: ContractKind,
  employer: string,
  contractor: string,
  o: Partial<ContractFact> & { parent?: string | null } = {},
): ContractFact {
  return {
    contractNumber: n,
    projectCode: 'P1',
    parentContractNumber: o.parent ?? null,
    kind,
    employer,
    contractor,
    scope: o.scope ?? (kind === 'GENERAL' ? '建筑工程施工总承包' : kind === 'LABOUR_SUBCONTRACT' ? '劳务作业' : '地基基础工程'),
    value: o.value ?? (kind === 'GENERAL' ? 10000 : kind === 'PROFESSIONAL_SUBCONTRACT' ? 2000 : 800),
    coversMainStructure: o.coversMainStructure ?? kind === 'GENERAL',
    coversAllWork: o.coversAllWork ?? false,
    safetyAgreementSigned: o.safetyAgreementSigned ?? true,
    projectManager: o.projectManager ?? null,
    signedOn: o.signedOn ?? '2025-03-01',
    proposed: false,
    evidence: { department: 'HOUSING', source: 'housing', sourceRecordId: n, kind: 'contract', description: n },
  };
}

export function project(o: Partial<ProjectView> = {}): ProjectView {
  return withKey('project', {
    projectCode: 'P1',
    name: '示范工程',
    builder: { creditCode: BUILDER },
    constructionPermit: null,
    scale: o.scale ?? 'MEDIUM',
    requiredCategory: '施工总承包',
    requiredSequence: '建筑工程',
    divisionCode: '420106',
    startDate: '2025-03-01',
    investment: 12000,
    ...o,
    ...prov('HOUSING', 'P1'),
  });
}

export function projectContext(o: {
  contracts: ContractFact[];
  enterprises?: EnterpriseFacts[];
  personCredentials?: [string, CredentialView[]][];
  scale?: 'LARGE' | 'MEDIUM' | 'SMALL';
  jointPunishment?: [string, JointPunishmentOutcome][];
  asOf?: string;
  policy?: Policy;
}): ProjectContext {
  const ents =
    o.enterprises ??
    [BUILDER, GC, PROF, PROF2, LABOUR].map((c) =>
      enterprise(c, {
        qualification:
          c === PROF || c === PROF2
            ? { category: '专业承包', scope: '地基基础工程', grade: '一级' }
            : c === LABOUR
              ? { category: '施工劳务', scope: '施工劳务', grade: null }
              : undefined,
      }),
    );
  return {
    policy: o.policy ?? policy,
    enterprises: new Map(ents.map((e) => [e.creditCode, e])),
    personCredentials: new Map(o.personCredentials ?? []),
    jointPunishment: new Map(o.jointPunishment ?? []),
    asOf: o.asOf ?? '2025-06-01',
    project: project({ scale: o.scale ?? 'MEDIUM' }),
    nodes: buildTree(o.contracts),
  };
}

/** The rule's findings over every contract of the project. */
export const onContracts = (rule: Rule, ctx: ProjectContext): Finding[] => ctx.nodes.flatMap((n) => rule.onContract!(n, ctx));

export function enterpriseContext(
  ind: string | null,
  o: {
    personCredentials?: [string, CredentialView[]][];
    asOf?: string;
    jointPunishment?: [string, JointPunishmentOutcome][];
    enterprises?: EnterpriseFacts[];
  } = {},
): EnterpriseContext {
  return {
    policy,
    enterprises: new Map((o.enterprises ?? []).map((e) => [e.creditCode, e])),
    personCredentials: new Map(o.personCredentials ?? []),
    jointPunishment: new Map(o.jointPunishment ?? []),
    asOf: o.asOf ?? '2025-06-01',
    industry: ind ? industry(ind) : null,
    role: 'ENTERPRISE',
  };
}

/** The clean four-contract tree: general → professional → labour, signed by clean parties. */
export const cleanTree = (): ContractFact[] => [
  contract('C1', 'GENERAL', BUILDER, GC),
  contract('C2', 'PROFESSIONAL_SUBCONTRACT', GC, PROF, { parent: 'C1' }),
  contract('C3', 'LABOUR_SUBCONTRACT', PROF, LABOUR, { parent: 'C2' }),
];
