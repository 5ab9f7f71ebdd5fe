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
              onlyDependOnLibsWithTags: [
                'type:application',
                'type:domain',
                'type:data-access',
                'type:platform',
                'type:testing',
                'type:util',
                'type:tooling',
              ],
            },
            // The domain is pure TypeScript: no other project, no framework, database or broker.
            {
              sourceTag: 'type:domain',
              onlyDependOnLibsWithTags: ['type:util'],
              bannedExternalImports: frameworkPackages,
            },
            {
              sourceTag: 'type:data-access',
              onlyDependOnLibsWithTags: ['type:domain', 'type:data-access', 'type:platform', 'type:testing', 'type:util'],
            },
            // Use cases over the domain and the store's port: framework-free, so no Nest, HTTP or driver.
            {
              sourceTag: 'type:application',
              onlyDependOnLibsWithTags: ['type:domain', 'type:data-access', 'type:platform', 'type:util'],
              bannedExternalImports: frameworkPackages,
            },
            // Generic values with no dependency at all (JSON types, the UUID rule): every project may use them.
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: [], bannedExternalImports: frameworkPackages },
            { sourceTag: 'type:platform', onlyDependOnLibsWithTags: ['type:platform', 'type:util'] },
            // Generic storage and messaging know no account: never the domain, nor what is built on it.
            { sourceTag: 'domain:agnostic', onlyDependOnLibsWithTags: ['type:platform', 'type:util', 'type:testing'] },
            {
              sourceTag: 'type:testing',
              onlyDependOnLibsWithTags: ['type:domain', 'type:data-access', 'type:platform', 'type:util', 'type:tooling'],
            },
            // The tools' own lib (launchers, option parsing, seeded randomness): tools and test fixtures only, never runtime code.
            { sourceTag: 'type:tooling', onlyDependOnLibsWithTags: ['type:tooling', 'type:platform', 'type:domain', 'type:util'] },
            { sourceTag: 'scope:tools', onlyDependOnLibsWithTags: ['scope:tools', 'scope:shared'] },
            { sourceTag: 'scope:command', onlyDependOnLibsWithTags: ['scope:shared', 'scope:command'] },
            { sourceTag: 'scope:relay', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:projector', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:query', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:ops', onlyDependOnLibsWithTags: ['scope:shared', 'scope:tools'] },
            // The system suite drives the built apps over HTTP: libs only, never an app's sources.
            {
              sourceTag: 'type:e2e',
              onlyDependOnLibsWithTags: ['type:domain', 'type:data-access', 'type:platform', 'type:testing', 'type:util'],
            },
            { sourceTag: 'scope:system', onlyDependOnLibsWithTags: ['scope:shared'] },
            // Only libs/testing among the shared libs may reach the tools' lib: every runtime type above excludes type:tooling.
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared', 'scope:tools'] },
            // The read model's parts: the schema stands alone, the projection never reaches into the
            // operator tools, the projector never runs them, the query service reads the schema only.
            { sourceTag: 'read-model:schema', notDependOnLibsWithTags: ['read-model:projection', 'read-model:operations'] },
            { sourceTag: 'read-model:projection', notDependOnLibsWithTags: ['read-model:operations'] },
            { sourceTag: 'scope:projector', notDependOnLibsWithTags: ['read-model:operations'] },
            { sourceTag: 'scope:query', notDependOnLibsWithTags: ['read-model:projection', 'read-model:operations'] },
          ],
        },
      ],
    },
  },
  // Every test can fail and runs: none focused or disabled, each asserts (directly or through a helper named for it).
  // *.e2e-cases.ts: cases a spec registers on a system it started once (apps/system-e2e).
  {
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', '**/*.e2e-cases.ts'],
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

/**
 * An app's tests may fill and check the read model as the projector and the operator tools do,
 * which the app's own code may not: its constraints on the read model's parts are lifted there.
 */
export function readModelPartsInTests(config, sourceTag) {
  const [severity, options] = config.find((block) => block.rules?.['@nx/enforce-module-boundaries']).rules['@nx/enforce-module-boundaries'];
  const depConstraints = options.depConstraints.filter(
    (constraint) =>
      !(constraint.sourceTag === sourceTag && constraint.notDependOnLibsWithTags?.some((tag) => tag.startsWith('read-model:'))),
  );
  return {
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', '**/testing/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': [severity, { ...options, depConstraints }] },
  };
}
