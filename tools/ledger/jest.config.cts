module.exports = {
  displayName: 'ledger-cli',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/tools/ledger',
};
