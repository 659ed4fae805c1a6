/** GraphQL operations and answer types of the officer workbench (schema/credit.graphql). */

export const FEEDBACK_FIELDS = 'id action note measuresApplied recordedBy recordedByName office amends recordedAt';

export const CHECK_FIELDS = `
  checkId checkedAt matter asOf decision summary catalogueVersion printUrl caseNumber office checkedByName feedbackStatus
  enterprise { creditCode name status industryCode }
  hits { entryId list department reason legalBasis decisionNumber startDate endDate subject personName personIdNumber banScope
    listedEnterprise { creditCode name role legalBasis } }
  measures { code text applyingDepartment effect mandatory legalBasis triggeredBy }
  personsChecked { idNumber name roles }
  sources { source department lastSyncedAt stale }
  feedback { ${FEEDBACK_FIELDS} }`;

export const RUN_CHECK = `mutation RunCheck($input: JointPunishmentCheckInput!) { runJointPunishmentCheck(input: $input) { ${CHECK_FIELDS} } }`;
export const GET_CHECK = `query GetCheck($id: ID!) { check(checkId: $id) { ${CHECK_FIELDS} } }`;
export const RECORD_FEEDBACK = `mutation RecordFeedback($id: ID!, $action: FeedbackAction!, $note: String, $measuresApplied: [String!], $amends: ID) {
  recordCheckFeedback(checkId: $id, action: $action, note: $note, measuresApplied: $measuresApplied, amends: $amends) { ${FEEDBACK_FIELDS} } }`;
export const AWAITING = `query Awaiting($first: Int) {
  checks(filter: { mine: true, awaitingFeedback: true }, first: $first) {
    totalCount edges { node { checkId checkedAt matter decision caseNumber enterprise { name creditCode } } } } }`;
export const NAME_SUGGEST = `query Suggest($name: String!) {
  enterpriseByName(name: $name, fuzzy: true) { matchedBy similarity enterprise { creditCode name status } } }`;
export const CODE_LOOKUP = `query CodeLookup($code: ID!) { enterprise(creditCode: $code) { creditCode name status } }`;

export interface Feedback {
  id: string;
  action: string;
  note: string | null;
  measuresApplied: string[];
  recordedBy: string;
  recordedByName: string | null;
  office: string | null;
  amends: string | null;
  recordedAt: string;
}

export interface Hit {
  entryId: string;
  list: string;
  department: string;
  reason: string;
  legalBasis: string;
  decisionNumber: string;
  startDate: string;
  endDate: string | null;
  subject: string;
  personName: string | null;
  personIdNumber: string | null;
  banScope: string | null;
  /** 名单随人: the listed enterprise whose entry followed this person here */
  listedEnterprise: { creditCode: string; name: string; role: string; legalBasis: string } | null;
}

export interface AppliedMeasure {
  code: string;
  text: string;
  applyingDepartment: string;
  effect: string;
  mandatory: boolean;
  legalBasis: string;
  triggeredBy: string[];
}

export interface Check {
  checkId: string;
  checkedAt: string;
  matter: string;
  asOf: string;
  decision: 'PASS' | 'RESTRICT' | 'DENY';
  summary: string;
  catalogueVersion: number;
  printUrl: string;
  caseNumber: string | null;
  office: string | null;
  checkedByName: string | null;
  feedbackStatus: string | null;
  enterprise: { creditCode: string; name: string; status: string; industryCode: string };
  hits: Hit[];
  measures: AppliedMeasure[];
  personsChecked: { idNumber: string; name: string | null; roles: string[] }[];
  sources: { source: string; department: string; lastSyncedAt: string | null; stale: boolean }[];
  feedback: Feedback[];
}

export interface AwaitingCheck {
  checkId: string;
  checkedAt: string;
  matter: string;
  decision: string;
  caseNumber: string | null;
  enterprise: { name: string; creditCode: string };
}

export interface NameMatch {
  matchedBy: string;
  similarity: number;
  enterprise: { creditCode: string; name: string; status: string };
}

/** Done once feedback is recorded (the server's feedbackStatus when it sends one). */
export function isDone(c: Pick<Check, 'feedback' | 'feedbackStatus'>): boolean {
  if (c.feedbackStatus) return !/AWAIT|PENDING|MISSING|NONE/i.test(c.feedbackStatus);
  return c.feedback.length > 0;
}

export const FEEDBACK_STATS = `query FeedbackStats($from: DateTime, $to: DateTime) { checkFeedbackStats(from: $from, to: $to) { office checks withFeedback awaiting feedbackRate } }`;
