module.exports = {
  displayName: 'query',
  preset: '../../jest.preset.js',
  // e2e suites wait on the database and on notifications; a loaded 2-core machine needs slack.
  testTimeout: 30_000,
  coverageDirectory: '../../coverage/apps/query',
};
