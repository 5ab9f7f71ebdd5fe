module.exports = {
  displayName: 'read-model-operations',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/read-model/operations',
};
