/** Compliance check resolvers: validate arguments, then one ComplianceService call. */
import type { Resolvers } from '../generated/graphql.js';
import { connection, encodeCursor, decodeCursor } from '../kernel/paging.js';
import type { HubContext } from '../kernel/context.js';
import { creditCodeArg, pageSizeArg } from '../kernel/validate.js';
import { ComplianceService } from './service.js';

const service = (ctx: HubContext) => new ComplianceService(ctx, ctx.caller);

export const complianceResolvers: Resolvers = {
  Query: {
    projectCheck: (_p, { projectCode, asOf }, ctx) => service(ctx).projectCheck(projectCode, asOf ?? null),
    contractCheck: (_p, { input }, ctx) => service(ctx).contractCheck(input),
    enterpriseComplianceCheck: (_p, { creditCode, industry, asOf }, ctx) =>
      service(ctx).enterpriseCheck(creditCode, industry ?? null, asOf ?? null),
    complianceRules: (_p, _a, ctx) => service(ctx).rules(),
    compliancePolicy: async (_p, _a, ctx) => {
      const p = await service(ctx).policy();
      return {
        version: p.version,
        settings: p.settings.map((x) => ({ ...x, value: JSON.stringify(x.value) })),
        blacklistLists: [...p.blacklistLists].map(([list, legalBasis]) => ({ list, legalBasis })),
      };
    },
    projects: async (_p, { first, after, where }, ctx) => {
      const n = pageSizeArg('first', first, ctx.config.HUB_MAX_PAGE_SIZE);
      const w = {
        builderCreditCode: where?.builderCreditCode ? creditCodeArg('where.builderCreditCode', where.builderCreditCode).code : null,
        contractorCreditCode: where?.contractorCreditCode
          ? creditCodeArg('where.contractorCreditCode', where.contractorCreditCode).code
          : null,
        divisionCode: where?.divisionCode ?? null,
        scale: where?.scale ?? null,
      };
      const page = await service(ctx).listProjects(w, after ? decodeCursor('projects', after) : null, n);
      return connection(page.items, (p) => encodeCursor('projects', p.projectCode), {
        totalCount: page.totalCount,
        hasNextPage: page.hasNextPage,
        after,
      });
    },
  },
};
