/**
 * The joint-punishment check 联合惩戒核查 itself: resolve the applicant, gather its responsible persons and
 * every list entry about them in one statement (for one subject or a thousand, and for every check
 * submitted meanwhile), apply the rules, and store each check append-only with the catalogue and data
 * versions it used.
 */
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { GraphQLError } from 'graphql';
import { maskIdNumber } from '../domain/codes.js';
import { normaliseCode, normaliseName } from '../domain/names.js';
import { Coalescer } from '../kernel/coalescer.js';
import type { HubInputs, HubServices, ModuleServices } from '../kernel/context.js';
import { todayIso } from '../kernel/dates.js';
import { badInput, notFound } from '../kernel/errors.js';
import { creditCodeArg, idNumberArg } from '../kernel/validate.js';
import type { Caller, CheckAnswer, CheckInput, CheckedPersonRef, HitSubject, ListEntryRow, MeasureRow, PersonRoleRow } from './model.js';
import { applicableMeasures, decide, findHits } from './rules.js';
import { CHECK_ROLES, insertChecks, readCatalogue, readForChecks, type CheckRead, type EnterpriseLite, type ReadKeys } from './store.js';

declare module '../kernel/context.js' {
  interface ModuleServices {
    /** the check's batched read and insert, and the active catalogue: shared by every request */
    checks: CheckRunner;
  }
}

/** What a check needs of the hub's services. */
export type CheckServices = Pick<HubServices, 'ds' | 'config' | 'vault' | 'connectors' | 'checks'>;

export const MAX_BATCH = 1000;

/** 申请事项编号: letters, digits, CJK, and the separators case numbers use (- _ / 〔〕). */
const CASE_NUMBER_RE = /^[A-Za-z0-9\-_/〔〕\u3400-\u4dbf\u4e00-\u9fff]{1,64}$/u;

/** A refusal a person in the console reads: the English message programs rely on, a reason code and a Chinese sentence. */
export function refusal(
  field: string,
  reason: string,
  message: string,
  messageZh: string,
  extra: Record<string, unknown> = {},
): GraphQLError {
  return badInput(field, message, { reason, messageZh, ...extra });
}

export type Freshness = { source: string; department: string; lastSyncedAt: string | null; runId: number | null; stale: boolean };

/**
 * One per hub, built at start (services.checks): the check read (each caller then picks its own subjects from the shared
 * answer), the check insert, and the active catalogue with the version it was read at (edits bump the
 * version, so a new version re-reads).
 */
export class CheckRunner {
  private readonly reads: Coalescer<ReadKeys, { read: CheckRead; index: ReadIndex }>;
  private readonly inserts: Coalescer<object[], void>;
  private active: { version: number; measures: MeasureRow[] } | null = null;

  constructor(private readonly ds: DataSource) {
    this.reads = new Coalescer(async (qs) => {
      const read = await readForChecks(ds, {
        codes: union(qs.map((q) => q.codes)),
        names: union(qs.map((q) => q.names)),
        namedKeys: union(qs.map((q) => q.namedKeys)),
        connectorIds: union(qs.map((q) => q.connectorIds)),
      });
      return { read, index: indexRead(read) };
    }, 2);
    this.inserts = new Coalescer((rowLists) => insertChecks(ds, rowLists.flat()), 2);
  }

  /** The shared read of the checks submitted together, with its rows indexed by key. */
  read(keys: ReadKeys): Promise<{ read: CheckRead; index: ReadIndex }> {
    return this.reads.submit(keys);
  }

  insert(rows: object[]): Promise<void> {
    return this.inserts.submit(rows);
  }

  /** The active measures, read again only when the catalogue's version moved (every edit bumps it). */
  async activeCatalogue(version: number): Promise<{ version: number; measures: MeasureRow[] }> {
    if (this.active && this.active.version === version) return this.active;
    const fresh = await readCatalogue(this.ds, true);
    this.active = fresh;
    return fresh;
  }
}

/** The module's long-lived objects, built once at start (server/services.ts). */
export function creditServices(inputs: Pick<HubInputs, 'ds'>): Pick<ModuleServices, 'checks'> {
  return { checks: new CheckRunner(inputs.ds) };
}

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

const union = (lists: string[][]) => [...new Set(lists.flat())];

/** A shared read's rows by key. */
interface ReadIndex {
  byCode: Map<string, EnterpriseLite>;
  byName: Map<string, EnterpriseLite[]>;
  namedByKey: Map<string, CheckRead['named'][number]>;
  rolesByCode: Map<string, CheckRead['roles']>;
  enterpriseEntries: Map<string, ListEntryRow[]>;
  personEntries: Map<string, ListEntryRow[]>;
  elsewhereByPerson: Map<string, PersonRoleRow[]>;
}

