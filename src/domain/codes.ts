/**
 * Identifier codes of the domain: unified social credit code (GB 32100-2015),
 * organisation code (GB 11714-1997) and citizen ID number (GB 11643-1999).
 * Pure functions: validation explains *why* a code fails, so the API can say so.
 */
import { normaliseCode } from './names.js';

export const CREDIT_CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORG_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

export type CodeCheck = { ok: true } | { ok: false; reason: string };

/** Check character (position 18) of a credit code from its first 17 characters. */
export function creditCodeCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = CREDIT_CODE_ALPHABET.indexOf(first17[i]!);
    if (v < 0) throw new Error(`character '${first17[i]}' is not allowed in a credit code`);
    sum += v * CREDIT_WEIGHTS[i]!;
  }
  const c = 31 - (sum % 31);
  return CREDIT_CODE_ALPHABET[c === 31 ? 0 : c]!;
}

/** Check character (position 9) of an organisation code from its first 8 characters. */
export function orgCodeCheckChar(first8: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const v = ORG_ALPHABET.indexOf(first8[i]!);
    if (v < 0) throw new Error(`character '${first8[i]}' is not allowed in an organisation code`);
    sum += v * ORG_WEIGHTS[i]!;
  }
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

export function checkOrgCode(code: string): CodeCheck {
  if (!/^[0-9A-Z]{8}[0-9X]$/.test(code)) {
    return { ok: false, reason: 'an organisation code is 8 digits or capital letters followed by a check character (0-9 or X)' };
  }
  const expected = orgCodeCheckChar(code.slice(0, 8));
  if (expected !== code[8]) {
    return { ok: false, reason: `check character of the organisation code should be '${expected}', not '${code[8]}'` };
  }
  return { ok: true };
}

/** Validates a unified social credit code, explaining the first failure. */
export function checkCreditCode(code: string): CodeCheck {
  if (code.length !== 18) return { ok: false, reason: `a credit code has 18 characters, this one has ${code.length}` };
  for (let i = 0; i < 18; i++) {
    if (!CREDIT_CODE_ALPHABET.includes(code[i]!)) {
      return {
        ok: false,
        reason: `character '${code[i]}' at position ${i + 1} is not allowed (letters I, O, Z, S, V and lower case are never used)`,
      };
    }
  }
  if (!/^\d{6}$/.test(code.slice(2, 8))) {
    return { ok: false, reason: 'positions 3-8 must be an administrative division code (6 digits)' };
  }
  const expected = creditCodeCheckChar(code.slice(0, 17));
  if (expected !== code[17]) {
    return { ok: false, reason: `check character failure: the 18th character should be '${expected}', not '${code[17]}'` };
  }
  return { ok: true };
}

export const isValidCreditCode = (code: string): boolean => checkCreditCode(code).ok;

/** Organisation code embedded in a credit code (positions 9-17). */
export const orgCodeOfCreditCode = (creditCode: string): string => creditCode.slice(8, 17);
export const divisionOfCreditCode = (creditCode: string): string => creditCode.slice(2, 8);

/** Builds a valid credit code from registration authority, entity type, division and org code body. */
export function makeCreditCode(authority: string, entityType: string, division: string, orgBody8: string): string {
  const org = orgBody8 + orgCodeCheckChar(orgBody8);
  const first17 = authority + entityType + division + org;
  return first17 + creditCodeCheckChar(first17);
}

export function idNumberCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i]!;
  return ID_CHECK[sum % 11]!;
}

/** Validates a citizen ID number (18 characters), explaining the first failure. */
export function checkIdNumber(id: string): CodeCheck {
  if (!/^\d{17}[\dX]$/.test(id)) {
    return { ok: false, reason: 'an ID number is 17 digits followed by a digit or X' };
  }
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const date = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) {
    return { ok: false, reason: `positions 7-14 are not a valid birth date (${id.slice(6, 14)})` };
  }
  const expected = idNumberCheckChar(id.slice(0, 17));
  if (expected !== id[17]) {
    return { ok: false, reason: `check character failure: the 18th character should be '${expected}', not '${id[17]}'` };
  }
  return { ok: true };
}

export const isValidIdNumber = (id: string): boolean => checkIdNumber(id).ok;

/** 420106********1234: keeps the division prefix and the last four, as the masking rule asks. */
export function maskIdNumber(id: string): string {
  if (id.length < 10) return '*'.repeat(id.length);
  return id.slice(0, 6) + '*'.repeat(id.length - 10) + id.slice(-4);
}

export function maskPhone(phone: string): string {
  if (phone.length < 7) return '*'.repeat(phone.length);
  return phone.slice(0, 3) + '*'.repeat(phone.length - 7) + phone.slice(-4);
}

/**
 * An identifier given as input (an argument, a REST field): accepted only as written in canonical form
 * (half-width, upper case, no spaces). DOMAIN.md: a code is never looked up silently as another string, so
 * "91420106ma4kxq1e1b", a full-width or a spaced code is refused naming the canonical form, for the caller
 * (or the console, visibly) to send that instead. A credit code failing only its check character may have
 * really been issued: it reads, with `checksumFailure`, for an exact lookup.
 */
export type IdentifierReading =
  | { ok: true; code: string; checksumFailure?: string }
  | { ok: false; reason: 'NOT_CANONICAL'; canonical: string }
  | { ok: false; reason: 'INVALID'; detail: string };

export function readIdentifier(kind: 'creditCode' | 'idNumber', input: string): IdentifierReading {
  const canonical = normaliseCode(input);
  const r = kind === 'creditCode' ? checkCreditCode(canonical) : checkIdNumber(canonical);
  const checksumOnly = kind === 'creditCode' && !r.ok && r.reason.startsWith('check character failure');
  if (!r.ok && !checksumOnly) return { ok: false, reason: 'INVALID', detail: r.reason };
  if (canonical !== input) return { ok: false, reason: 'NOT_CANONICAL', canonical };
  return r.ok ? { ok: true, code: canonical } : { ok: true, code: canonical, checksumFailure: r.reason };
}
