module.exports = {
  displayName: 'read-model',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/libs/read-model',
};
