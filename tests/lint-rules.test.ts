/** The lint rules the house relies on fire where they should (eslint.config.js, run with the project's own config). */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint();
const restricted = async (code: string, filePath: string): Promise<string[]> => {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => m.message);
};

describe('no blind casts', () => {
  const everywhere = ['src/records/probe.ts', 'connectors/fire/probe.ts', 'tests/probe.test.ts', 'console/src/probe.tsx'];
  it.each([
    ['as never', 'export const f = (v: unknown): string => v as never;\n', everywhere],
    ['as never[]', 'export const f = (v: unknown): string[] => v as never[];\n', everywhere],
    // angle-bracket assertions are JSX in .tsx
    ['<never>', 'export const f = (v: unknown): string => <never>v;\n', everywhere.filter((f) => f.endsWith('.ts'))],
    [
      'a cast to a generated Resolvers type',
      "import type { Resolvers } from '../generated/graphql.js';\nexport const r = {} as unknown as Resolvers;\n",
      everywhere,
    ],
  ])('refuses %s in src/, connectors/, tests/ and the console', async (_what, code, files) => {
    for (const file of files) expect(await restricted(code, file), file).toHaveLength(1);
  });

  it('lets honest types through: a cast to a named type, never as a type argument, satisfies', async () => {
    const code = [
      "import type { Department } from '../domain/canonical.js';",
      'export const d = (v: unknown) => v as Department;',
      'export const p = new Promise<never>(() => undefined);',
      'export const s = { a: 1 } satisfies Record<string, number>;',
      '',
    ].join('\n');
    expect(await restricted(code, 'src/records/probe.ts')).toEqual([]);
  });
});
