/**
 * Renders the `where` input types from the filter table (filters.ts) as SDL: the text of
 * schema/analytics-where.generated.graphql, written and checked by scripts/filter-sdl.ts.
 */
import {
  BOOL_DOCS,
  COMPARISONS,
  COUNT_OPS,
  COUNT_WHERE_DOC,
  ENTERPRISE_FILTER,
  OP_DOCS,
  RELATION_DOCS,
  type ComparisonOp,
  type FilterEntity,
  type ValueType,
} from './filters.js';

export const FILTER_SDL_FILE = 'schema/analytics-where.generated.graphql';

const HEADER = `# Generated from src/analytics/filters.ts by \`npm run codegen\` (scripts/filter-sdl.ts): edit the table there,
# never this file. The \`where\` inputs of \`enterprises\`, \`enterpriseStats\` and the CSV export; their semantics
# are described in schema/analytics.graphql.
`;

const OP_ORDER = Object.keys(OP_DOCS) as ComparisonOp[];

function description(text: string, indent = ''): string {
  if (text.includes('"""') || text.includes('\n')) throw new Error(`a filter description must be one line without """: ${text}`);
  return `${indent}"""${text}"""`;
}

function input(name: string, doc: string, fields: [string, string, string][]): string {
  const body = fields.map(([field, type, d]) => `${description(d, '  ')}\n  ${field}: ${type}`).join('\n');
  return `${description(doc)}\ninput ${name} {\n${body}\n}\n`;
}

function comparison(value: ValueType): string {
  const c = COMPARISONS[value];
  const ops = OP_ORDER.filter((op) => c.ops.includes(op));
  return input(
    `${value}Comparison`,
    c.doc,
    ops.map((op) => {
      const type = op === '_isNull' ? 'Boolean' : op === '_in' || op === '_nin' ? `[${value}!]` : op === '_like' ? 'String' : value;
      return [op, type, OP_DOCS[op]];
    }),
  );
}

function where(e: FilterEntity, links: [string, string, string][] = []): string {
  const name = `${e.type}Where`;
  return input(name, e.doc, [
    ['_and', `[${name}!]`, BOOL_DOCS._and],
    ['_or', `[${name}!]`, BOOL_DOCS._or],
    ['_not', name, BOOL_DOCS._not],
    ...Object.entries(e.fields).map(([field, f]): [string, string, string] => [field, `${f.value}Comparison`, f.doc]),
    ...links,
  ]);
}

function count(e: FilterEntity, records: string): string {
  return input(`${e.type}Count`, `Count of ${records} (optionally only those matching \`where\`) compared.`, [
    ['where', `${e.type}Where`, COUNT_WHERE_DOC],
    ...COUNT_OPS.map((op): [string, string, string] => [op, 'Int', OP_DOCS[op]]),
  ]);
}

function relation(e: FilterEntity, records: string): string {
  return input(`${e.type}Relation`, `Relationship filter on ${records}.`, [
    ['_some', `${e.type}Where`, RELATION_DOCS._some],
    ['_none', `${e.type}Where`, RELATION_DOCS._none],
    ['_count', `${e.type}Count`, RELATION_DOCS._count],
  ]);
}

/** The SDL of every comparison input and every `where` input reached from EnterpriseWhere. */
export function renderFilterSdl(): string {
  const root = ENTERPRISE_FILTER;
  const parts = [
    ...(Object.keys(COMPARISONS) as ValueType[]).map(comparison),
    where(root, [
      ...Object.entries(root.one).map(([field, l]): [string, string, string] => [field, `${l.entity.type}Where`, l.doc]),
      ...Object.entries(root.many).map(([field, l]): [string, string, string] => [field, `${l.entity.type}Relation`, l.doc]),
    ]),
    ...Object.values(root.one).map((l) => where(l.entity)),
    ...Object.values(root.many).flatMap((l) => [where(l.entity), count(l.entity, l.records), relation(l.entity, l.records)]),
  ];
  return `${HEADER}\n${parts.join('\n')}`;
}
