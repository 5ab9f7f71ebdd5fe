import { WakeSignal } from './wake-signal';

describe('WakeSignal', () => {
  it('given a burst of notifications during a read, when the loop waits, then it wakes once and then waits again', async () => {
    const wake = new WakeSignal();
    wake.arm();
    for (let i = 0; i < 1_000; i++) wake.notify();

    const first = await wake.wait(10_000);
    const second = await wake.wait(30);

    expect(first).toBe('notified');
    expect(second).toBe('timeout');
  });

  it('given notifications that arrived before the read began, when armed, then they are forgotten', async () => {
    const wake = new WakeSignal();
    wake.notify();

    wake.arm();

    expect(await wake.wait(30)).toBe('timeout');
  });

  it('given a waiting loop, when a notification arrives, then it wakes at once', async () => {
    const wake = new WakeSignal();
    wake.arm();
    const started = Date.now();
    setTimeout(() => wake.notify(), 10);

    expect(await wake.wait(10_000)).toBe('notified');
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('given a waiting loop, when its signal aborts, then it returns aborted', async () => {
    const wake = new WakeSignal();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 10);

    expect(await wake.wait(10_000, controller.signal)).toBe('aborted');
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

    expect(await wake.wait(10)).toBe('timeout');
    wake.notify();
    expect(await wake.wait(0)).toBe('notified');
  });
});
