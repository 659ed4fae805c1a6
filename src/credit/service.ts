/**
 * Joint-punishment checks: resolve the applicant, gather its responsible persons and every list
 * entry about them in a few set-based queries (for one subject or a thousand), apply the rules,
 * and store each check append-only with the catalogue and data versions it used.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { DataSource } from 'typeorm';
import { maskIdNumber } from '../domain/codes.js';
import { normaliseCode, normaliseName } from '../domain/names.js';
import { todayIso } from '../records/rules.js';
import type { HubServices } from '../server/context.js';
import { GraphQLError } from 'graphql';
import { checkScope, mayGiveFeedback, type CheckScope } from '../security/policy.js';
import { badInput, notFound } from '../server/errors.js';
import { creditCodeArg, idNumberArg } from '../server/validate.js';
import { checkoutClient, poolOf } from '../store/data-source.js';
import { Coalescer } from '../store/coalescer.js';
import type { Department, FeedbackAction, ListKind } from '../generated/graphql.js';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
import {
  applicableMeasures, decide, findHits,
  type CheckedPersonRef, type Decision, type HitSubject, type ListEntryRow, type MeasureRow, type PersonFollowPolicy, type PersonRoleRow,
  type StatusPolicyRow,
} from './rules.js';

export interface CheckInput {
  creditCode?: string | null;
  name?: string | null;
  matter: string;
  asOf?: string | null;
  persons?: readonly string[] | null;
  /** 申请事项编号 the application's number in the approval system */
  caseNumber?: string | null;
}

export interface CheckAnswer {
  checkId: string;
  checkedAt: string;
  matter: string;
  asOf: string;
  decision: Decision;
  summary: string;
  enterprise: { creditCode: string; name: string; status: string; industryCode: string };
  hits: {
    entryId: string; list: ListKind; department: Department; reason: string; legalBasis: string; decisionNumber: string;
    startDate: string; endDate: string | null; subject: HitSubject; personName: string | null; personIdNumber: string | null; banScope: string | null;
    /** a listing that followed the person from the listed enterprise (absent on older checks) */
    listedEnterprise?: { creditCode: string; name: string; role: HitSubject; legalBasis: string } | null;
  }[];
  measures: { code: string; text: string; applyingDepartment: string; effect: string; mandatory: boolean; legalBasis: string; triggeredBy: string[] }[];
  personsChecked: { idNumber: string; name: string | null; roles: HitSubject[] }[];
  sources: { source: string; department: string; lastSyncedAt: string | null; stale: boolean }[];
  catalogueVersion: number;
  /** check policy version (registration statuses, lists following persons); absent on older checks */
  policyVersion?: number | null;
  /** legal basis when the registration status (吊销/注销) decided the check */
  statusBasis?: string | null;
  printUrl: string;
  /** 申请事项编号, 办理机构, 经办人: null on checks stored before they were recorded */
  caseNumber?: string | null;
  office?: string | null;
  checkedByName?: string | null;
}

export interface FeedbackRow {
  id: number;
  check_id: string;
  action: FeedbackAction;
  note: string | null;
  measures_applied: string[];
  recorded_by: string;
  recorded_at: Date;
  recorded_by_name: string | null;
  office: string | null;
  amends: number | string | null;
}

export interface Caller {
  subject: string;
  department: string | null;
  roles?: readonly string[];
  /** 办理机构: checks and feedback belong to it */
  office?: string | null;
  /** 经办人 display name */
  name?: string | null;
}

/** 申请事项编号: letters, digits, CJK, and the separators case numbers use (- _ / 〔〕). */
const CASE_NUMBER_RE = /^[A-Za-z0-9\-_/〔〕\u3400-\u4dbf\u4e00-\u9fff]{1,64}$/u;

/** A refusal a person in the console reads: the English message programs rely on, a reason code and a Chinese sentence. */
function refusal(field: string, reason: string, message: string, messageZh: string, extra: Record<string, unknown> = {}): GraphQLError {
  return badInput(field, message, { reason, messageZh, ...extra });
}
function forbiddenOffice(): GraphQLError {
  return new GraphQLError('only the officer who ran the check, an officer of the same office, or an administrator may record or amend its feedback', {
    extensions: { code: 'FORBIDDEN', reason: 'NOT_OWN_OFFICE', messageZh: '该核查记录不属于您所在的办理机构，只有经办人、同一办理机构的审批人员或管理员可以反馈或更正' },
  });
}

/** `scope` as SQL: $n boolean (all), $n+1 office, $n+2 subject. */
const scopeSql = (n: number) => `($${n}::boolean OR caller_office = $${n + 1}::text OR caller_subject = $${n + 2}::text)`;
const scopeParams = (s: CheckScope) => (s.all ? [true, null, null] : [false, s.office, s.subject]);

