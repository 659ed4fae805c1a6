/** What qualification a contract's work needs (shared by the three qualification rules). */
import type { CredentialView, ProjectView } from '../../records/views.js';
import { evidenceOf, type ContractFact, type EnterpriseFacts } from '../model.js';

export const SCALE_ZH: Record<string, string> = { LARGE: '大型', MEDIUM: '中型', SMALL: '小型' };

export function requiredQualification(
  c: Pick<ContractFact, 'kind' | 'scope'>,
  project: Pick<ProjectView, 'requiredCategory' | 'requiredSequence'>,
): {
  zh: string;
  en: string;
  accepts(q: CredentialView): boolean;
} {
  switch (c.kind) {
    case 'GENERAL':
      return {
        zh: `${project.requiredCategory}（${project.requiredSequence}）`,
        en: `${project.requiredCategory} / ${project.requiredSequence}`,
        accepts: (q) => q.category === project.requiredCategory && q.scope === project.requiredSequence,
      };
    case 'PROFESSIONAL_SUBCONTRACT':
      // a general contractor's qualification also covers professional work of its own sequence
      return {
        zh: `专业承包（${c.scope}）`,
        en: `专业承包 covering "${c.scope}"`,
        accepts: (q) =>
          (q.category === '专业承包' && !!q.scope && c.scope.includes(q.scope)) ||
          (q.category === '施工总承包' && q.scope === project.requiredSequence),
      };
    case 'LABOUR_SUBCONTRACT':
      return { zh: '施工劳务', en: '施工劳务 (labour)', accepts: (q) => q.category === '施工劳务' };
  }
}

export const qualificationsOf = (e: EnterpriseFacts | undefined): CredentialView[] =>
  (e?.credentials ?? []).filter((q) => q.credentialKind === 'CONSTRUCTION_QUALIFICATION');

export const qualificationEvidence = (qs: CredentialView[]) =>
  qs.map((q) =>
    evidenceOf(
      q,
      'credential',
      `建筑业企业资质 ${q.number} ${q.category ?? ''} ${q.scope ?? ''} ${q.grade ?? ''} ${q.validFrom ?? ''}~${q.validTo ?? ''} ${q.status}`,
    ),
  );
