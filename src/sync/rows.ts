/**
 * Canonical record → the row of its hub table. Pure: links (credit codes) and person keys are
 * resolved beforehand and passed in; the table specs tell the bulk path what to write.
 */
import type { CanonicalRecord, RecordKind } from '../domain/canonical.js';
import type { TableSpec } from './bulk.js';

export const PROVENANCE = ['department', 'source', 'source_record_id', 'fetched_at', 'source_updated_at', 'raw', 'content_hash'] as const;

const spec = (table: string, data: string[], over: Partial<TableSpec> = {}): TableSpec => ({
  table,
  columns: [...data, ...PROVENANCE],
  conflict: '(source, source_record_id)',
  returning: 'source_record_id',
  ...over,
});

export const ENTERPRISE_SPEC = spec(
  'enterprise',
  [
    'credit_code',
    'credit_code_checksum_failed',
    'org_code',
    'name',
    'name_normalised',
    'type',
    'status',
    'legal_representative',
    'division_code',
    'industry_code',
    'registered_capital',
    'established_date',
    'address',
    'business_scope',
  ],
  // an enterprise is its credit code, whichever registry record carries it
  { conflict: '(credit_code)', returning: 'credit_code' },
);

const PERSON_COLUMNS = ['person_key', 'id_encrypted', 'id_masked', 'name', 'phone_encrypted', 'phone_masked'];
export const PERSON_SPEC = spec('person', PERSON_COLUMNS, { conflict: '(person_key)', returning: 'person_key' });
/** Marks person rows derived from a record that only names the person (role, list entry, credential…). */
export const DERIVED_PREFIX = 'derived:';
/**
 * A derived person row never overrides a person record's data: it creates the row, fills a missing
 * name, and follows name changes only while no person record has been stored for the person.
 */
export const DERIVED_PERSON_SPEC = spec('person', PERSON_COLUMNS, {
  conflict: '(person_key)',
  returning: 'person_key',
  updateColumns: ['name', ...PROVENANCE],
  updateWhere: `EXCLUDED.name <> '' AND person.name <> EXCLUDED.name AND (person.name = '' OR person.content_hash LIKE '${DERIVED_PREFIX}%')`,
});
/**
 * DERIVED_PERSON_SPEC's updateWhere in the hub: whether a derived row would change this stored person. The
 * sync skips the rows it would not (no encryption, no conflict locking the row); change the two together.
 */
export const derivedNameChanges = (stored: { name: string; derived: boolean }, name: string): boolean =>
  name !== '' && stored.name !== name && (stored.name === '' || stored.derived);

/** Linked kinds (all but enterprise and person): table and data columns. */
export const KIND_SPECS: Record<Exclude<RecordKind, 'enterprise' | 'person'>, TableSpec> = {
  role: spec('enterprise_person_role', ['credit_code', 'person_key', 'role', 'since', 'until']),
  credential: spec('credential', [
    'credential_kind',
    'number',
    'credit_code',
    'person_key',
    'category',
    'grade',
    'scope',
    'registered_credit_code',
    'issuer_department',
    'valid_from',
    'valid_to',
    'status',
  ]),
  penalty: spec('penalty', ['credit_code', 'decision_number', 'decision_date', 'penalty_type', 'reason', 'legal_basis', 'amount']),
  hidden_danger: spec('hidden_danger', [
    'credit_code',
    'level',
    'description',
    'found_date',
    'deadline',
    'found_by',
    'status',
    'closed_date',
  ]),
  accident: spec('accident', [
    'credit_code',
    'occurred_on',
    'level',
    'deaths',
    'serious_injuries',
    'direct_loss',
    'description',
    'reporting_violation',
  ]),
  inspection: spec('inspection', ['credit_code', 'inspected_on', 'inspection_type', 'result', 'findings', 'key_fire_safety_unit']),
  vehicle: spec('vehicle', [
    'credit_code',
    'plate_number',
    'vehicle_kind',
    'operating_certificate',
    'certificate_valid_to',
    'monitoring_online',
  ]),
  transport_violation: spec('transport_violation', ['credit_code', 'plate_number', 'occurred_at', 'violation_kind', 'location', 'fine']),
  project: spec('project', [
    'project_code',
    'name',
    'builder_credit_code',
    'construction_permit',
    'scale',
    'required_category',
    'required_sequence',
    'division_code',
    'start_date',
    'investment',
  ]),
  contract: spec('contract', [
    'contract_number',
    'project_code',
    'parent_contract_number',
    'contract_kind',
    'employer_credit_code',
    'contractor_credit_code',
    'scope',
    'value',
    'covers_main_structure',
    'covers_all_work',
    'safety_agreement_signed',
    'project_manager_key',
    'signed_on',
  ]),
  insurance_policy: spec('insurance_policy', ['credit_code', 'policy_number', 'insurance_kind', 'insurer', 'valid_from', 'valid_to']),
  list_entry: spec('list_entry', [
    'list',
    'subject_type',
    'credit_code',
    'person_key',
    'person_name',
    'reason',
    'legal_basis',
    'decision_number',
    'start_date',
    'end_date',
    'removed_date',
    'ban_scope',
    'ban_industry',
  ]),
};
export type LinkedKind = keyof typeof KIND_SPECS;

/** Which EnterpriseRefs a record carries, and whether each must link for the record to be stored. */
export interface RefSlot {
  field: string;
  ref: NonNullable<import('../domain/canonical.js').EnterpriseRef>;
  required: boolean;
}