/** Columns of a stored check that are not in its answer (older answers lack them). */
const CHECK_COLUMNS = `answer, case_number, caller_office, caller_name, caller_subject`;
type CheckRowOut = { answer: CheckAnswer; case_number: string | null; caller_office: string | null; caller_name: string | null; caller_subject: string };
const answerOf = (r: CheckRowOut): CheckAnswer => ({ ...r.answer, caseNumber: r.case_number, office: r.caller_office, checkedByName: r.caller_name });

interface EnterpriseLite {
  credit_code: string;
  name: string;
  name_normalised: string;
  status: 'ACTIVE' | 'REVOKED' | 'CANCELLED';
  industry_code: string;
}

type Freshness = { source: string; department: string; lastSyncedAt: string | null; runId: number | null; stale: boolean };

/** What one check statement reads (JSON built by PostgreSQL: dates as 'YYYY-MM-DD', timestamps as ISO text). */
interface CheckRead {
  ents: EnterpriseLite[];
  roles: { credit_code: string; person_key: string; role: string; since: string | null; until: string | null; id_masked: string; name: string }[];
  entries: ListEntryRow[];
  named: { person_key: string; id_masked: string; name: string }[];
  fresh: { connector: string; finished_at: string; id: number }[];
  catalogue_version: number;
  elsewhere: PersonRoleRow[];
  follow_policy: PersonFollowPolicy[];
  status_policy: StatusPolicyRow[];
  policy_version: number;
}

/** The active catalogue per store, with the version it was read at (edits bump the version, so a new version re-reads). */
const activeCatalogues = new WeakMap<DataSource, { version: number; measures: MeasureRow[] }>();

const CHECK_ROLES: Record<string, HitSubject> = {
  LEGAL_REPRESENTATIVE: 'LEGAL_REPRESENTATIVE',
  PRINCIPAL: 'PRINCIPAL',
  ACTUAL_CONTROLLER: 'ACTUAL_CONTROLLER',
};

export const MAX_BATCH = 1000;

const ROLE_ORDER: HitSubject[] = ['LEGAL_REPRESENTATIVE', 'PRINCIPAL', 'ACTUAL_CONTROLLER', 'NAMED_PERSON'];
const roleRank = (roles: HitSubject[]) => Math.min(...roles.map((r) => ROLE_ORDER.indexOf(r)));

