import { PeriodicJob } from './periodic-job';

/** Each round waits for the test to finish it. */
class HeldRounds extends PeriodicJob {
  readonly seen: string[] = [];
  finish: () => void = () => undefined;

  constructor() {
    super(100);
  }

  get aborted(): boolean {
    return this.stopSignal.aborted;
  }

  protected round(): Promise<void> {
    this.seen.push('round');
    return new Promise<void>((resolve) => (this.finish = resolve));
  }
}

describe('PeriodicJob', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('given a round still running when the next is due, then that one is skipped', async () => {
    const job = new HeldRounds();
    job.onApplicationBootstrap();

    await jest.advanceTimersByTimeAsync(350);
    expect(job.seen).toHaveLength(1);

    job.finish();
    await jest.advanceTimersByTimeAsync(100);
    expect(job.seen).toHaveLength(2);
    job.finish();
    await job.beforeApplicationShutdown();
  });

  it('given shutdown, then the stop signal is aborted, the running round is awaited and no round follows', async () => {
    const job = new HeldRounds();
    job.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(100);

    const stopped = job.beforeApplicationShutdown().then(() => job.seen.push('stopped'));
    expect(job.aborted).toBe(true);
    await Promise.resolve();
    expect(job.seen).toEqual(['round']);

    job.finish();
    await stopped;
    await jest.advanceTimersByTimeAsync(1_000);
    expect(job.seen).toEqual(['round', 'stopped']);
  });
});
