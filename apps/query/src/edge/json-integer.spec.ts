import { exactInteger, safeInteger } from './json-integer';

describe('JSON integers from bigint columns', () => {
  it('given a safe decimal, then both give the exact number', () => {
    expect(safeInteger('0')).toBe(0);
    expect(safeInteger('9007199254740991')).toBe(Number.MAX_SAFE_INTEGER);
    expect(exactInteger('123456')).toBe(123456);
    expect(exactInteger('9007199254740991')).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('given a total past 2^53 - 1, then it stays an exact decimal string', () => {
    expect(exactInteger('9007199254740992')).toBe('9007199254740992');
    expect(exactInteger('18014398509481982')).toBe('18014398509481982');
    expect(exactInteger('99999999999999999999999999999999999999')).toBe('99999999999999999999999999999999999999');
  });

  it('given a balance past the safe range, then it refuses to round it', () => {
    expect(() => safeInteger('9007199254740992')).toThrow(RangeError);
  });
});
