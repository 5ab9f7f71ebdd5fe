import { loadConfig } from '@ledger/platform';
import { CommandConfig } from './command.config';

const ISSUER = { OIDC_ISSUER: 'https://issuer.example.com' };

describe('CommandConfig', () => {
  it('given only the issuer, then at most 100 commands wait per account', () => {
    expect(loadConfig(CommandConfig, ISSUER).COMMAND_ACCOUNT_QUEUE_LIMIT).toBe(100);
  });

  it('given a queue limit that is not a count, then boot stops naming it', () => {
    for (const value of ['-1', 'lots', '1.5']) {
      expect(() => loadConfig(CommandConfig, { ...ISSUER, COMMAND_ACCOUNT_QUEUE_LIMIT: value })).toThrow(/COMMAND_ACCOUNT_QUEUE_LIMIT/);
    }
    expect(loadConfig(CommandConfig, { ...ISSUER, COMMAND_ACCOUNT_QUEUE_LIMIT: '0' }).COMMAND_ACCOUNT_QUEUE_LIMIT).toBe(0);
  });
});