export function refSlots(r: CanonicalRecord): RefSlot[] {
  switch (r.kind) {
    case 'enterprise':
    case 'person':
      return [];
    case 'project':
      return [{ field: 'builder', ref: r.builder ?? {}, required: true }];
    case 'contract':
      return [
        { field: 'employer', ref: r.employer ?? {}, required: true },
        { field: 'contractor', ref: r.contractor ?? {}, required: true },
      ];
    case 'credential': {
      const out: RefSlot[] = [];
      if (r.enterprise) out.push({ field: 'enterprise', ref: r.enterprise, required: true });
      // the registration is what qualification-borrowing checks rest on: it must link too
      if (r.registeredEnterprise) out.push({ field: 'registeredEnterprise', ref: r.registeredEnterprise, required: true });
      return out;
    }
    case 'list_entry':
      if (r.subjectType === 'PERSON') return r.enterprise ? [{ field: 'enterprise', ref: r.enterprise, required: false }] : [];
      return [{ field: 'enterprise', ref: r.enterprise ?? {}, required: true }];
    default:
      return [{ field: 'enterprise', ref: r.enterprise ?? {}, required: true }];
  }
}

/** ID numbers a record carries, by field (the only fields that hold them). */
export function idNumbersOf(r: CanonicalRecord): { field: string; id: string; name: string }[] {
  switch (r.kind) {
    case 'person':
      return [{ field: 'idNumber', id: r.idNumber, name: r.name }];
    case 'role':
      return [{ field: 'idNumber', id: r.idNumber, name: r.personName ?? '' }];
    case 'credential':
      return r.idNumber ? [{ field: 'idNumber', id: r.idNumber, name: '' }] : [];
    case 'list_entry':
      return r.idNumber ? [{ field: 'idNumber', id: r.idNumber, name: r.personName ?? '' }] : [];
    case 'contract':
      return r.projectManagerIdNumber ? [{ field: 'projectManagerIdNumber', id: r.projectManagerIdNumber, name: '' }] : [];
    default:
      return [];
  }
}

/** The record as hashed: ID numbers replaced by their keyed hash (a plain hash of an ID could be brute-forced). */
export function hashable(r: CanonicalRecord, personKey: (id: string) => string): Record<string, unknown> {
  const out: Record<string, unknown> = { ...r };
  for (const { field, id } of idNumbersOf(r)) out[field] = personKey(id);
  return out;
}

type Links = Record<string, string | null>;
const n = <T>(v: T | null | undefined): T | null => (v === undefined ? null : v);

/** Data columns (without provenance) of a linked kind's row. */
export function dataValues(r: CanonicalRecord, links: Links, keyOf: (id: string | null | undefined) => string | null): unknown[] {
  switch (r.kind) {
    case 'role':
      return [links.enterprise, keyOf(r.idNumber), r.role, n(r.since), n(r.until)];
    case 'credential':
      return [
        r.credentialKind,
        r.number,
        n(links.enterprise),
        keyOf(r.idNumber),
        n(r.category),
        n(r.grade),
        n(r.scope),
        n(links.registeredEnterprise),
        r.issuerDepartment,
        n(r.validFrom),
        n(r.validTo),
        r.status,
      ];
    case 'penalty':
      return [links.enterprise, r.decisionNumber, r.decisionDate, r.penaltyType, r.reason, n(r.legalBasis), n(r.amount)];
    case 'hidden_danger':
      return [links.enterprise, r.level, r.description, r.foundDate, r.deadline, r.foundBy, r.status, n(r.closedDate)];
    case 'accident':
      return [links.enterprise, r.occurredOn, r.level, r.deaths, r.seriousInjuries, r.directLoss, r.description, n(r.reportingViolation)];
    case 'inspection':
      return [links.enterprise, r.inspectedOn, r.inspectionType, r.result, n(r.findings), n(r.keyFireSafetyUnit)];
    case 'vehicle':
      return [links.enterprise, r.plateNumber, r.vehicleKind, r.operatingCertificate, n(r.certificateValidTo), r.monitoringOnline];
    case 'transport_violation':
      return [links.enterprise, r.plateNumber, r.occurredAt, r.violationKind, n(r.location), n(r.fine)];
    case 'project':
      return [
        r.projectCode,
        r.name,
        links.builder,
        n(r.constructionPermit),
        r.scale,
        r.requiredCategory,
        r.requiredSequence,
        r.divisionCode,
        n(r.startDate),
        n(r.investment),
      ];
    case 'contract':
      return [
        r.contractNumber,
        r.projectCode,
        n(r.parentContractNumber),
        r.contractKind,
        links.employer,
        links.contractor,
        r.scope,
        r.value,
        r.coversMainStructure,
        r.coversAllWork,
        r.safetyAgreementSigned,
        keyOf(r.projectManagerIdNumber),
        r.signedOn,
      ];
    case 'insurance_policy':
      return [links.enterprise, r.policyNumber, r.insuranceKind, r.insurer, r.validFrom, r.validTo];
    case 'list_entry':
      return [
        r.list,
        r.subjectType,
        n(links.enterprise),
        keyOf(r.idNumber),
        n(r.personName),
        r.reason,
        r.legalBasis,
        r.decisionNumber,
        r.startDate,
        n(r.endDate),
        n(r.removedDate),
        n(r.banScope),
        n(r.banIndustry),
      ];
    case 'enterprise':
    case 'person':
      throw new Error(`${r.kind} rows are not built here`);
  }
}
