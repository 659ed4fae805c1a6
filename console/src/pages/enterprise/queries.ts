/**
 * The enterprise profile's query: registration, risk, and every registered department's section with its
 * freshness (asOf, mode, stale, liveError): the five laid out by hand, any other by its list fields (from the
 * registry, generated). Person names are asked for only by roles the policy lets read them
 * (src/security/policy.ts PERSONAL); ID numbers and phones only masked.
 */
import { DEPARTMENTS } from '../../generated/departments.js';

export interface Freshness {
  department: string;
  source: string;
  sourceTitle: string | null;
  asOf: string | null;
  stale: boolean;
  mode: 'STORED' | 'LIVE' | 'STORED_FALLBACK';
  liveError: { source: string; reason: string; message: string } | null;
}

export interface Conn<T> {
  totalCount: number;
  nodes: T[];
}

export interface ListEntry {
  list: string;
  reason: string;
  legalBasis: string;
  decisionNumber: string;
  startDate: string;
  endDate: string | null;
  removedDate: string | null;
  inForce: boolean;
  department: string;
}
export interface Credential {
  kind: string;
  number: string;
  category: string | null;
  grade: string | null;
  validTo: string | null;
  status: string;
  validNow: boolean;
}
export interface Penalty {
  decisionNumber: string;
  decisionDate: string;
  penaltyType: string;
  reason: string;
  amount: number | null;
}
export interface RoleAssignment {
  role: string;
  since: string | null;
  until: string | null;
  person: { name?: string | null; idNumberMasked: string; phoneMasked: string | null };
}

export interface Profile {
  creditCode: string;
  name: string;
  type: string;
  status: string;
  legalRepresentative?: string;
  divisionCode: string;
  industryCode: string;
  registeredCapital: number;
  establishedDate: string;
  address: string | null;
  risk: { score: number; tier: string; asOf: string; factors: { factor: string; description: string; contribution: number }[] } | null;
  market: Freshness & { listEntries: Conn<ListEntry>; penalties: Conn<Penalty>; persons: Conn<RoleAssignment> };
  housing: Freshness & { credentials: Conn<Credential>; personCredentials: Conn<Credential>; listEntries: Conn<ListEntry> };
  emergency: Freshness & {
    credentials: Conn<Credential>;
    persons: Conn<RoleAssignment>;
    hiddenDangers: Conn<{
      level: string;
      description: string;
      foundDate: string;
      deadline: string;
      status: string;
      overdue: boolean;
      daysOverdue: number;
    }>;
    accidents: Conn<{
      occurredOn: string;
      level: string;
      derivedLevel: string;
      levelUnderstated: boolean;
      deaths: number;
      seriousInjuries: number;
      directLoss: number;
      description: string;
    }>;
    listEntries: Conn<ListEntry>;
    penalties: Conn<Penalty>;
  };
  transport: Freshness & {
    credentials: Conn<Credential>;
    vehicles: Conn<{ plateNumber: string; vehicleKind: string; certificateValidTo: string | null; monitoringOnline: boolean }>;
    violations: Conn<{ plateNumber: string; occurredAt: string; violationKind: string; fine: number | null }>;
    listEntries: Conn<ListEntry>;
    penalties: Conn<Penalty>;
  };
  fire: Freshness & {
    keyFireSafetyUnit: boolean | null;
    inspections: Conn<{ inspectedOn: string; inspectionType: string; result: string; findings: string | null }>;
    listEntries: Conn<ListEntry>;
    penalties: Conn<Penalty>;
  };
}

/** Sections the profile page lays out by hand; any other registered department gets the generic panel. */
const HAND_BUILT = ['market', 'housing', 'emergency', 'transport', 'fire'];
export const OTHER_DEPARTMENTS = DEPARTMENTS.filter((d) => !HAND_BUILT.includes(d.field));

/** What the generic panel asks of each record connection it can show (others: only how many). */
const GENERIC_NODES: Record<string, string> = {
  CredentialConnection: 'kind number category grade validTo status validNow: validOn',
  PenaltyConnection: 'decisionNumber decisionDate penaltyType reason amount',
  ListEntryConnection: 'list reason legalBasis decisionNumber startDate endDate removedDate inForce department',
  HiddenDangerConnection: 'level description foundDate deadline status overdue daysOverdue',
};
export interface HiddenDanger {
  level: string;
  description: string;
  foundDate: string;
  deadline: string;
  status: string;
  overdue: boolean;
  daysOverdue: number;
}
/** A section the page does not know by name: its freshness and its lists, by field. */
export type GenericSection = Freshness & Record<string, Conn<unknown> | unknown>;

const FRESH = 'department source sourceTitle asOf stale mode liveError { source reason message }';
const LISTS =
  'listEntries(first: 20) { totalCount nodes { list reason legalBasis decisionNumber startDate endDate removedDate inForce department } }';
const CREDS = (f: string) => `${f}(first: 20) { totalCount nodes { kind number category grade validTo status validNow: validOn } }`;
const PENALTIES = 'penalties(first: 10) { totalCount nodes { decisionNumber decisionDate penaltyType reason amount } }';

/** The profile query; `withNames` for roles that may read person names. */
export function profileQuery(withNames: boolean): string {
  const person = `person { ${withNames ? 'name ' : ''}idNumberMasked phoneMasked }`;
  const persons = `persons(first: 20) { totalCount nodes { role since until ${person} } }`;
  return `query EnterpriseProfile($code: ID!, $freshness: Freshness) {
  enterprise(creditCode: $code, freshness: $freshness) {
    creditCode name type status ${withNames ? 'legalRepresentative ' : ''}divisionCode industryCode registeredCapital establishedDate address
    risk { score tier asOf factors { factor description contribution } }
    market { ${FRESH} ${LISTS} ${PENALTIES} ${persons} }
    housing { ${FRESH} ${CREDS('credentials')} ${CREDS('personCredentials')} ${LISTS} }
    emergency { ${FRESH} ${CREDS('credentials')} ${persons}
      hiddenDangers(first: 20) { totalCount nodes { level description foundDate deadline status overdue daysOverdue } }
      accidents(first: 10) { totalCount nodes { occurredOn level derivedLevel levelUnderstated deaths seriousInjuries directLoss description } }
      ${LISTS} ${PENALTIES} }
    transport { ${FRESH} ${CREDS('credentials')}
      vehicles(first: 20) { totalCount nodes { plateNumber vehicleKind certificateValidTo monitoringOnline } }
      violations(first: 10) { totalCount nodes { plateNumber occurredAt violationKind fine } }
      ${LISTS} ${PENALTIES} }
    fire { ${FRESH} keyFireSafetyUnit
      inspections(first: 10) { totalCount nodes { inspectedOn inspectionType result findings } }
      ${LISTS} ${PENALTIES} }
    ${OTHER_DEPARTMENTS.map(
      (d) =>
        `${d.field} { ${FRESH} ${d.lists
          .map((l) =>
            GENERIC_NODES[l.connection]
              ? `${l.field}(first: 20) { totalCount nodes { ${GENERIC_NODES[l.connection]} } }`
              : `${l.field} { totalCount }`,
          )
          .join(' ')} }`,
    ).join('\n    ')}
  }
}`;
}

export const SUGGEST = `query Suggest($name: String!) { enterpriseByName(name: $name, fuzzy: true) { enterprise { creditCode name divisionCode } matchedBy } }`;
