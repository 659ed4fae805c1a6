/**
 * The audit log of clear-text access to personal information: append-only, hash-chained.
 * hash = sha256(prev_hash + canonical JSON of the entry); appends are serialised by an advisory
 * lock so the chain has no forks even with several hub replicas.
 */
import { createHash } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';

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

export function entryHash(prevHash: string, r: Omit<AuditRow, 'hash' | 'prev_hash' | 'purpose_code'> & { purpose_code?: string | null }): string {
  const content: unknown[] = [
    r.seq, new Date(r.at).toISOString(), r.actor, r.actor_department, r.actor_roles, r.request_id, r.action,
    r.subject_kind, r.subject_ref, r.fields, r.purpose,
  ];
  // hashed when present; entries written before purpose codes keep their original hash
  if (r.purpose_code != null) content.push(r.purpose_code);
  const body = JSON.stringify(content);
  return createHash('sha256').update(prevHash).update(body).digest('hex');
}

export async function appendAudit(ds: DataSource, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await ds.transaction(async (em: EntityManager) => {
    await em.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_LOCK]);
    const [last] = await em.query('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
    let seq = last ? Number(last.seq) : 0;
    let prev: string = last ? last.hash : GENESIS;
    // the clock is read from the database so the hashed instant is the stored one, to the microsecond
    const [{ now }] = await em.query(`SELECT date_trunc('milliseconds', now()) AS now`);
    for (const e of entries) {
      seq += 1;
      const row = {
        seq, at: now as Date, actor: e.actor, actor_department: e.actorDepartment, actor_roles: e.actorRoles, request_id: e.requestId,
        action: e.action, subject_kind: e.subjectKind, subject_ref: e.subjectRef, fields: e.fields, purpose: e.purpose,
        purpose_code: e.purposeCode ?? null,
      };
      const hash = entryHash(prev, row);
      await em.query(
        `INSERT INTO audit_log (seq, at, actor, actor_department, actor_roles, request_id, action, subject_kind, subject_ref, fields, purpose, purpose_code, prev_hash, hash)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)`,
        [seq, row.at, row.actor, row.actor_department, row.actor_roles, row.request_id, row.action, row.subject_kind, row.subject_ref, row.fields, row.purpose, row.purpose_code, prev, hash],
      );
      prev = hash;
    }
  });
}

/** Walks the chain; returns the first broken entry, or null when intact. */
export async function verifyAuditChain(ds: DataSource, batch = 5000): Promise<{ checked: number; brokenAt: number | null; reason?: string }> {
  let prev = GENESIS;
  let after = 0;
  let checked = 0;
  for (;;) {
    const rows: AuditRow[] = await ds.query('SELECT * FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2', [after, batch]);
    if (rows.length === 0) return { checked, brokenAt: null };
    for (const r of rows) {
      const seq = Number(r.seq);
      if (seq !== after + 1) return { checked, brokenAt: seq, reason: `sequence jumps from ${after} to ${seq} (an entry was removed)` };
      if (r.prev_hash !== prev) return { checked, brokenAt: seq, reason: 'prev_hash does not match the previous entry' };
      if (entryHash(prev, { ...r, seq }) !== r.hash) return { checked, brokenAt: seq, reason: 'the entry was altered (hash mismatch)' };
      prev = r.hash;
      after = seq;
      checked += 1;
    }
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
      seq: String(r.seq), at: r.at, actor: r.actor, actorDepartment: r.actor_department, actorRoles: r.actor_roles, requestId: r.request_id,
      action: r.action, subjectKind: r.subject_kind, subjectRef: r.subject_ref, fields: r.fields, purpose: r.purpose, purposeCode: r.purpose_code, prevHash: r.prev_hash, hash: r.hash,
    })),
  };
}
