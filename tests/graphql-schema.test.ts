/** The merged schema: builds with every resolver matching it, and every type, field and enum value is described. */
import { describe, expect, it } from 'vitest';
import { buildSchema, loadTypeDefs } from '../src/server/schema.js';

type Described = { name: string; description?: string | null };
type Fielded = { getFields(): Record<string, Described> };

describe('unified schema', () => {
  const schema = buildSchema();

  it('has one module per domain, each department extending Enterprise with its section', () => {
    const defs = loadTypeDefs().join('\n');
    for (const [field, type] of [
      ['market', 'MarketSection'],
      ['housing', 'HousingSection'],
      ['emergency', 'EmergencySection'],
      ['transport', 'TransportSection'],
      ['fire', 'FireSection'],
    ]) {
      expect(defs).toMatch(new RegExp(`extend type Enterprise \\{[^}]*\\b${field}\\(freshness: Freshness\\): ${type}!`));
    }
    const enterprise = schema.getType('Enterprise');
    expect(Object.keys((enterprise as unknown as Fielded).getFields())).toEqual(
      expect.arrayContaining([
        'persons',
        'credentials',
        'penalties',
        'hiddenDangers',
        'accidents',
        'inspections',
        'vehicles',
        'violations',
        'projects',
        'contracts',
        'insurancePolicies',
        'listEntries',
      ]),
    );
  });

  it('describes every type, field, argument-bearing field and enum value', () => {
    const missing: string[] = [];
    for (const t of Object.values(schema.getTypeMap())) {
      if (t.name.startsWith('__') || ['String', 'Int', 'Float', 'Boolean', 'ID'].includes(t.name)) continue;
      if (!t.description) missing.push(t.name);
      // duck-typed: vitest may load graphql's CJS and ESM builds side by side, so instanceof checks fail
      if ('getFields' in t) {
        for (const f of Object.values((t as unknown as Fielded).getFields())) if (!f.description) missing.push(`${t.name}.${f.name}`);
      }
      if ('getValues' in t) {
        for (const v of (t as unknown as { getValues(): Described[] }).getValues()) if (!v.description) missing.push(`${t.name}.${v.name}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('carries the Chinese name of domain terms', () => {
    const d = (name: string) => schema.getType(name)?.description ?? '';
    expect(d('HiddenDanger')).toContain('隐患');
    expect(d('Credential')).toContain('证照');
    expect(d('EmergencySection')).toContain('应急');
  });
});
