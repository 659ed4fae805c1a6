// Lint: typescript-eslint's recommended rules; `process.env` is read only in src/config.ts. The layers of docs/architecture.md:
// modules never import src/server (only it, src/main.ts, src/cli and src/gateway assemble the app), and src/kernel imports no
// module. Import cycles are refused by `npm run lint:cycles` (madge: type imports count too).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Casts that switch type checking off rather than state a type (see the last block; a later block setting no-restricted-syntax replaces it, so spread these in). */
const NO_BLIND_CASTS = [
  {
    selector: "TSAsExpression[typeAnnotation.type='TSNeverKeyword']",
    message: 'No `as never`: type the value (typed rows, mapper types, generics, narrowing).',
  },
  {
    selector: "TSAsExpression[typeAnnotation.type='TSArrayType'][typeAnnotation.elementType.type='TSNeverKeyword']",
    message: 'No `as never[]`: type the value.',
  },
  { selector: "TSTypeAssertion[typeAnnotation.type='TSNeverKeyword']", message: 'No `<never>` assertion: type the value.' },
  {
    selector: 'TSAsExpression[typeAnnotation.typeName.name=/Resolvers$/]',
    message: 'No cast to a generated Resolvers type: make the resolvers fit it (codegen mappers).',
  },
];

export default tseslint.config(
  { ignores: ['node_modules/', 'console/dist/', 'tests/artifacts/', 'src/generated/', '.data/', 'bench/results/', 'reports/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
        URLSearchParams: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        TextDecoder: 'readonly',
        TextEncoder: 'readonly',
        fetch: 'readonly',
        performance: 'readonly',
        structuredClone: 'readonly',
        setImmediate: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'warn',
    },
  },
  {
    files: ['src/**/*.ts', 'connectors/**/*.ts'],
    ignores: ['src/server/**', 'src/main.ts', 'src/cli/**', 'src/gateway/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+(src/)?server/',
              message: 'modules never import src/server: move the shared piece to src/kernel, or pass it in from the server',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/kernel/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              // the kernel stands on src/config.ts, src/domain and the connector contract only
              regex: '^\\.\\./(?!config\\.js$|domain/|\\.\\./)|^\\.\\./\\.\\./(?!connectors/types\\.js$)',
              message:
                'src/kernel imports no module (nor the server): a module adds to the kernel by declaration merging, see src/kernel/context.ts',
            },
          ],
        },
      ],
    },
  },
  {
    // `as never` fits any slot, so it silences every mismatch, including drift between rows, views and the generated
    // GraphQL types; a cast to a generated Resolvers type does the same for a whole module. Type the source instead.
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      'no-restricted-syntax': ['error', ...NO_BLIND_CASTS],
    },
  },
);
