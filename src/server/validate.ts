/** Argument validation shared by resolvers: each failure names the argument and the reason. */
import { checkCreditCode, checkIdNumber } from '../domain/codes.js';
import { normaliseCode } from '../domain/names.js';
import { badInput } from './errors.js';

/**
 * A credit code argument: normalised (full-width, lower case, spaces) then checked. A code that
 * fails only the checksum may still be a really issued one: `checksumFailure` tells the caller to look
 * it up exactly and refuse it (with that reason) only when the store does not hold it.
 */
export function creditCodeArg(field: string, value: string): { code: string; checksumFailure?: string } {
  const code = normaliseCode(value);
  const r = checkCreditCode(code);
  if (r.ok) return { code };
  if (r.reason.startsWith('check character failure')) return { code, checksumFailure: r.reason };
  throw badInput(field, `not a valid unified social credit code: ${r.reason}`);
}

export function idNumberArg(field: string, value: string): string {
  const id = normaliseCode(value);
  const r = checkIdNumber(id);
  if (!r.ok) throw badInput(field, `not a valid citizen ID number: ${r.reason}`);
  return id;
}

/** The page size of a connection whose `first` is not given (the schema declares most without a default). */
export const DEFAULT_PAGE_SIZE = 20;

export function pageSizeArg(field: string, value: number | null | undefined, max: number, dflt = DEFAULT_PAGE_SIZE): number {
  if (value === null || value === undefined) return Math.min(dflt, max);
  if (!Number.isInteger(value) || value < 0) throw badInput(field, 'must be a non-negative whole number');
  if (value > max) throw badInput(field, `must be at most ${max}`, { max });
  return value;
}
