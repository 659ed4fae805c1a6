import type { BenchWorld, Scenario } from './types.js';

/**
 * Issue 4: the joint-punishment check 联合惩戒核查 over HTTP, against a store of 100,000 enterprises and
 * ≥ 20,000 list entries (the bench's defaults: BENCH_ENTERPRISES 100000, BENCH_LIST_DENSITY 3.5). Targets on
 * this 2-core machine: single checks at ≥ 0.5 of the trivial query's throughput with p99 < 50 ms at 32
 * connections; a batch of 1,000 subjects under 1 s. Every check is stored as its own row before it is
 * answered, as in production (concurrent checks share the insert statement).
 */
const FIELDS = `checkId decision summary asOf catalogueVersion printUrl
  enterprise { creditCode name status industryCode }
  hits { entryId list department reason legalBasis decisionNumber startDate endDate subject personName personIdNumber banScope }
  measures { code effect mandatory legalBasis triggeredBy }
  personsChecked { idNumber name roles }
  sources { source stale lastSyncedAt }`;
const SINGLE = `mutation($input: JointPunishmentCheckInput!) { runJointPunishmentCheck(input: $input) { ${FIELDS} } }`;
const BATCH = `mutation($inputs: [JointPunishmentCheckInput!]!) { runJointPunishmentChecks(inputs: $inputs) { ${FIELDS} } }`;
const MATTERS = ['PUBLIC_BIDDING', 'CONSTRUCTION_QUALIFICATION', 'GOVERNMENT_PROCUREMENT', 'ROAD_TRANSPORT_LICENCE', 'MINE_SAFETY_LICENCE'];

/** Subjects to vary over: the planted listed/banned enterprises first (they hit), then the world's sample. */
function subjects(w: BenchWorld): string[] {
  const planted = Object.entries(w.scenarios?.enterprises ?? {})
    .filter(([k]) => /^(list|ban|person|enterprise)\./.test(k))
    .map(([, e]) => e.creditCode);
  const codes = [...new Set([...planted, ...(w.sampleEnterprises ?? []), ...w.richEnterprises])];
  if (codes.length === 0) throw new Error('joint-punishment scenarios need enterprises in the bench world');
  return codes;
}

const single = (creditCode: string, n: number) => ({
  query: SINGLE,
  variables: { input: { creditCode, matter: MATTERS[n % MATTERS.length] } },
});

export const JOINT_PUNISHMENT_SCENARIOS: Scenario[] = [
  {
    name: 'jp-check-single',
    description:
      '`runJointPunishmentCheck`: one enterprise and its persons against every list, measures, freshness, recorded; subjects and matters vary per request (planted hits first, then up to 2,000 stored enterprises)',
    baseline: 'typename',
    group: 'Joint punishment (issue 4)',
    body: (w) => single(subjects(w)[0]!, 0),
    bodies: (w) => subjects(w).map(single),
  },
  {
    name: 'jp-check-batch-1000',
    description:
      '`runJointPunishmentChecks` of 1,000 different subjects in one call (batched lookups, 1,000 recorded checks), one caller at a time',
    baseline: 'typename',
    group: 'Joint punishment (issue 4)',
    connections: 1,
    body: (w) => {
      const codes = subjects(w);
      // fewer than 1,000 enterprises in a small world: cycle them (the batch still has 1,000 inputs)
      const inputs = Array.from({ length: 1000 }, (_x, i) => ({
        creditCode: codes[i % codes.length]!,
        matter: MATTERS[i % MATTERS.length],
      }));
      return { query: BATCH, variables: { inputs } };
    },
  },
];
