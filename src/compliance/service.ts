/**
 * Qualification and subcontracting checks 资质与分包转包核查: loads projects (a chunk at a time, set-based),
 * runs every party through the joint-punishment check in batches, applies the rules and answers with
 * findings and the contract tree. The same path serves projectCheck, contractCheck and the bulk run.
 */
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { loadConfig } from '../config.js';
import type { ContractKind } from '../domain/canonical.js';
import { isValidCreditCode, maskIdNumber } from '../domain/codes.js';
import { CheckRunner, MAX_BATCH } from '../credit/check.js';
import { JointPunishmentService } from '../credit/service.js';
import { ReadBatch, type BatchStatement } from '../store/read-batch.js';
import { todayIso } from '../kernel/dates.js';
import type { ContractView } from '../records/views.js';
import { PiiVault } from '../security/pii.js';
import type { HubServices } from '../kernel/context.js';
import { badInput } from '../kernel/errors.js';
import { creditCodeArg, idNumberArg } from '../kernel/validate.js';
import { checkEnterprise, checkProject } from './engine.js';
import {
  buildTree,
  partyOf,
  type ContractCheckResult,
  type ContractFact,
  type EnterpriseCheckResult,
  type Facts,
  type Finding,
  type JointPunishmentOutcome,
  type Policy,
  type ProjectCheckResult,
  type Status,
} from './model.js';
import { industryOf, loadPolicy, policyOf, POLICY_STATEMENT } from './policy.js';
import { RULES } from './rules/index.js';
import { loadContracts, loadFacts, loadProjects, nextProjectCodes, pageProjects } from './store.js';

export interface Caller {
  subject: string;
  department: string | null;
}

export interface ProposedContractInput {
  projectCode: string;
  contractNumber?: string | null;
  parentContractNumber?: string | null;
  kind: ContractKind;
  employerCreditCode: string;
  contractorCreditCode: string;
  scope: string;
  value: number;
  coversMainStructure?: boolean | null;
  coversAllWork?: boolean | null;
  safetyAgreementSigned: boolean;
  projectManagerIdNumber?: string | null;
  signedOn?: string | null;
}

export const PROPOSED = 'PROPOSED';

/** The source of each list entry a joint-punishment hit names (the check answers with department and entry id). */
const HIT_SOURCES: BatchStatement = {
  name: 'rb_compliance_hit_sources',
  keyColumn: 'source_record_id',
  sql: `SELECT source_record_id, department, source FROM list_entry WHERE source_record_id = ANY($1::text[])`,
};

/** What compliance checks need of the hub's services (the joint-punishment check runs as part of them). */
export type ComplianceServices = Pick<HubServices, 'ds' | 'config' | 'vault' | 'connectors' | 'checks' | 'reads'>;

export class ComplianceService {
  /** joint-punishment outcomes by credit code: one check per party per run, however many projects name it */
  private readonly jpCache = new Map<string, JointPunishmentOutcome>();

  constructor(
    private readonly services: ComplianceServices,
    private readonly caller: Caller,
  ) {}

  private get ds(): DataSource {
    return this.services.ds;
  }

  rules() {
    return RULES.flatMap((r) => [r, ...(r.variants ?? [])]).map(({ id, severity, clause, titleZh, titleEn }) => ({
      id,
      severity,
      clause,
      titleZh,
      titleEn,
    }));
  }

  policy(): Promise<Policy> {
    return loadPolicy(this.services.reads);
  }

  async projectCheck(projectCode: string, asOf?: string | null): Promise<ProjectCheckResult> {
    const code = projectCode.trim();
    if (!code) throw badInput('projectCode', 'must not be empty');
    const [r] = await this.checkProjects([code], { asOf: asOf ?? todayIso() });
    if (!r) throw badInput('projectCode', `no project with code ${code} is known to the hub`);
    return r;
  }

