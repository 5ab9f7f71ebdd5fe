import { hotSource, pairs } from './account-pairs';

const ACCOUNTS = ['a', 'b', 'c', 'd', 'e'];

describe('pairs', () => {
  it('takes disjoint pairs in turn, each source giving to its one destination, and leaves an odd account out', () => {
    const next = pairs(ACCOUNTS);
    const seen = Array.from({ length: 4 }, () => next().join('>'));
    expect(new Set(seen)).toEqual(new Set(['a>b', 'c>d']));
    expect(seen[0]).not.toBe(seen[1]);
  });

  it('refuses fewer than two accounts', () => {
    expect(() => pairs(['a'])).toThrow(/two accounts/);
  });
});

describe('hotSource', () => {
  it('sends every transfer from the first account, to each of the others in turn', () => {
    const next = hotSource(ACCOUNTS);
    const seen = Array.from({ length: 4 }, () => next());
    expect(seen.every(([from]) => from === 'a')).toBe(true);
    expect(new Set(seen.map(([, to]) => to))).toEqual(new Set(['b', 'c', 'd', 'e']));
  });

  it('refuses fewer than two accounts', () => {
    expect(() => hotSource(['a'])).toThrow(/two accounts/);
  });
});
