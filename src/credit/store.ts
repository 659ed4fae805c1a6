/**
 * Every statement of the joint-punishment module: the check's one read and its insert, stored checks
 * and their feedback, the measure catalogue and the check policy. No rules here (check.ts, rules.ts).
 */
import type pg from 'pg';
import type { DataSource } from 'typeorm';
import type { CheckScope } from '../security/policy.js';
import { checkoutClient, poolOf } from '../store/data-source.js';
import type { FeedbackAction } from '../generated/enums.js';
import type {
  CheckAnswer,
  FeedbackRow,
  HitSubject,
  ListEntryRow,
  MeasureRow,
  PersonFollowPolicy,
  PersonRoleRow,
  StatusPolicyRow,
} from './model.js';

type Query = { query: DataSource['query'] };

/** `scope` as SQL: $n boolean (all), $n+1 office, $n+2 subject. */
const scopeSql = (n: number) => `($${n}::boolean OR caller_office = $${n + 1}::text OR caller_subject = $${n + 2}::text)`;
const scopeParams = (s: CheckScope) => (s.all ? [true, null, null] : [false, s.office, s.subject]);

/** Columns of a stored check that are not in its answer (older answers lack them). */
const CHECK_COLUMNS = `answer, case_number, caller_office, caller_name, caller_subject`;
export type CheckRowOut = {
  answer: CheckAnswer;
  case_number: string | null;
  caller_office: string | null;
  caller_name: string | null;
  caller_subject: string;
};
export const answerOf = (r: CheckRowOut): CheckAnswer => ({
  ...r.answer,
  caseNumber: r.case_number,
  office: r.caller_office,
  checkedByName: r.caller_name,
});

export interface EnterpriseLite {
  credit_code: string;
  name: string;
  name_normalised: string;
  status: 'ACTIVE' | 'REVOKED' | 'CANCELLED';
  industry_code: string;
}

/** What one check statement reads (JSON built by PostgreSQL: dates as 'YYYY-MM-DD', timestamps as ISO text). */
export interface CheckRead {
  ents: EnterpriseLite[];
  roles: {
    credit_code: string;
    person_key: string;
    role: string;
    since: string | null;
    until: string | null;
    id_masked: string;
    name: string;
  }[];
  entries: ListEntryRow[];
  named: { person_key: string; id_masked: string; name: string }[];
  fresh: { connector: string; finished_at: string; id: number }[];
  catalogue_version: number;
  elsewhere: PersonRoleRow[];
  follow_policy: PersonFollowPolicy[];
  status_policy: StatusPolicyRow[];
  policy_version: number;
}

/** The roles at the applicant whose persons a check looks at, as hit subjects. */
export const CHECK_ROLES: Record<string, HitSubject> = {
  LEGAL_REPRESENTATIVE: 'LEGAL_REPRESENTATIVE',
  PRINCIPAL: 'PRINCIPAL',
  ACTUAL_CONTROLLER: 'ACTUAL_CONTROLLER',
};

export interface ReadKeys {
  codes: string[];
  names: string[];
  namedKeys: string[];
  connectorIds: string[];
}

