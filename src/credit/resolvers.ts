/** Joint-punishment check resolvers: validate, then call JointPunishmentService. */
import type { Resolvers } from '../generated/graphql.js';
import type { HubContext } from '../kernel/context.js';
import { connection } from '../kernel/paging.js';
import { pageSizeArg } from '../kernel/validate.js';
import { JointPunishmentService } from './service.js';

// the service holds no state of its own, so one per call costs nothing
const service = (ctx: HubContext) => new JointPunishmentService(ctx);

export const creditResolvers: Resolvers = {
  Query: {
    measures: async (_p, { activeOnly }, ctx) => service(ctx).catalogue(activeOnly !== false),
    check: (_p, { checkId }, ctx) => service(ctx).getCheck(checkId, ctx.caller),
    checks: async (_p, { filter, first, after }, ctx) => {
      const n = pageSizeArg('first', first, ctx.config.HUB_MAX_PAGE_SIZE);
      const page = await service(ctx).listChecks(filter ?? {}, n, after ?? null, ctx.caller);
      return connection(
        page.items.map((i) => i.answer),
        (_a, i) => page.items[i]!.cursor,
        { totalCount: page.totalCount, hasNextPage: page.hasNextPage, after },
      );
    },
    checkFeedbackStats: (_p, { from, to }, ctx) => service(ctx).feedbackStats(from ?? null, to ?? null, ctx.caller),
    jointPunishmentPolicy: async (_p, _a, ctx) => {
      const p = await service(ctx).policy();
      return {
        version: p.version,
        registrationStatuses: p.statuses.map((r) => ({ status: r.status, decision: r.decision, legalBasis: r.legal_basis })),
        listsFollowingPersons: p.follows.map((r) => ({
          list: r.list,
          followsRoles: r.follows_roles,
          applicantRoles: r.applicant_roles,
          legalBasis: r.legal_basis,
        })),
      };
    },
  },
  Mutation: {
    runJointPunishmentCheck: (_p, { input }, ctx) => service(ctx).runOne(input, ctx.caller),
    runJointPunishmentChecks: (_p, { inputs }, ctx) => service(ctx).runMany(inputs, ctx.caller),
    recordCheckFeedback: (_p, { checkId, action, note, measuresApplied, amends }, ctx) =>
      service(ctx).recordFeedback(checkId, action, note ?? null, measuresApplied ?? [], amends ?? null, ctx.caller),
    upsertMeasure: (_p, { input }, ctx) => service(ctx).upsertMeasure(input, ctx.caller),
    deactivateMeasure: (_p, { code, reason }, ctx) => service(ctx).deactivateMeasure(code, reason, ctx.caller),
  },
  JointPunishmentCheck: {
    checkedAt: (c) => c.checkedAt,
    feedback: (c, _a, ctx) => ctx.loaders.checkFeedback.load(c.checkId),
    caseNumber: (c) => c.caseNumber ?? null,
    office: (c) => c.office ?? null,
    checkedByName: (c) => c.checkedByName ?? null,
    policyVersion: (c) => c.policyVersion ?? null,
    statusBasis: (c) => c.statusBasis ?? null,
    // a check counts as done only once its feedback is recorded
    feedbackStatus: async (c, _a, ctx) => ((await ctx.loaders.checkFeedback.load(c.checkId)).length ? 'RECORDED' : 'AWAITING'),
    currentFeedback: async (c, _a, ctx) => (await ctx.loaders.checkFeedback.load(c.checkId)).at(-1) ?? null,
  },
  Measure: {
    code: (m) => m.code,
    text: (m) => m.text,
    applyingDepartment: (m) => m.applying_department,
    triggerLists: (m) => m.trigger_lists,
    triggerBanScopes: (m) => m.trigger_ban_scopes ?? null,
    matters: (m) => m.matters,
    subjectTypes: (m) => m.subject_types,
    effect: (m) => m.effect,
    mandatory: (m) => m.mandatory,
    legalBasis: (m) => m.legal_basis,
    active: (m) => m.active,
    updatedAt: (m) => m.updated_at,
    updatedBy: (m) => m.updated_by,
  },
  CheckFeedback: {
    id: (f) => String(f.id),
    action: (f) => f.action,
    note: (f) => f.note,
    measuresApplied: (f) => f.measures_applied,
    recordedBy: (f) => f.recorded_by,
    recordedByName: (f) => f.recorded_by_name ?? null,
    office: (f) => f.office ?? null,
    amends: (f) => (f.amends == null ? null : String(f.amends)),
    recordedAt: (f) => f.recorded_at,
  },
};
