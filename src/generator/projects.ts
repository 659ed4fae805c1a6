/**
 * Construction projects 工程项目 and their contract trees (住建): the builder's general contract and
 * the professional and labour subcontracts below it. Background projects are mostly lawful with the
 * usual share of 转包, 违法分包, 再分包 and 挂靠; planted ones carry exactly one fault each.
 */
import type { ContractKind, Department, ProjectScale } from '../domain/canonical.js';
import { Emitter } from './emitter.js';
import { enterpriseProfile, personOf, refOf, SLOT, type EnterpriseProfile, type PersonProfile, type WorldParams } from './profile.js';
import { addDays, Rng, STREAM } from './random.js';

/** Which project scales a grade may contract for (the policy's table lives in the hub; this is the generator's truth). */
export const GRADE_SCALES: Record<string, readonly ProjectScale[]> = {
  特级: ['LARGE', 'MEDIUM', 'SMALL'],
  一级: ['LARGE', 'MEDIUM', 'SMALL'],
  二级: ['MEDIUM', 'SMALL'],
  三级: ['SMALL'],
};

export interface ContractPlan {
  /** index into the plan's contracts of the parent; null for the general contract */
  parent: number | null;
  kind: ContractKind;
  contractor: EnterpriseProfile;
  scope?: string;
  coversMainStructure?: boolean;
  coversAllWork?: boolean;
  safetyAgreementSigned?: boolean;
  /** project manager (general contract): default the contractor's own registered PM */
  projectManager?: PersonProfile | null;
}

/** Projects start at most this many days ago, and contracts are signed up to a month before the start. */
export const MAX_START_DAYS_AGO = 900;
export const EARLIEST_SIGNING_DAYS_AGO = MAX_START_DAYS_AGO + 30;

export interface ProjectPlan {
  /** start this many days ago (planted cases that need known dates); else drawn */
  startDaysAgo?: number;
  code: string;
  name: string;
  builder: EnterpriseProfile;
  scale: ProjectScale;
  requiredSequence: string;
  contracts: ContractPlan[];
}

export function projectCode(builder: EnterpriseProfile, n: number): string {
  return `XM${builder.county.code}${String(builder.index * 100 + n).padStart(9, '0')}`;
}

export function projectRecords(p: WorldParams, plan: ProjectPlan, noisy: boolean, filter?: (d: Department) => boolean): Emitter {
  const rng = new Rng(p.seed, STREAM.project, plan.builder.index, Number(plan.code.slice(-2)));
  const out = new Emitter(p.today, rng, plan.code, noisy, filter);
  const drawn = rng.int(60, MAX_START_DAYS_AGO); // drawn either way: the project's later draws stay the same
  const start = addDays(p.today, -(plan.startDaysAgo ?? drawn));
  const investment = { LARGE: rng.int(30000, 200000), MEDIUM: rng.int(3000, 30000), SMALL: rng.int(100, 3000) }[plan.scale];
  out.add(
    'HOUSING',
    {
      kind: 'project',
      projectCode: plan.code,
      name: plan.name,
      builder: refOf(plan.builder),
      constructionPermit: `${plan.builder.county.code}${start.replace(/-/g, '')}0101`,
      scale: plan.scale,
      requiredCategory: '施工总承包',
      requiredSequence: plan.requiredSequence,
      divisionCode: plan.builder.county.code,
      startDate: start,
      investment,
    },
    { dirt: {} },
  );
  const numbers: string[] = [];
  plan.contracts.forEach((c, k) => {
    const parent = c.parent === null ? null : plan.contracts[c.parent]!;
    const employer = parent ? parent.contractor : plan.builder;
    const number = `HT-${plan.code}-${String(k + 1).padStart(2, '0')}`;
    numbers.push(number);
    const pm =
      c.kind === 'GENERAL'
        ? c.projectManager === undefined
          ? personOf(p, c.contractor.index, SLOT.PROJECT_MANAGER)
          : c.projectManager
        : (c.projectManager ?? null);
    out.add(
      'HOUSING',
      {
        kind: 'contract',
        contractNumber: number,
        projectCode: plan.code,
        parentContractNumber: c.parent === null ? null : numbers[c.parent]!,
        contractKind: c.kind,
        employer: refOf(employer),
        contractor: refOf(c.contractor),
        scope: c.scope ?? defaultScope(c.kind, plan.requiredSequence),
        value: Math.round(investment * (c.kind === 'GENERAL' ? 0.85 : c.kind === 'PROFESSIONAL_SUBCONTRACT' ? 0.2 : 0.08)),
        coversMainStructure: c.coversMainStructure ?? c.kind === 'GENERAL',
        coversAllWork: c.coversAllWork ?? false,
        safetyAgreementSigned: c.safetyAgreementSigned ?? true,
        projectManagerIdNumber: pm?.idNumber ?? null,
        signedOn: addDays(start, -30 + k * 10),
      },
      { dirt: {} },
    );
  });
  return out;
}