  /**
   * Checks many projects with set-based loads (a fixed number of queries per call). `proposed` adds an
   * unsigned contract to its project's tree.
   */
  async checkProjects(
    codes: readonly string[],
    o: { asOf: string; policy?: Policy; proposed?: { fact: ContractFact } },
  ): Promise<ProjectCheckResult[]> {
    // one round trip for the policy, the projects and their contracts, one for every party's facts (and the check read beside it)
    const rb = this.services.reads;
    const [policy, projects, contracts] = await Promise.all([
      o.policy ?? rb.read(POLICY_STATEMENT).then(policyOf),
      loadProjects(rb, codes),
      loadContracts(rb, codes),
    ]);
    if (o.proposed) {
      const list = contracts.get(o.proposed.fact.projectCode) ?? [];
      contracts.set(o.proposed.fact.projectCode, [...list, { fact: o.proposed.fact, view: null as unknown as ContractView }]);
    }
    const all = [...contracts.values()].flat();
    const contractors = [...new Set(all.map((c) => c.fact.contractor))];
    const parties = [...new Set([...projects.map((p) => p.builder.creditCode!), ...all.map((c) => c.fact.employer), ...contractors])];
    const pmKeys = [...new Set(all.flatMap((c) => (c.fact.projectManager ? [c.fact.projectManager.personKey] : [])))];
    const [facts, jp] = await Promise.all([
      loadFacts(rb, parties, contractors, pmKeys),
      this.jointPunishment(parties, o.asOf, policy.jointPunishmentMatter),
    ]);
    const checkedAt = new Date().toISOString();
    const base: Facts = {
      policy,
      enterprises: facts.enterprises,
      personCredentials: facts.personCredentials,
      jointPunishment: jp,
      asOf: o.asOf,
    };
    return projects.map((project) => {
      const loaded = contracts.get(project.projectCode) ?? [];
      const views = new Map(loaded.map((c) => [c.fact.contractNumber, c.view]));
      const nodes = buildTree(loaded.map((c) => c.fact));
      const ctx = { ...base, project, nodes };
      const result = checkProject(ctx);
      return {
        project,
        asOf: o.asOf,
        checkedAt,
        policyVersion: policy.version,
        status: result.status,
        findings: result.findings,
        tree: result.tree.map(({ node, status }) => ({
          contractNumber: node.contract.contractNumber,
          parentContractNumber: node.parent?.contract.contractNumber ?? null,
          kind: node.contract.kind,
          depth: node.depth,
          chainDepth: node.chainDepth,
          status,
          proposed: node.contract.proposed,
          employer: partyOf(ctx, 'EMPLOYER', node.contract.employer),
          contractor: partyOf(ctx, 'CONTRACTOR', node.contract.contractor),
          contract: node.contract.proposed ? null : (views.get(node.contract.contractNumber) ?? null),
        })),
      };
    });
  }

