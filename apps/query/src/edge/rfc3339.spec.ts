import { isLongerThanDays, isReversedRange, parseRfc3339, postgresInstant, rfc3339Nanos } from './rfc3339';

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

  it('calls a range reversed only when both ends are given and from is after to, to the nanosecond', () => {
    expect(isReversedRange('2026-03-01T11:00:00Z', '2026-03-01T10:00:00Z')).toBe(true);
    expect(isReversedRange('2026-03-01T12:00:00+02:00', '2026-03-01T10:00:00Z')).toBe(false);
    expect(isReversedRange('2026-03-01T10:00:00.000000001Z', '2026-03-01T10:00:00Z')).toBe(true);
    expect(isReversedRange('2026-03-01T10:00:00.000000000Z', '2026-03-01T10:00:00Z')).toBe(false);
    expect(isReversedRange('2026-03-01T10:00:00Z', undefined)).toBe(false);
    expect(isReversedRange(undefined, '2026-03-01T10:00:00Z')).toBe(false);
  });

  it.each([
    ['a whole second', '2026-03-01T10:00:00Z', BigInt(Date.UTC(2026, 2, 1, 10)) * 1_000_000n],
    ['nine fraction digits', '2026-03-01T10:00:00.123456789Z', BigInt(Date.UTC(2026, 2, 1, 10)) * 1_000_000n + 123_456_789n],
    ['one fraction digit, in an offset', '2026-03-01T12:00:00.5+02:00', BigInt(Date.UTC(2026, 2, 1, 10)) * 1_000_000n + 500_000_000n],
    ['an instant before 1970', '1969-12-31T23:59:59.999999999Z', -1n],
    ['year 1', '0001-01-01T00:00:00Z', -62_135_596_800_000n * 1_000_000n],
  ])('counts %s to the nanosecond', (_label, text, nanos) => {
    expect(rfc3339Nanos(text)).toBe(nanos);
  });

  it.each([
    ['a whole microsecond, either way', '2026-03-01T10:00:00.123456Z', '2026-03-01T10:00:00.123456Z', '2026-03-01T10:00:00.123456Z'],
    ['half a microsecond before the hour', '2026-03-01T10:59:59.9999995Z', '2026-03-01T10:59:59.999999Z', '2026-03-01T11:00:00.000000Z'],
    ['a nanosecond after the hour', '2026-03-01T11:00:00.000000001Z', '2026-03-01T11:00:00.000000Z', '2026-03-01T11:00:00.000001Z'],
    ['an offset Postgres refuses (-16:00)', '2026-02-28T19:00:00-16:00', '2026-03-01T11:00:00.000000Z', '2026-03-01T11:00:00.000000Z'],
    ['the first instant there is', '0001-01-01T00:00:00+23:59', '0001-12-31T00:01:00.000000Z BC', '0001-12-31T00:01:00.000000Z BC'],
    ['the last instant there is', '9999-12-31T23:59:59.999999999-23:59', '10000-01-01T23:58:59.999999Z', '10000-01-01T23:59:00.000000Z'],
    ['a carry across the year', '2026-12-31T23:59:59.9999999Z', '2026-12-31T23:59:59.999999Z', '2027-01-01T00:00:00.000000Z'],
    ['before 1970', '1969-12-31T23:59:59.9999995Z', '1969-12-31T23:59:59.999999Z', '1970-01-01T00:00:00.000000Z'],
  ])('hands Postgres %s in UTC and whole microseconds, rounded down or up', (_label, text, down, up) => {
    expect([postgresInstant(text, 'down'), postgresInstant(text, 'up')]).toEqual([down, up]);
  });

  it('measures a period in whole days to the nanosecond, whatever the offsets', () => {
    expect(isLongerThanDays('2028-01-01T00:00:00Z', '2029-01-01T00:00:00Z', 366)).toBe(false);
    expect(isLongerThanDays('2028-01-01T00:00:00Z', '2029-01-01T00:00:00.000000001Z', 366)).toBe(true);
    expect(isLongerThanDays('2028-01-01T00:00:00+01:00', '2029-01-01T00:00:00+01:00', 366)).toBe(false);
    expect(isLongerThanDays('2028-01-01T00:00:00+01:00', '2029-01-01T00:00:00Z', 366)).toBe(true);
    expect(isLongerThanDays('2029-01-01T00:00:00Z', '2028-01-01T00:00:00Z', 366)).toBe(false);
  });
});
