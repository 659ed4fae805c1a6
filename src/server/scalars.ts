/** Date (YYYY-MM-DD), DateTime (ISO 8601) and JSON scalars. */
import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function parseIsoDate(value: unknown, field = 'Date'): string {
  if (typeof value !== 'string' || !DATE_RE.test(value)) {
    throw new GraphQLError(`${field}: expected a date as YYYY-MM-DD`, { extensions: { code: 'BAD_USER_INPUT', field } });
  }
  const [y, m, d] = value.split('-').map(Number) as [number, number, number];
  const dt = new Date(Date.UTC(y, m - 1, d));
  if (dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== d) {
    throw new GraphQLError(`${field}: ${value} is not a calendar date`, { extensions: { code: 'BAD_USER_INPUT', field } });
  }
  return value;
}

export const DateScalar = new GraphQLScalarType({
  name: 'Date',
  serialize: (v) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v)),
  parseValue: (v) => parseIsoDate(v),
  parseLiteral: (ast) => parseIsoDate(ast.kind === Kind.STRING ? ast.value : undefined),
});

export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  serialize: (v) => (v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString()),
  parseValue: (v) => {
    const d = new Date(String(v));
    if (typeof v !== 'string' || Number.isNaN(d.getTime())) {
      throw new GraphQLError('DateTime: expected an ISO 8601 instant', { extensions: { code: 'BAD_USER_INPUT' } });
    }
    return d;
  },
  parseLiteral: (ast) => {
    const d = ast.kind === Kind.STRING ? new Date(ast.value) : new Date(NaN);
    if (Number.isNaN(d.getTime())) {
      throw new GraphQLError('DateTime: expected an ISO 8601 instant', { extensions: { code: 'BAD_USER_INPUT' } });
    }
    return d;
  },
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
