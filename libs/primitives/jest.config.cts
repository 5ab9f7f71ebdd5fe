module.exports = {
  displayName: 'primitives',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/libs/primitives',
};
