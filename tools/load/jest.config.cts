module.exports = {
  displayName: 'load',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/tools/load',
};
