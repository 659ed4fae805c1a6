/**
 * Linking EnterpriseRef → credit code, set-based: one query resolves every distinct reference of a
 * batch, a second finds candidates for the few that stay unlinked or ambiguous.
 * Order: credit code (exact; a code failing the checksum links only if that very code is stored),
 * then organisation code (given, or embedded in a valid credit code), then normalised name.
 */
import type pg from 'pg';
import type { EnterpriseRef } from '../domain/canonical.js';
import { checkCreditCode, orgCodeOfCreditCode } from '../domain/codes.js';
import { normaliseCode, normaliseName } from '../domain/names.js';

export interface Candidate {
  creditCode: string;
  name: string;
  /** pg_trgm similarity of the names (1 for an exact code or normalised-name match) */
  score: number;
}

export type LinkOutcome =
  | { status: 'LINKED'; creditCode: string; via: 'CREDIT_CODE' | 'ORG_CODE' | 'NAME' }
  | { status: 'UNLINKED' | 'AMBIGUOUS'; reason: string; candidates: Candidate[] };

interface NormalisedRef {
  key: string;
  creditCode: string | null;
  creditCodeValid: boolean;
  orgCode: string | null;
  nameNormalised: string | null;
  name: string | null;
}

function normaliseRef(ref: EnterpriseRef): NormalisedRef {
  const creditCode = ref.creditCode ? normaliseCode(ref.creditCode) : null;
  const creditCodeValid = creditCode !== null && checkCreditCode(creditCode).ok;
  // an org code embedded in a code that fails its checksum is not trusted: the code links only as itself
  const orgCode = ref.orgCode ? normaliseCode(ref.orgCode) : creditCode && creditCodeValid ? orgCodeOfCreditCode(creditCode) : null;
  const name = ref.name?.trim() ? ref.name.trim() : null;
  const nameNormalised = name ? normaliseName(name) : null;
  return { key: `${creditCode ?? ''}|${orgCode ?? ''}|${nameNormalised ?? ''}`, creditCode, creditCodeValid, orgCode, nameNormalised, name };
}

/** How a reference is described in a quarantine reason (codes and names are not personal data). */
export function describeRef(ref: EnterpriseRef): string {
  const parts: string[] = [];
  if (ref.creditCode) parts.push(`credit code ${ref.creditCode}`);
  if (ref.orgCode) parts.push(`organisation code ${ref.orgCode}`);
  if (ref.name) parts.push(`name '${ref.name}'`);
  return parts.length ? parts.join(', ') : 'no credit code, organisation code or name';
}

const MAX_MATCHES = 6;
const MAX_CANDIDATES = 5;

/**
 * Resolves every reference (duplicates allowed) in two queries at most (the second, for candidates,
 * can be skipped). The result is indexed like the input.
 */
