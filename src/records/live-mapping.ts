/**
 * Live reads: a connector's envelopes (canonical records) for a batch of enterprises, turned into the
 * same views the store gives, and attached to the enterprises they name. Records name enterprises by
 * credit code, organisation code or (older ones) only a name: matched here the way the sync engine
 * links (code, then org code, then normalised name), but only against the batch's own enterprises.
 */
import type { SourceEnvelope } from '../../connectors/types.js';
import type { CanonicalRecord, Department, EnterpriseRecord, EnterpriseRef } from '../domain/canonical.js';
import { maskIdNumber, orgCodeOfCreditCode } from '../domain/codes.js';
import { normaliseCode, normaliseName } from '../domain/names.js';
import type { EnterpriseRow } from '../enterprise/store.js';
import type { PiiVault } from '../security/pii.js';
import type { ProvenanceRow } from '../kernel/provenance.js';
import { byCursorKey, withKey, type ItemKind, type ItemViews, type PersonRef } from './views.js';

/** One enterprise's live data from one source. */
export interface LiveData {
  registration: EnterpriseRow | null;
  items: { [K in ItemKind]?: ItemViews[K][] };
}

export interface BatchKey {
  creditCode: string;
  /** the stored name, when the store has the enterprise (to match records that carry only a name) */
  name?: string | null;
}

interface Attach {
  source: string;
  department: Department;
  fetchedAt: Date;
  vault: PiiVault;
}

class KeyIndex {
  private readonly byCode = new Map<string, string>();
  private readonly byOrg = new Map<string, string>();
  private readonly byName = new Map<string, string[]>();
  constructor(keys: readonly BatchKey[]) {
    for (const k of keys) {
      this.byCode.set(k.creditCode, k.creditCode);
      this.byOrg.set(orgCodeOfCreditCode(k.creditCode), k.creditCode);
      if (k.name) this.addName(k.name, k.creditCode);
    }
  }
  addName(name: string, code: string): void {
    const n = normaliseName(name);
    const list = this.byName.get(n) ?? [];
    if (!list.includes(code)) list.push(code);
    this.byName.set(n, list);
  }
  /** the batch's enterprises a reference names (several only for an ambiguous name) */
  match(ref: EnterpriseRef | null | undefined): string[] {
    if (!ref) return [];
    if (ref.creditCode) {
      const c = this.byCode.get(normaliseCode(ref.creditCode));
      if (c) return [c];
    }
    if (ref.orgCode) {
      const c = this.byOrg.get(normaliseCode(ref.orgCode).replace('-', ''));
      if (c) return [c];
    }
    if (ref.name && !ref.creditCode && !ref.orgCode) return this.byName.get(normaliseName(ref.name)) ?? [];
    return [];
  }
}

function personOf(vault: PiiVault, idNumber: string, name: string | null | undefined): PersonRef {
  const id = normaliseCode(idNumber);
  return { personKey: vault.personKey(id), name: name ?? null, idMasked: maskIdNumber(id) };
}

function provenance(env: SourceEnvelope, a: Attach): ProvenanceRow {
  return {
    department: a.department,
    source: a.source,
    source_record_id: env.sourceRecordId,
    fetched_at: a.fetchedAt,
    source_updated_at: env.updatedAt ? new Date(env.updatedAt) : null,
  };
}

function registrationRow(r: EnterpriseRecord, env: SourceEnvelope, a: Attach): EnterpriseRow {
  return {
    credit_code: r.creditCode,
    credit_code_checksum_failed: Boolean(r.creditCodeChecksumFailed),
    org_code: r.orgCode,
    name: r.name,
    name_normalised: normaliseName(r.name),
    type: r.type,
    status: r.status,
    legal_representative: r.legalRepresentative,
    division_code: r.divisionCode,
    industry_code: r.industryCode,
    registered_capital: r.registeredCapital,
    established_date: r.establishedDate,
    address: r.address ?? null,
    business_scope: r.businessScope ?? null,
    ...provenance(env, a),
  };
}

type Placed = { kind: ItemKind; view: ItemViews[ItemKind]; refs: (EnterpriseRef | null | undefined)[] };

