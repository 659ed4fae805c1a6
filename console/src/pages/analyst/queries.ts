/**
 * The analyst workspace's GraphQL documents, and the one function that turns the query form into an
 * `EnterpriseWhere` (schema/analytics.graphql): each filled-in field adds one condition, all AND-ed.
 * The same `where` feeds the table, the statistics and the CSV/Excel export, so they always agree.
 */

export interface QueryForm {
  /** 企业名称包含 */
  name: string;
  /** 地区: a name (resolved by Query.divisions) or a 2/4/6-digit code, as typed */
  region: string;
  /** 行业代码前缀 GB/T 4754, e.g. E or E47 */
  industry: string;
  status: string;
  /** 风险等级 A–D, any of them */
  tiers: string[];
  /** 涉及部门: scopes the record conditions below; alone: the department holds any record of the enterprise */
  department: string;
  /** 名单: '' none, 'ANY' any list in force, or a ListKind */
  list: string;
  /** 隐患: '' none, MAJOR_OPEN, OVERDUE, ANY_OPEN */
  hiddenDanger: string;
  /** 近一年交通违法次数 at least (text as typed) */
  violationsMin: string;
  /** 近两年受过行政处罚 */
  penalties: boolean;
}

export const EMPTY_FORM: QueryForm = {
  name: '',
  region: '',
  industry: '',
  status: '',
  tiers: [],
  department: '',
  list: '',
  hiddenDanger: '',
  violationsMin: '',
  penalties: false,
};

export interface Region {
  code: string;
  name: string;
  level: 'PROVINCE' | 'CITY' | 'COUNTY';
  fullName: string;
}

/** The code prefix that selects every enterprise of a division (GB/T 2260: province 2, city 4, county 6 digits). */
export const regionPrefix = (r: Region): string =>
  r.level === 'PROVINCE' ? r.code.slice(0, 2) : r.level === 'CITY' ? r.code.slice(0, 4) : r.code;

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

const isoDaysAgo = (days: number): string => {
  const d = new Date();
  d.setDate(d.getDate() - days);
  return d.toISOString();
};

export type Where = Record<string, unknown>;

/** The form as an EnterpriseWhere (validated input: `violationsMin` a whole number, the region resolved). */
export function buildWhere(f: QueryForm, region: Region | null): Where {
  const and: Where[] = [];
  const dept = f.department || null;
  if (f.name.trim()) and.push({ name: { _like: `%${escapeLike(f.name.trim())}%` } });
  if (region) and.push({ divisionCode: { _like: `${regionPrefix(region)}%` } });
  if (f.industry.trim()) and.push({ industryCode: { _like: `${escapeLike(f.industry.trim().toUpperCase())}%` } });
  if (f.status) and.push({ status: { _eq: f.status } });
  if (f.tiers.length) and.push({ risk: { tier: { _in: f.tiers } } });
  let recordCondition = false;
  if (f.list) {
    recordCondition = true;
    and.push({
      listEntries: {
        _some: {
          inForce: { _eq: true },
          ...(f.list !== 'ANY' ? { list: { _eq: f.list } } : {}),
          ...(dept ? { department: { _eq: dept } } : {}),
        },
      },
    });
  }
  if (f.hiddenDanger) {
    recordCondition = true;
    const hd: Where =
      f.hiddenDanger === 'MAJOR_OPEN'
        ? { level: { _eq: 'MAJOR' }, status: { _neq: 'CLOSED' } }
        : f.hiddenDanger === 'OVERDUE'
          ? { overdue: { _eq: true }, status: { _neq: 'CLOSED' } }
          : { status: { _neq: 'CLOSED' } };
    and.push({ hiddenDangers: { _some: { ...hd, ...(dept ? { department: { _eq: dept } } : {}) } } });
  }
  if (f.violationsMin.trim()) {
    recordCondition = true;
    and.push({
      violations: {
        _count: {
          where: { occurredAt: { _gte: isoDaysAgo(365) }, ...(dept ? { department: { _eq: dept } } : {}) },
          _gte: Number(f.violationsMin.trim()),
        },
      },
    });
  }
  if (f.penalties) {
    recordCondition = true;
    const since = isoDaysAgo(730).slice(0, 10);
    and.push({ penalties: { _some: { decisionDate: { _gte: since }, ...(dept ? { department: { _eq: dept } } : {}) } } });
  }
  if (dept && !recordCondition) {
    // the department's system holds some record of the enterprise
    and.push({
      _or: [
        { listEntries: { _some: { department: { _eq: dept } } } },
        { penalties: { _some: { department: { _eq: dept } } } },
        { hiddenDangers: { _some: { department: { _eq: dept } } } },
        { credentials: { _some: { issuerDepartment: { _eq: dept } } } },
        { accidents: { _some: { department: { _eq: dept } } } },
        { violations: { _some: { department: { _eq: dept } } } },
      ],
    });
  }
  return and.length === 1 ? and[0]! : { _and: and };
}

