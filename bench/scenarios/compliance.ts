import type { Scenario } from './types.js';

/** Issue 5: `projectCheck` on a project of 50 contracts (the bench grows the largest generated one). */
export const projectCheck50: Scenario = {
  name: 'project-check-50-contracts',
  description: '`projectCheck` of a 50-contract project: tree, every rule, every party through the joint-punishment check',
  baseline: 'typename',
  group: 'Compliance (issue 5)',
  body: (w) => {
    if (!w.bigProject) throw new Error('project-check-50-contracts needs world.bigProject');
    return {
      query: `query($p: ID!) { projectCheck(projectCode: $p) { status policyVersion
        findings { ruleId severity clause messageZh parties { role creditCode } evidence { source sourceRecordId kind } }
        tree { contractNumber depth status } } }`,
      variables: { p: w.bigProject.projectCode },
    };
  },
};