/** The views one record yields, each with the references that decide whose list it joins. */
function place(rec: CanonicalRecord, env: SourceEnvelope, a: Attach): Placed[] {
  const meta = { department: a.department, provenance: provenance(env, a) };
  const one = <K extends ItemKind>(kind: K, v: Omit<ItemViews[K], 'cursorKey'>, refs: (EnterpriseRef | null | undefined)[]): Placed => ({
    kind,
    view: withKey(kind, v),
    refs,
  });
  switch (rec.kind) {
    case 'role': {
      const { kind: _k, idNumber, personName, ...rest } = rec;
      return [one('role', { ...rest, person: personOf(a.vault, idNumber, personName), ...meta }, [rec.enterprise])];
    }
    case 'credential': {
      const { kind: _k, idNumber, ...rest } = rec;
      const v = { ...rest, person: idNumber ? personOf(a.vault, idNumber, null) : null, ...meta };
      const out: Placed[] = [];
      if (rec.enterprise) out.push(one('credential', v, [rec.enterprise]));
      if (idNumber && rec.registeredEnterprise) out.push(one('person_credential', v, [rec.registeredEnterprise]));
      return out;
    }
    case 'penalty': {
      const { kind: _k, ...rest } = rec;
      return [one('penalty', { ...rest, ...meta }, [rec.enterprise])];
    }
    case 'hidden_danger': {
      const { kind: _k, ...rest } = rec;
      return [one('hidden_danger', { ...rest, ...meta }, [rec.enterprise])];
    }
    case 'accident': {
      const { kind: _k, ...rest } = rec;
      return [one('accident', { ...rest, ...meta }, [rec.enterprise])];
    }
    case 'inspection': {
      const { kind: _k, ...rest } = rec;
      return [one('inspection', { ...rest, ...meta }, [rec.enterprise])];
    }
    case 'vehicle': {
      const { kind: _k, ...rest } = rec;
      return [one('vehicle', { ...rest, ...meta }, [rec.enterprise])];
    }
    case 'transport_violation': {
      const { kind: _k, ...rest } = rec;
      return [one('transport_violation', { ...rest, occurredAt: new Date(rec.occurredAt).toISOString(), ...meta }, [rec.enterprise])];
    }
    case 'insurance_policy': {
      const { kind: _k, ...rest } = rec;
      return [one('insurance_policy', { ...rest, ...meta }, [rec.enterprise])];
    }
    case 'project': {
      const { kind: _k, ...rest } = rec;
      return [one('project', { ...rest, ...meta }, [rec.builder])];
    }
    case 'contract': {
      const { kind: _k, projectManagerIdNumber, ...rest } = rec;
      const pm = projectManagerIdNumber ? personOf(a.vault, projectManagerIdNumber, null) : null;
      return [one('contract', { ...rest, projectManager: pm, ...meta }, [rec.employer, rec.contractor])];
    }
    case 'list_entry': {
      const { kind: _k, idNumber, ...rest } = rec;
      const v = { ...rest, person: idNumber ? personOf(a.vault, idNumber, rec.personName) : null, ...meta };
      return [one('list_entry', v, [rec.enterprise])];
    }
    default:
      return []; // enterprise (handled as registration) and person (no enterprise of its own)
  }
}

/**
 * Groups a batch's envelopes by enterprise, in the order of `keys`. Envelopes that could not be
 * parsed are left out (the sync engine quarantines them); `unparsed` counts them.
 */
export function attachLive(
  envelopes: readonly SourceEnvelope[],
  keys: readonly BatchKey[],
  a: Attach,
): { data: LiveData[]; unparsed: number } {
  const index = new KeyIndex(keys);
  const out = new Map<string, LiveData>(keys.map((k) => [k.creditCode, { registration: null, items: {} }]));
  let unparsed = 0;
  // registrations first: their names let name-only records of the same batch match
  for (const env of envelopes) {
    if (env.record?.kind !== 'enterprise') continue;
    const reg = registrationRow(env.record, env, a);
    const d = out.get(normaliseCode(reg.credit_code));
    if (d) {
      d.registration = reg;
      index.addName(reg.name, normaliseCode(reg.credit_code));
    }
  }
  const projectsOf = new Map<string, Set<string>>(); // project code → enterprises holding a contract on it
  const projects: Placed[] = [];
  for (const env of envelopes) {
    if (!env.record) {
      unparsed++;
      continue;
    }
    for (const p of place(env.record, env, a)) {
      const codes = new Set(p.refs.flatMap((r) => index.match(r)));
      if (p.kind === 'project') projects.push(p);
      if (p.kind === 'contract') {
        const pc = (p.view as ItemViews['contract']).projectCode;
        const set = projectsOf.get(pc) ?? new Set<string>();
        for (const c of codes) set.add(c);
        projectsOf.set(pc, set);
      }
      for (const c of codes) push(out.get(c)!, p);
    }
  }
  // a project also belongs to the enterprises contracting on it (as in the store's reading)
  for (const p of projects) {
    const builders = new Set(p.refs.flatMap((r) => index.match(r)));
    for (const c of projectsOf.get((p.view as ItemViews['project']).projectCode) ?? []) if (!builders.has(c)) push(out.get(c)!, p);
  }
  for (const d of out.values()) for (const list of Object.values(d.items)) (list as { cursorKey: string }[]).sort(byCursorKey);
  return { data: keys.map((k) => out.get(k.creditCode)!), unparsed };
}

function push(d: LiveData, p: Placed): void {
  const list = (d.items[p.kind] ??= []) as ItemViews[ItemKind][];
  if (!list.some((v) => v.cursorKey === p.view.cursorKey)) list.push(p.view);
}
