/**
 * One internal view type per record kind, built either from a stored row (src/records/store.ts) or
 * from a live canonical record (src/records/live-mapping.ts). GraphQL item resolvers see only these
 * (codegen `mappers`), so stored and live data answer through the same resolvers.
 * Person identifiers never appear in clear: a view carries the keyed hash and the masked ID.
 */
import type {
  AccidentRecord,
  ContractRecord,
  CredentialRecord,
  Department,
  EnterpriseRef,
  HiddenDangerRecord,
  InspectionRecord,
  InsurancePolicyRecord,
  ListEntryRecord,
  PenaltyRecord,
  ProjectRecord,
  RoleRecord,
  TransportViolationRecord,
  VehicleRecord,
} from '../domain/canonical.js';
import type { ProvenanceRow } from '../kernel/provenance.js';

/** A person as a record names them: keyed hash + masked ID (the clear ID is never kept). */
export interface PersonRef {
  personKey: string;
  name: string | null;
  idMasked: string;
}

/** What every view carries: its department, provenance and its sort key (the cursor's content). */
export interface Meta {
  department: Department;
  provenance: ProvenanceRow;
  cursorKey: string;
}

export type RoleView = Omit<RoleRecord, 'kind' | 'idNumber' | 'personName'> & { person: PersonRef } & Meta;
export type CredentialView = Omit<CredentialRecord, 'kind' | 'idNumber'> & { person: PersonRef | null } & Meta;
export type PenaltyView = Omit<PenaltyRecord, 'kind'> & Meta;
export type HiddenDangerView = Omit<HiddenDangerRecord, 'kind'> & Meta;
export type AccidentView = Omit<AccidentRecord, 'kind'> & Meta;
export type InspectionView = Omit<InspectionRecord, 'kind'> & Meta;
export type VehicleView = Omit<VehicleRecord, 'kind'> & Meta;
export type ViolationView = Omit<TransportViolationRecord, 'kind' | 'occurredAt'> & { occurredAt: string } & Meta;
export type ProjectView = Omit<ProjectRecord, 'kind'> & Meta;
export type ContractView = Omit<ContractRecord, 'kind' | 'projectManagerIdNumber'> & { projectManager: PersonRef | null } & Meta;
export type InsuranceView = Omit<InsurancePolicyRecord, 'kind'> & Meta;
export type ListEntryView = Omit<ListEntryRecord, 'kind' | 'idNumber'> & { person: PersonRef | null } & Meta;

/**
 * The item lists an enterprise has. `credential` = held by the enterprise; `person_credential` =
 * personal credentials of persons registered with it (注册建造师, 特种作业操作证 …).
 */
export interface ItemViews {
  role: RoleView;
  credential: CredentialView;
  person_credential: CredentialView;
  penalty: PenaltyView;
  hidden_danger: HiddenDangerView;
  accident: AccidentView;
  inspection: InspectionView;
  vehicle: VehicleView;
  transport_violation: ViolationView;
  project: ProjectView;
  contract: ContractView;
  insurance_policy: InsuranceView;
  list_entry: ListEntryView;
}
export type ItemKind = keyof ItemViews;
export const ITEM_KINDS: readonly ItemKind[] = [
  'role',
  'credential',
  'person_credential',
  'penalty',
  'hidden_danger',
  'accident',
  'inspection',
  'vehicle',
  'transport_violation',
  'project',
  'contract',
  'insurance_policy',
  'list_entry',
];

/** Digits complemented so that an ascending string sort gives newest first. */
const desc = (s: string | null | undefined): string => {
  const t = s ?? '';
  let out = '';
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    out += c >= 48 && c <= 57 ? String.fromCharCode(105 - c) : t[i];
  }
  return out.padEnd(24, '~');
};
const asc = (s: string | null | undefined): string => (s ?? '').padEnd(24, ' ');

/** Sort order of each list (the cursor is this key): dates newest first, then by source record. */
const SORT: { [K in ItemKind]: (v: Omit<ItemViews[K], 'cursorKey'>) => string } = {
  role: (v) => `${asc(v.role)}|${asc(v.person.name)}`,
  credential: (v) => `${asc(v.credentialKind)}|${asc(v.number)}`,
  person_credential: (v) => `${asc(v.credentialKind)}|${asc(v.number)}`,
  penalty: (v) => desc(v.decisionDate),
  hidden_danger: (v) => desc(v.foundDate),
  accident: (v) => desc(v.occurredOn),
  inspection: (v) => desc(v.inspectedOn),
  vehicle: (v) => asc(v.plateNumber),
  transport_violation: (v) => desc(v.occurredAt),
  project: (v) => asc(v.projectCode),
  contract: (v) => desc(v.signedOn),
  insurance_policy: (v) => desc(v.validTo),
  list_entry: (v) => desc(v.startDate),
};

/** Completes a view with its cursor key (sort key + source + source record id, so it is unique). `v` is the caller's new object: completed in place, not copied (a profile or a project's facts build hundreds). */
export function withKey<K extends ItemKind>(kind: K, v: Omit<ItemViews[K], 'cursorKey'>): ItemViews[K] {
  const key = `${SORT[kind](v)}|${v.provenance.source}|${v.provenance.source_record_id}`;
  const out = v as ItemViews[K];
  out.cursorKey = key;
  return out;
}

export const byCursorKey = (a: { cursorKey: string }, b: { cursorKey: string }): number =>
  a.cursorKey < b.cursorKey ? -1 : a.cursorKey > b.cursorKey ? 1 : 0;

/** The enterprise refs a record names, by list it can appear in (for attaching live records to keys). */
export type RefOf = { kind: ItemKind; ref: EnterpriseRef | null | undefined };
