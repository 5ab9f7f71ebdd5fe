const nxPreset = require('@nx/jest/preset').default;

// Test tiers by suffix: *.spec.ts (unit, no I/O), *.int-spec.ts (real Postgres/Kafka),
// *.e2e-spec.ts (an app over HTTP). All run under `nx test <project>`.
module.exports = {
  ...nxPreset,
  testMatch: ['**/?(*.)+(spec|int-spec|e2e-spec).ts'],
  testEnvironment: 'node',
  // <rootDir> is the project's: each compiles its tests with its own tsconfig.spec.json.
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'js', 'html'],
};