function groupBy<T>(rows: readonly T[], key: (r: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = m.get(k);
    if (list) list.push(r);
    else m.set(k, [r]);
  }
  return m;
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
async function readForChecks(ds: DataSource, q: ReadKeys): Promise<CheckRead> {
  const client = await checkoutClient(ds);
  try {
    const list = (xs: readonly string[]) => (xs.length ? `ARRAY[${xs.map((x) => client.escapeLiteral(x)).join(',')}]::text[]` : `'{}'::text[]`);
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

async function insertChecks(ds: DataSource, rows: readonly object[]): Promise<void> {
  // a named statement: pg prepares it once per pooled connection, so a check's insert is not planned every time
  await poolOf(ds).query({ name: 'jp_check_insert', text: INSERT_SQL, values: [JSON.stringify(rows)] });
}

interface ReadKeys {
  codes: string[];
  names: string[];
  namedKeys: string[];
  connectorIds: string[];
}

const union = (lists: string[][]) => [...new Set(lists.flat())];

/** A shared read's rows by key, built once for all the checks that share the read (not once per check). */
function indexRead(read: CheckRead) {
  let ix = readIndexes.get(read);
  if (!ix) {
    ix = {
      byCode: new Map(read.ents.map((e) => [e.credit_code, e])),
      // each check looks up only its own names
      byName: groupBy(read.ents, (e) => e.name_normalised),
      namedByKey: new Map(read.named.map((r) => [r.person_key, r])),
      rolesByCode: groupBy(read.roles, (r) => r.credit_code),
      enterpriseEntries: groupBy(read.entries.filter((e) => e.subject_type === 'ENTERPRISE'), (e) => e.credit_code!),
      personEntries: groupBy(read.entries.filter((e) => e.person_key !== null), (e) => e.person_key!),
      elsewhereByPerson: groupBy(read.elsewhere, (r) => r.person_key),
    };
    readIndexes.set(read, ix);
  }
  return ix;
}
const readIndexes = new WeakMap<CheckRead, {
  byCode: Map<string, EnterpriseLite>; byName: Map<string, EnterpriseLite[]>; namedByKey: Map<string, CheckRead['named'][number]>;
  rolesByCode: Map<string, CheckRead['roles']>; enterpriseEntries: Map<string, ListEntryRow[]>; personEntries: Map<string, ListEntryRow[]>;
  elsewhereByPerson: Map<string, PersonRoleRow[]>;
}>();

/** Per store: the check read (each caller then picks its own subjects from the shared answer) and the check insert. */
const batchers = new WeakMap<DataSource, { read: Coalescer<ReadKeys, CheckRead>; insert: Coalescer<object[], void> }>();
function batchersOf(ds: DataSource) {
  let b = batchers.get(ds);
  if (!b) {
    b = {
      read: new Coalescer((qs) => readForChecks(ds, {
        codes: union(qs.map((q) => q.codes)), names: union(qs.map((q) => q.names)),
        namedKeys: union(qs.map((q) => q.namedKeys)), connectorIds: union(qs.map((q) => q.connectorIds)),
      }), 2),
      insert: new Coalescer((rowLists) => insertChecks(ds, rowLists.flat()), 2),
    };
    batchers.set(ds, b);
  }
  return b;
}

export class JointPunishmentService {
  constructor(private readonly services: HubServices) {}

  private get ds(): DataSource {
    return this.services.ds;
  }

  async runOne(input: CheckInput, caller: Caller): Promise<CheckAnswer> {
    const [answer] = await this.runMany([input], caller, (_i, f) => `input.${f}`);
    return answer!;
  }

  /**
   * Runs checks for many subjects with batched lookups. `fieldName(i, field)` names the input field
   * in errors (e.g. `inputs[3].creditCode`).
   */
  async runMany(inputs: readonly CheckInput[], caller: Caller, fieldName = (i: number, f: string) => `inputs[${i}].${f}`): Promise<CheckAnswer[]> {
    if (inputs.length > MAX_BATCH) throw badInput('inputs', `at most ${MAX_BATCH} checks in one call`);
    const prepared = inputs.map((inp, i) => this.validate(inp, i, fieldName));

    const codes = [...new Set(prepared.flatMap((p) => (p.code ? [p.code] : [])))];
    const names = [...new Set(prepared.flatMap((p) => (p.nameKey ? [p.nameKey] : [])))];
    const namedKeys = [...new Set(prepared.flatMap((p) => p.personKeys.map((x) => x.key)))];
    // everything a check reads in one statement (one round trip, one snapshot): the subjects, their persons,
    // every entry about them or the named persons, the named persons, each source's freshness, the catalogue version
    const read = await batchersOf(this.ds).read.submit({ codes, names, namedKeys, connectorIds: [...this.services.connectors.keys()] });
    const { version: catalogueVersion, measures } = await this.activeCatalogue(read.catalogue_version);
    const freshness = this.freshnessOf(read.fresh);
    const { byCode, byName, namedByKey, rolesByCode, enterpriseEntries, personEntries, elsewhereByPerson } = indexRead(read);

    const subjects = prepared.map((p, i) => {
      if (p.code) {
        const e = byCode.get(p.code);
        if (!e && p.checksumFailure) throw badInput(fieldName(i, 'creditCode'), `not a valid unified social credit code: ${p.checksumFailure}`);
        if (!e) throw notFound(`enterprise ${p.code}`, { field: fieldName(i, 'creditCode') });
        return e;
      }
      const matches = byName.get(p.nameKey!) ?? [];
      if (matches.length === 0) throw notFound(`enterprise named ${p.name}`, { field: fieldName(i, 'name') });
      if (matches.length > 1) {
        throw badInput(fieldName(i, 'name'), `matches ${matches.length} enterprises; give the credit code of one of them`, {
          candidates: matches.map((m) => ({ creditCode: m.credit_code, name: m.name, status: m.status })),
        });
      }
      return matches[0]!;
    });

    // the statement read persons and entries of every enterprise it found (a name matching several is refused above)
    const staleSources = freshness.filter((f) => f.stale).map((f) => f.source);

    const answers: CheckAnswer[] = [];
    const checkedAt = new Date().toISOString();
    prepared.forEach((p, i) => {
      const ent = subjects[i]!;
      const persons = new Map<string, CheckedPersonRef>();
      for (const r of rolesByCode.get(ent.credit_code) ?? []) {
        if ((r.since && r.since > p.asOf) || (r.until && r.until < p.asOf)) continue;
        const ref = persons.get(r.person_key) ?? { personKey: r.person_key, idMasked: r.id_masked, name: r.name, roles: [] };
        // several departments may report the same role: once is enough
        if (!ref.roles.includes(CHECK_ROLES[r.role]!)) ref.roles.push(CHECK_ROLES[r.role]!);
        persons.set(r.person_key, ref);
      }
      for (const np of p.personKeys) {
        const known = namedByKey.get(np.key);
        const ref = persons.get(np.key) ?? { personKey: np.key, idMasked: maskIdNumber(np.id), name: known?.name ?? null, roles: [] };
        if (!ref.roles.includes('NAMED_PERSON')) ref.roles.push('NAMED_PERSON');
        persons.set(np.key, ref);
      }
      // a fixed order, so the same check always answers the same
      const personList = [...persons.values()].sort((a, b) => roleRank(a.roles) - roleRank(b.roles) || a.idMasked.localeCompare(b.idMasked) || a.personKey.localeCompare(b.personKey));
      for (const x of personList) x.roles.sort((a, b) => ROLE_ORDER.indexOf(a) - ROLE_ORDER.indexOf(b));
      const ownEntries = personList.flatMap((x) => personEntries.get(x.personKey) ?? []);
      const follow = { roles: personList.flatMap((x) => elsewhereByPerson.get(x.personKey) ?? []), entriesByCode: enterpriseEntries, policy: read.follow_policy };
      const hits = findHits(ent, personList, enterpriseEntries.get(ent.credit_code) ?? [], ownEntries, p.asOf, follow);
      const applied = applicableMeasures(hits, measures, p.matter);
      const { decision, summary, statusBasis } = decide({
        enterpriseStatus: ent.status, applied, hits, staleSources, failClosed: this.services.config.HUB_CHECK_FAIL_CLOSED, statusPolicy: read.status_policy,
      });
      const checkId = randomUUID();
      answers.push({
        checkId,
        checkedAt,
        matter: p.matter,
        asOf: p.asOf,
        decision,
        summary,
        enterprise: { creditCode: ent.credit_code, name: ent.name, status: ent.status, industryCode: ent.industry_code },
        hits: hits.map((h) => ({
          entryId: h.entry.source_record_id,
          list: h.entry.list,
          department: h.entry.department,
          reason: h.entry.reason,
          legalBasis: h.entry.legal_basis,
          decisionNumber: h.entry.decision_number,
          startDate: h.entry.start_date,
          endDate: h.entry.end_date,
          subject: h.subject,
          personName: h.person?.name ?? null,
          personIdNumber: h.person?.idMasked ?? null,
          banScope: h.entry.ban_scope,
          listedEnterprise: h.via ?? null,
        })),
        measures: applied.map((a) => ({
          code: a.measure.code,
          text: a.measure.text,
          applyingDepartment: a.measure.applying_department,
          effect: a.measure.effect,
          mandatory: a.measure.mandatory,
          legalBasis: a.measure.legal_basis,
          triggeredBy: a.triggeredBy,
        })),
        personsChecked: personList.map((x) => ({ idNumber: x.idMasked, name: x.name, roles: x.roles })),
        sources: freshness.map((f) => ({ source: f.source, department: f.department, lastSyncedAt: f.lastSyncedAt, stale: f.stale })),
        catalogueVersion,
        policyVersion: read.policy_version,
        statusBasis,
        printUrl: `/checks/${checkId}`,
        caseNumber: p.caseNumber,
        office: caller.office ?? null,
        checkedByName: caller.name ?? null,
      });
    });
    await this.store(answers, prepared, caller, freshness);
    return answers;
  }


  /** The active measures, read again only when the catalogue's version moved (every edit bumps it). */
  private async activeCatalogue(version: number): Promise<{ version: number; measures: MeasureRow[] }> {
    const cached = activeCatalogues.get(this.ds);
    if (cached && cached.version === version) return cached;
    const fresh = await this.catalogue(true);
    activeCatalogues.set(this.ds, fresh);
    return fresh;
  }

  private validate(inp: CheckInput, i: number, fieldName: (i: number, f: string) => string) {
    const asOf = inp.asOf ?? todayIso();
    let code: string | null = null;
    let checksumFailure: string | null = null;
    let nameKey: string | null = null;
    if (inp.creditCode) {
      // one reading of identifier input for GraphQL and REST (server/validate.ts): canonical as written, or refused naming it
      const read = creditCodeArg(fieldName(i, 'creditCode'), inp.creditCode);
      code = read.code;
      // a code failing only its check character may really have been issued: looked up exactly, refused if unknown
      checksumFailure = read.checksumFailure ?? null;
    } else if (inp.name && inp.name.trim()) {
      nameKey = normaliseName(inp.name);
    } else {
      throw badInput(fieldName(i, 'creditCode'), 'give the credit code or the name of the enterprise to check');
    }
    const personKeys = (inp.persons ?? []).map((raw, j) => {
      const id = idNumberArg(fieldName(i, `persons[${j}]`), raw);
      return { id, key: this.services.vault.personKey(id) };
    });
    let caseNumber: string | null = null;
    if (inp.caseNumber != null) {
      caseNumber = inp.caseNumber.trim();
      if (!CASE_NUMBER_RE.test(caseNumber)) {
        throw refusal(fieldName(i, 'caseNumber'), 'INVALID_CASE_NUMBER', 'not a case number: 1-64 letters, digits, Chinese characters, - _ / 〔〕',
          '申请事项编号应为1至64位字母、数字、汉字或 - _ / 〔〕');
      }
    }
    return { code, checksumFailure, nameKey, name: inp.name ?? null, matter: inp.matter, asOf, personKeys, input: inp, caseNumber };
  }

  async catalogue(activeOnly: boolean): Promise<{ version: number; measures: MeasureRow[] }> {
    // one statement, so the version recorded is the version of the measures read
    const rows: (MeasureRow & { catalogue_version: number })[] = await this.ds.query(
      `WITH v AS (SELECT max(version)::int AS catalogue_version FROM measure_catalogue_version)
       SELECT v.catalogue_version, m.* FROM v LEFT JOIN measure m ON ($1::boolean = false OR m.active) ORDER BY m.code`,
      [activeOnly],
    );
    const v = { version: rows[0]!.catalogue_version };
    const measures: MeasureRow[] = rows.filter((r) => r.code !== null).map(({ catalogue_version: _v, ...m }) => m);
    return { version: v.version, measures };
  }

  /** The check's policy data (registration statuses, lists following persons), in one statement so the version matches the rows. */
  async policy(): Promise<{ version: number; statuses: StatusPolicyRow[]; follows: PersonFollowPolicy[] }> {
    const [row]: { version: number; statuses: StatusPolicyRow[]; follows: PersonFollowPolicy[] }[] = await this.ds.query(
      `SELECT (SELECT max(version)::int FROM check_policy_version) AS version,
              (SELECT coalesce(json_agg(s ORDER BY s.status), '[]') FROM registration_status_policy s) AS statuses,
              (SELECT coalesce(json_agg(p ORDER BY p.list), '[]') FROM list_person_policy p) AS follows`,
    );
    return row!;
  }

  /** Each connector's last successful sync, and whether it is older than the configured maximum. */
  async freshness(): Promise<Freshness[]> {
    // one index probe per connector (sync_run grows by every scheduled run)
    const rows: { connector: string; finished_at: Date; id: number }[] = await this.ds.query(
      `SELECT c.id AS connector, r.finished_at, r.id FROM unnest($1::text[]) AS c(id)
       JOIN LATERAL (SELECT finished_at, id FROM sync_run WHERE connector = c.id AND status = 'SUCCEEDED'
                     ORDER BY finished_at DESC LIMIT 1) r ON true`,
      [[...this.services.connectors.keys()]],
    );
    return this.freshnessOf(rows);
  }

  private freshnessOf(rows: readonly { connector: string; finished_at: Date | string; id: number }[]): Freshness[] {
    const maxAgeMs = this.services.config.HUB_CHECK_MAX_DATA_AGE_HOURS * 3600_000;
    const now = Date.now();
    return [...this.services.connectors.values()].map((c) => {
      const r = rows.find((x) => x.connector === c.id);
      const at = r ? new Date(r.finished_at) : null;
      return {
        source: c.id,
        department: c.department,
        lastSyncedAt: at ? at.toISOString() : null,
        runId: r?.id ?? null,
        stale: !at || now - at.getTime() > maxAgeMs,
      };
    });
  }

  private async store(answers: CheckAnswer[], prepared: { input: CheckInput }[], caller: Caller, freshness: { source: string; runId: number | null }[]) {
    if (answers.length === 0) return;
    const dataVersions = Object.fromEntries(freshness.map((f) => [f.source, f.runId]));
    const rows = answers.map((a, i) => ({
      check_id: a.checkId,
      checked_at: a.checkedAt,
      caller_subject: caller.subject,
      caller_department: caller.department,
      matter: a.matter,
      credit_code: a.enterprise.creditCode,
      enterprise_name: a.enterprise.name,
      decision: a.decision,
      as_of: a.asOf,
      // the stored input never keeps ID numbers in clear
      input: { ...prepared[i]!.input, persons: (prepared[i]!.input.persons ?? []).map((p) => maskIdNumber(normaliseCode(p))) },
      answer: a,
      catalogue_version: a.catalogueVersion,
      data_versions: dataVersions,
      case_number: a.caseNumber ?? null,
      caller_office: caller.office ?? null,
      caller_name: caller.name ?? null,
    }));
    await batchersOf(this.ds).insert.submit(rows);
  }

  /** A stored check the caller may see (checkScope), else null: another office's check answers as an unknown id. */
  async getCheck(checkId: string, caller: Caller & { roles: readonly string[] }): Promise<CheckAnswer | null> {
    const row = await this.checkRow(checkId, checkScope(caller));
    return row ? answerOf(row) : null;
  }

  private async checkRow(checkId: string, scope: CheckScope, em: { query: DataSource['query'] } = this.ds): Promise<CheckRowOut | null> {
    if (!UUID_RE.test(checkId)) {
      throw refusal('checkId', 'INVALID_CHECK_ID', 'not a check id (UUID)', '核查编号格式不正确');
    }
    const [row] = await em.query(`SELECT ${CHECK_COLUMNS} FROM joint_punishment_check WHERE check_id = $1 AND ${scopeSql(2)}`, [checkId, ...scopeParams(scope)]);
    return (row as CheckRowOut | undefined) ?? null;
  }

  async listChecks(
    filter: {
      creditCode?: string | null; matter?: string | null; decision?: string | null; from?: Date | string | null; to?: Date | string | null; callerSubject?: string | null;
      caseNumber?: string | null; awaitingFeedback?: boolean | null; mine?: boolean | null;
    },
    first: number,
    after: string | null,
    caller: Caller & { roles: readonly string[] },
  ): Promise<{ totalCount: number; items: { cursor: string; answer: CheckAnswer }[]; hasNextPage: boolean }> {
    let cursor: { t: string; id: string } | null = null;
    if (after) {
      try {
        cursor = JSON.parse(Buffer.from(after, 'base64url').toString('utf8'));
        if (!cursor || typeof cursor.t !== 'string' || typeof cursor.id !== 'string') throw new Error('shape');
      } catch {
        throw badInput('after', 'not a cursor this list gave out');
      }
    }
    // exactly what this list gives out: an ISO instant and a check id (UUID); anything else would fail in the database
    if (cursor && (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(cursor.t) || Number.isNaN(new Date(cursor.t).getTime()) || !UUID_RE.test(cursor.id))) {
      throw badInput('after', 'not a cursor this list gave out');
    }
    // the filter's code too: a lower-case or spaced code would silently match nothing
    if (filter.creditCode != null) filter = { ...filter, creditCode: creditCodeArg('filter.creditCode', filter.creditCode).code };
    const mine = filter.mine ? caller.subject : null;
    const params = [filter.creditCode ?? null, filter.matter ?? null, filter.decision ?? null, filter.from ?? null, filter.to ?? null, filter.callerSubject ?? null,
      filter.caseNumber?.trim() || null, filter.awaitingFeedback ?? null, mine, ...scopeParams(checkScope(caller))];
    const where = `($1::text IS NULL OR credit_code = $1) AND ($2::text IS NULL OR matter = $2) AND ($3::text IS NULL OR decision = $3)
      AND ($4::timestamptz IS NULL OR checked_at >= $4) AND ($5::timestamptz IS NULL OR checked_at < $5) AND ($6::text IS NULL OR caller_subject = $6)
      AND ($7::text IS NULL OR case_number = $7)
      AND ($8::boolean IS NULL OR $8 = NOT EXISTS (SELECT 1 FROM check_feedback f WHERE f.check_id = joint_punishment_check.check_id))
      AND ($9::text IS NULL OR caller_subject = $9) AND ${scopeSql(10)}`;
    const [{ n }] = await this.ds.query(`SELECT count(*)::int AS n FROM joint_punishment_check WHERE ${where}`, params);
    const rows: (CheckRowOut & { checked_at: Date; check_id: string })[] = await this.ds.query(
      `SELECT ${CHECK_COLUMNS}, checked_at, check_id FROM joint_punishment_check WHERE ${where}
         AND ($13::timestamptz IS NULL OR (checked_at, check_id) < ($13::timestamptz, $14::uuid))
       ORDER BY checked_at DESC, check_id DESC LIMIT $15`,
      [...params, cursor?.t ?? null, cursor?.id ?? null, first + 1],
    );
    const items = rows.slice(0, first).map((r) => ({
      cursor: Buffer.from(JSON.stringify({ t: new Date(r.checked_at).toISOString(), id: r.check_id })).toString('base64url'),
      answer: answerOf(r),
    }));
    return { totalCount: n, items, hasNextPage: rows.length > first };
  }

  async feedbackFor(checkIds: readonly string[]): Promise<FeedbackRow[][]> {
    const rows: FeedbackRow[] =
      await this.ds.query(`SELECT * FROM check_feedback WHERE check_id = ANY($1::uuid[]) ORDER BY recorded_at, id`, [checkIds]);
    return checkIds.map((id) => rows.filter((r) => r.check_id === id));
  }

  /**
   * 反馈: what the officer did, following the check's decision (issue 16.2). Refusals name the field,
   * a reason code and a Chinese sentence for the console. An amendment is a new row naming the current
   * feedback it replaces; the history stays (the table is append-only).
   */
  async recordFeedback(
    checkId: string, action: FeedbackAction, note: string | null, measuresApplied: string[], amends: string | null, caller: Caller & { roles: readonly string[] },
  ): Promise<FeedbackRow> {
    // the check is looked up unscoped: another office's check is refused by name (NOT_OWN_OFFICE), an unknown one is NOT_FOUND
    const row = await this.checkRow(checkId, { all: true });
    if (!row) throw notFound(`check ${checkId}`, { field: 'checkId', messageZh: '未找到该核查记录' });
    if (!mayGiveFeedback(caller, { callerSubject: row.caller_subject, office: row.caller_office })) throw forbiddenOffice();
    const answer = row.answer;
    const text = note?.trim() || null;
    const named = new Set(answer.measures.map((m) => m.code));
    const unknown = measuresApplied.filter((m) => !named.has(m));
    if (unknown.length) {
      throw refusal('measuresApplied', 'UNKNOWN_MEASURE', `not among the measures of this check: ${unknown.join(', ')}`,
        `措施 ${unknown.join('、')} 不在本次核查的适用措施之中`);
    }
    if (answer.decision === 'DENY' && action === 'GRANTED') {
      throw refusal('action', 'DECISION_CONTRADICTED', 'the check decided DENY: the licence cannot be recorded as granted',
        '该核查结论为不予许可（DENY），不能反馈为准予许可');
    }
    const mandatory = answer.measures.filter((m) => m.mandatory).map((m) => m.code);
    if (action === 'NO_MEASURE_APPLIED' && mandatory.length) {
      throw refusal('action', 'MANDATORY_MEASURES_MISSING', `mandatory measures apply to this check and must be applied: ${mandatory.join(', ')}`,
        `本次核查有约束性措施（${mandatory.join('、')}），必须实施，不能反馈为未实施措施`, { measures: mandatory });
    }
    if (action === 'NO_MEASURE_APPLIED' && !text) {
      throw refusal('note', 'REASON_REQUIRED', 'a reason is required when no measure was applied', '未实施惩戒措施时须填写理由');
    }
    if (action === 'MEASURES_APPLIED' && measuresApplied.length === 0) {
      throw refusal('measuresApplied', 'MEASURES_REQUIRED', 'name the measures that were applied', '请选择已实施的惩戒措施');
    }
    // every mandatory (约束性) measure is applied, whatever else was done (refusing the licence applies a denying measure: name it)
    const missing = mandatory.filter((m) => !measuresApplied.includes(m));
    if (missing.length) {
      throw refusal('measuresApplied', 'MANDATORY_MEASURES_MISSING', `mandatory measures not named as applied: ${missing.join(', ')}`,
        `约束性措施 ${missing.join('、')} 必须实施并在反馈中勾选`, { measures: missing });
    }
    return this.ds.transaction(async (em) => {
      // one writer per check at a time, so "the current feedback" cannot move between the read and the insert
      await em.query(`SELECT pg_advisory_xact_lock(hashtext('check_feedback'), hashtext($1))`, [checkId]);
      const [latest] = await em.query(`SELECT id FROM check_feedback WHERE check_id = $1 ORDER BY recorded_at DESC, id DESC LIMIT 1`, [checkId]);
      const current = latest ? String(latest.id) : null;
      if (current && !amends) {
        throw refusal('amends', 'AMENDS_REQUIRED', `feedback ${current} is already recorded: to amend it, give amends: ${current} and a note saying why`,
          '该核查已有反馈；如需更正，请注明更正的是哪条反馈并填写更正理由', { current });
      }
      if (amends && amends !== current) {
        throw refusal('amends', 'STALE_AMENDMENT', current ? `feedback ${amends} is not the current feedback of this check (the current one is ${current})` : 'this check has no feedback to amend',
          current ? '您更正的反馈已不是最新的反馈，请刷新后重试' : '该核查尚无反馈，无需更正', { current });
      }
      if (amends && !text) {
        throw refusal('note', 'AMENDMENT_NOTE_REQUIRED', 'an amendment needs a note saying why', '更正反馈时须填写更正理由');
      }
      const [inserted] = await em.query(
        `INSERT INTO check_feedback (check_id, action, note, measures_applied, recorded_by, recorded_by_name, office, amends)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING *`,
        [checkId, action, text, measuresApplied, caller.subject, caller.name ?? null, caller.office ?? null, amends],
      );
      return inserted as FeedbackRow;
    });
  }

  /** 反馈率 per office over [from, to), scoped like the list (an officer: their own office). */
  async feedbackStats(from: Date | string | null, to: Date | string | null, caller: Caller & { roles: readonly string[] }) {
    const scope = checkScope(caller);
    const rows: { office: string | null; checks: number; with_feedback: number }[] = await this.ds.query(
      `SELECT caller_office AS office, count(*)::int AS checks,
              count(*) FILTER (WHERE EXISTS (SELECT 1 FROM check_feedback f WHERE f.check_id = c.check_id))::int AS with_feedback
       FROM joint_punishment_check c
       WHERE ($1::timestamptz IS NULL OR checked_at >= $1) AND ($2::timestamptz IS NULL OR checked_at < $2)
         AND ${scope.all ? 'true' : 'caller_office IS NOT DISTINCT FROM $3::text AND ($3::text IS NOT NULL OR caller_subject = $4::text)'}
       GROUP BY caller_office ORDER BY caller_office NULLS LAST`,
      scope.all ? [from, to] : [from, to, scope.office, scope.subject],
    );
    return rows.map((r) => ({
      office: r.office, checks: r.checks, withFeedback: r.with_feedback, awaiting: r.checks - r.with_feedback,
      feedbackRate: r.checks ? r.with_feedback / r.checks : 0,
    }));
  }

  async upsertMeasure(m: {
    code: string; text: string; applyingDepartment: string; triggerLists: string[]; triggerBanScopes?: string[] | null; matters: string[]; subjectTypes: string[];
    effect: string; mandatory: boolean; legalBasis: string;
  }, caller: Caller): Promise<MeasureRow> {
    const banScopes = m.triggerBanScopes?.length ? m.triggerBanScopes : null;
    if (banScopes && !m.triggerLists.includes('PRINCIPAL_BAN')) throw badInput('input.triggerBanScopes', 'only for measures triggered by PRINCIPAL_BAN');
    for (const s of m.subjectTypes) if (!['ENTERPRISE', 'PERSON'].includes(s)) throw badInput('input.subjectTypes', `'${s}' is not ENTERPRISE or PERSON`);
    if (!m.triggerLists.length) throw badInput('input.triggerLists', 'name at least one list');
    if (!m.matters.length) throw badInput('input.matters', 'name at least one licensing matter');
    if (!m.text.trim()) throw badInput('input.text', 'must not be empty');
    return this.ds.transaction(async (em) => {
      const [row] = await em.query(
        `INSERT INTO measure (code, text, applying_department, trigger_lists, matters, subject_types, effect, mandatory, legal_basis, active, updated_at, updated_by, trigger_ban_scopes)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,true,now(),$10,$11)
         ON CONFLICT (code) DO UPDATE SET text = EXCLUDED.text, applying_department = EXCLUDED.applying_department,
           trigger_lists = EXCLUDED.trigger_lists, trigger_ban_scopes = EXCLUDED.trigger_ban_scopes, matters = EXCLUDED.matters, subject_types = EXCLUDED.subject_types,
           effect = EXCLUDED.effect, mandatory = EXCLUDED.mandatory, legal_basis = EXCLUDED.legal_basis, active = true,
           updated_at = now(), updated_by = EXCLUDED.updated_by
         RETURNING *`,
        [m.code, m.text, m.applyingDepartment, m.triggerLists, m.matters, m.subjectTypes, m.effect, m.mandatory, m.legalBasis, caller.subject, banScopes],
      );
      await this.bumpVersion(em, caller, { upsert: m.code });
      return row;
    });
  }

  async deactivateMeasure(code: string, reason: string, caller: Caller): Promise<MeasureRow> {
    if (!reason.trim()) throw badInput('reason', 'must not be empty');
    return this.ds.transaction(async (em) => {
      const [rows] = await em.query(`UPDATE measure SET active = false, updated_at = now(), updated_by = $2 WHERE code = $1 RETURNING *`, [code, caller.subject]);
      const row = rows?.[0];
      if (!row) throw notFound(`measure ${code}`, { field: 'code' });
      await this.bumpVersion(em, caller, { deactivate: code, reason });
      return row;
    });
  }

  private async bumpVersion(em: { query: DataSource['query'] }, caller: Caller, change: object) {
    // serialise catalogue edits so versions stay gap-free
    await em.query(`LOCK TABLE measure_catalogue_version IN EXCLUSIVE MODE`);
    await em.query(
      `INSERT INTO measure_catalogue_version (version, changed_by, change) SELECT coalesce(max(version),0) + 1, $1, $2 FROM measure_catalogue_version`,
      [caller.subject, JSON.stringify(change)],
    );
  }
}
