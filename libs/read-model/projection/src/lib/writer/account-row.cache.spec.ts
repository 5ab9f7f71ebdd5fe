import type { AccountView } from '@ledger/read-model-schema';
import { AccountRowCache } from './account-row.cache';

const row = (accountId: string, rowXmin = '100') => ({ view: { accountId, version: 1 } as AccountView, rowXmin });

describe('AccountRowCache', () => {
  it('given more rows than its capacity, then the least recently used goes first', () => {
    const cache = new AccountRowCache(2);
    cache.set('a', row('a'));
    cache.set('b', row('b'));
    cache.get('a');
    cache.set('c', row('c'));
    expect([cache.get('a')?.view.accountId, cache.get('b'), cache.get('c')?.view.accountId]).toEqual(['a', undefined, 'c']);
    expect(cache.size).toBe(2);
  });

  it('given a row set again, then the latest replaces it', () => {
    const cache = new AccountRowCache(2);
    cache.set('a', row('a', '100'));
    cache.set('a', row('a', '101'));
    expect(cache.get('a')?.rowXmin).toBe('101');
    expect(cache.size).toBe(1);
  });

  it('given rows forgotten, then they are gone and the others stay', () => {
    const cache = new AccountRowCache(3);
    for (const id of ['a', 'b', 'c']) cache.set(id, row(id));
    cache.forget(['a', 'c', 'x']);
    expect([cache.get('a'), cache.get('b')?.view.accountId, cache.get('c')]).toEqual([undefined, 'b', undefined]);
  });

  it('given a row peeked, then it is returned and stays as recently used as it was', () => {
    const cache = new AccountRowCache(2);
    cache.set('a', row('a'));
    cache.set('b', row('b'));
    expect(cache.peek('a')?.view.accountId).toBe('a');
    cache.set('c', row('c'));
    expect([cache.peek('a'), cache.peek('b')?.view.accountId, cache.peek('c')?.view.accountId]).toEqual([undefined, 'b', 'c']);
  });

  it('refuses a capacity below one', () => {
    expect(() => new AccountRowCache(0)).toThrow(RangeError);
  });
});
