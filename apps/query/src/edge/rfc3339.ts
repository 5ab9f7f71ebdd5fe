/**
 * RFC 3339 date-times as the query parameters take them: `2026-03-01T10:00:00Z`,
 * `2026-03-01T12:00:00.123456+02:00`. An offset is required (a time without one names no instant);
 * `T` and `Z` in upper case; fractions of up to 9 digits, every one of them counted (Postgres keeps
 * microseconds: see postgresInstant).
 */
const RFC_3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|([+-])(\d{2}):(\d{2}))$/;

/** As OpenAPI documents a timestamp parameter. */
export const RFC_3339_PATTERN = RFC_3339.source;
export const RFC_3339_MAX_LENGTH = 35;

const daysIn = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();

const NANOS_PER_MILLI = 1_000_000n;
const NANOS_PER_MICRO = 1_000n;
const NANOS_PER_DAY = 86_400_000_000_000n;

/**
 * The instant in nanoseconds since the epoch, every fraction digit kept; null for anything else,
 * including dates the calendar does not have (`2026-02-30`, hour 24, second 60), which Date.parse
 * would quietly roll over.
 */
export function rfc3339Nanos(text: string): bigint | null {
  const match = text.length <= RFC_3339_MAX_LENGTH ? RFC_3339.exec(text) : null;
  if (match === null) return null;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const [offsetHours, offsetMinutes] = [Number(match[10] ?? 0), Number(match[11] ?? 0)];
  const valid =
    year >= 1 &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysIn(year, month) &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59 &&
    offsetHours <= 23 &&
    offsetMinutes <= 59;
  if (!valid) return null;
  const fraction = match[7] ?? '';
  // Date.parse reads ISO years as written (Date.UTC would take year 1 for 1901); the fraction is added exactly.
  const wholeSeconds = Date.parse(fraction === '' ? text : text.replace(fraction, ''));
  if (Number.isNaN(wholeSeconds)) return null;
  return BigInt(wholeSeconds) * NANOS_PER_MILLI + BigInt(fraction.slice(1).padEnd(9, '0'));
}

/** The instant in epoch milliseconds (a finer fraction cut off), or null as rfc3339Nanos. */
export function parseRfc3339(text: string): number | null {
  const nanos = rfc3339Nanos(text);
  return nanos === null ? null : Number(floorDivide(nanos, NANOS_PER_MILLI));
}

/** true when both ends are given and `from` comes after `to` (equal ends: an empty range, not an error). */
export function isReversedRange(from: string | undefined, to: string | undefined): boolean {
  if (from === undefined || to === undefined) return false;
  const [start, end] = [rfc3339Nanos(from), rfc3339Nanos(to)];
  return start !== null && end !== null && start > end;
}

/** true when both ends are valid and `to` is more than `days` whole days after `from`, to the nanosecond. */
export function isLongerThanDays(from: string, to: string, days: number): boolean {
  const [start, end] = [rfc3339Nanos(from), rfc3339Nanos(to)];
  return start !== null && end !== null && end - start > BigInt(days) * NANOS_PER_DAY;
}

/**
 * The instant as Postgres is to compare it with a timestamptz, which holds whole microseconds: in UTC
 * (Postgres refuses offsets past ±15:59, which RFC 3339 allows) and in whole microseconds, rounded the
 * way the comparison needs. Postgres itself would round a finer fraction to the nearest microsecond,
 * which can carry an instant past an event. For a column of whole microseconds `c` and any instant `a`:
 * `c <= a` is `c <= down(a)`, `c < a` is `c < up(a)`, `c >= a` is `c >= up(a)`.
 */
export function postgresInstant(text: string, rounding: 'down' | 'up'): string {
  const nanos = rfc3339Nanos(text);
  if (nanos === null) throw new Error(`not an RFC 3339 date-time: ${text}`);
  const down = floorDivide(nanos, NANOS_PER_MICRO);
  const micros = rounding === 'up' && down * NANOS_PER_MICRO !== nanos ? down + 1n : down;
  const millis = floorDivide(micros, 1_000n);
  const date = new Date(Number(millis));
  const year = date.getUTCFullYear();
  const two = (n: number) => String(n).padStart(2, '0');
  const fraction = `${String(date.getUTCMilliseconds()).padStart(3, '0')}${String(micros - millis * 1_000n).padStart(3, '0')}`;
  // Year 1 with an offset ahead of UTC is still in year 0 there: 1 BC, as Postgres writes it.
  const [shownYear, era] = year >= 1 ? [year, ''] : [1 - year, ' BC'];
  return (
    `${String(shownYear).padStart(4, '0')}-${two(date.getUTCMonth() + 1)}-${two(date.getUTCDate())}` +
    `T${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}.${fraction}Z${era}`
  );
}

function floorDivide(dividend: bigint, divisor: bigint): bigint {
  const quotient = dividend / divisor;
  return quotient * divisor > dividend ? quotient - 1n : quotient;
}
