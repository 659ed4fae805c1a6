/**
 * timestamptz values as Dates, the common form parsed without regular expressions. Every stored
 * record carries two timestamps (fetched, updated at the source), and pg's general parser (several
 * regular expressions and a match array per value) was a tenth of the CPU of reading a project's
 * facts. Values in UTC as this store's sessions send them ('YYYY-MM-DD HH:MM:SS[.ffffff]+00', years
 * 1000-9999) are read here with exactly the general parser's result (milliseconds truncated); any
 * other form goes to the general parser.
 */
import pg from 'pg';

export type TimestampParser = (v: string) => Date | number | null;

const digit = (v: string, i: number): number => {
  const d = v.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : NaN;
};
const two = (v: string, i: number): number => digit(v, i) * 10 + digit(v, i + 1);

export function fastTimestamptz(general: TimestampParser): TimestampParser {
  return (v) => {
    const n = v.length;
    // 'YYYY-MM-DD HH:MM:SS+00' is 22 characters; a fraction adds '.' and 1-6 digits
    if (n < 22 || n > 29 || n === 23 || v.charCodeAt(n - 3) !== 43 || v.charCodeAt(n - 2) !== 48 || v.charCodeAt(n - 1) !== 48)
      return general(v);
    if (v.charCodeAt(4) !== 45 || v.charCodeAt(7) !== 45 || v.charCodeAt(10) !== 32 || v.charCodeAt(13) !== 58 || v.charCodeAt(16) !== 58)
      return general(v);
    const year = two(v, 0) * 100 + two(v, 2);
    const month = two(v, 5);
    const day = two(v, 8);
    const hour = two(v, 11);
    const minute = two(v, 14);
    const second = two(v, 17);
    let ms = 0;
    if (n > 22) {
      if (v.charCodeAt(19) !== 46) return general(v);
      const end = n - 3;
      for (let i = 20, scale = 100; i < end; i++, scale /= 10) {
        const d = digit(v, i);
        if (Number.isNaN(d)) return general(v);
        if (scale >= 1) ms += d * scale;
      }
    }
    if (!(year >= 1000) || Number.isNaN(month + day + hour + minute + second)) return general(v);
    return new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms));
  };
}

/** Installs the fast path in front of pg's own timestamptz parser (once per process). */
export function installTimestampParser(): void {
  const general = pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ) as TimestampParser;
  if ((general as { fast?: boolean }).fast) return;
  const fast = Object.assign(fastTimestamptz(general), { fast: true });
  pg.types.setTypeParser(pg.types.builtins.TIMESTAMPTZ, fast);
}