/** Everything the checks of one batch need, in one statement: $1 credit codes, $2 normalised names, $3 named persons' keys, $4 role kinds, $5 connector ids. */
const READ_SQL = `WITH subj AS (
       SELECT credit_code, name, name_normalised, status, industry_code FROM enterprise
       WHERE credit_code = ANY($1::text[]) OR name_normalised = ANY($2::text[])),
       roles AS (
       SELECT r.id, r.credit_code, r.person_key, r.role, r.since, r.until, p.id_masked, p.name
       FROM enterprise_person_role r JOIN person p USING (person_key)
       WHERE r.credit_code IN (SELECT credit_code FROM subj) AND r.role = ANY($4::text[])),
       -- the checked persons' roles at any enterprise, for listings that follow their persons (list_person_policy)
       elsewhere AS (
       SELECT r.id, r.credit_code, e.name AS enterprise_name, r.person_key, r.role, r.since, r.until
       FROM enterprise_person_role r JOIN enterprise e USING (credit_code)
       WHERE r.person_key IN (SELECT person_key FROM roles UNION SELECT unnest($3::text[]))
         AND r.role IN (SELECT unnest(follows_roles) FROM list_person_policy)),
       entries AS (
       -- index probes (an OR across them would scan the table)
       SELECT * FROM list_entry WHERE id IN (
         SELECT id FROM list_entry WHERE credit_code IN (SELECT credit_code FROM subj)
         UNION SELECT id FROM list_entry WHERE person_key = ANY($3::text[])
         UNION SELECT id FROM list_entry WHERE person_key IN (SELECT person_key FROM roles)
         UNION SELECT id FROM list_entry WHERE credit_code IN (SELECT credit_code FROM elsewhere)
           AND list IN (SELECT list FROM list_person_policy)))
       SELECT
       (SELECT coalesce(json_agg(s), '[]') FROM subj s) AS ents,
       (SELECT coalesce(json_agg(r ORDER BY r.credit_code, r.id), '[]') FROM roles r) AS roles,
       (SELECT coalesce(json_agg(json_build_object(
           'id', e.id, 'source_record_id', e.source_record_id, 'department', e.department, 'list', e.list, 'subject_type', e.subject_type,
           'credit_code', e.credit_code, 'person_key', e.person_key, 'person_name', e.person_name, 'reason', e.reason,
           'legal_basis', e.legal_basis, 'decision_number', e.decision_number, 'start_date', e.start_date, 'end_date', e.end_date,
           'removed_date', e.removed_date, 'ban_scope', e.ban_scope, 'ban_industry', e.ban_industry) ORDER BY e.start_date, e.id), '[]')
        FROM entries e) AS entries,
       (SELECT coalesce(json_agg(json_build_object('person_key', person_key, 'id_masked', id_masked, 'name', name)), '[]')
        FROM person WHERE person_key = ANY($3::text[])) AS named,
       -- one index probe per connector (sync_run grows by every scheduled run)
       (SELECT coalesce(json_agg(json_build_object('connector', c.id, 'finished_at', r.finished_at, 'id', r.id)), '[]')
        FROM unnest($5::text[]) AS c(id)
        JOIN LATERAL (SELECT finished_at, id FROM sync_run WHERE connector = c.id AND status = 'SUCCEEDED'
                      ORDER BY finished_at DESC LIMIT 1) r ON true) AS fresh,
       (SELECT max(version)::int FROM measure_catalogue_version) AS catalogue_version,
       (SELECT coalesce(json_agg(r ORDER BY r.credit_code, r.id), '[]') FROM elsewhere r) AS elsewhere,
       (SELECT coalesce(json_agg(p ORDER BY p.list), '[]') FROM list_person_policy p) AS follow_policy,
       (SELECT coalesce(json_agg(s ORDER BY s.status), '[]') FROM registration_status_policy s) AS status_policy,
       (SELECT max(version)::int FROM check_policy_version) AS policy_version`;

/** Pooled connections that hold the prepared check read. */
const preparedOn = new WeakSet<pg.PoolClient>();

/**
 * One round trip, no planning: the statement is prepared once per pooled connection and run with its
 * generic plan (every branch is an index probe, whatever the keys). Planning it afresh each time cost
 * several times what running it does (docs/performance.md). The keys go in as escaped literals because a
 * simple query (the only way to send the three statements at once) takes no parameters; the setting
 * lives only for this query (an error rolls the implicit transaction, and the setting, back).
 */
export async function readForChecks(ds: DataSource, q: ReadKeys): Promise<CheckRead> {
  const client = await checkoutClient(ds);
  try {
    const list = (xs: readonly string[]) =>
      xs.length ? `ARRAY[${xs.map((x) => client.escapeLiteral(x)).join(',')}]::text[]` : `'{}'::text[]`;
    const prepare = preparedOn.has(client) ? '' : `PREPARE jp_check_read(text[], text[], text[], text[], text[]) AS ${READ_SQL};\n`;
    const results = (await client.query(
      `${prepare}SET plan_cache_mode = force_generic_plan;
       EXECUTE jp_check_read(${list(q.codes)}, ${list(q.names)}, ${list(q.namedKeys)}, ${list(Object.keys(CHECK_ROLES))}, ${list(q.connectorIds)});
       RESET plan_cache_mode`,
    )) as unknown as pg.QueryResult<CheckRead>[];
    const row = results.find((r) => r.command === 'SELECT')!.rows[0]!;
    preparedOn.add(client);
    client.release();
    return row;
  } catch (err) {
    // the connection's state (prepared or not, the setting) is unknown after a failure: the pool closes it
    client.release(err instanceof Error ? err : true);
    throw err;
  }
}