/** Built once for all the checks that share the read (not once per check). */
function indexRead(read: CheckRead): ReadIndex {
  return {
    byCode: new Map(read.ents.map((e) => [e.credit_code, e])),
    // each check looks up only its own names
    byName: groupBy(read.ents, (e) => e.name_normalised),
    namedByKey: new Map(read.named.map((r) => [r.person_key, r])),
    rolesByCode: groupBy(read.roles, (r) => r.credit_code),
    enterpriseEntries: groupBy(
      read.entries.filter((e) => e.subject_type === 'ENTERPRISE'),
      (e) => e.credit_code!,
    ),
    personEntries: groupBy(
      read.entries.filter((e) => e.person_key !== null),
      (e) => e.person_key!,
    ),
    elsewhereByPerson: groupBy(read.elsewhere, (r) => r.person_key),
  };
}

/**
 * Runs checks for many subjects with batched lookups. `fieldName(i, field)` names the input field
 * in errors (e.g. `inputs[3].creditCode`).
 */
export async function runChecks(
  services: CheckServices,
  inputs: readonly CheckInput[],
  caller: Caller,
  fieldName = (i: number, f: string) => `inputs[${i}].${f}`,
): Promise<CheckAnswer[]> {
  if (inputs.length > MAX_BATCH) throw badInput('inputs', `at most ${MAX_BATCH} checks in one call`);
  const prepared = inputs.map((inp, i) => validate(services, inp, i, fieldName));

  const codes = [...new Set(prepared.flatMap((p) => (p.code ? [p.code] : [])))];
  const names = [...new Set(prepared.flatMap((p) => (p.nameKey ? [p.nameKey] : [])))];
  const namedKeys = [...new Set(prepared.flatMap((p) => p.personKeys.map((x) => x.key)))];
  // everything a check reads in one statement (one round trip, one snapshot): the subjects, their persons,
  // every entry about them or the named persons, the named persons, each source's freshness, the catalogue version
  const { read, index } = await services.checks.read({ codes, names, namedKeys, connectorIds: [...services.connectors.keys()] });
  const { version: catalogueVersion, measures } = await services.checks.activeCatalogue(read.catalogue_version);
  const freshness = freshnessOf(services, read.fresh);
  const { byCode, byName, namedByKey, rolesByCode, enterpriseEntries, personEntries, elsewhereByPerson } = index;

  const subjects = prepared.map((p, i) => {
    if (p.code) {
      const e = byCode.get(p.code);
      if (!e && p.checksumFailure)
        throw badInput(fieldName(i, 'creditCode'), `not a valid unified social credit code: ${p.checksumFailure}`);
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
    const personList = [...persons.values()].sort(
      (a, b) => roleRank(a.roles) - roleRank(b.roles) || a.idMasked.localeCompare(b.idMasked) || a.personKey.localeCompare(b.personKey),
    );
    for (const x of personList) x.roles.sort((a, b) => ROLE_ORDER.indexOf(a) - ROLE_ORDER.indexOf(b));
    const ownEntries = personList.flatMap((x) => personEntries.get(x.personKey) ?? []);
    const follow = {
      roles: personList.flatMap((x) => elsewhereByPerson.get(x.personKey) ?? []),
      entriesByCode: enterpriseEntries,
      policy: read.follow_policy,
    };
    const hits = findHits(ent, personList, enterpriseEntries.get(ent.credit_code) ?? [], ownEntries, p.asOf, follow);
    const applied = applicableMeasures(hits, measures, p.matter);
    const { decision, summary, statusBasis } = decide({
      enterpriseStatus: ent.status,
      applied,
      hits,
      staleSources,
      failClosed: services.config.HUB_CHECK_FAIL_CLOSED,
      statusPolicy: read.status_policy,
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
  await store(services, answers, prepared, caller, freshness);
  return answers;
}

function validate(services: CheckServices, inp: CheckInput, i: number, fieldName: (i: number, f: string) => string) {
  const asOf = inp.asOf ?? todayIso();
  let code: string | null = null;
  let checksumFailure: string | null = null;
  let nameKey: string | null = null;
  if (inp.creditCode) {
    // one reading of identifier input for GraphQL and REST (kernel/validate.ts): canonical as written, or refused naming it
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
    return { id, key: services.vault.personKey(id) };
  });
  let caseNumber: string | null = null;
  if (inp.caseNumber != null) {
    caseNumber = inp.caseNumber.trim();
    if (!CASE_NUMBER_RE.test(caseNumber)) {
      throw refusal(
        fieldName(i, 'caseNumber'),
        'INVALID_CASE_NUMBER',
        'not a case number: 1-64 letters, digits, Chinese characters, - _ / 〔〕',
        '申请事项编号应为1至64位字母、数字、汉字或 - _ / 〔〕',
      );
    }
  }
  return { code, checksumFailure, nameKey, name: inp.name ?? null, matter: inp.matter, asOf, personKeys, input: inp, caseNumber };
}

export function freshnessOf(
  services: Pick<CheckServices, 'config' | 'connectors'>,
  rows: readonly { connector: string; finished_at: Date | string; id: number }[],
): Freshness[] {
  const maxAgeMs = services.config.HUB_CHECK_MAX_DATA_AGE_HOURS * 3600_000;
  const now = Date.now();
  return [...services.connectors.values()].map((c) => {
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

async function store(
  services: CheckServices,
  answers: CheckAnswer[],
  prepared: { input: CheckInput }[],
  caller: Caller,
  freshness: { source: string; runId: number | null }[],
) {
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
  await services.checks.insert(rows);
}
