module.exports = {
  displayName: 'command',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/apps/command',
};