/** Stores check rows (one statement for every row given). */
const INSERT_SQL = `INSERT INTO joint_punishment_check (check_id, checked_at, caller_subject, caller_department, matter, credit_code, enterprise_name,
       decision, as_of, input, answer, catalogue_version, data_versions, case_number, caller_office, caller_name)
       SELECT check_id, checked_at, caller_subject, caller_department, matter, credit_code, enterprise_name, decision, as_of, input, answer,
            catalogue_version, data_versions, case_number, caller_office, caller_name
       FROM jsonb_to_recordset($1::jsonb) AS x(check_id uuid, checked_at timestamptz, caller_subject text, caller_department text, matter text,
       credit_code text, enterprise_name text, decision text, as_of date, input jsonb, answer jsonb, catalogue_version int, data_versions jsonb,
       case_number text, caller_office text, caller_name text)`;

export async function insertChecks(ds: DataSource, rows: readonly object[]): Promise<void> {
  // a named statement: pg prepares it once per pooled connection, so a check's insert is not planned every time
  await poolOf(ds).query({ name: 'jp_check_insert', text: INSERT_SQL, values: [JSON.stringify(rows)] });
}

/** The catalogue's measures (all, or the active ones) with its version, in one statement so the version is the version of the measures read. */
export async function readCatalogue(ds: DataSource, activeOnly: boolean): Promise<{ version: number; measures: MeasureRow[] }> {
  const rows: (MeasureRow & { catalogue_version: number })[] = await ds.query(
    `WITH v AS (SELECT max(version)::int AS catalogue_version FROM measure_catalogue_version)
     SELECT v.catalogue_version, m.* FROM v LEFT JOIN measure m ON ($1::boolean = false OR m.active) ORDER BY m.code`,
    [activeOnly],
  );
  const v = { version: rows[0]!.catalogue_version };
  const measures: MeasureRow[] = rows.filter((r) => r.code !== null).map(({ catalogue_version: _v, ...m }) => m);
  return { version: v.version, measures };
}

/** The check's policy data (registration statuses, lists following persons), in one statement so the version matches the rows. */
export async function readCheckPolicy(
  ds: DataSource,
): Promise<{ version: number; statuses: StatusPolicyRow[]; follows: PersonFollowPolicy[] }> {
  const [row]: { version: number; statuses: StatusPolicyRow[]; follows: PersonFollowPolicy[] }[] = await ds.query(
    `SELECT (SELECT max(version)::int FROM check_policy_version) AS version,
            (SELECT coalesce(json_agg(s ORDER BY s.status), '[]') FROM registration_status_policy s) AS statuses,
            (SELECT coalesce(json_agg(p ORDER BY p.list), '[]') FROM list_person_policy p) AS follows`,
  );
  return row!;
}

/** Each connector's last successful sync run. */
export async function lastSuccessfulRuns(
  ds: DataSource,
  connectorIds: string[],
): Promise<{ connector: string; finished_at: Date; id: number }[]> {
  // one index probe per connector (sync_run grows by every scheduled run)
  return ds.query(
    `SELECT c.id AS connector, r.finished_at, r.id FROM unnest($1::text[]) AS c(id)
     JOIN LATERAL (SELECT finished_at, id FROM sync_run WHERE connector = c.id AND status = 'SUCCEEDED'
                   ORDER BY finished_at DESC LIMIT 1) r ON true`,
    [connectorIds],
  );
}