  /** 签约前核查: a proposed contract, in the context of its project's existing tree. */
  async contractCheck(input: ProposedContractInput): Promise<ContractCheckResult> {
    const projectCode = input.projectCode.trim();
    if (!projectCode) throw badInput('input.projectCode', 'must not be empty');
    if (!Number.isFinite(input.value) || input.value < 0)
      throw badInput('input.value', `must be a non-negative amount in 万元, not ${input.value}`);
    if (!input.scope.trim()) throw badInput('input.scope', 'must not be empty');
    const employer = creditCodeArg('input.employerCreditCode', input.employerCreditCode);
    const contractor = creditCodeArg('input.contractorCreditCode', input.contractorCreditCode);
    const pmId = input.projectManagerIdNumber ? idNumberArg('input.projectManagerIdNumber', input.projectManagerIdNumber) : null;
    const asOf = input.signedOn ?? todayIso();

    const rb = this.services.reads;
    const [projects, contracts] = await Promise.all([loadProjects(rb, [projectCode]), loadContracts(rb, [projectCode])]);
    const project = projects[0];
    if (!project) throw badInput('input.projectCode', `no project with code ${projectCode} is known to the hub`);
    const existing = contracts.get(projectCode) ?? [];
    const number = input.contractNumber?.trim() || PROPOSED;
    if (existing.some((c) => c.fact.contractNumber === number)) {
      throw badInput(
        'input.contractNumber',
        `contract ${number} already exists in project ${projectCode}; a proposed contract needs a new number`,
      );
    }
    const parentNumber = input.parentContractNumber?.trim() || null;
    const parent = parentNumber ? existing.find((c) => c.fact.contractNumber === parentNumber) : undefined;
    if (parentNumber && !parent) throw badInput('input.parentContractNumber', `no contract ${parentNumber} in project ${projectCode}`);
    if (input.kind === 'GENERAL' && parent) throw badInput('input.parentContractNumber', 'a general contract has no parent contract');
    if (input.kind !== 'GENERAL' && !parent)
      throw badInput('input.parentContractNumber', 'a subcontract needs the number of the contract it is part of');
    const expectedEmployer = parent ? parent.fact.contractor : project.builder.creditCode;
    if (employer.code !== expectedEmployer) {
      throw badInput(
        'input.employerCreditCode',
        parent
          ? `the employer of a subcontract is the contractor of ${parentNumber} (${expectedEmployer})`
          : `the employer of a general contract is the project's builder (${expectedEmployer})`,
      );
    }
    const known: { credit_code: string }[] = await this.ds.query(`SELECT credit_code FROM enterprise WHERE credit_code = ANY($1::text[])`, [
      [employer.code, contractor.code],
    ]);
    for (const [field, c] of [
      ['input.employerCreditCode', employer],
      ['input.contractorCreditCode', contractor],
    ] as const) {
      if (!known.some((k) => k.credit_code === c.code)) {
        throw badInput(
          field,
          c.checksumFailure
            ? `not a valid unified social credit code: ${c.checksumFailure}`
            : `no enterprise with credit code ${c.code} is registered`,
        );
      }
    }
    let projectManager = null;
    if (pmId) {
      const personKey = this.services.vault.personKey(pmId);
      const [p]: { name: string }[] = await this.ds.query(`SELECT name FROM person WHERE person_key = $1`, [personKey]);
      projectManager = { personKey, name: p?.name ?? null, idMasked: maskIdNumber(pmId) };
    }
    const fact: ContractFact = {
      contractNumber: number,
      projectCode,
      parentContractNumber: parentNumber,
      kind: input.kind,
      employer: employer.code,
      contractor: contractor.code,
      scope: input.scope.trim(),
      value: input.value,
      coversMainStructure: input.coversMainStructure ?? false,
      coversAllWork: input.coversAllWork ?? false,
      safetyAgreementSigned: input.safetyAgreementSigned,
      projectManager,
      signedOn: asOf,
      proposed: true,
      evidence: {
        department: null,
        source: 'proposal',
        sourceRecordId: number,
        kind: 'contract',
        description: `拟签订合同 ${number}（核查输入）`,
      },
    };
    const [r] = await this.checkProjects([projectCode], { asOf, proposed: { fact } });
    const concerns = (f: Finding) =>
      f.contractNumber === number ||
      f.evidence.some((e) => e.kind === 'contract' && e.source === 'proposal') ||
      (f.contractNumber === null && f.creditCode === contractor.code);
    const findings = r!.findings.filter(concerns);
    const order = { OK: 0, WARNING: 1, VIOLATION: 2 } as const;
    const status = findings.reduce<Status>((s, f) => (order[f.severity] > order[s] ? f.severity : s), 'OK');
    return { ...r!, contractNumber: number, findings, status };
  }

  /** 企业级核查: the enterprise-level rules for one enterprise, under its (given or derived) high-risk industry. */
  async enterpriseCheck(creditCode: string, industry?: string | null, asOf?: string | null): Promise<EnterpriseCheckResult> {
    const { code, checksumFailure } = creditCodeArg('creditCode', creditCode);
    const date = asOf ?? todayIso();
    const policy = await loadPolicy(this.services.reads);
    let ind = null;
    if (industry) {
      ind = policy.industries.find((i) => i.industry === industry) ?? null;
      if (!ind)
        throw badInput('industry', `not a high-risk industry of the policy (${policy.industries.map((i) => i.industry).join(', ')})`);
    }
    const facts = await loadFacts(this.services.reads, [code], [code], []);
    const e = facts.enterprises.get(code);
    if (!e) {
      throw badInput(
        'creditCode',
        checksumFailure
          ? `not a valid unified social credit code: ${checksumFailure}`
          : `no enterprise with credit code ${code} is registered`,
      );
    }
    ind ??= industryOf(policy, e.industryCode);
    const jp = await this.jointPunishment([code], date, policy.jointPunishmentMatter);
    const r = checkEnterprise(
      e,
      { policy, enterprises: facts.enterprises, personCredentials: facts.personCredentials, jointPunishment: jp, asOf: date },
      ind,
    );
    return {
      creditCode: code,
      name: e.name,
      industryCode: e.industryCode,
      industry: ind?.industry ?? null,
      asOf: date,
      checkedAt: new Date().toISOString(),
      policyVersion: policy.version,
      status: r.status,
      findings: r.findings,
    };
  }

  listProjects(where: Parameters<typeof pageProjects>[1], after: string | null, first: number) {
    return pageProjects(this.ds, where, after, first);
  }

