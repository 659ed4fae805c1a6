/** Analyst queries: validate arguments, then one call into analytics/query.ts. */
import type { GraphQLResolveInfo } from 'graphql';
import { normaliseName } from '../domain/names.js';
import type { EnterpriseNode } from '../enterprise/store.js';
import type { QueryEnterprisesArgs, Resolvers } from '../generated/graphql.js';
import { connection, decodeCursor, encodeCursor } from '../kernel/paging.js';
import { todayIso } from '../kernel/dates.js';
import type { HubContext } from '../kernel/context.js';
import { badInput, notFound } from '../kernel/errors.js';
import { parseIsoDate } from '../kernel/scalars.js';
import { pageSizeArg } from '../kernel/validate.js';
import { enterpriseStats, keySupervision, ORDER_FIELDS, searchEnterprises, type AnalyticsSettings, type OrderField } from './query.js';
import { escapeLike } from './where.js';

export function analyticsSettings(ctx: Pick<HubContext, 'config' | 'analytics'>): AnalyticsSettings {
  return {
    limits: { maxDepth: ctx.config.HUB_WHERE_MAX_DEPTH, maxConditions: ctx.config.HUB_WHERE_MAX_CONDITIONS },
    timeoutMs: ctx.config.HUB_ANALYTICS_TIMEOUT_MS,
    concurrency: ctx.analytics.slots,
    today: todayIso(),
  };
}

/** True when the field's selection asks for `name` (fragments: assume it does). */
function selects(info: GraphQLResolveInfo, name: string): boolean {
  return info.fieldNodes.some((n) => n.selectionSet?.selections.some((s) => s.kind !== 'Field' || s.name.value === name) ?? false);
}

const cursorList = (field: OrderField, dir: string) => `enterprise-where-${field}-${dir}`;

/** Whether a cursor's sort value has the type of its order field (null only where the column may be null). */
function cursorValueFits(field: OrderField, value: unknown): boolean {
  if (value === null) return field === 'REGISTERED_CAPITAL' || field === 'ESTABLISHED_DATE';
  switch (ORDER_FIELDS[field].cast) {
    case 'text':
      return typeof value === 'string';
    case 'numeric':
      return typeof value === 'number' && Number.isFinite(value);
    case 'date':
      try {
        return typeof value === 'string' && parseIsoDate(value) === value;
      } catch {
        return false;
      }
  }
}

/**
 * `enterprises` with `where` and/or `orderBy`: one compiled statement per page, keyset pagination on
 * (sort value, credit code); the total is counted only when asked for.
 */
export async function enterprisesWherePage(args: QueryEnterprisesArgs, ctx: HubContext, info: GraphQLResolveInfo) {
  const n = pageSizeArg('first', args.first, ctx.config.HUB_MAX_PAGE_SIZE);
  const field: OrderField = args.orderBy?.field ?? 'CREDIT_CODE';
  const dir = args.orderBy?.direction ?? 'ASC';
  const list = cursorList(field, dir);
  let after: { value: unknown; creditCode: string } | null = null;
  if (args.after) {
    const raw = decodeCursor(list, args.after);
    try {
      const parsed = JSON.parse(raw) as unknown;
      if (!Array.isArray(parsed) || parsed.length !== 2) throw new Error('bad');
      const [value, creditCode] = parsed as [unknown, unknown];
      // the sort value as this list writes it (the database would fail on anything else)
      if (typeof creditCode !== 'string' || !cursorValueFits(field, value)) throw new Error('bad');
      after = { value, creditCode };
    } catch {
      throw badInput('after', 'unknown cursor: pass the endCursor or an edge cursor of a previous page of this list');
    }
  }
  const filter = args.filter
    ? {
        divisionCode: args.filter.divisionCode,
        industryCode: args.filter.industryCode,
        status: args.filter.status,
        nameNormalisedLike: args.filter.nameContains ? `%${escapeLike(normaliseName(args.filter.nameContains))}%` : null,
      }
    : null;
  const { rows, total } = await searchEnterprises(
    ctx.ds,
    {
      where: args.where as Record<string, unknown> | null | undefined,
      filter,
      orderBy: { field, direction: dir },
      after,
      limit: n + 1,
      withTotal: selects(info, 'totalCount'),
    },
    analyticsSettings(ctx),
  );
  const nodes: EnterpriseNode[] = rows
    .slice(0, n)
    .map(({ sort_value: _s, ...r }) => (args.freshness === 'LIVE' ? { ...r, freshness: 'LIVE' } : r));
  for (const node of nodes) ctx.loaders.enterprise.prime(node.credit_code, node);
  const cursorOf = (_node: EnterpriseNode, i: number) => {
    const r = rows[i]!;
    return encodeCursor(list, JSON.stringify([r.sort_value instanceof Date ? r.sort_value.toISOString() : r.sort_value, r.credit_code]));
  };
  // not selected → not counted (a count over 1,000,000 rows is not free)
  return connection(nodes, cursorOf, { totalCount: total ?? -1, hasNextPage: rows.length > n, after: args.after });
}

