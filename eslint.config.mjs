import nx from '@nx/eslint-plugin';
import jest from 'eslint-plugin-jest';

const frameworkPackages = [
  '@nestjs/*',
  'typeorm',
  'pg',
  'pg-*',
  'kafkajs',
  'class-validator',
  'class-transformer',
  'fastify',
  '@fastify/*',
  'pino',
  'prom-client',
];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    ignores: ['**/dist', '**/out-tsc', '**/.cache', 'tools/.local/**'],
  },
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.js', '**/*.jsx'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          banTransitiveDependencies: true,
          // Shared build configuration, outside any project: the apps' webpack configs call one factory.
          allow: ['^.*/eslint(\\.base)?\\.config\\.[cm]?[jt]s$', '^.*/tools/webpack/app-webpack\\.config$'],
          depConstraints: [
            // Apps are leaves: they depend on libs, never on each other.
            {
              sourceTag: 'type:app',
              onlyDependOnLibsWithTags: ['type:application', 'type:domain', 'type:data-access', 'type:platform', 'type:testing'],
            },
            // The domain is pure TypeScript: no other project, no framework, database or broker.
            {
              sourceTag: 'type:domain',
              onlyDependOnLibsWithTags: [],
              bannedExternalImports: frameworkPackages,
            },
            {
              sourceTag: 'type:data-access',
              onlyDependOnLibsWithTags: ['type:domain', 'type:data-access', 'type:platform', 'type:testing'],
            },
            // Use cases over the domain and the store's port: framework-free, so no Nest, HTTP or driver.
            {
              sourceTag: 'type:application',
              onlyDependOnLibsWithTags: ['type:domain', 'type:data-access', 'type:platform'],
              bannedExternalImports: frameworkPackages,
            },
            { sourceTag: 'type:platform', onlyDependOnLibsWithTags: ['type:platform', 'type:domain'] },
            {
              sourceTag: 'type:testing',
              onlyDependOnLibsWithTags: ['type:domain', 'type:data-access', 'type:platform'],
            },
            { sourceTag: 'scope:command', onlyDependOnLibsWithTags: ['scope:shared', 'scope:command'] },
            { sourceTag: 'scope:relay', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:projector', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:query', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:ops', onlyDependOnLibsWithTags: ['scope:shared'] },
            // The system suite drives the built apps over HTTP: libs only, never an app's sources.
            {
              sourceTag: 'type:e2e',
              onlyDependOnLibsWithTags: ['type:domain', 'type:data-access', 'type:platform', 'type:testing'],
            },
            { sourceTag: 'scope:system', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
          ],
        },
      ],
    },
  },
  // Every test can fail and runs: none focused or disabled, each asserts (directly or through a helper named for it).
  {
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts'],
    plugins: { jest },
    rules: {
      'jest/no-focused-tests': 'error',
      'jest/no-disabled-tests': 'error',
      'jest/no-identical-title': 'error',
      'jest/valid-expect': 'error',
      // The suites' assertion helpers are named expect… (expectProblem, expectConsistent); eventually() fails when its condition never holds.
      'jest/expect-expect': ['error', { assertFunctionNames: ['expect', 'expect*', 'eventually'] }],
    },
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Config classes spell out `: number` so class-transformer converts environment strings.
      '@typescript-eslint/no-inferrable-types': 'off',
    },
  },
];
