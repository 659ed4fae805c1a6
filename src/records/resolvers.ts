/** Resolvers of the record types every department shares (stored and live views alike). */
import type { Resolvers } from '../generated/graphql.js';
import { idNumberFor } from '../person/disclosure.js';
import { personFromRef, type PersonView } from '../person/store.js';
import type { HubContext } from '../kernel/context.js';
import { accidentThresholdsFor, deriveAccidentLevel, levelUnderstated } from './accident-level.js';
import { lists } from './lists.js';
import { todayIso } from '../kernel/dates.js';
import { credentialValidOn, hiddenDangerOverdue, insuranceInForce, listEntryInForce } from './rules.js';
import type { PersonRef } from './views.js';

/** The stored person a record names, else what the record itself says of them. */
export async function personOf(ctx: HubContext, ref: PersonRef): Promise<PersonView> {
  return (await ctx.loaders.person.load(ref.personKey)) ?? personFromRef(ref);
}

export const recordResolvers: Resolvers = {
  EnterpriseReference: {
    creditCode: (r) => r.creditCode ?? null,
    orgCode: (r) => r.orgCode ?? null,
    name: (r) => r.name ?? null,
    enterprise: (r, _a, ctx) => (r.creditCode ? ctx.loaders.enterprise.load(r.creditCode) : null),
  },
  Person: {
    personKey: (p) => p.personKey,
    idNumber: (p, _a, ctx) => idNumberFor(ctx, p),
    idNumberMasked: (p) => p.idMasked,
    name: (p) => p.name,
    phoneMasked: (p) => p.phoneMasked,
    roles: async (p, a, ctx) => lists.roles(await ctx.loaders.personItems.role.load(p.personKey), a, ctx),
    credentials: async (p, a, ctx) =>
      lists.credentials('person_credential', await ctx.loaders.personItems.credential.load(p.personKey), a, ctx),
    bans: async (p, a, ctx) => lists.listEntries(await ctx.loaders.personItems.list_entry.load(p.personKey), a, ctx),
    managedContracts: async (p, a, ctx) => lists.contracts(await ctx.loaders.personItems.contract.load(p.personKey), a, ctx),
    provenance: (p) => p.provenance,
  },
  RoleAssignment: {
    role: (r) => r.role,
    person: (r, _a, ctx) => personOf(ctx, r.person),
    enterprise: (r) => r.enterprise,
    since: (r) => r.since ?? null,
    until: (r) => r.until ?? null,
    department: (r) => r.department,
    provenance: (r) => r.provenance,
  },
  Credential: {
    kind: (c) => c.credentialKind,
    holder: (c) => c.enterprise ?? null,
    person: (c, _a, ctx) => (c.person ? personOf(ctx, c.person) : null),
    registeredEnterprise: (c) => c.registeredEnterprise ?? null,
    validOn: (c, { date }) => credentialValidOn(c, date ?? todayIso()),
  },
  ListEntry: {
    enterprise: (e) => e.enterprise ?? null,
    person: (e, _a, ctx) => (e.person ? personOf(ctx, e.person) : null),
    personName: (e) => e.personName ?? e.person?.name ?? null,
    inForce: (e, { on }) => listEntryInForce(e, on ?? todayIso()),
  },
  Accident: {
    // with no threshold rows (policy data emptied) the derived level is the recorded one
    derivedLevel: async (a, _x, ctx) => deriveAccidentLevel(await accidentThresholdsFor(ctx), a) ?? a.level,
    levelUnderstated: async (a, _x, ctx) => {
      const ts = await accidentThresholdsFor(ctx);
      return levelUnderstated(ts, a.level, deriveAccidentLevel(ts, a));
    },
  },
  HiddenDanger: {
    overdue: (h) => hiddenDangerOverdue(h).overdue,
    daysOverdue: (h) => hiddenDangerOverdue(h).days,
  },
  InsurancePolicy: {
    inForce: (p, { on }) => insuranceInForce(p, on ?? todayIso()),
  },
  Contract: {
    kind: (c) => c.contractKind,
    projectManager: (c, _a, ctx) => (c.projectManager ? personOf(ctx, c.projectManager) : null),
  },
};
