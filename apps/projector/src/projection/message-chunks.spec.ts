import { chunksOf } from './message-chunks';

describe('chunksOf', () => {
  it('cuts in order into slices of at most the size, the last one shorter', () => {
    expect(chunksOf([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('keeps a batch that fits in one slice whole', () => {
    expect(chunksOf(['a', 'b'], 500)).toEqual([['a', 'b']]);
    expect(chunksOf([1, 2, 3], 3)).toEqual([[1, 2, 3]]);
  });

  it('gives nothing for nothing', () => {
    expect(chunksOf([], 10)).toEqual([]);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses a size of %p', (size) => {
    expect(() => chunksOf([1], size)).toThrow(RangeError);
  });
});
