import type { LeaderLease } from '@ledger/platform';
import type { Client } from 'pg';
import { SweepReport } from './hold-expiry.sweep';
import { HoldExpiryWorker } from './hold-expiry.worker';

const INTERVAL_MS = 250;
const NOTHING: SweepReport = { expired: 0, alreadyResolved: 0, notYetDue: 0, failed: 0 };

/** The lock, granted when the test says so; each grant is a lease the test can take away. */
class FakeElection {
  readonly leases: Array<{ lost: AbortController; released: boolean }> = [];
  private grant: (() => void) | null = null;
  private pending: Promise<void> | null = null;

  async acquire(stop: AbortSignal): Promise<LeaderLease | null> {
    this.pending ??= new Promise<void>((resolve) => (this.grant = resolve));
    await Promise.race([this.pending, new Promise<void>((resolve) => stop.addEventListener('abort', () => resolve(), { once: true }))]);
    if (stop.aborted) return null;
    this.pending = null;
    const entry = { lost: new AbortController(), released: false };
    this.leases.push(entry);
    return {
      session: {} as Client,
      signal: entry.lost.signal,
      release: async () => {
        entry.released = true;
        entry.lost.abort();
      },
    };
  }

  /** The other replica lets go: this one's next try wins. */
  win(): void {
    this.pending ??= Promise.resolve();
    this.grant?.();
  }
}

interface Fixture {
  readonly worker: HoldExpiryWorker;
  readonly election: FakeElection;
  readonly sweeps: AbortSignal[];
  readonly leader: number[];
  readonly failures: { count: number };
}

function fixture(options: { enabled?: boolean; sweep?: (signal: AbortSignal) => Promise<SweepReport> } = {}): Fixture {
  const election = new FakeElection();
  const sweeps: AbortSignal[] = [];
  const leader: number[] = [];
  const failures = { count: 0 };
  const worker = new HoldExpiryWorker({
    election,
    intervalMs: INTERVAL_MS,
    enabled: options.enabled ?? true,
    sweep: {
      run: (signal) => {
        sweeps.push(signal);
        return options.sweep?.(signal) ?? Promise.resolve(NOTHING);
      },
    },
    metrics: { leader: { set: (value) => leader.push(value) }, failures: { inc: () => (failures.count += 1) } },
  });
  return { worker, election, sweeps, leader, failures };
}

describe('HoldExpiryWorker', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('given another replica holding the lock, then this one sweeps nothing until it wins the lock, then sweeps every interval', async () => {
    const f = fixture();
    f.worker.onApplicationBootstrap();

    await jest.advanceTimersByTimeAsync(INTERVAL_MS * 4);
    expect(f.sweeps).toHaveLength(0);
    expect(f.worker.isLeader()).toBe(false);

    f.election.win();
    await jest.advanceTimersByTimeAsync(1);
    expect(f.worker.isLeader()).toBe(true);
    expect(f.sweeps).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(INTERVAL_MS * 3);
    expect(f.sweeps).toHaveLength(4);
    expect(f.leader.at(-1)).toBe(1);

    await f.worker.beforeApplicationShutdown();
  });

  it('given the lock session lost, then the running sweep is told to stop, and the replica stands by until it wins again', async () => {
    const f = fixture();
    f.worker.onApplicationBootstrap();
    f.election.win();
    await jest.advanceTimersByTimeAsync(INTERVAL_MS);
    expect(f.sweeps).toHaveLength(1);

    f.election.leases[0]?.lost.abort();
    expect(f.sweeps[0]?.aborted).toBe(true);
    await jest.advanceTimersByTimeAsync(INTERVAL_MS * 4);
    expect(f.sweeps).toHaveLength(1);
    expect(f.worker.isLeader()).toBe(false);
    expect(f.election.leases[0]?.released).toBe(true);
    expect(f.leader.at(-1)).toBe(0);

    f.election.win();
    await jest.advanceTimersByTimeAsync(INTERVAL_MS);
    expect(f.sweeps.length).toBeGreaterThan(1);
    expect(f.election.leases).toHaveLength(2);

    await f.worker.beforeApplicationShutdown();
  });

  it('given shutdown while leading, then the running sweep is told to stop, awaited, and the lease released', async () => {
    let finishSweep: () => void = () => undefined;
    const f = fixture({ sweep: () => new Promise((resolve) => (finishSweep = () => resolve(NOTHING))) });
    f.worker.onApplicationBootstrap();
    f.election.win();
    await jest.advanceTimersByTimeAsync(INTERVAL_MS);
    expect(f.sweeps).toHaveLength(1);

    let stopped = false;
    const stopping = f.worker.beforeApplicationShutdown().then(() => (stopped = true));
    expect(f.sweeps[0]?.aborted).toBe(true);
    await jest.advanceTimersByTimeAsync(INTERVAL_MS);
    expect(stopped).toBe(false);

    finishSweep();
    await stopping;
    expect(f.election.leases.map((l) => l.released)).toEqual([true]);
    expect(f.worker.isLeader()).toBe(false);
    expect(f.leader.at(-1)).toBe(0);
  });

  it('given shutdown on standby, then the wait for the lock ends and no lease is ever taken', async () => {
    const f = fixture();
    f.worker.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(INTERVAL_MS * 2);

    await f.worker.beforeApplicationShutdown();
    f.election.win();
    await jest.advanceTimersByTimeAsync(INTERVAL_MS * 2);
    expect(f.election.leases).toHaveLength(0);
    expect(f.sweeps).toHaveLength(0);
  });

  it('given a sweep that fails as a whole, then it is counted and the next interval sweeps again', async () => {
    let calls = 0;
    const f = fixture({ sweep: () => (++calls === 1 ? Promise.reject(new Error('database unavailable')) : Promise.resolve(NOTHING)) });
    f.worker.onApplicationBootstrap();
    f.election.win();

    await jest.advanceTimersByTimeAsync(INTERVAL_MS * 2);
    expect(f.failures.count).toBe(1);
    expect(f.sweeps).toHaveLength(2);
    expect(f.worker.isLeader()).toBe(true);

    await f.worker.beforeApplicationShutdown();
  });

  it('given HOLD_EXPIRY_ENABLED=false, then the worker never competes for the lock', async () => {
    const f = fixture({ enabled: false });
    const acquire = jest.spyOn(f.election, 'acquire');
    f.worker.onApplicationBootstrap();
    f.election.win();

    await jest.advanceTimersByTimeAsync(INTERVAL_MS * 4);
    expect(acquire).not.toHaveBeenCalled();
    expect(f.sweeps).toHaveLength(0);

    await f.worker.beforeApplicationShutdown();
  });
});
