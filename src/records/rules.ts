/** Derived facts about records (validity on a date, overdue), shared by every department's lists. */
import { todayIso } from '../kernel/dates.js';
import type { CredentialView, HiddenDangerView, InsuranceView, ListEntryView } from './views.js';

const covers = (from: string | null | undefined, to: string | null | undefined, on: string): boolean =>
  (!from || from <= on) && (!to || on <= to);

/** Valid on a date: its period covers the date and it is not suspended or revoked. */
export function credentialValidOn(c: CredentialView, on: string): boolean {
  return covers(c.validFrom, c.validTo, on) && c.status !== 'SUSPENDED' && c.status !== 'REVOKED';
}

/**
 * In force on a date: started, not past its end (inclusive), not removed (移出 / 信用修复) on or before it.
 * The one reading of "in force" in TypeScript; its SQL twin is list_entry_in_force (migration DerivedFacts).
 */
export function entryInForce(
  startDate: string,
  endDate: string | null | undefined,
  removedDate: string | null | undefined,
  on: string,
): boolean {
  return startDate <= on && (!endDate || on <= endDate) && (!removedDate || on < removedDate);
}

export function listEntryInForce(e: ListEntryView, on: string): boolean {
  return entryInForce(e.startDate, e.endDate, e.removedDate, on);
}

export function insuranceInForce(p: InsuranceView, on: string): boolean {
  return covers(p.validFrom, p.validTo, on);
}

const dayNumber = (iso: string): number => Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10)) / 86_400_000;

/** Overdue: open past its deadline, or closed after it; days past the deadline until today or closing. */
export function hiddenDangerOverdue(h: HiddenDangerView, today = todayIso()): { overdue: boolean; days: number } {
  const end = h.status === 'CLOSED' ? (h.closedDate ?? h.deadline) : today;
  const days = Math.max(0, dayNumber(end) - dayNumber(h.deadline));
  return { overdue: days > 0, days };
}
