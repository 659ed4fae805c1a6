/**
 * Linking EnterpriseRef → credit code, set-based: one query resolves every distinct reference of a
 * batch, a primary-key lookup names the matches of the few that are ambiguous.
 * Order: credit code (exact; a code failing the checksum links only if that very code is stored),
 * then organisation code (given, or embedded in a valid credit code), then normalised name.
 * Similar names for references nothing matches are not searched here (a trigram search costs
 * milliseconds per name and grows with the table): `candidatesOfRefs` runs it when quarantine is read.
 */
import type pg from 'pg';
import type { EnterpriseRef } from '../domain/canonical.js';
import { checkCreditCode, orgCodeOfCreditCode } from '../domain/codes.js';
import { normaliseCode, normaliseName } from '../domain/names.js';

export interface Candidate {
  creditCode: string;
  name: string;
  /** pg_trgm similarity of the names without their legal form (1 when the reference has no name) */
  score: number;
}

/** AMBIGUOUS: the matching enterprises. UNLINKED: always empty (see candidatesOfRefs). */
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
  return {
    key: `${creditCode ?? ''}|${orgCode ?? ''}|${nameNormalised ?? ''}`,
    creditCode,
    creditCodeValid,
    orgCode,
    nameNormalised,
    name,
  };
}

/** How a reference is described in a quarantine reason (codes and names are not personal data). */
export function describeRef(ref: EnterpriseRef): string {
  const parts: string[] = [];
  if (ref.creditCode) parts.push(`credit code ${ref.creditCode}`);
  if (ref.orgCode) parts.push(`organisation code ${ref.orgCode}`);
  if (ref.name) parts.push(`name '${ref.name}'`);
  return parts.length ? parts.join(', ') : 'no credit code, organisation code or name';
}

/**
 * Runs `fn` with sequential scans ruled out for the transaction's statements, then allows them again.
 * The sync's lookups are index probes by design: right after a bulk load the planner's statistics can
 * still say "empty table" and pick a scan per probe (seconds per batch at 1,000,000 enterprises).
 */
export async function byIndexProbes<T>(client: pg.ClientBase, fn: () => Promise<T>): Promise<T> {
  await client.query('SET LOCAL enable_seqscan = off');
  const out = await fn();
  await client.query('SET LOCAL enable_seqscan = on');
  return out;
}

const MAX_MATCHES = 6;
const MAX_CANDIDATES = 5;
/**
 * Similar names: at least this pg_trgm similarity of the names without legal form. A one-character slip
 * in a 7-character core (武汉江城建设 and the like) scores 0.45; lower, enterprises sharing only city and
 * industry words qualify, and at 1,000,000 enterprises the index hands back tens of thousands of rows to recheck.
 */
export const SIMILAR_NAME_THRESHOLD = 0.45;

/**
 * Resolves every reference (duplicates allowed) in one query, plus a primary-key lookup of the names
 * of ambiguous matches (skipped with `candidates: false`). Runs inside the caller's transaction.
 * The result is indexed like the input.
 */
