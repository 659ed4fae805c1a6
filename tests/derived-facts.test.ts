/**
 * One definition per derived fact (issue 19.4): "list entry in force", "credential valid on" and "hidden
 * danger overdue" read the same in TypeScript (src/records/rules.ts) and in SQL (the functions of migration
 * DerivedFacts, used by filters, statistics and risk). Each case's expected answer is written from the rule
 * (DOMAIN.md: an expired or removed entry does not hit; an entry that starts tomorrow does not hit today);
 * both readings must give it.
 */
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inForce } from '../src/credit/rules.js';
import { credentialValidOn, hiddenDangerOverdue, listEntryInForce } from '../src/records/rules.js';
import type { CredentialView, HiddenDangerView, ListEntryView } from '../src/records/views.js';
import { openStore } from '../src/store/data-source.js';
import { createTestDatabase } from './support/db.js';

const ON = '2026-06-15';
const DAY_BEFORE = '2026-06-14';
const DAY_AFTER = '2026-06-16';

// start, end, removed → in force on ON?
const ENTRIES: [string, string, string | null, string | null, boolean][] = [
  ['started long ago, open-ended', '2020-01-01', null, null, true],
  ['starts on the day', ON, null, null, true],
  ['starts tomorrow', DAY_AFTER, null, null, false],
  ['ends on the day (inclusive)', '2020-01-01', ON, null, true],
  ['ended yesterday', '2020-01-01', DAY_BEFORE, null, false],
  ['removed on the day (no longer in force)', '2020-01-01', null, ON, false],
  ['removed tomorrow', '2020-01-01', null, DAY_AFTER, true],
  ['removed yesterday though its end is later', '2020-01-01', '2030-01-01', DAY_BEFORE, false],
];

// from, to, status → valid on ON?
const CREDENTIALS: [string, string | null, string | null, string, boolean][] = [
  ['covering, VALID', '2020-01-01', '2030-01-01', 'VALID', true],
  ['first valid on the day', ON, '2030-01-01', 'VALID', true],
  ['first valid tomorrow (not yet valid)', DAY_AFTER, '2030-01-01', 'VALID', false],
  ['last valid on the day', '2020-01-01', ON, 'VALID', true],
  ['expired yesterday', '2020-01-01', DAY_BEFORE, 'EXPIRED', false],
  ['open-ended both sides', null, null, 'VALID', true],
  ['covering but suspended', '2020-01-01', '2030-01-01', 'SUSPENDED', false],
  ['covering but revoked', '2020-01-01', '2030-01-01', 'REVOKED', false],
  // the status is the source's state now; on a date its period covers it was valid (a contract signed then)
  ['marked EXPIRED now, period covers the day', '2020-01-01', '2030-01-01', 'EXPIRED', true],
];

// status, closed, deadline → overdue on ON?
const DANGERS: [string, string, string | null, string, boolean][] = [
  ['open, deadline yesterday', 'OPEN', null, DAY_BEFORE, true],
  ['open, deadline today', 'OPEN', null, ON, false],
  ['rectifying, deadline tomorrow', 'RECTIFYING', null, DAY_AFTER, false],
  ['closed on its deadline', 'CLOSED', '2026-01-10', '2026-01-10', false],
  ['closed after its deadline (it was overdue)', 'CLOSED', '2026-01-11', '2026-01-10', true],
  ['closed without a date (counts as on its deadline)', 'CLOSED', null, '2026-01-10', false],
];

describe('derived facts read the same in TypeScript and in SQL', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let ds: DataSource;
  const sql = async (fn: string, args: (string | null)[]): Promise<boolean> => {
    const params = args.map(
      (_, i) =>
        `$${i + 1}${fn === 'credential_valid_on' && i === 2 ? '::text' : fn === 'hidden_danger_overdue' && i === 0 ? '::text' : '::date'}`,
    );
    const [row] = await ds.query(`SELECT ${fn}(${params.join(', ')}) AS v`, args);
    return row.v as boolean;
  };

  beforeAll(async () => {
    db = await createTestDatabase('facts');
    ds = await openStore(db.url);
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it.each(ENTRIES)('list entry in force: %s', async (_what, start, end, removed, expected) => {
    const view = { startDate: start, endDate: end, removedDate: removed } as ListEntryView;
    expect(listEntryInForce(view, ON)).toBe(expected);
    expect(inForce({ start_date: start, end_date: end, removed_date: removed }, ON)).toBe(expected);
    expect(await sql('list_entry_in_force', [start, end, removed, ON])).toBe(expected);
  });

  it.each(CREDENTIALS)('credential valid on: %s', async (_what, from, to, status, expected) => {
    expect(credentialValidOn({ validFrom: from, validTo: to, status } as CredentialView, ON)).toBe(expected);
    expect(await sql('credential_valid_on', [from, to, status, ON])).toBe(expected);
  });

  it.each(DANGERS)('hidden danger overdue: %s', async (_what, status, closed, deadline, expected) => {
    expect(hiddenDangerOverdue({ status, closedDate: closed, deadline } as HiddenDangerView, ON).overdue).toBe(expected);
    expect(await sql('hidden_danger_overdue', [status, closed, deadline, ON])).toBe(expected);
  });

  it('the planner inlines them: a filter on list entries in force still uses the columns (no opaque function call)', async () => {
    const [plan] = await ds.query(
      `EXPLAIN (FORMAT JSON, VERBOSE) SELECT 1 FROM list_entry l WHERE list_entry_in_force(l.start_date, l.end_date, l.removed_date, '${ON}'::date)`,
    );
    const text = JSON.stringify(plan);
    expect(text).not.toContain('list_entry_in_force');
    expect(text).toContain('start_date');
  });
});
