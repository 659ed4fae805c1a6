/**
 * The audit log of clear-text access to personal information: append-only, hash-chained.
 * hash = sha256(prev_hash + canonical JSON of the entry); appends are serialised by an advisory
 * lock so the chain has no forks even with several hub replicas. After each write the chain head is
 * anchored outside the database (audit-anchor.ts), so a rewrite with recomputed hashes, a deleted tail
 * or a truncated table is detected too. The table refuses UPDATE, DELETE and TRUNCATE (triggers).
 */
import { createHash } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { Anchor, AuditAnchors } from './audit-anchor.js';

/** What verification needs of a connection: a DataSource, or a read-only transaction's QueryRunner. */
export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface AuditEntry {
  actor: string;
  actorDepartment: string | null;
  actorRoles: string[];
  requestId: string | null;
  action: string;
  subjectKind: string;
  subjectRef: string;
  fields: string[];
  /** 用途 the lawful purpose in Chinese */
  purpose: string | null;
  /** its code (src/security/purposes.ts) */
  purposeCode?: string | null;
}

interface AuditRow {
  seq: number;
  at: Date;
  actor: string;
  actor_department: string | null;
  actor_roles: string[];
  request_id: string | null;
  action: string;
  subject_kind: string;
  subject_ref: string;
  fields: string[];
  purpose: string | null;
  purpose_code: string | null;
  prev_hash: string;
  hash: string;
}

const GENESIS = '0'.repeat(64);
const AUDIT_LOCK = 72_410_001;

export function entryHash(
  prevHash: string,
  r: Omit<AuditRow, 'hash' | 'prev_hash' | 'purpose_code'> & { purpose_code?: string | null },
): string {
  const content: unknown[] = [
    r.seq,
    new Date(r.at).toISOString(),
    r.actor,
    r.actor_department,
    r.actor_roles,
    r.request_id,
    r.action,
    r.subject_kind,
    r.subject_ref,
    r.fields,
    r.purpose,
  ];
  // hashed when present; entries written before purpose codes keep their original hash
  if (r.purpose_code != null) content.push(r.purpose_code);
  const body = JSON.stringify(content);
  return createHash('sha256').update(prevHash).update(body).digest('hex');
}

/** Appends the entries in one transaction; once committed, anchors the new chain head (when anchors are kept). */
export async function appendAudit(ds: DataSource, entries: AuditEntry[], anchors?: AuditAnchors): Promise<void> {
  if (entries.length === 0) return;
  const head = await ds.transaction(async (em: EntityManager) => {
    await em.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_LOCK]);
    const [last] = await em.query('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
    let seq = last ? Number(last.seq) : 0;
    let prev: string = last ? last.hash : GENESIS;
    // the clock is read from the database so the hashed instant is the stored one, to the microsecond
    const [{ now }] = await em.query(`SELECT date_trunc('milliseconds', now()) AS now`);
    for (const e of entries) {
      seq += 1;
      const row = {
        seq,
        at: now as Date,
        actor: e.actor,
        actor_department: e.actorDepartment,
        actor_roles: e.actorRoles,
        request_id: e.requestId,
        action: e.action,
        subject_kind: e.subjectKind,
        subject_ref: e.subjectRef,
        fields: e.fields,
        purpose: e.purpose,
        purpose_code: e.purposeCode ?? null,
      };
      const hash = entryHash(prev, row);
      await em.query(
        `INSERT INTO audit_log (seq, at, actor, actor_department, actor_roles, request_id, action, subject_kind, subject_ref, fields, purpose, purpose_code, prev_hash, hash)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)`,
        [
          seq,
          row.at,
          row.actor,
          row.actor_department,
          row.actor_roles,
          row.request_id,
          row.action,
          row.subject_kind,
          row.subject_ref,
          row.fields,
          row.purpose,
          row.purpose_code,
          prev,
          hash,
        ],
      );
      prev = hash;
    }
    return { seq, hash: prev };
  });
  anchors?.append(head.seq, head.hash);
}

export interface ChainVerdict {
  checked: number;
  brokenAt: number | null;
  reason?: string;
  /** the newest anchor compared (null when no anchors were given or none exists yet) */
  anchoredTo?: number | null;
}

/**
 * Walks the chain; returns the first broken entry, or null when intact. With anchors, every anchored entry
 * must still carry its anchored hash and the table must reach the newest anchor; anchor lines that fail
 * their mac are tampering of the anchor file. Reads only (run it in a read-only transaction).
 */
