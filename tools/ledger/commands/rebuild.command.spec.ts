import { describeRebuild, formatProgress, parseRebuildArguments } from './rebuild.command';

describe('rebuild command arguments', () => {
  it('given nothing, then the defaults', () => {
    expect(parseRebuildArguments([])).toEqual({ json: false, batch: 10_000 });
  });

  it('given every option, then each is read', () => {
    expect(parseRebuildArguments(['--batch', '5000', '--actor', ' ops ', '--json'])).toEqual({ json: true, batch: 5_000, actor: 'ops' });
  });

  it('given --help anywhere, then help', () => {
    expect(parseRebuildArguments(['--json', '-h'])).toBe('help');
  });

  it.each([
    [['--batch', '99'], /--batch must be an integer from 100 to 100000, got "99"/],
    [['--batch', '1e4'], /--batch must be/],
    [['--batch', '100001'], /--batch must be/],
    [['--actor', '\u001b[31m'], /--actor must be 1 to 100 printable characters/],
    [['--actor', ''], /--actor must be/],
    [['--actor', 'x'.repeat(101)], /--actor must be/],
    [['--force'], /Unknown option '--force'/],
    [['now'], /Unexpected argument 'now'/],
  ])('given %j, then a usage error', (argv, message) => {
    expect(parseRebuildArguments(argv)).toMatch(message);
  });
});

describe('rebuild command output', () => {
  it('given progress with a store count, then phase, counts, rate and ETA on one line', () => {
    const line = formatProgress({
      phase: 'load',
      events: 412_000,
      totalEstimate: 1_000_000,
      eventsPerSecond: 27_345.4,
      etaSeconds: 21.5,
      elapsedSeconds: 15,
    });
    expect(line).toBe('rebuild load     412,000 / 1,000,000 events  27,345 events/s  ETA 22 s');
  });

  it('given a result with accounts it could not finish, then they are named', () => {
    const text = describeRebuild({
      events: 10,
      accounts: 2,
      seconds: 1.25,
      eventsPerSecond: 8,
      unappliableEvents: 2,
      stuckAccounts: ['a', 'b'],
      swapAttempts: 1,
      lockedMs: 12.4,
      oldTablesDropped: true,
      operatorActionId: '7',
    });
    expect(text).toContain('10 events into 2 accounts in 1.3 s');
    expect(text).toContain('2 events could not be projected by this release; 2 accounts stop before them: a, b.');
    expect(text).toContain('operator action 7');
  });
});
