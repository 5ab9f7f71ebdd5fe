import type { DueStream } from '@ledger/event-store';
import { HoldExpiryOutcome, HoldExpirySweep, SweepReport } from './hold-expiry.sweep';

const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms);
const holdStream = (n: number, dueMs = 0): DueStream => ({ streamId: `transfer-${n}`, dueAt: at(dueMs) });

/**
 * A store's deadlines kept in memory: a stream stays due until `resolve` takes it away, as an expiry
 * (or a post or void) clears its deadline in the store.
 */
class FakeDueHolds {
  readonly asked: Array<{ now: Date; limit: number }> = [];
  private readonly due: DueStream[];

  constructor(streams: DueStream[]) {
    this.due = [...streams];
  }

  async dueStreams(now: Date, limit: number): Promise<readonly DueStream[]> {
    this.asked.push({ now, limit });
    return this.due.filter((stream) => stream.dueAt.getTime() <= now.getTime()).slice(0, limit);
  }

  resolve(transferId: string): void {
    const index = this.due.findIndex((stream) => stream.streamId === `transfer-${transferId}`);
    if (index >= 0) this.due.splice(index, 1);
  }
}

/** Time moves only when the test (or an expiry taking `tookMs`) moves it. */
class FakeClock {
  constructor(private ms = 0) {}

  now(): Date {
    return at(this.ms);
  }

  advance(ms: number): void {
    this.ms += ms;
  }
}

interface Fixture {
  readonly sweep: HoldExpirySweep;
  readonly holds: FakeDueHolds;
  readonly clock: FakeClock;
  readonly expireCalls: Array<{ transferId: string; now: Date }>;
  readonly expired: Array<{ transferId: string; lagMs: number }>;
  readonly failed: Array<{ streamId: string; reason: string }>;
}

/** `answer` decides each expiry; an `expired` answer clears the hold's deadline, as the store would. */
function fixture(
  streams: DueStream[],
  answer: (transferId: string) => HoldExpiryOutcome | Error = () => ({ kind: 'expired' }),
  options: { batchSize?: number; clockMs?: number; tookMs?: number } = {},
): Fixture {
  const holds = new FakeDueHolds(streams);
  const clock = new FakeClock(options.clockMs ?? 0);
  const expireCalls: Fixture['expireCalls'] = [];
  const expired: Fixture['expired'] = [];
  const failed: Fixture['failed'] = [];
  const sweep = new HoldExpirySweep({
    due: holds,
    clock,
    batchSize: options.batchSize ?? 10,
    observer: { expired: (event) => expired.push(event), failed: (event) => failed.push(event) },
    expire: async (transferId, now) => {
      expireCalls.push({ transferId, now });
      clock.advance(options.tookMs ?? 0);
      const outcome = answer(transferId);
      if (outcome instanceof Error) throw outcome;
      if (outcome.kind === 'expired' || outcome.kind === 'already-resolved') holds.resolve(transferId);
      return outcome;
    },
  });
  return { sweep, holds, clock, expireCalls, expired, failed };
}

const running = () => new AbortController().signal;
const report = (counts: Partial<SweepReport>): SweepReport => ({ expired: 0, alreadyResolved: 0, notYetDue: 0, failed: 0, ...counts });

