/** 市场监管 Market regulation: Enterprise.market and its section. */
import type { Resolvers } from '../../src/generated/graphql.js';
import { lists } from '../../src/records/lists.js';
import { freshnessOf, resolveSection, sectionFields } from '../../src/departments/section.js';
import department from './department.js';

const resolvers: Resolvers = {
  Enterprise: {
    market: (e, a, ctx, info) => resolveSection(ctx, e, department.code, freshnessOf(a.freshness, e), info),
  },
  MarketSection: {
    ...sectionFields,
    registration: (s) => s.registration(),
    persons: async (s, a, ctx) => lists.roles(await s.items('role'), a, ctx),
    penalties: async (s, a, ctx) => lists.penalties(await s.items('penalty'), a, ctx),
    listEntries: async (s, a, ctx) => lists.listEntries(await s.items('list_entry'), a, ctx),
  },
};
export default resolvers;
