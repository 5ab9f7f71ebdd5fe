module.exports = {
  displayName: 'primitives',
  preset: '../../jest.preset.js',
<<<<<<< HEAD:libs/primitives/jest.config.cts
  testEnvironment: 'node',
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'js', 'html'],
  coverageDirectory: '../../coverage/libs/primitives',
=======
  coverageDirectory: '../../coverage/libs/read-model',
>>>>>>> dedupe:libs/read-model/jest.config.cts
};
