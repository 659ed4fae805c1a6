/**
 * Stores one batch of source envelopes in ONE transaction: parse errors quarantined, persons and
 * enterprises upserted, every enterprise reference linked set-based, the rest upserted per table
 * through the COPY staging path, quarantine entries written or resolved. The engine calls the same
 * code per batch (applyBatch) and adds the watermark and run figures to that transaction.
 *
 * Figures: read = written + unchanged + quarantined. "Unchanged" = same content hash of the
 * canonical record (ID numbers replaced by their keyed hash) plus the link result.
 */
import type pg from 'pg';
import type { DataSource } from 'typeorm';
import type { PiiFields, SourceEnvelope } from '../../connectors/types.js';
import type { CanonicalRecord, Department, EnterpriseRecord, PersonRecord, RecordKind } from '../domain/canonical.js';
import { checkCreditCode, checkIdNumber, maskIdNumber, maskPhone, orgCodeOfCreditCode } from '../domain/codes.js';
import { normaliseName } from '../domain/names.js';
import type { PiiVault } from '../security/pii.js';
import { CANONICAL_PII, maskPiiText, sealRaw } from '../security/raw-pii.js';
import { checkoutClient } from '../store/data-source.js';
import { bulkUpsert, type StagedRow, type TableSpec } from './bulk.js';
import { contentHash, toJsonb } from './hash.js';
import { byIndexProbes, linkRefs, type Candidate, type LinkOutcome } from './link.js';
import { maskIdsInText } from './mask.js';
import {
  DERIVED_PERSON_SPEC,
  DERIVED_PREFIX,
  derivedNameChanges,
  ENTERPRISE_SPEC,
  KIND_SPECS,
  PERSON_SPEC,
  dataValues,
  hashable,
  idNumbersOf,
  refSlots,
  type LinkedKind,
} from './rows.js';

/** pino-compatible; the engine never logs ID numbers, only masks and keys. */
export interface SyncLog {
  info(o: object, msg?: string): void;
  warn(o: object, msg?: string): void;
  error(o: object, msg?: string): void;
}

export interface SyncDeps {
  ds: DataSource;
  vault: PiiVault;
  log: SyncLog;
}

export interface SyncSource {
  id: string;
  department: Department;
  /** the connector's raw fields holding ID numbers and phones: sealed in stored raw records (src/security/raw-pii.ts) */
  piiFields?: PiiFields;
}

export interface ApplyResult {
  read: number;
  written: number;
  unchanged: number;
  quarantined: number;
  /** credit codes of enterprises whose stored data this batch changed (for incremental risk scores) */
  affectedCreditCodes: Set<string>;
  /** rows inserted or updated per store table (the engine refreshes planner statistics per table) */
  writtenByTable: Map<string, number>;
}

export interface ApplyOptions {
  fetchedAt?: Date;
}

type ReasonCode = 'PARSE_ERROR' | 'UNLINKED' | 'AMBIGUOUS_LINK' | 'CONSTRAINT';
interface QuarantineEntry {
  env: SourceEnvelope;
  code: ReasonCode;
  reason: string;
  candidates: (Candidate & { field?: string })[];
}

/** Runs fn in one transaction on one pooled connection (a broken connection is discarded, not reused). */
export async function inTransaction<T>(ds: DataSource, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await checkoutClient(ds);
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const out = await fn(client);
    await client.query('COMMIT');
    return out;
  } catch (err) {
    await client.query('ROLLBACK').catch((e: Error) => {
      broken = e;
    });
    throw err;
  } finally {
    client.release(broken);
  }
}

/** Stores one batch of envelopes of one source in one transaction. */
export async function applyEnvelopes(
  deps: SyncDeps,
  source: SyncSource,
  envelopes: SourceEnvelope[],
  opts: ApplyOptions = {},
): Promise<ApplyResult> {
  return inTransaction(deps.ds, (client) => applyBatch(client, deps, source, envelopes, opts));
}

const isoOrNull = (s: string | undefined): string | null => (s && !Number.isNaN(Date.parse(s)) ? s : null);

/**
 * The batch, inside the caller's transaction. With `retryOnly`, records that still cannot be linked
 * are left as they are (no quarantine write, not counted): used to retry open quarantine entries.
 */
