import { closedLoop, forEachConcurrently, percentile } from './closed-loop';

describe('percentile (nearest rank)', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);

  it('picks the value at rank ceil(p% of n)', () => {
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 100)).toBe(100);
    expect(percentile([10, 20, 30], 50)).toBe(20);
  });

  it('clamps to the first and last value', () => {
    expect(percentile(hundred, 0)).toBe(1);
    expect(percentile(hundred, 150)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
  });

  it('reads typed arrays as well', () => {
    expect(percentile(Float64Array.from([1.5, 2.5, 3.5, 4.5]), 75)).toBe(3.5);
  });

  it('is NaN for no samples, so an empty run never reports 0 ms', () => {
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('forEachConcurrently', () => {
  it('runs every item once with at most `concurrency` in flight', async () => {
    const items = Array.from({ length: 20 }, (_, i) => i);
    const seen: number[] = [];
    let inFlight = 0;
    let peak = 0;
    await forEachConcurrently(items, 3, async (item) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      seen.push(item);
      inFlight -= 1;
    });
    expect([...seen].sort((a, b) => a - b)).toEqual(items);
    expect(peak).toBe(3);
  });

  it('does nothing for no items', async () => {
    let calls = 0;
    await forEachConcurrently([], 4, async () => {
      calls += 1;
    });
    expect(calls).toBe(0);
  });

  it('fails when an op fails', async () => {
    await expect(
      forEachConcurrently([1, 2, 3], 2, async (item) => {
        if (item === 2) throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
  });
});

describe('closedLoop', () => {
  it('counts the ops it ran and reports a rate and percentiles from them', async () => {
    let calls = 0;
    const result = await closedLoop(2, 50, async () => {
      calls += 1;
      await new Promise((resolve) => setImmediate(resolve));
    });
    expect(result.ops).toBe(calls);
    expect(result.ops).toBeGreaterThan(0);
    expect(result.opsPerSecond).toBeCloseTo(result.ops / result.seconds);
    expect(result.p50Ms).toBeLessThanOrEqual(result.p99Ms);
  });

  it('fails the run when an op throws', async () => {
    await expect(
      closedLoop(1, 1_000, async () => {
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
  });
});