export async function linkRefs(client: pg.ClientBase, refs: readonly EnterpriseRef[], opts: { candidates?: boolean } = {}): Promise<LinkOutcome[]> {
  const norm = refs.map(normaliseRef);
  const distinct = new Map<string, NormalisedRef>();
  for (const n of norm) distinct.set(n.key, n);
  const list = [...distinct.values()].filter((n) => n.creditCode || n.orgCode || n.nameNormalised);
  const matches = new Map<string, { byCode: string[]; byOrg: string[]; byName: string[] }>();
  if (list.length) {
    // Every lookup is an index probe by design. Right after a bulk load the planner's statistics can
    // still say "empty table" and pick a scan per reference (seconds per batch at 1M enterprises), so
    // scans are ruled out for this one statement; no ORDER BY either, it would invite a walk of the key.
    await client.query('SET LOCAL enable_seqscan = off');
    const { rows } = await client.query<{ i: number; by_code: string[]; by_org: string[]; by_name: string[] }>(
      `SELECT r.i,
         ARRAY(SELECT e.credit_code FROM enterprise e WHERE e.credit_code = r.cc) AS by_code,
         ARRAY(SELECT e.credit_code FROM enterprise e WHERE e.org_code = r.org LIMIT ${MAX_MATCHES}) AS by_org,
         ARRAY(SELECT e.credit_code FROM enterprise e WHERE e.name_normalised = r.nn LIMIT ${MAX_MATCHES}) AS by_name
       FROM unnest($1::int[], $2::text[], $3::text[], $4::text[]) AS r(i, cc, org, nn)`,
      [list.map((_, i) => i), list.map((n) => n.creditCode), list.map((n) => n.orgCode), list.map((n) => n.nameNormalised)],
    );
    await client.query('SET LOCAL enable_seqscan = on');
    const sorted = (a: string[]) => [...a].sort(); // deterministic choice and candidate order
    for (const r of rows) matches.set(list[r.i]!.key, { byCode: r.by_code, byOrg: sorted(r.by_org), byName: sorted(r.by_name) });
  }

  const outcomes = new Map<string, LinkOutcome>();
  const needCandidates: { key: string; ref: NormalisedRef; ambiguous: string[] }[] = [];
  for (const n of distinct.values()) {
    const m = matches.get(n.key) ?? { byCode: [], byOrg: [], byName: [] };
    const unresolved = (ambiguous: string[], reason: string) => {
      outcomes.set(n.key, { status: ambiguous.length ? 'AMBIGUOUS' : 'UNLINKED', reason, candidates: [] });
      needCandidates.push({ key: n.key, ref: n, ambiguous });
    };
    if (n.creditCode && m.byCode.length) {
      outcomes.set(n.key, { status: 'LINKED', creditCode: m.byCode[0]!, via: 'CREDIT_CODE' });
      continue;
    }
    if (n.creditCode && !n.creditCodeValid) {
      const why = checkCreditCode(n.creditCode);
      unresolved([], `credit code ${n.creditCode} is not stored and fails validation (${why.ok ? '' : why.reason}); it links only to that exact code`);
      continue;
    }
    if (n.orgCode && m.byOrg.length === 1) {
      outcomes.set(n.key, { status: 'LINKED', creditCode: m.byOrg[0]!, via: 'ORG_CODE' });
      continue;
    }
    if (n.orgCode && m.byOrg.length > 1) {
      // several registrations share the org code: the name may single one out
      const narrowed = m.byOrg.filter((c) => m.byName.includes(c));
      if (narrowed.length === 1) outcomes.set(n.key, { status: 'LINKED', creditCode: narrowed[0]!, via: 'NAME' });
      else unresolved(m.byOrg, `organisation code ${n.orgCode} matches ${m.byOrg.length >= MAX_MATCHES ? 'many' : m.byOrg.length} enterprises`);
      continue;
    }
    if (n.nameNormalised && m.byName.length === 1) {
      outcomes.set(n.key, { status: 'LINKED', creditCode: m.byName[0]!, via: 'NAME' });
      continue;
    }
    if (n.nameNormalised && m.byName.length > 1) {
      unresolved(m.byName, `name '${n.name}' matches ${m.byName.length >= MAX_MATCHES ? 'many' : m.byName.length} enterprises`);
      continue;
    }
    const tried: string[] = [];
    if (n.creditCode) tried.push(`credit code ${n.creditCode}`);
    if (n.orgCode) tried.push(`organisation code ${n.orgCode}`);
    if (n.name) tried.push(`name '${n.name}'`);
    unresolved([], tried.length ? `no enterprise matches ${tried.join(', ')}` : 'the record names no enterprise (no credit code, organisation code or name)');
  }

  if (needCandidates.length && opts.candidates !== false) await addCandidates(client, needCandidates, outcomes);
  return norm.map((n) => outcomes.get(n.key)!);
}

/** Ambiguous: the matching enterprises. Unlinked: the 5 most similar names (pg_trgm). */
async function addCandidates(
  client: pg.ClientBase,
  items: { key: string; ref: NormalisedRef; ambiguous: string[] }[],
  outcomes: Map<string, LinkOutcome>,
): Promise<void> {
  const { rows } = await client.query<{ i: number; credit_code: string; name: string; score: number }>(
    `SELECT r.i, c.credit_code, c.name, c.score::float8 AS score
     FROM unnest($1::int[], $2::text[], $3::text[]) AS r(i, name, codes)
     CROSS JOIN LATERAL (
       SELECT e.credit_code, e.name, CASE WHEN r.name IS NULL THEN 1 ELSE similarity(e.name, r.name) END AS score
       FROM enterprise e
       WHERE e.credit_code = ANY(string_to_array(r.codes, ','))
          OR (cardinality(string_to_array(r.codes, ',')) = 0 AND r.name IS NOT NULL AND e.name % r.name)
       ORDER BY score DESC, e.credit_code
       LIMIT ${MAX_CANDIDATES}) c
     ORDER BY r.i, c.score DESC`,
    [items.map((_, i) => i), items.map((x) => (x.ref.name ? x.ref.name.normalize('NFKC') : null)), items.map((x) => x.ambiguous.join(','))],
  );
  for (const r of rows) {
    const o = outcomes.get(items[r.i]!.key);
    if (o && o.status !== 'LINKED') o.candidates.push({ creditCode: r.credit_code, name: r.name, score: Math.round(r.score * 1000) / 1000 });
  }
}
