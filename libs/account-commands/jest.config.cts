module.exports = {
  displayName: 'account-commands',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/libs/account-commands',
};
