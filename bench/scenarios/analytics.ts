import type { Scenario } from './types.js';

/**
 * Issue 6: five representative cross-department filters (each one compiled statement, first page of 50,
 * no totalCount) and a province-wide aggregate. Target on this machine at 1,000,000 enterprises
 * (BENCH_ENTERPRISES=1000000): p50 under 200 ms per filter.
 */
const page = (name: string, description: string, where: Record<string, unknown>, orderBy?: Record<string, unknown>): Scenario => ({
  name,
  description,
  baseline: 'typename',
  body: () => ({
    query: `query($w: EnterpriseWhere, $o: EnterpriseOrderBy) { enterprises(first: 50, where: $w, orderBy: $o) {
      nodes { creditCode name divisionCode risk { score tier } } pageInfo { hasNextPage endCursor } } }`,
    variables: { w: where, o: orderBy ?? null },
  }),
});

export const ANALYTICS_SCENARIOS: Scenario[] = [
  page('filter-construction-overdue-major', '湖北 construction firms (E) with an overdue major hidden danger', {
    divisionCode: { _like: '42%' },
    industryCode: { _like: 'E%' },
    hiddenDangers: { _some: { level: { _eq: 'MAJOR' }, overdue: { _eq: true } } },
  }),
  page(
    'filter-high-tier-by-score',
    'risk tier C or D, highest score first',
    { risk: { tier: { _in: ['C', 'D'] } } },
    { field: 'RISK_SCORE', direction: 'DESC' },
  ),
  page('filter-violations-count', 'transport firms with more than 5 violations, active', {
    status: { _eq: 'ACTIVE' },
    violations: { _count: { _gt: 5 } },
  }),
  page('filter-list-and-no-valid-licence', 'on a list in force and without any valid credential', {
    listEntries: { _some: { inForce: { _eq: true } } },
    credentials: { _none: { validNow: { _eq: true } } },
  }),
  page('filter-or-cross-department', 'a city: overdue major hazards OR a larger-or-worse accident in 3 years OR fatigue driving', {
    divisionCode: { _like: '4201%' },
    _or: [
      { hiddenDangers: { _some: { level: { _eq: 'MAJOR' }, overdue: { _eq: true } } } },
      { accidents: { _some: { level: { _in: ['LARGER', 'MAJOR', 'ESPECIALLY_MAJOR'] } } } },
      { violations: { _some: { violationKind: { _eq: 'FATIGUE' } } } },
    ],
  }),
  {
    name: 'stats-province-aggregate',
    description: 'enterpriseStats over one province grouped by city and risk tier (count, capital sum, high-risk count)',
    baseline: 'typename',
    body: () => ({
      query: `{ enterpriseStats(where: { divisionCode: { _like: "42%" } }, groupBy: [REGION, RISK_TIER], regionLevel: CITY,
        metrics: [COUNT, REGISTERED_CAPITAL_SUM, HIGH_RISK_COUNT]) { region { name } riskTier count registeredCapitalSum highRiskCount } }`,
    }),
  },
];
