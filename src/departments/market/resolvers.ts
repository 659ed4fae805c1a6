/** 市场监管 Market regulation: Enterprise.market and its section. */
import type { Resolvers } from '../../generated/graphql.js';
import { lists } from '../../records/lists.js';
import { freshnessOf, resolveSection, sectionFields } from '../section.js';

export const marketResolvers: Resolvers = {
  Enterprise: {
    market: (e, a, ctx, info) => resolveSection(ctx, e, 'MARKET', freshnessOf(a.freshness, e), info),
  },
  MarketSection: {
    ...sectionFields,
    registration: (s) => s.registration(),
    persons: async (s, a, ctx) => lists.roles(await s.items('role'), a, ctx),
    penalties: async (s, a, ctx) => lists.penalties(await s.items('penalty'), a, ctx),
    listEntries: async (s, a, ctx) => lists.listEntries(await s.items('list_entry'), a, ctx),
  },
};
