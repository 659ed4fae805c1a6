/** 消防救援 Fire and rescue: Enterprise.fire, inspections, and its section. */
import type { Resolvers } from '../../src/generated/graphql.js';
import { lists } from '../../src/records/lists.js';
import { freshnessOf, resolveSection, sectionFields } from '../../src/departments/section.js';
import department from './department.js';

const resolvers: Resolvers = {
  Enterprise: {
    fire: (e, a, ctx, info) => resolveSection(ctx, e, department.code, freshnessOf(a.freshness, e), info),
    inspections: async (e, a, ctx) => lists.inspections(await ctx.loaders.items.inspection.load(e.credit_code), a, ctx),
  },
  FireSection: {
    ...sectionFields,
    // the latest inspection that records the flag decides (inspections are newest first)
    keyFireSafetyUnit: async (s) => (await s.items('inspection')).find((i) => i.keyFireSafetyUnit != null)?.keyFireSafetyUnit ?? null,
    inspections: async (s, a, ctx) => lists.inspections(await s.items('inspection'), a, ctx),
    penalties: async (s, a, ctx) => lists.penalties(await s.items('penalty'), a, ctx),
    accidents: async (s, a, ctx) => lists.accidents(await s.items('accident'), a, ctx),
    listEntries: async (s, a, ctx) => lists.listEntries(await s.items('list_entry'), a, ctx),
  },
};
export default resolvers;
