/**
 * Every GraphQL document the console sends validates against the hub's schema: a field renamed or removed
 * in schema/ fails here by name, not as a generic "输入内容有误" in a browser (as a profile query asking
 * HousingSection for penalties once did).
 */
import { parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import * as analyst from '../console/src/pages/analyst/queries.js';
import * as enterprise from '../console/src/pages/enterprise/queries.js';
import * as officer from '../console/src/pages/officer/queries.js';
import { buildSchema } from '../src/server/schema.js';

const documents: [string, string][] = [];
for (const [module, exports] of Object.entries({ analyst, enterprise, officer })) {
  for (const [name, value] of Object.entries(exports)) {
    if (typeof value === 'string' && /^\s*(query|mutation)\b/.test(value)) documents.push([`${module}.${name}`, value]);
  }
}
documents.push(
  ['enterprise.profileQuery(withNames)', enterprise.profileQuery(true)],
  ['enterprise.profileQuery(withoutNames)', enterprise.profileQuery(false)],
);

describe("the console's GraphQL documents", () => {
  const schema = buildSchema();
  it("are found (every page's queries live in a queries module)", () => {
    expect(documents.length).toBeGreaterThanOrEqual(14);
  });
  it.each(documents)('%s validates against the schema', (_name, doc) => {
    expect(validate(schema, parse(doc)).map((e) => e.message)).toEqual([]);
  });
});
