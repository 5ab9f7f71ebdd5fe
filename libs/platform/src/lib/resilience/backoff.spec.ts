import { backoffDelay, sleep } from './backoff';

const policy = { initialMs: 100, maxMs: 10_000 };

describe('backoffDelay', () => {
  it('given the first failure, when no jitter is drawn, then the delay is half the initial delay', () => {
    expect(backoffDelay(0, policy, () => 0)).toBe(50);
  });

  it('given successive failures, when the jitter is maximal, then the delay doubles each time', () => {
    expect([0, 1, 2, 3].map((n) => backoffDelay(n, policy, () => 1))).toEqual([100, 200, 400, 800]);
  });

  it('given many failures, when computed, then the delay never exceeds the cap', () => {
    for (const attempt of [7, 8, 20, 1_000]) {
      expect(backoffDelay(attempt, policy, () => 1)).toBe(10_000);
      expect(backoffDelay(attempt, policy, () => 0)).toBe(5_000);
    }
  });

  it('given real randomness, when computed, then the delay lies between half the ceiling and the ceiling', () => {
    for (let i = 0; i < 200; i++) {
      const delay = backoffDelay(3, policy);
      expect(delay).toBeGreaterThanOrEqual(400);
      expect(delay).toBeLessThanOrEqual(800);
    }
  });
});

describe('sleep', () => {
  // On a fake clock "early" is an ordering: the sleep is over while no time has passed.
  beforeEach(() => jest.useFakeTimers({ doNotFake: ['setImmediate'] }));
  afterEach(() => jest.useRealTimers());

  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

  it('given no abort, then it resolves once its time has passed, not before', async () => {
    let slept = false;
    void sleep(100).then(() => (slept = true));

    jest.advanceTimersByTime(99);
    await settle();
    expect(slept).toBe(false);
    jest.advanceTimersByTime(1);
    await settle();
    expect(slept).toBe(true);
  });

  it('given an abort during the sleep, when aborted, then it resolves early and leaves no timer behind', async () => {
    const controller = new AbortController();
    let slept = false;
    void sleep(10_000, controller.signal).then(() => (slept = true));
    await settle();
    expect(slept).toBe(false);

    controller.abort();

    await settle();
    expect(slept).toBe(true);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('given a signal already aborted, then it resolves without setting a timer', async () => {
    const controller = new AbortController();
    controller.abort();

    await sleep(10_000, controller.signal);

    expect(jest.getTimerCount()).toBe(0);
  });
});
