/** 自然资源 Natural resources: Enterprise.naturalResources and its section (mining licences, geological hazards, penalties, list). */
import type { Resolvers } from '../../src/generated/graphql.js';
import { freshnessOf, resolveSection, sectionFields } from '../../src/departments/section.js';
import { lists } from '../../src/records/lists.js';

export const naturalResourcesResolvers: Resolvers = {
  Enterprise: {
    naturalResources: (e, a, ctx, info) => resolveSection(ctx, e, 'NATURAL_RESOURCES', freshnessOf(a.freshness, e), info),
  },
  NaturalResourcesSection: {
    ...sectionFields,
    // this system holds only mining licences; the kind is fixed, not an argument
    miningLicences: async (s, a, ctx) =>
      lists.credentials('credential', await s.items('credential'), { ...a, kind: 'MINING_LICENCE' }, ctx),
    // hidden dangers of this department are geological ones
    geologicalHazards: async (s, a, ctx) => lists.hiddenDangers(await s.items('hidden_danger'), a, ctx),
    penalties: async (s, a, ctx) => lists.penalties(await s.items('penalty'), a, ctx),
    listEntries: async (s, a, ctx) => lists.listEntries(await s.items('list_entry'), a, ctx),
  },
};
export default naturalResourcesResolvers;
