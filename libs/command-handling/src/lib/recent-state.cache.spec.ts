import { AccountState, initialAccountState } from '@ledger/domain';
import { RecentStateCache } from './recent-state.cache';

const at = (version: number) => ({ state: initialAccountState, version });

describe('RecentStateCache', () => {
  it('given a remembered account, when read without an expected version, then it is returned', () => {
    const cache = new RecentStateCache<AccountState>();
    cache.remember('a', at(3));
    expect(cache.get('a')).toEqual(at(3));
  });

  it('given a remembered account, when read expecting another version, then it is a miss', () => {
    const cache = new RecentStateCache<AccountState>();
    cache.remember('a', at(3));
    expect(cache.get('a', 4)).toBeUndefined();
    expect(cache.get('a', 3)).toEqual(at(3));
  });

  it('given a forgotten account, when read, then it is a miss', () => {
    const cache = new RecentStateCache<AccountState>();
    cache.remember('a', at(1));
    cache.forget('a');
    expect(cache.get('a')).toBeUndefined();
  });

  it('given a full cache, when another account is remembered, then the least recently used goes', () => {
    const cache = new RecentStateCache<AccountState>(2);
    cache.remember('a', at(1));
    cache.remember('b', at(1));
    cache.get('a');
    cache.remember('c', at(1));
    expect(cache.size).toBe(2);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toEqual(at(1));
    expect(cache.get('c')).toEqual(at(1));
  });

  it('refuses a capacity below one', () => {
    expect(() => new RecentStateCache(0)).toThrow(/capacity/);
  });
});
