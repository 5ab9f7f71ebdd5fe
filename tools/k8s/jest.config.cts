module.exports = {
  displayName: 'deploy',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/tools/k8s',
};
