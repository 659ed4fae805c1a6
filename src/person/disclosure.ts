/**
 * THE single place that decides whether a caller sees a person's ID number or phone in clear, and
 * the only code that decrypts them. The rule (documented in src/security/policy.ts):
 * - clear only for a `department_operator` whose department's system holds the person (the person
 *   row came from it, or one of its records names the person), and only when the request states a
 *   purpose (header `X-Purpose`); every other caller, admin included, gets the masked value;
 * - every clear disclosure is written to the audit log, and the value decrypted only once that row is
 *   committed (one entry per person per request, naming the fields); if any audit write of the request
 *   fails, the whole answer holds masked values only, with an AUDIT_FAILED error.
 * Looking a person up by full ID number never echoes it: the answer is the masked value unless the
 * rule above allows clear.
 */
import DataLoader from 'dataloader';
import { maskIdNumber, maskPhone } from '../domain/codes.js';
import { appendAudit } from '../security/audit.js';
import type { HubContext } from '../kernel/context.js';
import type { PersonView } from './store.js';

export type PiiField = 'idNumber' | 'phone';

interface Sealed {
  held: boolean;
  idEncrypted: string | null;
  phoneEncrypted: string | null;
}

/** The disclosures of one request (ctx.loaders.disclosure(), built by person/loaders.ts). */
export interface Disclosure {
  sealed: DataLoader<string, Sealed>;
  audit: DataLoader<string, true>;
  /** fields asked for in clear per person this request, gathered until the audit batch runs */
  pending: Map<string, Set<PiiField>>;
  /** per person and field: resolves true once its audit row is committed, false if the audit failed */
  outcome: Map<string, Promise<boolean>>;
  /** clear value → masked value of everything disclosed this request (to withdraw them if a later audit fails) */
  disclosed: Map<string, string>;
  /** an audit write of this request failed: nothing more is disclosed, and what was is withdrawn */
  failed: boolean;
}

/** True when the caller's role and department allow clear personal data at all (before the per-person check). */
export function mayDiscloseAtAll(ctx: HubContext): boolean {
  return ctx.caller.roles.includes('department_operator') && !!ctx.caller.department && !!ctx.purpose;
}

export function newDisclosure(ctx: HubContext): Disclosure {
  const dept = ctx.caller.department;
  const pending = new Map<string, Set<PiiField>>();
  return {
    pending,
    outcome: new Map(),
    disclosed: new Map(),
    failed: false,
    sealed: new DataLoader(async (keys: readonly string[]) => {
      const rows: { person_key: string; id_encrypted: string; phone_encrypted: string | null; held: boolean }[] = await ctx.ds.query(
        `SELECT p.person_key, p.id_encrypted, p.phone_encrypted,
                (p.department = $2
                 OR EXISTS (SELECT 1 FROM enterprise_person_role r WHERE r.person_key = p.person_key AND r.department = $2)
                 OR EXISTS (SELECT 1 FROM credential c WHERE c.person_key = p.person_key AND c.department = $2)
                 OR EXISTS (SELECT 1 FROM list_entry l WHERE l.person_key = p.person_key AND l.department = $2)
                 OR EXISTS (SELECT 1 FROM contract k WHERE k.project_manager_key = p.person_key AND k.department = $2)) AS held
         FROM person p WHERE p.person_key = ANY($1::text[])`,
        [keys, dept],
      );
      const by = new Map(rows.map((r) => [r.person_key, r]));
      return keys.map((k) => {
        const r = by.get(k);
        return { held: !!r?.held, idEncrypted: r?.id_encrypted ?? null, phoneEncrypted: r?.phone_encrypted ?? null };
      });
    }),
    // one audit append per batch: every person disclosed in this tick, each with all its fields
    audit: new DataLoader(
      async (keys: readonly string[]) => {
        const unique = [...new Set(keys)].filter((k) => pending.has(k));
        const entries = unique.map((personKey) => {
          const fields = [...(pending.get(personKey) ?? [])].sort();
          pending.delete(personKey);
          return {
            actor: ctx.caller.subject,
            actorDepartment: ctx.caller.department,
            actorRoles: [...ctx.caller.roles],
            requestId: ctx.requestId,
            action: 'DISCLOSE_PERSONAL_DATA',
            subjectKind: 'person',
            subjectRef: personKey,
            fields,
            purpose: ctx.purpose?.zh ?? null,
            purposeCode: ctx.purpose?.code ?? null,
          };
        });
        // rejects (for every key of the batch) unless the rows are committed
        await appendAudit(ctx.ds, entries, ctx.auditAnchors);
        return keys.map(() => true as const);
      },
      { cache: false },
    ),
  };
}

/**
 * Resolves true once the disclosure of this field is in a committed audit row (written at most once
 * per person and field per request), false when the audit write failed.
 */
function auditDisclosure(ctx: HubContext, d: Disclosure, personKey: string, field: PiiField): Promise<boolean> {
  const key = `${personKey}:${field}`;
  let outcome = d.outcome.get(key);
  if (outcome) return outcome;
  const fields = d.pending.get(personKey) ?? new Set<PiiField>();
  fields.add(field);
  d.pending.set(personKey, fields);
  outcome = d.audit.load(personKey).then(
    () => true,
    (err: unknown) => {
      if (!d.failed) {
        d.failed = true;
        ctx.log.error({ err }, 'audit of a personal-data disclosure failed: nothing is disclosed in clear in this answer');
        ctx.auditFailures.push({ reason: 'AUDIT_WRITE_FAILED' });
      }
      return false;
    },
  );
  d.outcome.set(key, outcome);
  return outcome;
}

async function clearValue(ctx: HubContext, person: PersonView, field: PiiField, masked: string | null): Promise<string | null> {
  if (!mayDiscloseAtAll(ctx) || !person.provenance) return null;
  const d = ctx.loaders.disclosure();
  if (d.failed) return null;
  const sealed = await d.sealed.load(person.personKey);
  const encrypted = field === 'idNumber' ? sealed.idEncrypted : sealed.phoneEncrypted;
  if (!sealed.held || !encrypted) return null;
  // decrypted only once the audit row is committed; a failure anywhere in the request withdraws clear values
  if (!(await auditDisclosure(ctx, d, person.personKey, field)) || d.failed) return null;
  const clear = ctx.vault.decrypt(encrypted);
  d.disclosed.set(clear, masked ?? (field === 'idNumber' ? maskIdNumber(clear) : maskPhone(clear)));
  return clear;
}

/**
 * After an audit write failed, clear values resolved earlier in the same request (audited in an earlier
 * batch) are replaced by their masked form, so the answer holds no clear value at all.
 */
export function withdrawDisclosures(ctx: HubContext, data: unknown): unknown {
  const d = ctx.loaders.disclosure();
  if (!d.failed || d.disclosed.size === 0) return data;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return d.disclosed.get(v) ?? v;
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(data);
}

/** The ID number as this caller may see it: masked, or clear (audited) for an entitled operator. */
export async function idNumberFor(ctx: HubContext, person: PersonView): Promise<string> {
  return (await clearValue(ctx, person, 'idNumber', person.idMasked)) ?? person.idMasked;
}

/** The phone number as this caller may see it: masked, or clear (audited) for an entitled operator. */
export async function phoneFor(ctx: HubContext, person: PersonView): Promise<string | null> {
  return (await clearValue(ctx, person, 'phone', person.phoneMasked)) ?? person.phoneMasked;
}