export async function verifyAuditChain(
  q: Queryable,
  opts: { batch?: number; anchors?: { anchors: Anchor[]; invalid: number[] } } = {},
): Promise<ChainVerdict> {
  const batch = opts.batch ?? 5000;
  const anchored = new Map<number, Anchor>();
  for (const a of opts.anchors?.anchors ?? []) anchored.set(a.seq, a);
  const newest = [...anchored.values()].reduce<Anchor | null>((m, a) => (!m || a.seq > m.seq ? a : m), null);
  const anchoredTo = opts.anchors ? (newest?.seq ?? null) : undefined;
  const verdict = (v: Omit<ChainVerdict, 'anchoredTo'>): ChainVerdict => (anchoredTo === undefined ? v : { ...v, anchoredTo });
  if (opts.anchors?.invalid.length) {
    return verdict({
      checked: 0,
      brokenAt: 0,
      reason: `the anchor file has lines that are not valid anchors (forged, edited or torn): line ${opts.anchors.invalid.join(', ')}`,
    });
  }
  let prev = GENESIS;
  let after = 0;
  let checked = 0;
  for (;;) {
    const rows: AuditRow[] = await q.query('SELECT * FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2', [after, batch]);
    if (rows.length === 0) break;
    for (const r of rows) {
      const seq = Number(r.seq);
      if (seq !== after + 1)
        return verdict({ checked, brokenAt: seq, reason: `sequence jumps from ${after} to ${seq} (an entry was removed)` });
      if (r.prev_hash !== prev) return verdict({ checked, brokenAt: seq, reason: 'prev_hash does not match the previous entry' });
      if (entryHash(prev, { ...r, seq }) !== r.hash)
        return verdict({ checked, brokenAt: seq, reason: 'the entry was altered (hash mismatch)' });
      const a = anchored.get(seq);
      if (a && a.hash !== r.hash) {
        return verdict({
          checked,
          brokenAt: seq,
          reason: `the entry's hash differs from the one anchored at ${a.at} (entries rewritten and their hashes recomputed)`,
        });
      }
      prev = r.hash;
      after = seq;
      checked += 1;
    }
  }
  if (newest && newest.seq > after) {
    return verdict({
      checked,
      brokenAt: after + 1,
      reason: `the log ends at entry ${after} but entry ${newest.seq} was anchored at ${newest.at} (entries deleted from the end, or the table truncated)`,
    });
  }
  return verdict({ checked, brokenAt: null });
}

/**
 * Verifies inside one read-only, repeatable-read transaction: no lock beyond a reader's, so it runs beside
 * a working hub. Read the anchors BEFORE calling: every anchor is written after its entries committed, so a
 * snapshot taken later holds them.
 */
export async function verifyAuditChainReadOnly(ds: DataSource, anchors?: { anchors: Anchor[]; invalid: number[] }): Promise<ChainVerdict> {
  const qr = ds.createQueryRunner();
  try {
    await qr.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    return await verifyAuditChain(qr, { anchors });
  } finally {
    await qr.query('ROLLBACK').catch(() => undefined);
    await qr.release();
  }
}

export interface AuditFilterArgs {
  actor?: string | null;
  subjectRef?: string | null;
  from?: Date | string | null;
  to?: Date | string | null;
}

/** One page of the log, newest first: entries with seq below `beforeSeq`, and the total matching the filter. */
export async function listAudit(ds: DataSource, f: AuditFilterArgs, limit: number, beforeSeq: number | null) {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, v: unknown) => {
    params.push(v);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (f.actor) add('actor = ?', f.actor);
  if (f.subjectRef) add('subject_ref = ?', f.subjectRef);
  if (f.from) add('at >= ?', new Date(f.from));
  if (f.to) add('at < ?', new Date(f.to));
  const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM audit_log ${filter}`, params);
  const pageWhere = beforeSeq === null ? filter : `${filter ? `${filter} AND` : 'WHERE'} seq < $${params.length + 1}`;
  const rows: AuditRow[] = await ds.query(
    `SELECT * FROM audit_log ${pageWhere} ORDER BY seq DESC LIMIT ${Number(limit) + 1}`,
    beforeSeq === null ? params : [...params, beforeSeq],
  );
  return {
    totalCount: Number(n),
    hasMore: rows.length > limit,
    entries: rows.slice(0, limit).map((r) => ({
      seq: String(r.seq),
      at: r.at,
      actor: r.actor,
      actorDepartment: r.actor_department,
      actorRoles: r.actor_roles,
      requestId: r.request_id,
      action: r.action,
      subjectKind: r.subject_kind,
      subjectRef: r.subject_ref,
      fields: r.fields,
      purpose: r.purpose,
      purposeCode: r.purpose_code,
      prevHash: r.prev_hash,
      hash: r.hash,
    })),
  };
}
