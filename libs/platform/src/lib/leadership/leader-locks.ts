/**
 * The advisory-lock keys that elect a leader, in one place: two parts of the system sharing a key
 * would each stand by while the other leads. Any 64-bit constants; the read model's rebuild and
 * dead-letter drainer lock 7365423801512019 and 7365423801512020, which these must not equal either.
 */
export const RELAY_LOCK_KEY = '4242001';

/** The command service's hold-expiry worker. */
export const HOLD_EXPIRY_LOCK_KEY = '4242002';

const LOCK_NAMES: Readonly<Record<string, string>> = {
  [RELAY_LOCK_KEY]: 'relay',
  [HOLD_EXPIRY_LOCK_KEY]: 'hold-expiry',
};

/** What logs call a lock: `relay lock`, or the bare key for one not listed here. */
export function leaderLockName(lockKey: string): string {
  const name = LOCK_NAMES[lockKey];
  return name === undefined ? `advisory lock ${lockKey}` : `${name} lock`;
}