export const analyticsResolvers: Resolvers = {
  Query: {
    enterpriseStats: async (_p, a, ctx) =>
      enterpriseStats(
        ctx.ds,
        {
          where: a.where as Record<string, unknown> | null | undefined,
          groupBy: a.groupBy ?? [],
          regionLevel: a.regionLevel ?? 'PROVINCE',
          industryLevel: a.industryLevel ?? 'DIVISION',
          metrics: a.metrics ?? ['COUNT'],
        },
        analyticsSettings(ctx),
      ),
    keySupervisionList: async (_p, { region, limit, minTier }, ctx) => {
      const max = ctx.config.HUB_KEY_SUPERVISION_MAX;
      const n = pageSizeArg('limit', limit, max, 50);
      const div = (await ctx.analytics.divisions()).resolve(region.trim());
      if (!div) throw badInput('region', 'not a GB/T 2260 division code (2, 4 or 6 digits of a province, city or county)');
      const prefix = div.level === 'PROVINCE' ? div.code.slice(0, 2) : div.level === 'CITY' ? div.code.slice(0, 4) : div.code;
      const rows = await keySupervision(ctx.ds, prefix, minTier ?? 'C', n, analyticsSettings(ctx));
      return {
        regionCode: div.code,
        generatedAt: new Date(),
        entries: rows.map(({ score, tier, factors, ...e }, i) => {
          ctx.loaders.enterprise.prime(e.credit_code, e);
          return { rank: i + 1, enterprise: e, score, tier, reasons: factors };
        }),
      };
    },
    divisions: async (_p, { name, limit }, ctx) => {
      const n = pageSizeArg('limit', limit, 50, 10);
      const q = name.trim();
      if (!q) throw badInput('name', 'must not be empty', { messageZh: '请输入行政区划名称。' });
      if (q.length > 60) throw badInput('name', 'at most 60 characters', { messageZh: '行政区划名称过长。' });
      return (await ctx.analytics.divisions()).search(q, n);
    },
    division: async (_p, { code }, ctx) => {
      if (!/^(\d{2}|\d{4}|\d{6})$/.test(code.trim())) throw badInput('code', 'must be 2, 4 or 6 digits');
      return (await ctx.analytics.divisions()).resolve(code.trim()) ?? null;
    },
  },
  KeySupervisionList: {
    region: async (l, _a, ctx) => {
      const d = (await ctx.analytics.divisions()).get(l.regionCode);
      if (!d) throw notFound('division', { code: l.regionCode });
      return d;
    },
    generatedAt: (l) => l.generatedAt,
    entries: (l) => l.entries,
  },
  StatsGroup: {
    region: async (g, _a, ctx) => (g.region_code ? ((await ctx.analytics.divisions()).get(g.region_code) ?? null) : null),
    regionCode: (g) => g.region_code,
    industry: (g) => g.industry,
    riskTier: (g) => g.risk_tier,
    status: (g) => g.status as 'ACTIVE' | 'REVOKED' | 'CANCELLED' | null,
    department: (g) => g.department,
    list: (g) => g.list,
    count: (g) => g.count,
    registeredCapitalSum: (g) => g.registered_capital_sum,
    riskScoreAvg: (g) => g.risk_score_avg,
    highRiskCount: (g) => g.high_risk_count,
  },
  Division: {
    code: (d) => d.code,
    name: (d) => d.name,
    level: (d) => d.level,
    fullName: async (d, _a, ctx) => (await ctx.analytics.divisions()).fullName(d.code),
    parent: async (d, _a, ctx) => (d.parent_code ? ((await ctx.analytics.divisions()).get(d.parent_code) ?? null) : null),
  },
};
