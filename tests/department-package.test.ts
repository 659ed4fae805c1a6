/**
 * A department is one package (connectors/<id>/) and a line in connectors/registry.ts: core derives the rest.
 * (a) The sixth department, natural resources, is named nowhere in core but the registry and generated outputs;
 * (b) every registered package's metadata is complete and the merged schema carries its section.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { DepartmentPackage } from '../connectors/kit/department.js';
import { DEPARTMENT_PACKAGES, loadSources, readSourceConfigs } from '../connectors/registry.js';
import type { DepartmentSource } from '../connectors/types.js';
import { openApiDocument } from '../src/credit/openapi.js';
import { LIST_ZH } from '../src/credit/print.js';
import { CALLER_DEPARTMENTS } from '../src/security/roles.js';
import { DEPARTMENT_LABELS_ZH } from '../src/security/sessions.js';
import { buildSchema } from '../src/server/schema.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The department added as a package, to prove the claim on. */
const PROOF = 'natural-resources';
/** Where core lives: what adding a department must not touch. */
const CORE = ['src', 'schema', 'codegen.ts', 'migrations', 'console/src', 'connectors'];
/** The one hand-edited core file that names a department. */
const REGISTRY = 'connectors/registry.ts';
/** Written by `npm run codegen` from the registry and the packages' schema sections, never by hand. */
const GENERATED = [
  'src/generated/graphql.ts',
  'src/generated/enums.ts',
  'src/generated/department-resolvers.ts',
  'src/generated/department-migrations.ts',
  'src/generated/department-worlds.ts',
  'console/src/generated/departments.ts',
];

function filesUnder(rel: string): string[] {
  const abs = path.join(ROOT, rel);
  if (!fs.existsSync(abs)) return [];
  if (fs.statSync(abs).isFile()) return [rel];
  return fs.readdirSync(abs).flatMap((f) => (f === 'node_modules' || f === 'dist' ? [] : filesUnder(path.join(rel, f))));
}

/** What names the department: its code, Chinese name, folder, Enterprise field, section type and the kinds it adds. */
function namesOf(d: DepartmentPackage): string[] {
  return [d.code, d.nameZh, d.id, d.field, d.sectionType, ...Object.keys(d.credentialKinds ?? {}), ...Object.keys(d.listKinds ?? {})];
}

describe('a department is one package', () => {
  const schema = buildSchema();
  const proof = DEPARTMENT_PACKAGES.find((d) => d.id === PROOF);

  it(`names ${PROOF} only in its folder, the registry line and generated outputs`, () => {
    expect(proof, `${PROOF} is registered`).toBeDefined();
    const names = namesOf(proof!);
    const mentioning = CORE.flatMap(filesUnder)
      .filter((f) => !f.startsWith(`connectors/${PROOF}/`))
      .filter((f) => /\.(ts|tsx|graphql|json|css|html)$/.test(f))
      .filter((f) => {
        const text = fs.readFileSync(path.join(ROOT, f), 'utf8');
        return names.some((n) => text.includes(n));
      })
      .sort();
    expect(mentioning.filter((f) => f !== REGISTRY && !GENERATED.includes(f))).toEqual([]);
    expect(mentioning).toContain(REGISTRY);
    // and there in its two lines: the import of its department.ts and its entry in the list
    const lines = fs
      .readFileSync(path.join(ROOT, REGISTRY), 'utf8')
      .split('\n')
      .filter((l) => names.some((n) => l.includes(n)));
    expect(lines.map((l) => l.trim())).toEqual([`import ${proof!.field} from './${PROOF}/department.js';`, `${proof!.field},`]);
  });

  it.each(DEPARTMENT_PACKAGES.map((d) => [d.id, d] as const))(
    '%s: metadata complete, its files present, its section in the merged schema',
    async (_id, d) => {
      expect(d.code).toMatch(/^[A-Z][A-Z_]*$/);
      expect(d.nameZh).toMatch(/^[\u4e00-\u9fff]+$/);
      expect(d.recordPrefix).toMatch(/^[A-Z]{2}$/);
      expect(d.field).toMatch(/^[a-z][A-Za-z]*$/);
      for (const f of ['department.ts', 'index.ts', 'section.graphql', 'resolvers.ts', 'pii.ts'])
        expect(fs.existsSync(path.join(ROOT, 'connectors', d.id, f)), f).toBe(true);

      const source = ((await import(pathToFileURL(path.join(ROOT, 'connectors', d.id, 'index.ts')).href)) as { default: DepartmentSource })
        .default;
      expect([source.id, source.department]).toEqual([d.id, d.code]);

      const values = (name: string) =>
        (schema.getType(name) as unknown as { getValues(): { name: string; description?: string | null }[] }).getValues();
      expect(values('Department').find((v) => v.name === d.code)?.description).toContain(d.nameZh);
      const enterprise = (
        schema.getType('Enterprise') as unknown as { getFields(): Record<string, { type: { toString(): string } }> }
      ).getFields();
      expect(String(enterprise[d.field]?.type)).toBe(`${d.sectionType}!`);
      const section = schema.getType(d.sectionType) as unknown as { getInterfaces(): { name: string }[] } | undefined;
      expect(section?.getInterfaces().map((i) => i.name)).toContain('DepartmentSection');
      for (const k of Object.keys(d.credentialKinds ?? {})) expect(values('CredentialKind').map((v) => v.name)).toContain(k);
      for (const k of Object.keys(d.listKinds ?? {})) expect(values('ListKind').map((v) => v.name)).toContain(k);
    },
  );

  it('registers each code, folder, field and record prefix once', () => {
    for (const key of ['id', 'code', 'field', 'sectionType', 'recordPrefix'] as const) {
      const all = DEPARTMENT_PACKAGES.map((d) => d[key]);
      expect(new Set(all).size, key).toBe(all.length);
    }
  });

  it('loads no source whose department is not registered', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dept-'));
    const module = path.join(dir, 'index.ts');
    const market = pathToFileURL(path.join(ROOT, 'connectors/market/index.ts')).href;
    fs.writeFileSync(module, `import market from '${market}';\nexport default { ...market, department: 'POLICE' };\n`);
    await expect(loadSources([{ id: 'market', module, enabled: true, options: { timeoutMs: 1000 } }])).rejects.toThrow(
      /department 'POLICE' is not registered/,
    );
    fs.rmSync(dir, { recursive: true });
  });

  it('derives core tables from the registry: sources, caller departments, labels, the OpenAPI enum', () => {
    expect(readSourceConfigs(undefined).map((c) => c.id)).toEqual(DEPARTMENT_PACKAGES.map((d) => d.id));
    const openapiDepartments = JSON.stringify(openApiDocument()).match(/"enum":\[("[A-Z_]+",?)+\]/g) ?? [];
    for (const d of DEPARTMENT_PACKAGES) {
      expect(CALLER_DEPARTMENTS).toContain(d.code);
      expect(DEPARTMENT_LABELS_ZH[d.code]).toBe(d.nameZh);
      expect(
        openapiDepartments.some((e) => e.includes(`"${d.code}"`)),
        d.code,
      ).toBe(true);
      for (const [k, zh] of Object.entries(d.listKinds ?? {})) expect(LIST_ZH[k]).toBe(zh);
    }
  });
});