export async function linkRefs(
  client: pg.ClientBase,
  refs: readonly EnterpriseRef[],
  opts: { candidates?: boolean } = {},
): Promise<LinkOutcome[]> {
  const norm = refs.map(normaliseRef);
  const distinct = new Map<string, NormalisedRef>();
  for (const n of norm) distinct.set(n.key, n);
  const list = [...distinct.values()].filter((n) => n.creditCode || n.orgCode || n.nameNormalised);
  const matches = new Map<string, { byCode: string[]; byOrg: string[]; byName: string[] }>();
  if (list.length) {
    // No ORDER BY: it would invite a walk of the key. The credit code is a plain join on the key;
    // organisation code and name are looked up only for references their credit code does not link (the
    // rules below never read them then): most references carry a stored credit code, and those two
    // lookups were two thirds of this statement, itself the sync's costliest (15 % of PostgreSQL's time).
    const { rows } = await byIndexProbes(client, () =>
      client.query<{ i: number; code: string | null; by_org: string[]; by_name: string[] }>(
        `SELECT r.i, c.credit_code AS code,
         CASE WHEN c.credit_code IS NULL AND r.org IS NOT NULL
           THEN ARRAY(SELECT e.credit_code FROM enterprise e WHERE e.org_code = r.org LIMIT ${MAX_MATCHES}) ELSE '{}' END AS by_org,
         CASE WHEN c.credit_code IS NULL AND r.nn IS NOT NULL
           THEN ARRAY(SELECT e.credit_code FROM enterprise e WHERE e.name_normalised = r.nn LIMIT ${MAX_MATCHES}) ELSE '{}' END AS by_name
       FROM unnest($1::int[], $2::text[], $3::text[], $4::text[]) AS r(i, cc, org, nn)
       LEFT JOIN enterprise c ON c.credit_code = r.cc`,
        [list.map((_, i) => i), list.map((n) => n.creditCode), list.map((n) => n.orgCode), list.map((n) => n.nameNormalised)],
      ),
    );
    const sorted = (a: string[]) => [...a].sort(); // deterministic choice and candidate order
    for (const r of rows)
      matches.set(list[r.i]!.key, { byCode: r.code ? [r.code] : [], byOrg: sorted(r.by_org), byName: sorted(r.by_name) });
  }

  const outcomes = new Map<string, LinkOutcome>();
  const ambiguousRefs: { key: string; ref: NormalisedRef; codes: string[] }[] = [];
  for (const n of distinct.values()) {
    const m = matches.get(n.key) ?? { byCode: [], byOrg: [], byName: [] };
    const unresolved = (ambiguous: string[], reason: string) => {
      outcomes.set(n.key, { status: ambiguous.length ? 'AMBIGUOUS' : 'UNLINKED', reason, candidates: [] });
      if (ambiguous.length) ambiguousRefs.push({ key: n.key, ref: n, codes: ambiguous.slice(0, MAX_CANDIDATES) });
    };
    if (n.creditCode && m.byCode.length) {
      outcomes.set(n.key, { status: 'LINKED', creditCode: m.byCode[0]!, via: 'CREDIT_CODE' });
      continue;
    }
    if (n.creditCode && !n.creditCodeValid) {
      const why = checkCreditCode(n.creditCode);
      unresolved(
        [],
        `credit code ${n.creditCode} is not stored and fails validation (${why.ok ? '' : why.reason}); it links only to that exact code`,
      );
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
      else
        unresolved(
          m.byOrg,
          `organisation code ${n.orgCode} matches ${m.byOrg.length >= MAX_MATCHES ? 'many' : m.byOrg.length} enterprises`,
        );
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
    unresolved(
      [],
      tried.length
        ? `no enterprise matches ${tried.join(', ')}`
        : 'the record names no enterprise (no credit code, organisation code or name)',
    );
  }

  if (ambiguousRefs.length && opts.candidates !== false) await byIndexProbes(client, () => addMatches(client, ambiguousRefs, outcomes));
  return norm.map((n) => outcomes.get(n.key)!);
}

/** Ambiguous references: the matching enterprises with their names, by primary key. */
async function addMatches(
  client: pg.ClientBase,
  items: { key: string; ref: NormalisedRef; codes: string[] }[],
  outcomes: Map<string, LinkOutcome>,
): Promise<void> {
  const pairs = items.flatMap((x, i) => x.codes.map((code) => ({ i, code, name: x.ref.nameNormalised })));
  const { rows } = await client.query<{ i: number; credit_code: string; name: string; score: number }>(
    `SELECT r.i, e.credit_code, e.name,
       CASE WHEN r.name IS NULL THEN 1 ELSE similarity(enterprise_name_core(e.name_normalised), enterprise_name_core(r.name)) END::float8 AS score
     FROM unnest($1::int[], $2::text[], $3::text[]) AS r(i, code, name)
     JOIN enterprise e ON e.credit_code = r.code
     ORDER BY r.i, score DESC, e.credit_code`,
    [pairs.map((p) => p.i), pairs.map((p) => p.code), pairs.map((p) => p.name)],
  );
  for (const r of rows) {
    const o = outcomes.get(items[r.i]!.key);
    if (o && o.status !== 'LINKED') o.candidates.push({ creditCode: r.credit_code, name: r.name, score: round3(r.score) });
  }
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/**
 * Candidates of references as they stand now, for people resolving quarantine: one link query for all
 * of them, then one similar-name search for those nothing matches (ambiguous and linked ones get none
 * here; the sync records the matches of an ambiguous one). Indexed like the input. Runs inside the
 * caller's transaction (the similarity threshold is set for it alone).
 */
export async function candidatesOfRefs(client: pg.ClientBase, refs: readonly EnterpriseRef[]): Promise<Candidate[][]> {
  const outcomes = await linkRefs(client, refs, { candidates: false });
  // the name each reference is searched by: only those nothing matches, and only when they give a name
  const searched = refs.map((r, i) => (outcomes[i]!.status === 'UNLINKED' && r.name?.trim() ? normaliseName(r.name.trim()) : null));
  const names = [...new Set(searched.filter((n): n is string => n !== null))];
  if (!names.length) return refs.map(() => []);
  await client.query(`SELECT set_config('pg_trgm.similarity_threshold', $1, true)`, [String(SIMILAR_NAME_THRESHOLD)]);
  // the legal form is dropped on both sides (enterprise_name_core, migration 1732710000000): its
  // trigrams are in nearly every name; the expression index enterprise_name_core_trgm serves `%`
  const { rows } = await client.query<{ i: number; credit_code: string; name: string; score: number }>(
    `SELECT r.i, c.credit_code, c.name, c.score
     FROM unnest($1::int[], $2::text[]) AS r(i, name)
     CROSS JOIN LATERAL (
       SELECT e.credit_code, e.name, similarity(enterprise_name_core(e.name_normalised), enterprise_name_core(r.name))::float8 AS score
       FROM enterprise e
       WHERE enterprise_name_core(e.name_normalised) % enterprise_name_core(r.name)
       ORDER BY score DESC, e.credit_code
       LIMIT ${MAX_CANDIDATES}) c
     ORDER BY r.i, c.score DESC, c.credit_code`,
    [names.map((_, i) => i), names],
  );
  const byName = new Map<string, Candidate[]>(names.map((n) => [n, []]));
  for (const r of rows) byName.get(names[r.i]!)!.push({ creditCode: r.credit_code, name: r.name, score: round3(r.score) });
  return searched.map((n) => (n === null ? [] : byName.get(n)!));
}