export async function applyBatch(
  client: pg.ClientBase,
  deps: SyncDeps,
  source: SyncSource,
  envelopes: readonly SourceEnvelope[],
  opts: ApplyOptions & { retryOnly?: boolean } = {},
): Promise<ApplyResult> {
  const fetchedAt = opts.fetchedAt ?? new Date();
  const keys = new Map<string, string>();
  const personKey = (id: string): string => {
    let k = keys.get(id);
    if (!k) keys.set(id, (k = deps.vault.personKey(id)));
    return k;
  };
  const keyOf = (id: string | null | undefined): string | null => (id ? personKey(id) : null);

  // one record per (kind, id): a later version in the same batch supersedes an earlier one
  const latest = new Map<string, SourceEnvelope>();
  for (const env of envelopes) {
    const k = `${env.kind}\u0000${env.sourceRecordId}`;
    latest.delete(k);
    latest.set(k, env);
  }
  const items = [...latest.values()];

  const quarantine: QuarantineEntry[] = [];
  const stored: SourceEnvelope[] = [];
  const affected = new Set<string>();
  const byTable = new Map<string, number>();
  const booked = (table: string, n: number) => {
    if (n) byTable.set(table, (byTable.get(table) ?? 0) + n);
  };
  let written = 0;
  let unchanged = 0;
  let skipped = 0;
  const prov = (env: SourceEnvelope, hash: string): unknown[] => [
    source.department,
    source.id,
    env.sourceRecordId,
    fetchedAt,
    isoOrNull(env.updatedAt),
    toJsonb(sealRaw(env.raw ?? null, source.piiFields, deps.vault)),
    hash,
  ];

  // ---- 1. what cannot be parsed or is not a usable record
  const persons: { env: SourceEnvelope; rec: PersonRecord }[] = [];
  const enterprises: { env: SourceEnvelope; rec: EnterpriseRecord }[] = [];
  const linked: { env: SourceEnvelope; rec: Exclude<CanonicalRecord, PersonRecord | EnterpriseRecord> }[] = [];
  for (const env of items) {
    const rec = env.record;
    const problem = !rec
      ? (env.error ?? 'the source gave neither a record nor an error')
      : rec.kind !== env.kind
        ? `record kind '${rec.kind}' differs from the envelope kind '${env.kind}'`
        : recordProblem(rec);
    if (problem || !rec) {
      quarantine.push({ env, code: 'PARSE_ERROR', reason: problem ?? 'unreadable', candidates: [] });
    } else if (rec.kind === 'person') persons.push({ env, rec });
    else if (rec.kind === 'enterprise') enterprises.push({ env, rec });
    else linked.push({ env, rec });
  }

  /** Runs one table's rows through the bulk path and books every row's outcome. */
  const store = async (
    spec: TableSpec,
    rows: { row: StagedRow; env: SourceEnvelope; codes: string[] }[],
    superseded: SourceEnvelope[] = [],
  ) => {
    const res = await bulkUpsert(
      client,
      spec,
      rows.map((r) => r.row),
    );
    booked(spec.table, res.written.size);
    const failed = new Map(res.failed.map((f) => [f.row, f.error]));
    for (const r of rows) {
      const error = failed.get(r.row);
      if (error !== undefined) {
        quarantine.push({ env: r.env, code: 'CONSTRAINT', reason: `the store refused the record: ${error}`, candidates: [] });
        continue;
      }
      stored.push(r.env);
      if (res.written.has(r.row.key)) {
        written++;
        for (const c of r.codes) affected.add(c);
      } else unchanged++;
    }
    // same key twice in the batch: the earlier record is the same row, superseded by the later
    for (const env of superseded) {
      stored.push(env);
      unchanged++;
    }
    return new Set(res.failed.map((f) => f.row.key));
  };

  // ---- 2. persons (person records are authoritative for name and phone)
  const personRecordKeys = new Set<string>();
  {
    const byKey = new Map<string, { row: StagedRow; env: SourceEnvelope; codes: string[] }>();
    const superseded: SourceEnvelope[] = [];
    for (const { env, rec } of persons) {
      const key = personKey(rec.idNumber);
      const phone = rec.phone?.trim() ? rec.phone.trim() : null;
      const hash = contentHash(hashable(rec, personKey));
      const row: StagedRow = {
        key,
        values: [
          key,
          deps.vault.encrypt(rec.idNumber.trim().toUpperCase()),
          maskIdNumber(rec.idNumber.trim().toUpperCase()),
          rec.name,
          phone ? deps.vault.encrypt(phone) : null,
          phone ? maskPhone(phone) : null,
          ...prov(env, hash),
        ],
      };
      const prev = byKey.get(key);
      if (prev) superseded.push(prev.env);
      byKey.set(key, { row, env, codes: [] });
    }
    const refused = await store(PERSON_SPEC, [...byKey.values()], superseded);
    for (const k of byKey.keys()) if (!refused.has(k)) personRecordKeys.add(k);
  }

  // ---- 3. enterprises, before anything links to them (a batch may hold both)
  {
    const byCode = new Map<string, { row: StagedRow; env: SourceEnvelope; codes: string[] }>();
    const superseded: SourceEnvelope[] = [];
    for (const { env, rec } of enterprises) {
      const code = rec.creditCode.trim().toUpperCase();
      const row: StagedRow = {
        key: code,
        values: [
          code,
          rec.creditCodeChecksumFailed ?? !checkCreditCode(code).ok,
          rec.orgCode || orgCodeOfCreditCode(code),
          rec.name,
          normaliseName(rec.name),
          rec.type,
          rec.status,
          rec.legalRepresentative,
          rec.divisionCode,
          rec.industryCode,
          rec.registeredCapital,
          rec.establishedDate,
          rec.address ?? null,
          rec.businessScope ?? null,
          ...prov(env, contentHash(rec)),
        ],
      };
      const prev = byCode.get(code);
      if (prev) superseded.push(prev.env);
      byCode.set(code, { row, env, codes: [code] });
    }
    await store(ENTERPRISE_SPEC, [...byCode.values()], superseded);
  }

  // ---- 4. link every reference of the batch at once
  const slots = linked.map(({ rec }) => refSlots(rec));
  const outcomes = await linkRefs(
    client,
    slots.flat().map((s) => s.ref),
    { candidates: !opts.retryOnly },
  );
  let at = 0;
  const rowsByKind = new Map<LinkedKind, { row: StagedRow; env: SourceEnvelope; codes: string[] }[]>();
  // persons named by the batch's records, one per person (the mention that knows the name wins)
  const named = new Map<string, { id: string; name: string; env: SourceEnvelope }>();
  linked.forEach(({ env, rec }, i) => {
    const mine = slots[i]!.map((slot) => ({ slot, outcome: outcomes[at++]! }));
    const failing = mine.filter((m) => m.slot.required && m.outcome.status !== 'LINKED');
    if (failing.length) {
      if (opts.retryOnly) {
        skipped++;
        return;
      }
      const unresolved = failing.map((f) => ({
        field: f.slot.field,
        o: f.outcome as Extract<LinkOutcome, { status: 'UNLINKED' | 'AMBIGUOUS' }>,
      }));
      quarantine.push({
        env,
        code: unresolved.some((u) => u.o.status === 'AMBIGUOUS') ? 'AMBIGUOUS_LINK' : 'UNLINKED',
        reason: unresolved.map((u) => `${u.field}: ${u.o.reason}`).join('; '),
        candidates: unresolved.flatMap((u) => u.o.candidates.map((c) => ({ ...c, field: u.field }))),
      });
      return;
    }
    const links: Record<string, string | null> = {};
    for (const m of mine) links[m.slot.field] = m.outcome.status === 'LINKED' ? m.outcome.creditCode : null;
    const hash = contentHash({ record: hashable(rec, personKey), links });
    const row: StagedRow = { key: env.sourceRecordId, values: [...dataValues(rec, links, keyOf), ...prov(env, hash)] };
    const list = rowsByKind.get(rec.kind) ?? [];
    list.push({ row, env, codes: Object.values(links).filter((c): c is string => !!c) });
    rowsByKind.set(rec.kind, list);

    // a record naming a person creates the person row (name if it knows it)
    for (const p of idNumbersOf(rec)) {
      const key = personKey(p.id);
      // the batch's own person record for this person is stored already and a derived row never overrides it
      if (personRecordKeys.has(key)) continue;
      const prev = named.get(key);
      if (prev && prev.name !== '') continue;
      named.set(key, { id: p.id.trim().toUpperCase(), name: p.name.trim(), env });
    }
  });

  const derived = await derivedPersonRows(client, named, prov, deps.vault);
  if (derived.length) {
    const res = await bulkUpsert(client, DERIVED_PERSON_SPEC, derived);
    booked(DERIVED_PERSON_SPEC.table, res.written.size);
    // a refused person row shows up below as the referencing records' constraint failures
    for (const f of res.failed)
      deps.log.warn({ source: source.id, personKey: f.row.key, error: maskIdsInText(f.error) }, 'person row refused');
  }

  // ---- 5. every other kind through its table
  for (const [kind, rows] of rowsByKind) await store(KIND_SPECS[kind], rows);

  // ---- 6. quarantine, and resolve what is now stored
  if (quarantine.length) await writeQuarantine(client, source, deps.vault, quarantine);
  booked('quarantined_record', quarantine.length);
  if (stored.length) {
    await client.query(
      `UPDATE quarantined_record q SET resolved_at = now(), last_seen_at = now()
       FROM unnest($2::text[], $3::text[]) AS s(kind, id)
       WHERE q.source = $1 AND q.kind = s.kind AND q.source_record_id = s.id AND q.resolved_at IS NULL`,
      [source.id, stored.map((e) => e.kind), stored.map((e) => e.sourceRecordId)],
    );
  }
  return {
    read: items.length - skipped,
    written,
    unchanged,
    quarantined: quarantine.length,
    affectedCreditCodes: affected,
    writtenByTable: byTable,
  };
}

