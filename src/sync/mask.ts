/** Keeps citizen ID numbers out of every text the sync engine writes (reasons, run errors, logs). */
import { maskIdNumber } from '../domain/codes.js';

// 18-character ID numbers (and the 15-digit pre-1999 form), not part of a longer run of digits
const ID_LIKE = /(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])/g;

export function maskIdsInText(text: string): string {
  return text.replace(ID_LIKE, (m) => maskIdNumber(m.toUpperCase()));
}

/** An error's message for a run record or a log line, ID numbers masked. */
export const errorText = (err: unknown): string => maskIdsInText(err instanceof Error ? err.message : String(err));
