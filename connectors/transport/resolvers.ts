/** 交通运输 Transport: Enterprise.transport, vehicles, violations, and its section. */
import type { Resolvers } from '../../src/generated/graphql.js';
import { lists } from '../../src/records/lists.js';
import { freshnessOf, resolveSection, sectionFields } from '../../src/departments/section.js';
import department from './department.js';

const resolvers: Resolvers = {
  Enterprise: {
    transport: (e, a, ctx, info) => resolveSection(ctx, e, department.code, freshnessOf(a.freshness, e), info),
    vehicles: async (e, a, ctx) => lists.vehicles(await ctx.loaders.items.vehicle.load(e.credit_code), a, ctx),
    violations: async (e, a, ctx) => lists.violations(await ctx.loaders.items.transport_violation.load(e.credit_code), a, ctx),
  },
  TransportSection: {
    ...sectionFields,
    credentials: async (s, a, ctx) => lists.credentials('credential', await s.items('credential'), a, ctx),
    vehicles: async (s, a, ctx) => lists.vehicles(await s.items('vehicle'), a, ctx),
    violations: async (s, a, ctx) => lists.violations(await s.items('transport_violation'), a, ctx),
    penalties: async (s, a, ctx) => lists.penalties(await s.items('penalty'), a, ctx),
    listEntries: async (s, a, ctx) => lists.listEntries(await s.items('list_entry'), a, ctx),
  },
};
export default resolvers;