export const DIVISION_BY_CODE = `query Division($code: String!) { division(code: $code) { code name level fullName } }`;
export const DIVISIONS_BY_NAME = `query Divisions($name: String!) { divisions(name: $name, limit: 8) { code name level fullName } }`;

export interface EnterpriseRow {
  creditCode: string;
  name: string;
  status: string;
  divisionCode: string;
  industryCode: string;
  registeredCapital: number;
  establishedDate: string;
  risk: { score: number; tier: string } | null;
}

export interface EnterprisePage {
  totalCount: number;
  edges: { cursor: string; node: EnterpriseRow }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

export const SEARCH = `query AnalystSearch($where: EnterpriseWhere, $orderBy: EnterpriseOrderBy, $first: Int, $after: String) {
  enterprises(where: $where, orderBy: $orderBy, first: $first, after: $after) {
    totalCount
    edges { cursor node { creditCode name status divisionCode industryCode registeredCapital establishedDate risk { score tier } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

export interface StatsGroup {
  region: { code: string; name: string; fullName: string } | null;
  regionCode: string | null;
  industry: string | null;
  riskTier: string | null;
  status: string | null;
  department: string | null;
  list: string | null;
  count: number | null;
  highRiskCount: number | null;
  riskScoreAvg: number | null;
  registeredCapitalSum: number | null;
}

export const STATS = `query AnalystStats($where: EnterpriseWhere, $groupBy: [StatsDimension!], $regionLevel: DivisionLevel) {
  enterpriseStats(where: $where, groupBy: $groupBy, regionLevel: $regionLevel, metrics: [COUNT, HIGH_RISK_COUNT, RISK_SCORE_AVG, REGISTERED_CAPITAL_SUM]) {
    region { code name fullName } regionCode industry riskTier status department list count highRiskCount riskScoreAvg registeredCapitalSum
  }
}`;

/** 分组维度 the console offers: dimension and, for regions, the level */
export const GROUP_OPTIONS: { value: string; label: string; groupBy: string; regionLevel?: string }[] = [
  { value: 'RISK_TIER', label: '风险等级', groupBy: 'RISK_TIER' },
  { value: 'REGION_PROVINCE', label: '地区（省级）', groupBy: 'REGION', regionLevel: 'PROVINCE' },
  { value: 'REGION_CITY', label: '地区（地级）', groupBy: 'REGION', regionLevel: 'CITY' },
  { value: 'REGION_COUNTY', label: '地区（县级）', groupBy: 'REGION', regionLevel: 'COUNTY' },
  { value: 'INDUSTRY', label: '行业（大类）', groupBy: 'INDUSTRY' },
  { value: 'STATUS', label: '登记状态', groupBy: 'STATUS' },
  { value: 'DEPARTMENT_LIST', label: '列入部门及名单', groupBy: 'DEPARTMENT_LIST' },
];

export const TIER_ZH: Record<string, string> = { A: 'A 低风险', B: 'B 一般风险', C: 'C 较大风险', D: 'D 重大风险' };