/** A stored check within `scope`, else null. */
export async function readCheckRow(em: Query, checkId: string, scope: CheckScope): Promise<CheckRowOut | null> {
  const [row] = await em.query(`SELECT ${CHECK_COLUMNS} FROM joint_punishment_check WHERE check_id = $1 AND ${scopeSql(2)}`, [
    checkId,
    ...scopeParams(scope),
  ]);
  return (row as CheckRowOut | undefined) ?? null;
}

export interface CheckFilter {
  creditCode: string | null;
  matter: string | null;
  decision: string | null;
  from: Date | string | null;
  to: Date | string | null;
  callerSubject: string | null;
  caseNumber: string | null;
  awaitingFeedback: boolean | null;
  mine: string | null;
}

/** A page of stored checks within `scope`, newest first, after the (checked_at, check_id) cursor; one more row than `first` tells a next page. */
export async function readCheckPage(
  ds: DataSource,
  f: CheckFilter,
  scope: CheckScope,
  cursor: { t: string; id: string } | null,
  first: number,
): Promise<{ total: number; rows: (CheckRowOut & { checked_at: Date; check_id: string })[] }> {
  const params = [
    f.creditCode,
    f.matter,
    f.decision,
    f.from,
    f.to,
    f.callerSubject,
    f.caseNumber,
    f.awaitingFeedback,
    f.mine,
    ...scopeParams(scope),
  ];
  const where = `($1::text IS NULL OR credit_code = $1) AND ($2::text IS NULL OR matter = $2) AND ($3::text IS NULL OR decision = $3)
    AND ($4::timestamptz IS NULL OR checked_at >= $4) AND ($5::timestamptz IS NULL OR checked_at < $5) AND ($6::text IS NULL OR caller_subject = $6)
    AND ($7::text IS NULL OR case_number = $7)
    AND ($8::boolean IS NULL OR $8 = NOT EXISTS (SELECT 1 FROM check_feedback f WHERE f.check_id = joint_punishment_check.check_id))
    AND ($9::text IS NULL OR caller_subject = $9) AND ${scopeSql(10)}`;
  const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM joint_punishment_check WHERE ${where}`, params);
  const rows: (CheckRowOut & { checked_at: Date; check_id: string })[] = await ds.query(
    `SELECT ${CHECK_COLUMNS}, checked_at, check_id FROM joint_punishment_check WHERE ${where}
       AND ($13::timestamptz IS NULL OR (checked_at, check_id) < ($13::timestamptz, $14::uuid))
     ORDER BY checked_at DESC, check_id DESC LIMIT $15`,
    [...params, cursor?.t ?? null, cursor?.id ?? null, first + 1],
  );
  return { total: n, rows };
}

export async function readFeedback(ds: DataSource, checkIds: readonly string[]): Promise<FeedbackRow[][]> {
  const rows: FeedbackRow[] = await ds.query(`SELECT * FROM check_feedback WHERE check_id = ANY($1::uuid[]) ORDER BY recorded_at, id`, [
    checkIds,
  ]);
  return checkIds.map((id) => rows.filter((r) => r.check_id === id));
}

/**
 * Appends a feedback row. `admit(current)` sees the check's current feedback id (null: none) and throws to
 * refuse; one writer per check at a time, so "the current feedback" cannot move between the read and the insert.
 */
export async function appendFeedback(
  ds: DataSource,
  checkId: string,
  admit: (current: string | null) => void,
  row: {
    action: FeedbackAction;
    note: string | null;
    measuresApplied: string[];
    recordedBy: string;
    recordedByName: string | null;
    office: string | null;
    amends: string | null;
  },
): Promise<FeedbackRow> {
  return ds.transaction(async (em) => {
    await em.query(`SELECT pg_advisory_xact_lock(hashtext('check_feedback'), hashtext($1))`, [checkId]);
    const [latest] = await em.query(`SELECT id FROM check_feedback WHERE check_id = $1 ORDER BY recorded_at DESC, id DESC LIMIT 1`, [
      checkId,
    ]);
    admit(latest ? String(latest.id) : null);
    const [inserted] = await em.query(
      `INSERT INTO check_feedback (check_id, action, note, measures_applied, recorded_by, recorded_by_name, office, amends)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING *`,
      [checkId, row.action, row.note, row.measuresApplied, row.recordedBy, row.recordedByName, row.office, row.amends],
    );
    return inserted as FeedbackRow;
  });
}

/** Checks and checks with feedback per office over [from, to), within `scope`. */
export async function readFeedbackCounts(
  ds: DataSource,
  from: Date | string | null,
  to: Date | string | null,
  scope: CheckScope,
): Promise<{ office: string | null; checks: number; with_feedback: number }[]> {
  return ds.query(
    `SELECT caller_office AS office, count(*)::int AS checks,
            count(*) FILTER (WHERE EXISTS (SELECT 1 FROM check_feedback f WHERE f.check_id = c.check_id))::int AS with_feedback
     FROM joint_punishment_check c
     WHERE ($1::timestamptz IS NULL OR checked_at >= $1) AND ($2::timestamptz IS NULL OR checked_at < $2)
       AND ${scope.all ? 'true' : 'caller_office IS NOT DISTINCT FROM $3::text AND ($3::text IS NOT NULL OR caller_subject = $4::text)'}
     GROUP BY caller_office ORDER BY caller_office NULLS LAST`,
    scope.all ? [from, to] : [from, to, scope.office, scope.subject],
  );
}

export interface MeasureInput {
  code: string;
  text: string;
  applyingDepartment: string;
  triggerLists: string[];
  triggerBanScopes?: string[] | null;
  matters: string[];
  subjectTypes: string[];
  effect: string;
  mandatory: boolean;
  legalBasis: string;
}

/** Inserts or replaces a measure (active again) and bumps the catalogue's version, in one transaction. */
export async function writeMeasure(ds: DataSource, m: MeasureInput, banScopes: string[] | null, subject: string): Promise<MeasureRow> {
  return ds.transaction(async (em) => {
    const [row] = await em.query(
      `INSERT INTO measure (code, text, applying_department, trigger_lists, matters, subject_types, effect, mandatory, legal_basis, active, updated_at, updated_by, trigger_ban_scopes)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,true,now(),$10,$11)
       ON CONFLICT (code) DO UPDATE SET text = EXCLUDED.text, applying_department = EXCLUDED.applying_department,
         trigger_lists = EXCLUDED.trigger_lists, trigger_ban_scopes = EXCLUDED.trigger_ban_scopes, matters = EXCLUDED.matters, subject_types = EXCLUDED.subject_types,
         effect = EXCLUDED.effect, mandatory = EXCLUDED.mandatory, legal_basis = EXCLUDED.legal_basis, active = true,
         updated_at = now(), updated_by = EXCLUDED.updated_by
       RETURNING *`,
      [
        m.code,
        m.text,
        m.applyingDepartment,
        m.triggerLists,
        m.matters,
        m.subjectTypes,
        m.effect,
        m.mandatory,
        m.legalBasis,
        subject,
        banScopes,
      ],
    );
    await bumpVersion(em, subject, { upsert: m.code });
    return row;
  });
}

/** Deactivates a measure and bumps the catalogue's version; `missing()` is thrown (rolling back) when there is no such measure. */
export async function deactivateMeasureRow(
  ds: DataSource,
  code: string,
  reason: string,
  subject: string,
  missing: () => Error,
): Promise<MeasureRow> {
  return ds.transaction(async (em) => {
    const [rows] = await em.query(`UPDATE measure SET active = false, updated_at = now(), updated_by = $2 WHERE code = $1 RETURNING *`, [
      code,
      subject,
    ]);
    const row = rows?.[0];
    if (!row) throw missing();
    await bumpVersion(em, subject, { deactivate: code, reason });
    return row;
  });
}

async function bumpVersion(em: Query, subject: string, change: object) {
  // serialise catalogue edits so versions stay gap-free
  await em.query(`LOCK TABLE measure_catalogue_version IN EXCLUSIVE MODE`);
  await em.query(
    `INSERT INTO measure_catalogue_version (version, changed_by, change) SELECT coalesce(max(version),0) + 1, $1, $2 FROM measure_catalogue_version`,
    [subject, JSON.stringify(change)],
  );
}
