import { Logger } from '@nestjs/common';
import { messageOf, PeriodicJob, type LeaderLease } from '@ledger/platform';
import type { SweepReport } from './hold-expiry.sweep';

export interface HoldExpiryWorkerDeps {
  /** `LeaderElection` on the hold-expiry lock. */
  readonly election: { acquire(stop: AbortSignal): Promise<LeaderLease | null> };
  readonly sweep: { run(signal: AbortSignal): Promise<SweepReport> };
  /** Between two sweeps of the leader. */
  readonly intervalMs: number;
  /** false: the worker never competes for the lock and expires nothing. */
  readonly enabled: boolean;
  readonly metrics: {
    /** 1 while this replica leads. */
    readonly leader: { set(value: number): void };
    /** Sweeps that failed as a whole (the store unreachable, say). */
    readonly failures: { inc(): void };
  };
}

/**
 * Expires holds past their deadline, in one replica at a time: each round, a replica that does not
 * lead waits for the hold-expiry lock, and the leader sweeps the due holds. A sweep stops as soon as
 * the lock's session is lost (another replica may hold the lock by then), and the next round stands
 * by again. Two leaders for a moment would still expire each hold once (the store's optimistic
 * concurrency lets one release win); the lock keeps them from doing the same work twice.
 */
export class HoldExpiryWorker extends PeriodicJob {
  private readonly logger = new Logger('HoldExpiry');
  private lease: LeaderLease | null = null;

  constructor(private readonly deps: HoldExpiryWorkerDeps) {
    super(deps.intervalMs);
  }

  override onApplicationBootstrap(): void {
    if (this.deps.enabled) super.onApplicationBootstrap();
  }

  override async beforeApplicationShutdown(): Promise<void> {
    await super.beforeApplicationShutdown();
    await this.resign();
  }

  isLeader(): boolean {
    return this.lease !== null && !this.lease.signal.aborted;
  }

  protected async round(): Promise<void> {
    try {
      const lease = await this.leadership();
      if (lease === null) return;
      const report = await this.deps.sweep.run(AbortSignal.any([lease.signal, this.stopSignal]));
      if (report.expired > 0 || report.failed > 0) {
        this.logger.log(`expired ${report.expired} hold(s); ${report.failed} could not be expired`);
      }
    } catch (error) {
      this.deps.metrics.failures.inc();
      this.logger.warn(`hold-expiry sweep failed: ${messageOf(error)}`);
    }
  }

  /** The lease this replica leads with; waits for one on standby; null once the app stops. */
  private async leadership(): Promise<LeaderLease | null> {
    if (this.lease?.signal.aborted) await this.resign();
    this.lease ??= await this.deps.election.acquire(this.stopSignal);
    this.deps.metrics.leader.set(this.lease === null ? 0 : 1);
    return this.lease;
  }

  private async resign(): Promise<void> {
    const lease = this.lease;
    this.lease = null;
    this.deps.metrics.leader.set(0);
    await lease?.release();
  }
}
