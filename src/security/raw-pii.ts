/**
 * Personal identifiers inside raw source records (issue 17.2). Raw records are kept as provenance, so they
 * carry ID numbers and phones as each source wrote them. Two layers find them:
 * - field knowledge: each connector declares which of its raw fields hold ID numbers, phones and person
 *   names (`piiFields` in connectors/<dept>/pii.ts); a declared field is protected whatever its form,
 *   malformed values included (they are what quarantine holds);
 * - a net over every other string: 18- and 15-digit ID numbers (also inside longer tokens, in full-width
 *   digits, spaced or dashed), mobile and landline phones.
 * At rest (sealRaw) each one becomes a token ⟦pii:kind:mode:masked:ciphertext⟧ (AES-GCM with the PII
 * key, as the canonical columns); on the way out (maskRaw) every token and every remaining match shows
 * its masked form. Only the sync unseals (retrying quarantined records needs the parsed ID number).
 * Names stay readable: they are personal but not identifying, as Person.name (src/security/policy.ts).
 */
import type { PiiFields } from '../../connectors/types.js';
import { maskIdNumber, maskPhone } from '../domain/codes.js';
import type { PiiVault } from './pii.js';

type Kind = 'id' | 'phone';

/** Fields of the canonical record (quarantined_record.record) that hold ID numbers and phones. */
export const CANONICAL_PII: PiiFields = {
  idNumber: ['idNumber', 'projectManagerIdNumber'],
  phone: ['phone'],
  personName: ['personName', 'name'],
};

const TOKEN = /⟦pii:(id|phone):(v|t):([^:⟧]*):([A-Za-z0-9+/=]+)⟧/g;
const HAS_TOKEN = /⟦pii:(?:id|phone):[vt]:[^:⟧]*:[A-Za-z0-9+/=]+⟧/;

/** Full-width digits, letters X/x, hyphens and spaces folded to ASCII, one code unit for one: indices stay. */
function fold(s: string): string {
  return s.replace(/[\uff10-\uff19\uff38\uff58\uff0d\u3000\u2010-\u2015\u2212]/g, (c) => {
    const code = c.charCodeAt(0);
    if (code >= 0xff10 && code <= 0xff19) return String.fromCharCode(code - 0xff10 + 48);
    if (code === 0xff38 || code === 0xff58) return 'X';
    if (code === 0x3000) return ' ';
    return '-';
  });
}

const SEP = '[ \\-]?';
// candidates; each is then checked (birth date) before it counts as an ID number
const ID18 = new RegExp(`(?<!\\d)\\d(?:${SEP}\\d){16}${SEP}[\\dXx](?![\\dXx])`, 'g');
const ID15 = new RegExp(`(?<!\\d)\\d(?:${SEP}\\d){14}(?!\\d)`, 'g');
const MOBILE = new RegExp(`(?<![\\d+])(?:(?:\\+|00)86${SEP})?1[3-9]\\d(?:${SEP}\\d){8}(?!\\d)`, 'g');
const LANDLINE = /(?<!\d)(?:\(0\d{2,3}\)[ -]?|0\d{2,3}[ -]?)[2-9]\d{6,7}(?:-\d{1,4})?(?!\d)/g;

const CANDIDATE = /\d{7}|\d[ -]\d{3,}[ -]\d{4}|[\uff10-\uff19]/;

const digitsOf = (s: string) => s.replace(/[^\dX]/gi, '').toUpperCase();

function plausibleId(d: string): boolean {
  const [y, m, day] =
    d.length === 18
      ? [Number(d.slice(6, 10)), Number(d.slice(10, 12)), Number(d.slice(12, 14))]
      : [1900 + Number(d.slice(6, 8)), Number(d.slice(8, 10)), Number(d.slice(10, 12))];
  return /^[1-8]\d{5}$/.test(d.slice(0, 6)) && y >= 1880 && y <= 2099 && m >= 1 && m <= 12 && day >= 1 && day <= 31;
}

interface Span {
  start: number;
  end: number;
  kind: Kind;
  masked: string;
}

/** ID numbers and phones in a text, in order, not overlapping. */
export function findPii(text: string): Span[] {
  // every form below has 7 digits in a row or digit groups split by a space or hyphen (dates, amounts have neither)
  if (!CANDIDATE.test(text)) return [];
  const t = fold(text);
  const spans: Span[] = [];
  const overlaps = (s: number, e: number) => spans.some((x) => s < x.end && e > x.start);
  const scan = (re: RegExp, accept: (digits: string) => Span['kind'] | null, mask: (digits: string) => string) => {
    re.lastIndex = 0;
    for (let m = re.exec(t); m; m = re.exec(t)) {
      const start = m.index;
      const end = start + m[0].length;
      const d = digitsOf(m[0]);
      const kind = accept(d);
      if (kind && !overlaps(start, end)) spans.push({ start, end, kind, masked: mask(d) });
      else re.lastIndex = start + 1;
    }
  };
  scan(ID18, (d) => (d.length === 18 && plausibleId(d) ? 'id' : null), maskIdNumber);
  scan(ID15, (d) => (d.length === 15 && plausibleId(d) ? 'id' : null), maskIdNumber);
  scan(
    MOBILE,
    () => 'phone',
    (d) => maskPhone(d.slice(-11)),
  );
  scan(LANDLINE, () => 'phone', maskPhone);
  return spans.sort((a, b) => a.start - b.start);
}

