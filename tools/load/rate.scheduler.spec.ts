import { runOpenLoop, type SchedulerClock } from './rate.scheduler';

/** Virtual time: sleeping moves the clock on at once, so a schedule is checked without waiting. */
function virtualClock(): SchedulerClock & { time: number } {
  const clock = {
    time: 0,
    now: () => clock.time,
    sleep: async (ms: number) => {
      if (ms > 0) clock.time += ms;
    },
  };
  return clock;
}

describe('runOpenLoop', () => {
  it('given a rate and a duration, then each request starts at its own time, rate x duration in all', async () => {
    const clock = virtualClock();
    const starts: [number, number, number][] = [];

    const result = await runOpenLoop(
      { rate: 4, durationMs: 2_000, maxInFlight: 10, clock },
      async (index, dueAt) => void starts.push([index, dueAt, clock.now()]),
    );

    expect(result).toEqual({ started: 8, late: 0, maxDelayMs: 0, dropped: 0 });
    expect(starts).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((i) => [i, i * 250, i * 250]));
  });

  it('given requests that never finish on time, then the next still start on schedule: the loop is open', async () => {
    const clock = virtualClock();
    const pending: (() => void)[] = [];
    const starts: number[] = [];

    const run = runOpenLoop({ rate: 10, durationMs: 1_000, maxInFlight: 100, clock }, (_, dueAt) => {
      starts.push(dueAt);
      return new Promise<void>((resolve) => pending.push(resolve));
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(starts).toHaveLength(10);
    pending.forEach((resolve) => resolve());

    expect((await run).started).toBe(10);
  });

  it('given the in-flight cap reached, then due requests wait for a slot, start late in order, and are counted', async () => {
    const clock = virtualClock();
    const pending: (() => void)[] = [];
    const starts: number[] = [];

    const run = runOpenLoop({ rate: 10, durationMs: 1_000, maxInFlight: 2, clock }, (index) => {
      starts.push(index);
      return new Promise<void>((resolve) => pending.push(resolve));
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(starts).toEqual([0, 1]);
    clock.time = 450;
    pending.shift()?.();
    await new Promise((resolve) => setImmediate(resolve));
    expect(starts).toEqual([0, 1, 2]);
    while (pending.length > 0) {
      pending.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    }

    const result = await run;
    expect(starts).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(result.late).toBeGreaterThanOrEqual(1);
    expect(result.maxDelayMs).toBe(250);
  });

  it('given the cap still reached when the time is up, then what is due is dropped and counted, not started late', async () => {
    const clock = virtualClock();
    const pending: (() => void)[] = [];

    const run = runOpenLoop(
      { rate: 10, durationMs: 1_000, maxInFlight: 3, clock },
      () => new Promise<void>((resolve) => pending.push(resolve)),
    );
    await new Promise((resolve) => setImmediate(resolve));
    clock.time = 1_500;
    pending.shift()?.();
    await new Promise((resolve) => setImmediate(resolve));
    pending.forEach((resolve) => resolve());

    expect(await run).toMatchObject({ started: 4, dropped: 6 });
  });

  it('given a loop running late, then every request due within the duration still starts', async () => {
    let time = 0;
    const laggingClock = { now: () => time, sleep: async (ms: number) => void (time += Math.max(ms, 0) + 30) };

    const result = await runOpenLoop({ rate: 10, durationMs: 1_000, maxInFlight: 100, clock: laggingClock }, async () => undefined);

    expect(result.started).toBe(10);
  });

  it('given an abort, then nothing more starts and what is in flight is awaited', async () => {
    const clock = virtualClock();
    const controller = new AbortController();
    let finished = 0;

    const result = await runOpenLoop(
      { rate: 100, durationMs: 10_000, maxInFlight: 10, clock, signal: controller.signal },
      async (index) => {
        if (index === 4) controller.abort();
        finished++;
      },
    );

    expect(result.started).toBe(5);
    expect(finished).toBe(5);
  });

  it('given a request that throws, then the loop goes on', async () => {
    const clock = virtualClock();

    const result = await runOpenLoop({ rate: 5, durationMs: 1_000, maxInFlight: 1, clock }, async (index) => {
      if (index % 2 === 0) throw new Error('boom');
    });

    expect(result.started).toBe(5);
  });
});
