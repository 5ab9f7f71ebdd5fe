import { HOLD_EXPIRY_LOCK_KEY, leaderLockName, RELAY_LOCK_KEY } from './leader-locks';

describe('leader locks', () => {
  it('given the relay and the hold-expiry worker, then each elects its leader on a key of its own', () => {
    expect(new Set([RELAY_LOCK_KEY, HOLD_EXPIRY_LOCK_KEY]).size).toBe(2);
    expect(leaderLockName(RELAY_LOCK_KEY)).toBe('relay lock');
    expect(leaderLockName(HOLD_EXPIRY_LOCK_KEY)).toBe('hold-expiry lock');
  });

  it('given a key not listed, then logs name it by its key', () => {
    expect(leaderLockName('77')).toBe('advisory lock 77');
  });
});
