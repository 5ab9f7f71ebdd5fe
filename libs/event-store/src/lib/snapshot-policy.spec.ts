import { snapshotDue } from './snapshot-policy';

describe('snapshotDue', () => {
  it.each([
    [0, 1, 100, false],
    [98, 99, 100, false],
    [99, 100, 100, true],
    [100, 101, 100, false],
    [98, 102, 100, true],
    [150, 250, 100, true],
    [199, 200, 100, true],
    [0, 3, 3, true],
    [3, 5, 3, false],
    [0, 1, 1, true],
  ])('from version %i to %i every %i: %s', (previous, next, every, expected) => {
    expect(snapshotDue(previous, next, every)).toBe(expected);
  });

  it('defaults to every 100 versions', () => {
    expect(snapshotDue(99, 100)).toBe(true);
    expect(snapshotDue(100, 199)).toBe(false);
  });

  it.each([
    [0, 1, 0],
    [0, 1, -5],
    [0, 1, 2.5],
    [-1, 1, 10],
    [5, 4, 10],
  ])('refuses previous %p, next %p, every %p', (previous, next, every) => {
    expect(() => snapshotDue(previous, next, every)).toThrow(/snapshotDue/);
  });
});
