module.exports = {
  displayName: 'oidc-issuer',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/tools/oidc-issuer',
};