const defaultScope = (kind: ContractKind, sequence: string): string =>
  kind === 'GENERAL' ? `${sequence}施工总承包` : kind === 'LABOUR_SUBCONTRACT' ? '劳务作业' : '地基基础工程';

/** The next enterprise at or after `from` (wrapping, skipping planted ones) that satisfies `ok`, or null in a world too small to have one. */
export function findEnterprise(
  p: WorldParams,
  from: number,
  firstFree: number,
  ok: (e: EnterpriseProfile) => boolean,
): EnterpriseProfile | null {
  const span = p.enterprises - firstFree;
  for (let k = 0; k < Math.min(span, 5000); k++) {
    const i = firstFree + ((from - firstFree + k + span) % span);
    const e = enterpriseProfile(p, i);
    if (ok(e)) return e;
  }
  return null;
}

/** Background projects of a real-estate builder: 1-2 projects with realistic trees and fault rates. */
export function backgroundProjects(p: WorldParams, builder: EnterpriseProfile, firstFree: number): ProjectPlan[] {
  const rng = new Rng(p.seed, STREAM.project, builder.index, 99);
  const active = (e: EnterpriseProfile) => e.status === 'ACTIVE' && !e.creditCodeChecksumFailed;
  const plans: ProjectPlan[] = [];
  const n = rng.int(1, 2);
  for (let k = 0; k < n; k++) {
    const gc = findEnterprise(
      p,
      rng.int(firstFree, p.enterprises - 1),
      firstFree,
      (e) => active(e) && e.qualification?.category === '施工总承包',
    );
    if (!gc) continue; // a small world may have no general contractor: no project then
    const q = gc.qualification!;
    const scales = GRADE_SCALES[q.grade ?? '三级']!;
    // a few contractors take on work beyond their grade
    const scale: ProjectScale = rng.chance(0.03) ? 'LARGE' : rng.pick(scales);
    const prof = findEnterprise(
      p,
      rng.int(firstFree, p.enterprises - 1),
      firstFree,
      (e) => active(e) && e.qualification?.category === '专业承包',
    );
    const labour = findEnterprise(
      p,
      rng.int(firstFree, p.enterprises - 1),
      firstFree,
      (e) => active(e) && e.qualification?.category === '施工劳务',
    );
    // draws happen whatever is found, so a small world stays the same world as the large one around it
    const [mainStructure, allWork, agreementGc, agreementProf, labourUnderGc, resub, borrowed] = [
      rng.chance(0.03),
      rng.chance(0.02),
      rng.chance(0.03),
      rng.chance(0.04),
      rng.chance(0.5),
      rng.chance(0.03),
      rng.chance(0.03),
    ];
    const contracts: ContractPlan[] = [{ parent: null, kind: 'GENERAL', contractor: gc, safetyAgreementSigned: !agreementGc }];
    if (prof)
      contracts.push({
        parent: 0,
        kind: 'PROFESSIONAL_SUBCONTRACT',
        contractor: prof,
        scope: prof.qualification!.sequence,
        coversMainStructure: mainStructure,
        coversAllWork: allWork,
        safetyAgreementSigned: !agreementProf,
      });
    if (labour) contracts.push({ parent: prof && !labourUnderGc ? 1 : 0, kind: 'LABOUR_SUBCONTRACT', contractor: labour });
    if (resub && prof) {
      const again = findEnterprise(
        p,
        rng.int(firstFree, p.enterprises - 1),
        firstFree,
        (e) => active(e) && e.qualification?.category === '专业承包',
      );
      if (again) contracts.push({ parent: 1, kind: 'PROFESSIONAL_SUBCONTRACT', contractor: again, scope: again.qualification!.sequence });
    }
    if (borrowed) {
      // 挂靠: the PM on the contract is registered with some other enterprise
      const other = findEnterprise(
        p,
        rng.int(firstFree, p.enterprises - 1),
        firstFree,
        (e) => e.qualification?.category === '施工总承包' && e.index !== gc.index,
      );
      if (other) contracts[0] = { ...contracts[0]!, projectManager: personOf(p, other.index, SLOT.PROJECT_MANAGER) };
    }
    plans.push({
      code: projectCode(builder, k),
      name: `${builder.county.city}${builder.name.slice(builder.county.city.length, builder.county.city.length + 2)}${rng.pick(['花园', '广场', '中心', '小区', '大厦'])}${k + 1}期工程`,
      builder,
      scale,
      requiredSequence: q.sequence,
      contracts,
    });
  }
  return plans;
}
