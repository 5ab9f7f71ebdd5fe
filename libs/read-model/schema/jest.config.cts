module.exports = {
  displayName: 'read-model-schema',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/read-model/schema',
};
