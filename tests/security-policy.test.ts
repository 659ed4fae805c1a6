/**
 * Walks every field of the merged schema: each must have an access rule in src/security/policy.ts
 * (its own, or its type's '*' default). A new type or field without one fails here, by name.
 */
import { isInterfaceType, isObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { applyPolicy } from '../src/security/authorize.js';
import { POLICY, ruleFor, rolesAllow } from '../src/security/policy.js';
import { ROLES } from '../src/security/roles.js';
import { buildSchema } from '../src/server/schema.js';

describe('access policy covers the whole schema', () => {
  const schema = buildSchema();
  const types = Object.values(schema.getTypeMap()).filter((t) => !t.name.startsWith('__') && (isObjectType(t) || isInterfaceType(t)));

  it('has a rule for every field of every object and interface type', () => {
    const missing: string[] = [];
    let fields = 0;
    for (const t of types) {
      if (!isObjectType(t) && !isInterfaceType(t)) continue;
      for (const f of Object.keys(t.getFields())) {
        fields += 1;
        if (!ruleFor(t.name, f)) missing.push(`${t.name}.${f}`);
      }
    }
    expect(fields).toBeGreaterThan(300);
    const hint = missing.length
      ? `\n${missing.length} field(s) have no access rule:\n  ${missing.join('\n  ')}\n` +
        `Add each to POLICY in src/security/policy.ts: a field rule (e.g. \`${missing[0]!.split('.')[1]}: only('inspector')\`) ` +
        `in the \`${missing[0]!.split('.')[0]}\` entry, or a type default \`${missing[0]!.split('.')[0]}: { '*': ANY }\` for a type reached only through guarded fields.`
      : '';
    expect(missing, hint).toEqual([]);
  });

  it('names no type the schema does not have (stale policy entries hide mistakes)', () => {
    const names = new Set(types.map((t) => t.name));
    expect(Object.keys(POLICY).filter((n) => !names.has(n))).toEqual([]);
  });

  it('keeps the sensitive entry points to their roles', () => {
    const c = (roles: string[]) => ({ subject: 's', department: null, roles });
    expect(rolesAllow(ruleFor('Query', 'auditLog')!, c(['admin']))).toBe(true);
    for (const r of ROLES.filter((x) => x !== 'admin')) expect(rolesAllow(ruleFor('Query', 'auditLog')!, c([r]))).toBe(false);
    expect(rolesAllow(ruleFor('Mutation', 'upsertMeasure')!, c(['licensing_officer']))).toBe(false);
    expect(rolesAllow(ruleFor('Mutation', 'runJointPunishmentCheck')!, c(['licensing_officer']))).toBe(true);
    expect(rolesAllow(ruleFor('Mutation', 'runJointPunishmentCheck')!, c(['analyst']))).toBe(false);
    expect(rolesAllow(ruleFor('Query', 'person')!, c(['analyst']))).toBe(false);
    expect(rolesAllow(ruleFor('Person', 'name')!, c(['analyst']))).toBe(false);
    expect(rolesAllow(ruleFor('Person', 'name')!, c(['inspector']))).toBe(true);
  });

  it("refuses analysts every field carrying a person's name as a plain string (the rule of Person.name)", () => {
    const analyst = { subject: 's', department: 'SAFETY_COMMITTEE', roles: ['analyst'] };
    // names of the hub's own staff, not of persons on record: the caller's own name, the officer who ran or answered a check
    const staff = new Set(['Caller.name', 'JointPunishmentCheck.checkedByName', 'CheckFeedback.recordedByName']);
    const personNames: string[] = [];
    for (const t of types) {
      if (!isObjectType(t) && !isInterfaceType(t)) continue;
      for (const [name, f] of Object.entries(t.getFields())) {
        if (String(f.type).replace('!', '') !== 'String') continue;
        // schema descriptions say what a field holds: 姓名 (a person's name) or 法定代表人 (a legal representative)
        if (!/^(姓名|人员姓名|命中人员姓名|法定代表人)|person's name|name of the (listed )?person/i.test(f.description ?? '')) continue;
        personNames.push(`${t.name}.${name}`);
      }
    }
    expect(personNames).toEqual(
      expect.arrayContaining([
        'Person.name',
        'Enterprise.legalRepresentative',
        'ListEntry.personName',
        'ListHit.personName',
        'CheckedPerson.name',
        'FindingParty.personName',
      ]),
    );
    const open = personNames.filter((f) => !staff.has(f) && rolesAllow(ruleFor(...(f.split('.') as [string, string]))!, analyst));
    expect(open, 'person names readable by analysts').toEqual([]);
  });

  it('no mutation writes the audit log', () => {
    const mutation = schema.getMutationType()!;
    expect(Object.keys(mutation.getFields()).filter((f) => /audit/i.test(f))).toEqual([]);
  });

  it('wraps the guarded fields and leaves open ones untouched', () => {
    const guarded = applyPolicy(schema);
    expect(guarded.getQueryType()!.getFields().auditLog!.resolve).not.toBe(schema.getQueryType()!.getFields().auditLog!.resolve);
    expect(guarded.getQueryType()!.getFields().enterprise!.resolve).toBe(schema.getQueryType()!.getFields().enterprise!.resolve);
  });
});
