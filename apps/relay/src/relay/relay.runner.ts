import { Logger } from '@nestjs/common';
import { messageOf, type LeaderElection } from '@ledger/platform';
import type { BatchPublisher, RelayLoop } from './relay.loop';
import type { RelayMetrics } from './relay.metrics';

export interface RelayRunnerDeps {
  readonly election: LeaderElection;
  readonly loop: RelayLoop;
  readonly publisher: BatchPublisher;
  readonly metrics: RelayMetrics;
}

/**
 * Standby until this replica wins the lock, then leader until it loses the lock session or stops;
 * then standby again. Only the leader publishes. A halt (the loop refused to publish to a changed
 * destination) ends it for good: the lock is released and this replica never competes again.
 */
export class RelayRunner {
  private readonly logger = new Logger('RelayRunner');
  private readonly stopping = new AbortController();
  private running: Promise<void> | null = null;
  private leading = false;
  private haltReason: string | null = null;
  private readonly halted: Promise<string>;
  private announceHalt: (reason: string) => void = () => undefined;

  constructor(private readonly deps: RelayRunnerDeps) {
    this.halted = new Promise((resolve) => {
      this.announceHalt = resolve;
    });
  }

  start(): void {
    this.running ??= this.runForever();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.running;
  }

  isLeader(): boolean {
    return this.leading;
  }

  /** Why the relay halted, or null while it runs. */
  haltedBecause(): string | null {
    return this.haltReason;
  }

  /** Resolves with the reason once the relay halts; never, if it does not. */
  whenHalted(): Promise<string> {
    return this.halted;
  }

  private async runForever(): Promise<void> {
    const { election, loop, publisher, metrics } = this.deps;
    while (!this.stopping.signal.aborted && this.haltReason === null) {
      const lease = await election.acquire(this.stopping.signal);
      if (lease === null) break;
      const signal = AbortSignal.any([lease.signal, this.stopping.signal]);
      this.leading = true;
      metrics.leader.set(1);
      try {
        this.haltReason = await loop.run(lease.session, signal);
      } catch (error) {
        this.logger.error(`relay stopped unexpectedly: ${messageOf(error)}`);
      } finally {
        this.leading = false;
        metrics.leader.set(0);
        await publisher.reset();
        await lease.release();
      }
    }
    if (this.haltReason !== null) this.announceHalt(this.haltReason);
  }
}
