import { WakeSignal, type WakeOutcome } from './wake-signal';

/** A wait whose outcome can be looked at before it has settled. */
function watch(wait: Promise<WakeOutcome>): { outcome: WakeOutcome | undefined; settled: Promise<WakeOutcome> } {
  const watched: { outcome: WakeOutcome | undefined; settled: Promise<WakeOutcome> } = { outcome: undefined, settled: wait };
  watched.settled = wait.then((outcome) => (watched.outcome = outcome));
  return watched;
}

/** Lets every promise that can settle without the clock moving do so. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('WakeSignal', () => {
  // The waits' timers run on a fake clock, so "not yet" and "only after 30 ms" are orderings, not races.
  beforeEach(() => jest.useFakeTimers({ doNotFake: ['setImmediate'] }));
  afterEach(() => jest.useRealTimers());

  it('given a burst of notifications during a read, when the loop waits, then it wakes once and then waits again', async () => {
    const wake = new WakeSignal();
    wake.arm();
    for (let i = 0; i < 1_000; i++) wake.notify();

    expect(await wake.wait(10_000)).toBe('notified');
    const second = watch(wake.wait(30));
    await settle();
    expect(second.outcome).toBeUndefined();
    jest.advanceTimersByTime(30);
    expect(await second.settled).toBe('timeout');
  });

  it('given notifications that arrived before the read began, when armed, then they are forgotten', async () => {
    const wake = new WakeSignal();
    wake.notify();

    wake.arm();

    const wait = watch(wake.wait(30));
    await settle();
    expect(wait.outcome).toBeUndefined();
    jest.advanceTimersByTime(30);
    expect(await wait.settled).toBe('timeout');
  });

  it('given a waiting loop, when a notification arrives, then it wakes without the clock moving', async () => {
    const wake = new WakeSignal();
    wake.arm();
    const wait = watch(wake.wait(10_000));
    await settle();
    expect(wait.outcome).toBeUndefined();

    wake.notify();

    await settle();
    expect(wait.outcome).toBe('notified');
    expect(jest.getTimerCount()).toBe(0);
  });

  it('given a waiting loop, when its signal aborts, then it returns aborted', async () => {
    const wake = new WakeSignal();
    const controller = new AbortController();
    const wait = watch(wake.wait(10_000, controller.signal));
    await settle();
    expect(wait.outcome).toBeUndefined();

    controller.abort();

    await settle();
    expect(wait.outcome).toBe('aborted');
  });

  it('given a signal already aborted, then the wait returns aborted unless a notification is pending', async () => {
    const wake = new WakeSignal();
    const controller = new AbortController();
    controller.abort();

    expect(await wake.wait(10_000, controller.signal)).toBe('aborted');
    wake.notify();
    expect(await wake.wait(10_000, controller.signal)).toBe('notified');
  });

  it('given no time to wait, then it reports a pending notification, else times out at once', async () => {
    const wake = new WakeSignal();
    wake.notify();

    expect(await wake.wait(0)).toBe('notified');
    expect(await wake.wait(0)).toBe('timeout');
  });

  it('given a wake-up that timed out, then a later notification is remembered for the next wait', async () => {
    const wake = new WakeSignal();

    const timedOut = wake.wait(10);
    jest.advanceTimersByTime(10);
    expect(await timedOut).toBe('timeout');
    wake.notify();
    expect(await wake.wait(0)).toBe('notified');
  });
});