/**
 * Rows for the persons the batch's records name, only where the upsert would change something: a new
 * person, or a name to fill or follow (DERIVED_PERSON_SPEC's rule). Most named persons are stored already
 * (a role names a person the same source sent as a person record in an earlier page); their rows would
 * cost an encryption here and, in PostgreSQL, a conflict that locks and dirties the person's page for
 * nothing: about a third of the rows of a first load.
 */
async function derivedPersonRows(
  client: pg.ClientBase,
  named: Map<string, { id: string; name: string; env: SourceEnvelope }>,
  prov: (env: SourceEnvelope, hash: string) => unknown[],
  vault: PiiVault,
): Promise<StagedRow[]> {
  if (!named.size) return [];
  const { rows } = await byIndexProbes(client, () =>
    client.query<{ person_key: string; name: string; derived: boolean }>(
      `SELECT person_key, name, content_hash LIKE '${DERIVED_PREFIX}%' AS derived FROM person WHERE person_key = ANY($1::text[])`,
      [[...named.keys()]],
    ),
  );
  const stored = new Map(rows.map((r) => [r.person_key, r]));
  const out: StagedRow[] = [];
  for (const [key, p] of named) {
    const s = stored.get(key);
    if (s && !derivedNameChanges(s, p.name)) continue;
    out.push({
      key,
      values: [
        key,
        vault.encrypt(p.id),
        maskIdNumber(p.id),
        p.name,
        null,
        null,
        ...prov(p.env, DERIVED_PREFIX + contentHash({ key, name: p.name })),
      ],
    });
  }
  return out;
}

