import { arrayLiteral, nullableQuoted, quotedElement } from './array-literal';

describe('array literals', () => {
  it('given literal-safe elements, then they are joined in braces as they are', () => {
    expect(arrayLiteral(['1', 'NULL', '2026-03-01T10:00:00.000Z'])).toBe('{1,NULL,2026-03-01T10:00:00.000Z}');
    expect(arrayLiteral([])).toBe('{}');
  });

  it('given free text, then it is quoted with backslashes and double quotes escaped', () => {
    expect(quotedElement('a "b", \\ {c}')).toBe('"a \\"b\\", \\\\ {c}"');
    expect(quotedElement('NULL')).toBe('"NULL"');
  });

  it('given a null, then it is the unquoted NULL, and text is quoted', () => {
    expect([nullableQuoted(null), nullableQuoted('x')]).toEqual(['NULL', '"x"']);
  });
});
