import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { fastTimestamptz, type TimestampParser } from '../src/store/timestamp.js';

// pg's own parser (postgres-date), before the store installs the fast path in front of it
const general = pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ) as TimestampParser;
const fast = fastTimestamptz(general);
const same = (v: string) => {
  const a = general(v);
  const b = fast(v);
  expect(b instanceof Date ? b.getTime() : b, v).toEqual(a instanceof Date ? a.getTime() : a);
};

describe('timestamptz fast path', () => {
  it('reads UTC timestamps as PostgreSQL sends them exactly as pg does (milliseconds truncated)', () => {
    for (const v of [
      '2026-12-03 07:15:09+00',
      '2026-12-03 07:15:09.1+00',
      '2026-12-03 07:15:09.12+00',
      '2026-12-03 07:15:09.123+00',
      '2026-12-03 07:15:09.123456+00',
      '2026-12-03 07:15:09.999999+00',
      '1000-01-01 00:00:00+00',
      '9999-12-31 23:59:59.5+00',
      '2024-02-29 12:00:00.000001+00',
    ])
      same(v);
    expect((fast('2026-12-03 07:15:09.123456+00') as Date).toISOString()).toBe('2026-12-03T07:15:09.123Z');
    // many random instants, with 0-6 fraction digits
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 2000; i++) {
      const d = new Date(Date.UTC(1000, 0, 1) + rnd() * (Date.UTC(9999, 11, 31) - Date.UTC(1000, 0, 1)));
      const iso = d.toISOString();
      const digits = Math.floor(rnd() * 7);
      const frac = digits
        ? `.${String(Math.floor(rnd() * 1e6))
            .padStart(6, '0')
            .slice(0, digits)}`
        : '';
      same(`${iso.slice(0, 10)} ${iso.slice(11, 19)}${frac}+00`);
    }
  });

  it('leaves every other form to pg: offsets, BC, infinity, two-digit years, malformed text', () => {
    for (const v of [
      '2026-12-03 07:15:09+05:30',
      '2026-12-03 07:15:09.5-08',
      '0044-03-15 12:00:00+00 BC',
      '0099-01-01 00:00:00+00',
      'infinity',
      '-infinity',
      '2026-12-03',
      '2026-12-03T07:15:09+00',
      '2026-12-03 07:15:09.+00',
      '2026-1a-03 07:15:09+00',
      '2026-12-03 07:15:09.1234567+00',
    ])
      same(v);
  });
});
