module.exports = {
  displayName: 'system-e2e',
  preset: '../../jest.preset.js',
  // Every request crosses four processes, Postgres and Kafka on a shared 2-core machine.
  testTimeout: 60_000,
  coverageDirectory: '../../coverage/apps/system-e2e',
};
