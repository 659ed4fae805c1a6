/** Date (YYYY-MM-DD), DateTime (ISO 8601) and JSON scalars. */
import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** ISO 8601 date, or date and time with optional seconds, fraction and offset (what clients send; not "March 7" or "2024"). */
const DATETIME_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

/** True for a real calendar day of the years 1–9999 (PostgreSQL has no year 0; JavaScript's Date.UTC maps 0–99 to 1900–1999). */
export function isCalendarDate(y: number, m: number, d: number): boolean {
  if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1) return false;
  const dt = new Date(0);
  dt.setUTCFullYear(y, m - 1, d);
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

/** `field` names the argument when the caller knows it; the GraphQL scalar leaves it to the useArgumentNaming plugin. */
export function parseIsoDate(value: unknown, field = 'Date'): string {
  if (typeof value !== 'string' || !DATE_RE.test(value)) {
    throw new GraphQLError(`${field}: expected a date as YYYY-MM-DD`, {
      extensions: { code: 'BAD_USER_INPUT', ...(field === 'Date' ? {} : { field }) },
    });
  }
  const [y, m, d] = value.split('-').map(Number) as [number, number, number];
  if (!isCalendarDate(y, m, d)) {
    throw new GraphQLError(`${field}: ${value} is not a calendar date of the years 0001–9999`, {
      extensions: { code: 'BAD_USER_INPUT', ...(field === 'Date' ? {} : { field }) },
    });
  }
  return value;
}

/** An ISO 8601 instant of the years 1–9999, as a Date. */
export function parseIsoDateTime(value: unknown, field = 'DateTime'): Date {
  const m = typeof value === 'string' ? DATETIME_RE.exec(value) : null;
  const d = m ? new Date(value as string) : new Date(NaN);
  if (
    !m ||
    Number.isNaN(d.getTime()) ||
    !isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3])) ||
    (m[4] !== undefined && (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6] ?? 0) > 59))
  ) {
    throw new GraphQLError(`${field}: expected an ISO 8601 instant of the years 0001–9999, e.g. 2024-05-01T08:00:00+08:00`, {
      extensions: { code: 'BAD_USER_INPUT', ...(field === 'DateTime' ? {} : { field }) },
    });
  }
  return d;
}

/**
 * A literal's refusal as a plain Error: graphql-js then reports it at the literal's position (a GraphQLError
 * would be reported as is, without one), so the argument can be named (useArgumentNaming, server/plugins/argument-naming.ts).
 */
function literal<T>(parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    throw new Error((e as Error).message);
  }
}

export const DateScalar = new GraphQLScalarType({
  name: 'Date',
  serialize: (v) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v)),
  parseValue: (v) => parseIsoDate(v),
  parseLiteral: (ast) => literal(() => parseIsoDate(ast.kind === Kind.STRING ? ast.value : undefined)),
});

export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  serialize: (v) => (v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString()),
  parseValue: (v) => parseIsoDateTime(v),
  parseLiteral: (ast) => literal(() => parseIsoDateTime(ast.kind === Kind.STRING ? ast.value : undefined)),
});

function literalToJson(ast: ValueNode): unknown {
  switch (ast.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return ast.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(ast.value);
    case Kind.LIST:
      return ast.values.map(literalToJson);
    case Kind.OBJECT:
      return Object.fromEntries(ast.fields.map((f) => [f.name.value, literalToJson(f.value)]));
    default:
      return null;
  }
}

export const JsonScalar = new GraphQLScalarType({
  name: 'JSON',
  serialize: (v) => v,
  parseValue: (v) => v,
  parseLiteral: literalToJson,
});
