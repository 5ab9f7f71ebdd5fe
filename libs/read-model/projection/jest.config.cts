module.exports = {
  displayName: 'read-model-projection',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/read-model/projection',
};
