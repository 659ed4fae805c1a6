/**
 * A profile's store reads asked for up front. GraphQL resolves an enterprise, then its sections, then
 * their lists: three round trips to the store in turn. Looking at the query's selection when the
 * enterprise is asked for, every stored list it will show and every section's last sync are loaded
 * through the same request loaders in the same turn as the enterprise itself, so they share its one
 * round trip (src/store/read-batch.ts); the resolvers then find them in the loaders' cache. Only what
 * the selection names is loaded, and only for sections read from the store (a live section asks its
 * source and reads the store only when that fails).
 */
import { Kind, valueFromASTUntyped, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import { DEPARTMENT_PACKAGES } from '../../connectors/registry.js';
import type { Department } from '../domain/canonical.js';
import { sourceOf } from '../departments/section.js';
import type { ItemKind } from '../records/views.js';
import type { HubContext } from '../kernel/context.js';

/** List fields (on Enterprise and on every section) and the record kind each shows. */
const LIST_KINDS: Readonly<Record<string, ItemKind>> = {
  persons: 'role',
  credentials: 'credential',
  personCredentials: 'person_credential',
  penalties: 'penalty',
  hiddenDangers: 'hidden_danger',
  accidents: 'accident',
  inspections: 'inspection',
  vehicles: 'vehicle',
  violations: 'transport_violation',
  projects: 'project',
  contracts: 'contract',
  insurancePolicies: 'insurance_policy',
  listEntries: 'list_entry',
  // FireSection.keyFireSafetyUnit is read from the inspections
  keyFireSafetyUnit: 'inspection',
};

/** A section's other list fields (a package's own names, e.g. miningLicences), by the record connection they return. */
const CONNECTION_KINDS: Readonly<Record<string, ItemKind>> = {
  RoleAssignmentConnection: 'role',
  CredentialConnection: 'credential',
  PenaltyConnection: 'penalty',
  HiddenDangerConnection: 'hidden_danger',
  AccidentConnection: 'accident',
  InspectionConnection: 'inspection',
  VehicleConnection: 'vehicle',
  TransportViolationConnection: 'transport_violation',
  ProjectConnection: 'project',
  ContractConnection: 'contract',
  InsurancePolicyConnection: 'insurance_policy',
  ListEntryConnection: 'list_entry',
};

/** Enterprise field → the department whose section it is, and the section's type. */
const SECTIONS: Readonly<Record<string, { department: Department; type: string }>> = Object.fromEntries(
  DEPARTMENT_PACKAGES.map((d) => [d.field, { department: d.code, type: d.sectionType }]),
);

type Wrapped = { name?: string; ofType?: Wrapped };

function sectionListKind(info: GraphQLResolveInfo, sectionType: string, field: string): ItemKind | undefined {
  if (LIST_KINDS[field]) return LIST_KINDS[field];
  // duck-typed: tests may load graphql's CJS and ESM builds side by side, where instanceof checks fail
  const type = info.schema.getType(sectionType) as unknown as { getFields?(): Record<string, { type: Wrapped }> } | undefined;
  let t: Wrapped | undefined = type?.getFields?.()[field]?.type;
  while (t?.ofType) t = t.ofType;
  return t?.name ? CONNECTION_KINDS[t.name] : undefined;
}

/** The fields of a selection set, through inline fragments and fragment spreads. */
function fieldsOf(
  set: SelectionSetNode | undefined,
  info: GraphQLResolveInfo,
  out: FieldNode[] = [],
  seen = new Set<string>(),
): FieldNode[] {
  for (const s of set?.selections ?? []) {
    if (s.kind === Kind.FIELD) out.push(s);
    else if (s.kind === Kind.INLINE_FRAGMENT) fieldsOf(s.selectionSet, info, out, seen);
    else if (!seen.has(s.name.value)) {
      seen.add(s.name.value);
      fieldsOf(info.fragments[s.name.value]?.selectionSet, info, out, seen);
    }
  }
  return out;
}

function freshnessArg(field: FieldNode, info: GraphQLResolveInfo): string | null {
  const arg = field.arguments?.find((a) => a.name.value === 'freshness');
  if (!arg) return null;
  const v = valueFromASTUntyped(arg.value, info.variableValues);
  return typeof v === 'string' ? v : null;
}

/** Starts the stored reads the selection of `Query.enterprise` (at `info`) will need for `code`. */
export function prefetchProfile(ctx: HubContext, code: string, freshness: string | null | undefined, info: GraphQLResolveInfo): void {
  const kinds = new Set<ItemKind>();
  const sources = new Set<string>();
  for (const node of info.fieldNodes) {
    for (const f of fieldsOf(node.selectionSet, info)) {
      const name = f.name.value;
      const listKind = LIST_KINDS[name];
      if (listKind) kinds.add(listKind);
      const section = SECTIONS[name];
      if (!section || (freshnessArg(f, info) ?? freshness ?? 'STORED') !== 'STORED') continue;
      sources.add(sourceOf(ctx, section.department));
      for (const sf of fieldsOf(f.selectionSet, info)) {
        const k = sectionListKind(info, section.type, sf.name.value);
        if (k) kinds.add(k);
      }
    }
  }
  // the answers are the loaders' cached promises; a failure reaches the resolver that asks again
  const quiet = () => undefined;
  for (const k of kinds) ctx.loaders.items[k].load(code).catch(quiet);
  for (const s of sources) ctx.loaders.lastSuccessfulSync.load(s).catch(quiet);
}
