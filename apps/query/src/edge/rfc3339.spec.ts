import { isReversedRange, parseRfc3339 } from './rfc3339';

describe('RFC 3339 query timestamps', () => {
  it.each([
    ['2026-03-01T10:00:00Z', Date.UTC(2026, 2, 1, 10)],
    ['2026-03-01T10:00:00.5Z', Date.UTC(2026, 2, 1, 10, 0, 0, 500)],
    ['2026-03-01T12:00:00.123456789+02:00', Date.UTC(2026, 2, 1, 10, 0, 0, 123)],
    ['2026-03-01T05:30:00-04:30', Date.UTC(2026, 2, 1, 10)],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
  ])('given %s, then the instant it names', (text, instant) => {
    expect(parseRfc3339(text)).toBe(instant);
  });

  it.each([
    ['a date alone', '2026-03-01'],
    ['no offset', '2026-03-01T10:00:00'],
    ['a lower-case t', '2026-03-01t10:00:00Z'],
    ['a space for T', '2026-03-01 10:00:00Z'],
    ['February the 30th', '2026-02-30T00:00:00Z'],
    ['the 29th of February of a common year', '2026-02-29T00:00:00Z'],
    ['month 13', '2026-13-01T00:00:00Z'],
    ['day 0', '2026-03-00T00:00:00Z'],
    ['hour 24', '2026-03-01T24:00:00Z'],
    ['second 60', '2026-03-01T10:00:60Z'],
    ['an offset of 24 hours', '2026-03-01T10:00:00+24:00'],
    ['ten fraction digits', '2026-03-01T10:00:00.1234567890Z'],
    ['year 0', '0000-03-01T10:00:00Z'],
    ['epoch milliseconds', '1772323200000'],
    ['trailing text', "2026-03-01T10:00:00Z' OR '1'='1"],
    ['the empty string', ''],
  ])('given %s, then null', (_label, text) => {
    expect(parseRfc3339(text)).toBeNull();
  });

  it('calls a range reversed only when both ends are given and from is after to', () => {
    expect(isReversedRange('2026-03-01T11:00:00Z', '2026-03-01T10:00:00Z')).toBe(true);
    expect(isReversedRange('2026-03-01T12:00:00+02:00', '2026-03-01T10:00:00Z')).toBe(false);
    expect(isReversedRange('2026-03-01T10:00:00Z', undefined)).toBe(false);
    expect(isReversedRange(undefined, '2026-03-01T10:00:00Z')).toBe(false);
  });
});
