import { AppendNotifier } from './append-notifier';

const INTERVAL = 10;

/** A notifier on Jest's clock, and the stand-alone NOTIFYs it sent. */
function notifier(intervalMs = INTERVAL) {
  const sent: string[] = [];
  return { notifier: new AppendNotifier(intervalMs, (streamId) => sent.push(streamId)), sent };
}

describe('AppendNotifier', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('given no claim yet, when an append asks, then it carries the NOTIFY', () => {
    const { notifier: n, sent } = notifier();

    const claim = n.claim();
    n.settled(claim, 'a');
    jest.advanceTimersByTime(10 * INTERVAL);

    expect(claim).not.toBeNull();
    expect(sent).toEqual([]);
  });

  it('given a claim inside the interval, when another append asks, then it commits quietly', () => {
    const { notifier: n } = notifier();
    n.claim();
    jest.advanceTimersByTime(INTERVAL - 1);

    expect(n.claim()).toBeNull();
    jest.advanceTimersByTime(1);
    expect(n.claim()).not.toBeNull();
  });

  it('given a quiet commit, when the next claiming append commits in time, then no stand-alone NOTIFY goes out', () => {
    const { notifier: n, sent } = notifier();
    n.settled(n.claim(), 'a');
    n.settled(n.claim(), 'b');

    jest.advanceTimersByTime(INTERVAL);
    const next = n.claim();
    jest.advanceTimersByTime(INTERVAL / 2);
    n.settled(next, 'c');
    jest.advanceTimersByTime(10 * INTERVAL);

    expect(next).not.toBeNull();
    expect(sent).toEqual([]);
  });

  it('given a quiet commit and no append after it, then one stand-alone NOTIFY names it two intervals after the claim', () => {
    const { notifier: n, sent } = notifier();
    n.settled(n.claim(), 'a');
    jest.advanceTimersByTime(3);
    n.settled(n.claim(), 'b');
    n.settled(n.claim(), 'c');

    jest.advanceTimersByTime(2 * INTERVAL - 3 - 1);
    expect(sent).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(sent).toEqual(['c']);
    jest.advanceTimersByTime(10 * INTERVAL);
    expect(sent).toEqual(['c']);
  });

  it('given a claim that wrote nothing (a conflict), then the quiet commit before it is still owed its NOTIFY', () => {
    const { notifier: n, sent } = notifier();
    n.settled(n.claim(), 'a');
    n.settled(n.claim(), 'b');
    jest.advanceTimersByTime(INTERVAL);

    n.settled(n.claim(), null);
    jest.advanceTimersByTime(10 * INTERVAL);

    expect(sent).toEqual(['b']);
  });

  it('given a quiet commit after the claim that is in flight, then that claim does not cover it', () => {
    const { notifier: n, sent } = notifier();
    const first = n.claim();
    n.settled(n.claim(), 'b');
    n.settled(first, 'a');
    jest.advanceTimersByTime(10 * INTERVAL);

    expect(sent).toEqual(['b']);
  });

  it('given a claim still in flight when the stand-alone is due, then it waits for that claim once', () => {
    const { notifier: n, sent } = notifier();
    n.settled(n.claim(), 'a');
    n.settled(n.claim(), 'b');
    jest.advanceTimersByTime(INTERVAL + 5);
    const slow = n.claim();

    jest.advanceTimersByTime(INTERVAL - 5);
    expect(sent).toEqual([]);
    n.settled(slow, 'c');
    jest.advanceTimersByTime(10 * INTERVAL);
    expect(sent).toEqual([]);
  });

  it('given a claim in flight that never commits, then the stand-alone goes out after waiting once', () => {
    const { notifier: n, sent } = notifier();
    n.settled(n.claim(), 'a');
    n.settled(n.claim(), 'b');
    jest.advanceTimersByTime(INTERVAL + 5);
    n.claim();

    jest.advanceTimersByTime(2 * INTERVAL + 5);

    expect(sent).toEqual(['b']);
  });

  it('given an interval of 0, then every append carries its own NOTIFY', () => {
    const { notifier: n, sent } = notifier(0);

    const claims = [n.claim(), n.claim(), n.claim()];
    claims.forEach((claim, i) => n.settled(claim, `s${i}`));
    jest.advanceTimersByTime(100);

    expect(claims.every((claim) => claim !== null)).toBe(true);
    expect(sent).toEqual([]);
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('refuses an interval of %p', (interval) => {
    expect(() => new AppendNotifier(interval, () => undefined)).toThrow('notifyMinIntervalMs must be a non-negative number');
  });
});
