import { consumerLag, offsetAfter } from './consumer-lag';

describe('offsetAfter', () => {
  it('is the next offset, exact beyond 2^53', () => {
    expect(offsetAfter('0')).toBe('1');
    expect(offsetAfter('41')).toBe('42');
    expect(offsetAfter('9007199254740993')).toBe('9007199254740994');
  });
});

describe('consumerLag', () => {
  it('is the high watermark minus the next offset', () => {
    expect(consumerLag('100', '60')).toBe(40);
  });

  it('is zero when caught up', () => {
    expect(consumerLag('100', '100')).toBe(0);
  });

  it('is never negative when the watermark was read before a commit', () => {
    expect(consumerLag('100', '105')).toBe(0);
  });

  it('counts from the low watermark when the group committed nothing yet', () => {
    expect(consumerLag('100', null, '30')).toBe(70);
    expect(consumerLag('100', '-1', '30')).toBe(70);
    expect(consumerLag('100', null)).toBe(100);
  });

  it('is exact for offsets beyond 2^53', () => {
    expect(consumerLag('9007199254741000', '9007199254740993')).toBe(7);
  });
});
