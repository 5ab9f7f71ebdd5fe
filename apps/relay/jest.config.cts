module.exports = {
  displayName: 'relay',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/apps/relay',
};
