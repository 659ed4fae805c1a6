/** Argument validation shared by resolvers: each failure names the argument and the reason. */
import { readIdentifier } from '../domain/codes.js';
import { badInput } from './errors.js';

const WHAT = { creditCode: 'unified social credit code', idNumber: 'citizen ID number' } as const;
const WHAT_ZH = { creditCode: '统一社会信用代码', idNumber: '公民身份号码' } as const;
const SHAPE = {
  creditCode: '18 half-width characters, upper case, no spaces',
  idNumber: '17 digits and a digit or upper-case X, half-width, no spaces',
} as const;

/** An identifier argument read by readIdentifier (domain/codes.ts): the one check for GraphQL and REST alike. */
function identifierArg(kind: 'creditCode' | 'idNumber', field: string, value: string): { code: string; checksumFailure?: string } {
  const r = readIdentifier(kind, value);
  if (r.ok) return r.checksumFailure ? { code: r.code, checksumFailure: r.checksumFailure } : { code: r.code };
  if (r.reason === 'NOT_CANONICAL') {
    throw badInput(
      field,
      `not written in canonical form (${SHAPE[kind]}): send ${r.canonical}; a ${WHAT[kind]} is never looked up as another string`,
      {
        reason: 'NOT_CANONICAL',
        canonical: r.canonical,
        messageZh: `${WHAT_ZH[kind]}应按标准格式填写（半角、大写、无空格）：${r.canonical}`,
      },
    );
  }
  throw badInput(field, `not a valid ${WHAT[kind]}: ${r.detail}`);
}

/**
 * A credit code argument, canonical as written. A code that fails only the checksum may still be a really
 * issued one: `checksumFailure` tells the caller to look it up exactly and refuse it (with that reason) only
 * when the store does not hold it.
 */
export function creditCodeArg(field: string, value: string): { code: string; checksumFailure?: string } {
  return identifierArg('creditCode', field, value);
}

/** A citizen ID number argument, canonical as written (a lower-case x or full-width digits are refused naming the canonical form). */
export function idNumberArg(field: string, value: string): string {
  return identifierArg('idNumber', field, value).code;
}

/** The page size of a connection whose `first` is not given (the schema declares most without a default). */
export const DEFAULT_PAGE_SIZE = 20;

export function pageSizeArg(field: string, value: number | null | undefined, max: number, dflt = DEFAULT_PAGE_SIZE): number {
  if (value === null || value === undefined) return Math.min(dflt, max);
  if (!Number.isInteger(value) || value < 0) throw badInput(field, 'must be a non-negative whole number');
  if (value > max) throw badInput(field, `must be at most ${max}`, { max });
  return value;
}
