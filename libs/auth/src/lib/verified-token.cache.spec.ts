import type { Caller } from './caller';
import { VerifiedTokenCache } from './verified-token.cache';

const callerUntil = (expiresAtMs: number, subject = 'alice'): Caller => ({
  subject,
  clientId: null,
  scopes: new Set(['ledger:read']),
  expiresAt: new Date(expiresAtMs),
});

describe('VerifiedTokenCache', () => {
  it('answers for a remembered token until its expiry, never at or after it', () => {
    const cache = new VerifiedTokenCache(10);
    const caller = callerUntil(1_000);
    cache.remember('t', caller);

    expect(cache.get('t', 999)).toBe(caller);
    expect(cache.get('t', 1_000)).toBeUndefined();
    expect(cache.get('t', 999)).toBeUndefined();
  });

  it('forgets the least recently used token beyond its capacity', () => {
    const cache = new VerifiedTokenCache(2);
    cache.remember('a', callerUntil(10_000, 'a'));
    cache.remember('b', callerUntil(10_000, 'b'));
    cache.get('a', 0);
    cache.remember('c', callerUntil(10_000, 'c'));

    expect(cache.size).toBe(2);
    expect(cache.get('b', 0)).toBeUndefined();
    expect(cache.get('a', 0)?.subject).toBe('a');
    expect(cache.get('c', 0)?.subject).toBe('c');
  });

  it('remembers nothing with capacity 0', () => {
    const cache = new VerifiedTokenCache(0);
    cache.remember('a', callerUntil(10_000));
    expect(cache.get('a', 0)).toBeUndefined();
  });
});
