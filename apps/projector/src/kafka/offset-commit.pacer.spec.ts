import { OffsetCommitPacer } from './offset-commit.pacer';

describe('OffsetCommitPacer', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  const commits = () => {
    const made: string[] = [];
    return { made, later: (name: string) => async () => void made.push(name) };
  };

  it('lets the first commit through at once, then one per interval', () => {
    const pacer = new OffsetCommitPacer(1_000);
    const { later } = commits();
    expect(pacer.due(later('a'))).toBe(true);
    jest.advanceTimersByTime(400);
    expect(pacer.due(later('b'))).toBe(false);
    jest.advanceTimersByTime(599);
    expect(pacer.due(later('c'))).toBe(false);
  });

  it('runs the latest held-back commit once the interval is over, so a partition that went quiet reaches the group', () => {
    const pacer = new OffsetCommitPacer(1_000);
    const { made, later } = commits();
    pacer.due(later('first'));
    jest.advanceTimersByTime(100);
    pacer.due(later('b'));
    pacer.due(later('c'));
    jest.advanceTimersByTime(899);
    expect(made).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(made).toEqual(['c']);
    jest.advanceTimersByTime(10_000);
    expect(made).toEqual(['c']);
  });

  it('counts a held-back commit that ran as the last commit', () => {
    const pacer = new OffsetCommitPacer(1_000);
    const { made, later } = commits();
    pacer.due(later('first'));
    pacer.due(later('trailing'));
    jest.advanceTimersByTime(1_000);
    expect(made).toEqual(['trailing']);
    jest.advanceTimersByTime(500);
    expect(pacer.due(later('too soon'))).toBe(false);
  });

  it('drops the held-back commit when a due one covers it', () => {
    const pacer = new OffsetCommitPacer(1_000);
    const { made, later } = commits();
    pacer.due(later('first'));
    jest.advanceTimersByTime(300);
    pacer.due(later('held'));
    jest.setSystemTime(Date.now() + 1_000);
    expect(pacer.due(later('due'))).toBe(true);
    jest.advanceTimersByTime(5_000);
    expect(made).toEqual([]);
  });

  it('with an interval of 0, commits after every transaction', () => {
    const pacer = new OffsetCommitPacer(0);
    const { later } = commits();
    expect([pacer.due(later('a')), pacer.due(later('b')), pacer.due(later('c'))]).toEqual([true, true, true]);
  });

  it('at stop, runs the held-back commit now and lets every later one through', async () => {
    const pacer = new OffsetCommitPacer(60_000);
    const { made, later } = commits();
    pacer.due(later('first'));
    pacer.due(later('held'));
    await pacer.stop();
    expect(made).toEqual(['held']);
    expect(pacer.due(later('after stop'))).toBe(true);
    jest.advanceTimersByTime(120_000);
    expect(made).toEqual(['held']);
  });

  it.each([-1, Number.NaN])('refuses an interval of %p', (interval) => {
    expect(() => new OffsetCommitPacer(interval)).toThrow(RangeError);
  });
});