/** A text with every ID number and phone in it masked. */
export function maskPiiText(text: string): string {
  const spans = findPii(text);
  if (!spans.length) return text;
  let out = '';
  let at = 0;
  for (const s of spans) {
    out += text.slice(at, s.start) + s.masked;
    at = s.end;
  }
  return out + text.slice(at);
}

const lower = (xs: readonly string[] | undefined) => new Set((xs ?? []).map((x) => x.toLowerCase()));

function fieldKind(fields: { id: Set<string>; phone: Set<string> }, key: string): Kind | null {
  const k = key.toLowerCase();
  return fields.id.has(k) ? 'id' : fields.phone.has(k) ? 'phone' : null;
}

const maskValue = (kind: Kind, v: string) => {
  const d = fold(v).trim();
  return kind === 'id' ? maskIdNumber(digitsOf(d) || d) : maskPhone(d.replace(/[^\d]/g, '') || d);
};

/** Splits a string into sealed tokens and the plain text between them. */
function* segments(s: string): Generator<{ token: RegExpExecArray | null; text: string }> {
  TOKEN.lastIndex = 0;
  let at = 0;
  for (let m = TOKEN.exec(s); m; m = TOKEN.exec(s)) {
    if (m.index > at) yield { token: null, text: s.slice(at, m.index) };
    yield { token: m, text: m[0] };
    at = m.index + m[0].length;
  }
  if (at < s.length) yield { token: null, text: s.slice(at) };
}

function walk(
  v: unknown,
  onString: (s: string, kind: Kind | null) => unknown,
  onOther: (x: unknown, kind: Kind) => unknown,
  fields: { id: Set<string>; phone: Set<string> },
  kind: Kind | null = null,
): unknown {
  if (typeof v === 'string') return onString(v, kind);
  if (kind && (typeof v === 'number' || typeof v === 'bigint')) return onOther(v, kind);
  if (Array.isArray(v)) {
    const out = v.map((x) => walk(x, onString, onOther, fields, kind));
    return out.some((x, i) => x !== v[i]) ? out : v;
  }
  if (v && typeof v === 'object') {
    // a copy only when something in it changed: most raw records hold nothing to seal
    let copy: Record<string, unknown> | null = null;
    for (const [k, x] of Object.entries(v)) {
      const y = walk(x, onString, onOther, fields, fieldKind(fields, k) ?? kind);
      if (y !== x) (copy ??= { ...(v as Record<string, unknown>) })[k] = y;
    }
    return copy ?? v;
  }
  return v;
}

/** The record as it may leave the hub: sealed tokens, declared fields and every match of the net masked. */
export function maskRaw(v: unknown, declared?: PiiFields): unknown {
  const fields = { id: lower(declared?.idNumber), phone: lower(declared?.phone) };
  return walk(
    v,
    (s, kind) => {
      if (!kind && !s.includes('⟦pii:') && !CANDIDATE.test(s)) return s;
      let out = '';
      for (const seg of segments(s))
        out += seg.token ? seg.token[3] : kind && seg.text.trim() ? maskValue(kind, seg.text) : maskPiiText(seg.text);
      return out;
    },
    (x, kind) => maskValue(kind, String(x)),
    fields,
  );
}

/** The record as it may be stored: every ID number and phone sealed (idempotent: tokens are left as they are). */
export function sealRaw(v: unknown, declared: PiiFields | undefined, vault: PiiVault): unknown {
  const fields = { id: lower(declared?.idNumber), phone: lower(declared?.phone) };
  const token = (kind: Kind, mode: 'v' | 't', masked: string, plain: string) =>
    `⟦pii:${kind}:${mode}:${masked.replace(/[:⟧]/g, '*')}:${vault.encrypt(plain)}⟧`;
  return walk(
    v,
    (s, kind) => {
      if (kind && s.trim() && !HAS_TOKEN.test(s)) return token(kind, 'v', maskValue(kind, s), JSON.stringify(s));
      if (!CANDIDATE.test(s)) return s;
      let out = '';
      for (const seg of segments(s)) {
        if (seg.token) {
          out += seg.text;
          continue;
        }
        const spans = findPii(seg.text);
        let at = 0;
        for (const sp of spans) {
          out += seg.text.slice(at, sp.start) + token(sp.kind, 't', sp.masked, seg.text.slice(sp.start, sp.end));
          at = sp.end;
        }
        out += seg.text.slice(at);
      }
      return out;
    },
    (x, kind) => token(kind, 'v', maskValue(kind, String(x)), JSON.stringify(x)),
    fields,
  );
}

/** The record as the source sent it (for the sync only: retrying a quarantined record needs its ID numbers). */
export function unsealRaw(v: unknown, vault: PiiVault): unknown {
  const none = { id: new Set<string>(), phone: new Set<string>() };
  return walk(
    v,
    (s) => {
      if (!s.includes('⟦pii:')) return s;
      TOKEN.lastIndex = 0;
      const whole = TOKEN.exec(s);
      if (whole && whole.index === 0 && whole[0].length === s.length && whole[2] === 'v')
        return JSON.parse(vault.decrypt(whole[4]!)) as unknown;
      return s.replace(TOKEN, (_m, _k, mode: string, _masked, c: string) =>
        mode === 'v' ? String(JSON.parse(vault.decrypt(c))) : vault.decrypt(c),
      );
    },
    (x) => x,
    none,
  );
}
