/** 住房城乡建设 Housing and construction: Enterprise.housing, projects, contracts, and its section. */
import type { Resolvers } from '../../src/generated/graphql.js';
import { lists } from '../../src/records/lists.js';
import { freshnessOf, resolveSection, sectionFields } from '../../src/departments/section.js';
import department from './department.js';

const resolvers: Resolvers = {
  Enterprise: {
    housing: (e, a, ctx, info) => resolveSection(ctx, e, department.code, freshnessOf(a.freshness, e), info),
    projects: async (e, a, ctx) => lists.projects(await ctx.loaders.items.project.load(e.credit_code), a, ctx),
    contracts: async (e, a, ctx) => lists.contracts(await ctx.loaders.items.contract.load(e.credit_code), a, ctx),
  },
  HousingSection: {
    ...sectionFields,
    credentials: async (s, a, ctx) => lists.credentials('credential', await s.items('credential'), a, ctx),
    personCredentials: async (s, a, ctx) => lists.credentials('person_credential', await s.items('person_credential'), a, ctx),
    persons: async (s, a, ctx) => lists.roles(await s.items('role'), a, ctx),
    projects: async (s, a, ctx) => lists.projects(await s.items('project'), a, ctx),
    contracts: async (s, a, ctx) => lists.contracts(await s.items('contract'), a, ctx),
    listEntries: async (s, a, ctx) => lists.listEntries(await s.items('list_entry'), a, ctx),
  },
  Project: {
    builder: (p) => p.builder,
  },
};
export default resolvers;
