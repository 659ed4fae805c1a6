/** 应急管理 Emergency management: Enterprise.emergency, hidden dangers, insurance, and its section. */
import type { Resolvers } from '../../src/generated/graphql.js';
import { lists } from '../../src/records/lists.js';
import { freshnessOf, resolveSection, sectionFields } from '../../src/departments/section.js';
import department from './department.js';

const resolvers: Resolvers = {
  Enterprise: {
    emergency: (e, a, ctx, info) => resolveSection(ctx, e, department.code, freshnessOf(a.freshness, e), info),
    hiddenDangers: async (e, a, ctx) => lists.hiddenDangers(await ctx.loaders.items.hidden_danger.load(e.credit_code), a, ctx),
    insurancePolicies: async (e, a, ctx) => lists.insurance(await ctx.loaders.items.insurance_policy.load(e.credit_code), a, ctx),
  },
  EmergencySection: {
    ...sectionFields,
    credentials: async (s, a, ctx) => lists.credentials('credential', await s.items('credential'), a, ctx),
    personCredentials: async (s, a, ctx) => lists.credentials('person_credential', await s.items('person_credential'), a, ctx),
    persons: async (s, a, ctx) => lists.roles(await s.items('role'), a, ctx),
    hiddenDangers: async (s, a, ctx) => lists.hiddenDangers(await s.items('hidden_danger'), a, ctx),
    penalties: async (s, a, ctx) => lists.penalties(await s.items('penalty'), a, ctx),
    accidents: async (s, a, ctx) => lists.accidents(await s.items('accident'), a, ctx),
    listEntries: async (s, a, ctx) => lists.listEntries(await s.items('list_entry'), a, ctx),
    insurancePolicies: async (s, a, ctx) => lists.insurance(await s.items('insurance_policy'), a, ctx),
  },
};
export default resolvers;
