import { durationSeconds } from './idempotency-retention';

describe('durationSeconds', () => {
  it.each([
    ['90s', 90],
    ['30m', 1_800],
    ['24h', 86_400],
    ['7d', 604_800],
  ])('given %s, then %i seconds', (duration, seconds) => {
    expect(durationSeconds(duration)).toBe(seconds);
  });

  it.each(['', '24', 'h', '0h', '-1h', '1.5h', '24 h', '24H', '1w', '1234567s'])('given %j, then it throws', (duration) => {
    expect(() => durationSeconds(duration)).toThrow(/not a duration/);
  });
});
