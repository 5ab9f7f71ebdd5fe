/** A duration as an operator writes it: a whole number and a unit, s, m, h or d (e.g. `90s`, `24h`, `7d`). */
export const DURATION = /^([1-9]\d{0,5})([smhd])$/;

const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3_600, d: 86_400 };

/** The duration in seconds; throws on anything `DURATION` does not match (config validation runs first). */
export function durationSeconds(duration: string): number {
  const match = DURATION.exec(duration);
  const unit = match?.[2];
  if (match === null || unit === undefined) throw new Error(`not a duration: ${JSON.stringify(duration)}`);
  return Number(match[1]) * (UNIT_SECONDS[unit] ?? Number.NaN);
}
