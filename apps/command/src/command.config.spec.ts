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

  it('given only the issuer, then holds expire, swept every 250 ms', () => {
    expect(loadConfig(CommandConfig, ISSUER)).toMatchObject({ HOLD_EXPIRY_ENABLED: true, HOLD_EXPIRY_INTERVAL_MS: 250 });
  });

  it('given HOLD_EXPIRY_ENABLED=false, then the worker is off; anything but true or false stops boot naming it', () => {
    expect(loadConfig(CommandConfig, { ...ISSUER, HOLD_EXPIRY_ENABLED: 'false' }).HOLD_EXPIRY_ENABLED).toBe(false);
    for (const value of ['no', '0', 'TRUE']) {
      expect(() => loadConfig(CommandConfig, { ...ISSUER, HOLD_EXPIRY_ENABLED: value })).toThrow(
        /HOLD_EXPIRY_ENABLED: must be true or false/,
      );
    }
  });

  it('given a sweep interval that is not a whole number of milliseconds from 10 to 60000, then boot stops naming it', () => {
    for (const value of ['0', '9', '60001', '-250', '0.5', 'often']) {
      expect(() => loadConfig(CommandConfig, { ...ISSUER, HOLD_EXPIRY_INTERVAL_MS: value })).toThrow(/HOLD_EXPIRY_INTERVAL_MS/);
    }
    expect(loadConfig(CommandConfig, { ...ISSUER, HOLD_EXPIRY_INTERVAL_MS: '1000' }).HOLD_EXPIRY_INTERVAL_MS).toBe(1_000);
  });
});