  /**
   * Capability 1 for every party, in batches of the joint-punishment service's maximum. Codes failing the
   * GB 32100 checksum (kept, flagged by sync) cannot be checked by it and are skipped.
   */
  private async jointPunishment(codes: readonly string[], asOf: string, matter: string): Promise<Map<string, JointPunishmentOutcome>> {
    const todo = codes.filter((c) => !this.jpCache.has(`${asOf}|${c}`) && isValidCreditCode(c));
    const jps = new JointPunishmentService(this.services);
    for (let i = 0; i < todo.length; i += MAX_BATCH) {
      const batch = todo.slice(i, i + MAX_BATCH);
      const answers = await jps.runMany(
        batch.map((creditCode) => ({ creditCode, matter, asOf })),
        this.caller,
      );
      const ids = [...new Set(answers.flatMap((a) => a.hits.map((h) => h.entryId)))];
      const sources = ids.length
        ? ((await this.services.reads.read(HIT_SOURCES, ids)) as { source_record_id: string; department: string; source: string }[])
        : [];
      const sourceOf = (id: string, dep: string) =>
        sources.find((s) => s.source_record_id === id && s.department === dep)?.source ?? dep.toLowerCase();
      for (const a of answers) {
        this.jpCache.set(`${asOf}|${a.enterprise.creditCode}`, {
          checkId: a.checkId,
          decision: a.decision,
          hits: a.hits.map((h) => ({
            entryId: h.entryId,
            source: sourceOf(h.entryId, h.department),
            list: h.list,
            department: h.department,
            reason: h.reason,
            decisionNumber: h.decisionNumber,
            subject: h.subject,
            personName: h.personName,
            listedEnterprise: h.listedEnterprise ? { creditCode: h.listedEnterprise.creditCode, name: h.listedEnterprise.name } : null,
          })),
        });
      }
    }
    return new Map(
      codes.flatMap((c) => {
        const r = this.jpCache.get(`${asOf}|${c}`);
        return r ? [[c, r] as const] : [];
      }),
    );
  }
}

export interface BulkOptions {
  chunkSize?: number;
  asOf?: string;
  /** called after each chunk */
  onProgress?: (done: number, total: number) => void;
  /** each project's result, in project-code order */
  onResult?: (r: ProjectCheckResult) => void | Promise<void>;
  /** defaults: configuration from defaults, no connectors, a throwaway PII key (no ID numbers are looked up in bulk), a check runner and read batch of its own */
  services?: Partial<ComplianceServices>;
  caller?: Caller;
}

export interface BulkSummary {
  projects: number;
  findings: number;
  byRule: Record<string, number>;
  byStatus: Record<Status, number>;
  ms: number;
}

/** 批量核查: every project in the store, a chunk at a time, each chunk with set-based loads. The bench calls this. */
export async function runProjectChecks(ds: DataSource, o: BulkOptions = {}): Promise<BulkSummary> {
  const t0 = performance.now();
  const chunk = o.chunkSize ?? 500;
  const services: ComplianceServices = {
    ds,
    config: o.services?.config ?? loadConfig({ NODE_ENV: 'production' }),
    vault: o.services?.vault ?? new PiiVault(randomBytes(32)),
    connectors: o.services?.connectors ?? new Map(),
    checks: o.services?.checks ?? new CheckRunner(ds),
    reads: o.services?.reads ?? new ReadBatch(ds),
  };
  const service = new ComplianceService(services, o.caller ?? { subject: 'check:projects', department: null });
  const asOf = o.asOf ?? todayIso();
  const policy = await loadPolicy(services.reads);
  const [{ n: total }] = await ds.query(`SELECT count(*)::int AS n FROM project`);
  const summary: BulkSummary = { projects: 0, findings: 0, byRule: {}, byStatus: { OK: 0, WARNING: 0, VIOLATION: 0 }, ms: 0 };
  let after: string | null = null;
  for (;;) {
    const codes = await nextProjectCodes(ds, after, chunk);
    if (codes.length === 0) break;
    after = codes.at(-1)!;
    const results = await service.checkProjects(codes, { asOf, policy });
    for (const r of results) {
      summary.projects++;
      summary.byStatus[r.status]++;
      for (const f of r.findings) {
        summary.findings++;
        summary.byRule[f.ruleId] = (summary.byRule[f.ruleId] ?? 0) + 1;
      }
      await o.onResult?.(r);
    }
    o.onProgress?.(summary.projects, total);
  }
  summary.ms = Math.round(performance.now() - t0);
  return summary;
}