/** Checks the store's shape needs that a connector's types do not guarantee (ID numbers, codes). */
function recordProblem(rec: CanonicalRecord): string | null {
  for (const { field, id } of idNumbersOf(rec)) {
    if (typeof id !== 'string' || !id.trim()) return `${field} is missing`;
    const c = checkIdNumber(id.trim().toUpperCase());
    // the reason may quote digits of the number: say only that it failed, with the number masked
    if (!c.ok) return `${field} ${maskIdNumber(id.trim())} is not a valid citizen ID number (GB 11643)`;
  }
  if (rec.kind === 'enterprise' && !/^[0-9A-Z]{18}$/.test(rec.creditCode?.trim().toUpperCase() ?? '')) {
    return `creditCode '${rec.creditCode}' is not an 18-character credit code`;
  }
  if (rec.kind === 'credential' && !rec.enterprise && !rec.idNumber) return 'a credential needs a holder: enterprise or idNumber';
  if (rec.kind === 'list_entry' && rec.subjectType === 'PERSON' && !rec.idNumber) return 'a person list entry needs idNumber';
  return null;
}

async function writeQuarantine(client: pg.ClientBase, source: SyncSource, vault: PiiVault, entries: QuarantineEntry[]): Promise<void> {
  await client.query(
    `INSERT INTO quarantined_record (source, kind, source_record_id, reason_code, reason, raw, record, candidates)
     SELECT $1, q.kind, q.id, q.code, q.reason, q.raw, q.record, q.candidates
     FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::jsonb[], $8::jsonb[])
       AS q(kind, id, code, reason, raw, record, candidates)
     ON CONFLICT (source, kind, source_record_id) DO UPDATE SET
       reason_code = EXCLUDED.reason_code, reason = EXCLUDED.reason, raw = EXCLUDED.raw, record = EXCLUDED.record,
       candidates = EXCLUDED.candidates, last_seen_at = now(), attempts = quarantined_record.attempts + 1, resolved_at = NULL`,
    [
      source.id,
      entries.map((e) => e.env.kind as RecordKind),
      entries.map((e) => e.env.sourceRecordId),
      entries.map((e) => e.code),
      entries.map((e) => maskPiiText(maskIdsInText(e.reason))),
      // ID numbers and phones sealed at rest, as in the canonical columns (retryQuarantine unseals the record)
      entries.map((e) => toJsonb(sealRaw(e.env.raw ?? null, source.piiFields, vault))),
      entries.map((e) => (e.env.record ? toJsonb(sealRaw(e.env.record, CANONICAL_PII, vault)) : null)),
      entries.map((e) => toJsonb(e.candidates)),
    ],
  );
}
