import { PeriodicJob } from './periodic-job';

describe('PeriodicJob', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('given a round still running when the next is due, then that one is skipped', async () => {
    let rounds = 0;
    let finish: () => void = () => undefined;
    const job = new PeriodicJob(100, () => {
      rounds += 1;
      return new Promise<void>((resolve) => (finish = resolve));
    });
    job.start();

    await jest.advanceTimersByTimeAsync(350);
    expect(rounds).toBe(1);

    finish();
    await jest.advanceTimersByTimeAsync(100);
    expect(rounds).toBe(2);
    finish();
    await job.stop();
  });

  it('given stop, then the signal is aborted, the running round is awaited and no round follows', async () => {
    const seen: string[] = [];
    let finish: () => void = () => undefined;
    const job = new PeriodicJob(100, () => {
      seen.push('round');
      return new Promise<void>((resolve) => (finish = resolve));
    });
    job.start();
    await jest.advanceTimersByTimeAsync(100);

    const stopped = job.stop().then(() => seen.push('stopped'));
    expect(job.signal.aborted).toBe(true);
    await Promise.resolve();
    expect(seen).toEqual(['round']);

    finish();
    await stopped;
    await jest.advanceTimersByTimeAsync(1_000);
    expect(seen).toEqual(['round', 'stopped']);
  });
});
