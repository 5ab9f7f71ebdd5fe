module.exports = {
  displayName: 'query',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  // e2e suites wait on the database and on notifications; a loaded 2-core machine needs slack.
  testTimeout: 30_000,
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'js', 'html'],
  coverageDirectory: '../../coverage/apps/query',
};
