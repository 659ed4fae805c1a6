/** Enterprise resolvers: validate arguments, then ask the store through the request's loaders. */
import { withStatementTimeout } from '../analytics/query.js';
import { analyticsSettings, enterprisesWherePage } from '../analytics/resolvers.js';
import { normaliseName } from '../domain/names.js';
import type { Resolvers } from '../generated/graphql.js';
import { connection, decodeCursor, encodeCursor } from '../kernel/paging.js';
import { lists } from '../records/lists.js';
import type { HubContext } from '../kernel/context.js';
import { badInput } from '../kernel/errors.js';
import { creditCodeArg, pageSizeArg } from '../kernel/validate.js';
import { prefetchProfile } from './prefetch.js';
import { enterprisesByName, enterprisesPage, type EnterpriseNode, type EnterpriseRow } from './store.js';

const CURSOR_LIST = 'enterprise';
const withFreshness = (row: EnterpriseRow, freshness: 'STORED' | 'LIVE' | null | undefined): EnterpriseNode =>
  freshness === 'LIVE' ? { ...row, freshness } : row;

/** One enterprise by credit code through the request's loader (Query.enterprise and Federation's `_entities` alike). */
async function enterpriseByCode(ctx: HubContext, creditCode: string, prefetch?: (code: string) => void): Promise<EnterpriseRow | null> {
  const { code, checksumFailure } = creditCodeArg('creditCode', creditCode);
  const pending = ctx.loaders.enterprise.load(code);
  if (!checksumFailure) prefetch?.(code);
  const row = await pending;
  // a code failing its checksum answers only when exactly that code was issued and stored
  if (checksumFailure && !row?.credit_code_checksum_failed) {
    throw badInput('creditCode', `not a valid unified social credit code: ${checksumFailure}`);
  }
  return row;
}

export const enterpriseResolvers: Resolvers = {
  Query: {
    enterprise: async (_p, { creditCode, freshness }, ctx, info) => {
      // the lists and sections the query shows, read in the same round trip as the enterprise
      const row = await enterpriseByCode(ctx, creditCode, (code) => prefetchProfile(ctx, code, freshness, info));
      return row ? withFreshness(row, freshness) : null;
    },
    enterpriseByName: async (_p, { name, fuzzy, freshness }, ctx) => {
      const normalised = normaliseName(name);
      if (!normalised) throw badInput('name', 'must not be empty');
      if (normalised.length > 200) throw badInput('name', 'must be at most 200 characters');
      // the similar-name search scans an index range and ranks up to 200 names: analytic work, in its bulkhead
      const byName = (db: Parameters<typeof enterprisesByName>[0]) => enterprisesByName(db, name.trim(), normalised, fuzzy === true);
      const s = analyticsSettings(ctx);
      const matches = fuzzy === true ? await withStatementTimeout(ctx.ds, s.timeoutMs, s.concurrency, byName) : await byName(ctx.ds);
      return matches.map((m) => ({ enterprise: withFreshness(m.row, freshness), matchedBy: m.matchedBy, similarity: m.similarity }));
    },
    enterprises: async (_p, args, ctx, info) => {
      // cross-department conditions and orderings: compiled to one statement by analytics
      if (args.where || args.orderBy) return enterprisesWherePage(args, ctx, info);
      const { first, after, filter, freshness } = args;
      const n = pageSizeArg('first', first, ctx.config.HUB_MAX_PAGE_SIZE);
      const afterCode = after ? decodeCursor(CURSOR_LIST, after) : null;
      // fetch one more than asked to know whether a next page exists
      // a filtered list counts every match (up to the whole register): analytic work, within the analytics bulkhead
      // and statement timeout like `where`, so it cannot take the pool from checks and profiles
      const s = analyticsSettings(ctx);
      const { rows, total } = await withStatementTimeout(ctx.ds, s.timeoutMs, s.concurrency, (m) =>
        enterprisesPage(m, filter ?? {}, afterCode, n + 1),
      );
      const nodes = rows.slice(0, n).map((r) => withFreshness(r, freshness));
      for (const r of nodes) ctx.loaders.enterprise.prime(r.credit_code, r);
      return connection(nodes, (node) => encodeCursor(CURSOR_LIST, node.credit_code), {
        totalCount: total,
        hasNextPage: rows.length > n,
        after,
      });
    },
    ping: () => true,
  },
  Enterprise: {
    // Federation entity by @key(fields: "creditCode"): every representation of one `_entities` call goes
    // through the same loader, so a batch of references is one query; a copy, as the subgraph library tags it
    __resolveReference: async (ref, ctx) => {
      const given = (ref as { creditCode?: unknown }).creditCode;
      if (typeof given !== 'string') throw badInput('creditCode', 'an Enterprise representation needs its creditCode');
      const row = await enterpriseByCode(ctx, given);
      return row ? { ...row } : null;
    },
    creditCode: (e) => e.credit_code,
    creditCodeChecksumFailed: (e) => e.credit_code_checksum_failed,
    orgCode: (e) => e.org_code,
    name: (e) => e.name,
    type: (e) => e.type,
    status: (e) => e.status,
    legalRepresentative: (e) => e.legal_representative,
    divisionCode: (e) => e.division_code,
    industryCode: (e) => e.industry_code,
    registeredCapital: (e) => e.registered_capital,
    establishedDate: (e) => e.established_date,
    address: (e) => e.address,
    businessScope: (e) => e.business_scope,
    provenance: (e) => e,
    // cross-department lists, from the store (sections offer the same per department, stored or live)
    persons: async (e, a, ctx) => lists.roles(await ctx.loaders.items.role.load(e.credit_code), a, ctx),
    credentials: async (e, a, ctx) => lists.credentials('credential', await ctx.loaders.items.credential.load(e.credit_code), a, ctx),
    penalties: async (e, a, ctx) => lists.penalties(await ctx.loaders.items.penalty.load(e.credit_code), a, ctx),
    accidents: async (e, a, ctx) => lists.accidents(await ctx.loaders.items.accident.load(e.credit_code), a, ctx),
    listEntries: async (e, a, ctx) => lists.listEntries(await ctx.loaders.items.list_entry.load(e.credit_code), a, ctx),
  },
};
