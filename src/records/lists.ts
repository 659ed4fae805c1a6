/**
 * The paginated lists an enterprise, a department section or a person offers, with each list's
 * filters. Shared by every resolver that shows a list, so stored and live lists filter alike.
 */
import type { HubContext } from '../kernel/context.js';
import { paginate, type Page, type PageArgs } from '../kernel/paging.js';
import { todayIso } from '../kernel/dates.js';
import { credentialValidOn, hiddenDangerOverdue, insuranceInForce, listEntryInForce } from './rules.js';
import type {
  AccidentView,
  ContractView,
  CredentialView,
  HiddenDangerView,
  InspectionView,
  InsuranceView,
  ListEntryView,
  PenaltyView,
  ProjectView,
  RoleView,
  VehicleView,
  ViolationView,
} from './views.js';

type Maybe<T> = T | null | undefined;
const max = (ctx: HubContext) => ctx.config.HUB_MAX_PAGE_SIZE;
const when = <T>(cond: unknown, items: T[], pred: (t: T) => boolean): T[] =>
  cond === null || cond === undefined ? items : items.filter(pred);

export const lists = {
  roles: (items: RoleView[], a: PageArgs & { role?: Maybe<string> }, ctx: HubContext): Page<RoleView> =>
    paginate(
      'role',
      when(a.role, items, (r) => r.role === a.role),
      a,
      max(ctx),
    ),

  credentials: (list: string, items: CredentialView[], a: PageArgs & { kind?: Maybe<string>; validOn?: Maybe<string> }, ctx: HubContext) =>
    paginate(
      list,
      when(
        a.validOn,
        when(a.kind, items, (c) => c.credentialKind === a.kind),
        (c) => credentialValidOn(c, a.validOn!),
      ),
      a,
      max(ctx),
    ),

  penalties: (items: PenaltyView[], a: PageArgs, ctx: HubContext) => paginate('penalty', items, a, max(ctx)),

  hiddenDangers: (
    items: HiddenDangerView[],
    a: PageArgs & { level?: Maybe<string>; status?: Maybe<string>; overdue?: Maybe<boolean> },
    ctx: HubContext,
  ) => {
    const today = todayIso();
    let out = when(a.level, items, (h) => h.level === a.level);
    out = when(a.status, out, (h) => h.status === a.status);
    out = when(a.overdue, out, (h) => hiddenDangerOverdue(h, today).overdue === a.overdue);
    return paginate('hidden_danger', out, a, max(ctx));
  },

  accidents: (items: AccidentView[], a: PageArgs & { level?: Maybe<string> }, ctx: HubContext) =>
    paginate(
      'accident',
      when(a.level, items, (x) => x.level === a.level),
      a,
      max(ctx),
    ),

  inspections: (items: InspectionView[], a: PageArgs & { result?: Maybe<string> }, ctx: HubContext) =>
    paginate(
      'inspection',
      when(a.result, items, (x) => x.result === a.result),
      a,
      max(ctx),
    ),

  vehicles: (items: VehicleView[], a: PageArgs & { kind?: Maybe<string> }, ctx: HubContext) =>
    paginate(
      'vehicle',
      when(a.kind, items, (x) => x.vehicleKind === a.kind),
      a,
      max(ctx),
    ),

  violations: (items: ViolationView[], a: PageArgs & { kind?: Maybe<string> }, ctx: HubContext) =>
    paginate(
      'transport_violation',
      when(a.kind, items, (x) => x.violationKind === a.kind),
      a,
      max(ctx),
    ),

  projects: (items: ProjectView[], a: PageArgs, ctx: HubContext) => paginate('project', items, a, max(ctx)),

  contracts: (items: ContractView[], a: PageArgs & { kind?: Maybe<string> }, ctx: HubContext) =>
    paginate(
      'contract',
      when(a.kind, items, (x) => x.contractKind === a.kind),
      a,
      max(ctx),
    ),

  insurance: (items: InsuranceView[], a: PageArgs & { inForceOn?: Maybe<string> }, ctx: HubContext) =>
    paginate(
      'insurance_policy',
      when(a.inForceOn, items, (p) => insuranceInForce(p, a.inForceOn!)),
      a,
      max(ctx),
    ),

  listEntries: (items: ListEntryView[], a: PageArgs & { list?: Maybe<string>; inForceOn?: Maybe<string> }, ctx: HubContext) =>
    paginate(
      'list_entry',
      when(
        a.inForceOn,
        when(a.list, items, (e) => e.list === a.list),
        (e) => listEntryInForce(e, a.inForceOn!),
      ),
      a,
      max(ctx),
    ),
};