describe('HoldExpirySweep', () => {
  it('given holds past their deadline, then each is expired once as of the clock, and its lag from the deadline is reported', async () => {
    const f = fixture([holdStream(1, -300), holdStream(2, -50)], undefined, { clockMs: 0, tookMs: 20 });

    expect(await f.sweep.run(running())).toEqual(report({ expired: 2 }));

    expect(f.expireCalls).toEqual([
      { transferId: '1', now: at(0) },
      { transferId: '2', now: at(20) },
    ]);
    expect(f.expired).toEqual([
      { transferId: '1', lagMs: 320 },
      { transferId: '2', lagMs: 90 },
    ]);
    expect(f.holds.asked).toEqual([{ now: at(0), limit: 10 }]);
    expect(f.failed).toEqual([]);
  });

  it('given no hold past its deadline, then nothing is expired and one look-up is made', async () => {
    const f = fixture([holdStream(1, 5_000)]);

    expect(await f.sweep.run(running())).toEqual(report({}));
    expect(f.expireCalls).toEqual([]);
    expect(f.holds.asked).toHaveLength(1);
  });

  it('given holds posted, voided or expired meanwhile, or whose deadline this clock has not reached, then they are not failures', async () => {
    const outcomes: Record<string, HoldExpiryOutcome> = {
      '1': { kind: 'already-resolved' },
      '2': { kind: 'not-yet-due', expiresAt: at(100) },
      '3': { kind: 'expired' },
    };
    const f = fixture([holdStream(1), holdStream(2), holdStream(3)], (id) => outcomes[id] ?? new Error(`unexpected ${id}`));

    expect(await f.sweep.run(running())).toEqual(report({ expired: 1, alreadyResolved: 1, notYetDue: 1 }));
    expect(f.failed).toEqual([]);
    expect(f.expired.map((e) => e.transferId)).toEqual(['3']);
  });

  it('given an expiry that fails or throws, then it is reported and counted, and the rest of the batch still expires', async () => {
    const f = fixture([holdStream(1), holdStream(2), holdStream(3)], (id) =>
      id === '1'
        ? { kind: 'failed', reason: 'conflict after 10 attempts' }
        : id === '2'
          ? new Error('connection reset')
          : { kind: 'expired' },
    );

    expect(await f.sweep.run(running())).toEqual(report({ expired: 1, failed: 2 }));
    expect(f.failed).toEqual([
      { streamId: 'transfer-1', reason: 'conflict after 10 attempts' },
      { streamId: 'transfer-2', reason: 'connection reset' },
    ]);
    expect(f.expired.map((e) => e.transferId)).toEqual(['3']);
  });

  it('given a due stream that is not a transfer, then it is reported as a failure and never handed to the handler', async () => {
    const f = fixture([{ streamId: '5b0e7a43-3f44-4c3a-9d0e-2f1f1f0b4a11', dueAt: at(0) }, holdStream(1)]);

    expect(await f.sweep.run(running())).toEqual(report({ expired: 1, failed: 1 }));
    expect(f.expireCalls.map((c) => c.transferId)).toEqual(['1']);
    expect(f.failed).toEqual([{ streamId: '5b0e7a43-3f44-4c3a-9d0e-2f1f1f0b4a11', reason: 'not a transfer stream' }]);
  });

  it('given a backlog larger than a batch, then full batches follow each other at once until it is drained', async () => {
    const f = fixture(
      Array.from({ length: 7 }, (_, n) => holdStream(n)),
      undefined,
      { batchSize: 3 },
    );

    expect(await f.sweep.run(running())).toEqual(report({ expired: 7 }));
    // 3 + 3 + 1: the short third batch ends the sweep.
    expect(f.holds.asked.map((a) => a.limit)).toEqual([3, 3, 3]);
  });

  it('given a full batch of holds that stay due without being expirable, then the sweep ends instead of asking again', async () => {
    const f = fixture([holdStream(1), holdStream(2)], () => ({ kind: 'not-yet-due', expiresAt: at(1_000) }), { batchSize: 2 });

    expect(await f.sweep.run(running())).toEqual(report({ notYetDue: 2 }));
    expect(f.holds.asked).toHaveLength(1);
  });

  it('given leadership lost mid-batch, then no further hold is touched', async () => {
    const lost = new AbortController();
    const f = fixture([holdStream(1), holdStream(2), holdStream(3)], (id) => {
      if (id === '1') lost.abort();
      return { kind: 'expired' };
    });

    expect(await f.sweep.run(lost.signal)).toEqual(report({ expired: 1 }));
    expect(f.expireCalls.map((c) => c.transferId)).toEqual(['1']);
  });

  it('given a sweep asked after leadership is gone, then it looks nothing up', async () => {
    const lost = new AbortController();
    lost.abort();
    const f = fixture([holdStream(1)]);

    expect(await f.sweep.run(lost.signal)).toEqual(report({}));
    expect(f.holds.asked).toEqual([]);
  });

  it('given the store failing the look-up, then the sweep fails as a whole (the worker counts it and tries again)', async () => {
    const sweep = new HoldExpirySweep({
      due: { dueStreams: () => Promise.reject(new Error('database unavailable')) },
      clock: new FakeClock(),
      batchSize: 10,
      observer: { expired: () => undefined, failed: () => undefined },
      expire: () => Promise.reject(new Error('never asked')),
    });

    await expect(sweep.run(running())).rejects.toThrow('database unavailable');
  });
});
