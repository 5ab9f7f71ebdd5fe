/**
 * RFC 3339 date-times as the query parameters take them: `2026-03-01T10:00:00Z`,
 * `2026-03-01T12:00:00.123456+02:00`. An offset is required (a time without one names no instant);
 * `T` and `Z` in upper case; fractions of up to 9 digits (Postgres keeps microseconds).
 */
const RFC_3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|([+-])(\d{2}):(\d{2}))$/;

/** As OpenAPI documents a timestamp parameter. */
export const RFC_3339_PATTERN = RFC_3339.source;
export const RFC_3339_MAX_LENGTH = 35;

const daysIn = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();

/**
 * The instant in epoch milliseconds, or null for anything else, including dates the calendar does not
 * have (`2026-02-30`, hour 24, second 60), which Date.parse would quietly roll over.
 */
export function parseRfc3339(text: string): number | null {
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
  const instant = Date.parse(text);
  return Number.isNaN(instant) ? null : instant;
}

/** true when both ends are given and `from` comes after `to` (equal ends: an empty range, not an error). */
export function isReversedRange(from: string | undefined, to: string | undefined): boolean {
  if (from === undefined || to === undefined) return false;
  return (parseRfc3339(from) ?? Number.NaN) > (parseRfc3339(to) ?? Number.NaN);
}
