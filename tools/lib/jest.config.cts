module.exports = {
  displayName: 'tooling',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/tools/lib',
};
