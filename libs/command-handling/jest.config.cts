module.exports = {
  displayName: 'command-handling',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/libs/command-handling',
};
