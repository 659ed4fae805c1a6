/** Runs the rules over loaded facts: pure, so rules are tested on in-memory inputs and on stored projects alike. */
import type {
  EnterpriseContext,
  EnterpriseFacts,
  Facts,
  Finding,
  IndustryPolicy,
  PartyRole,
  ProjectContext,
  Rule,
  Status,
  TreeNode,
} from './model.js';
import { nodeStatus, worst } from './model.js';
import { RULES } from './rules/index.js';

export interface NodeResult {
  node: TreeNode;
  status: Status;
}

export interface ProjectResult {
  findings: Finding[];
  tree: NodeResult[];
  status: Status;
}

/** Each party of a project once, with the role it plays (builder first, then in tree order). */
export function projectParties(ctx: ProjectContext): { creditCode: string; role: PartyRole }[] {
  const roles = new Map<string, PartyRole>();
  roles.set(ctx.project.builder.creditCode!, 'BUILDER');
  for (const n of ctx.nodes) {
    if (!roles.has(n.contract.employer)) roles.set(n.contract.employer, 'EMPLOYER');
    if (!roles.has(n.contract.contractor) || roles.get(n.contract.contractor) === 'EMPLOYER')
      roles.set(n.contract.contractor, 'CONTRACTOR');
  }
  return [...roles].map(([creditCode, role]) => ({ creditCode, role }));
}

export function checkProject(ctx: ProjectContext, rules: readonly Rule[] = RULES): ProjectResult {
  const findings: Finding[] = [];
  for (const rule of rules) {
    if (rule.onContract) for (const n of ctx.nodes) findings.push(...rule.onContract(n, ctx));
  }
  // construction is the industry of every contractor on a project (000 (四), 002 (二十一))
  const construction = ctx.policy.industries.find((i) => i.industry === 'CONSTRUCTION') ?? null;
  for (const { creditCode, role } of projectParties(ctx)) {
    const e = ctx.enterprises.get(creditCode);
    if (!e) continue;
    const ectx: EnterpriseContext = { ...ctx, industry: construction, role };
    for (const rule of rules) {
      if (!rule.onEnterprise || rule.onContract) continue;
      if (rule.parties !== 'ALL' && role !== 'CONTRACTOR') continue;
      findings.push(...rule.onEnterprise(e, ectx));
    }
  }
  const tree = ctx.nodes.map((node) => ({ node, status: nodeStatus(node, findings) }));
  return { findings, tree, status: worst(findings.map((f) => f.severity)) };
}

export function checkEnterprise(
  e: EnterpriseFacts,
  facts: Facts,
  industry: IndustryPolicy | null,
  rules: readonly Rule[] = RULES,
): { findings: Finding[]; status: Status } {
  const ectx: EnterpriseContext = { ...facts, industry, role: 'ENTERPRISE' };
  const findings = rules.flatMap((r) => r.onEnterprise?.(e, ectx) ?? []);
  return { findings, status: worst(findings.map((f) => f.severity)) };
}
