import { Logger } from '@nestjs/common';
import { backoffDelay, messageOf, sleep, type BackoffPolicy } from '@ledger/platform';
import type { LeaderElection } from './leader-election';
import type { BatchPublisher, RelayLoop } from './relay.loop';
import type { RelayMetrics } from './relay.metrics';

export interface RelayRunnerDeps {
  readonly election: LeaderElection;
  readonly loop: RelayLoop;
  readonly publisher: BatchPublisher;
  readonly metrics: RelayMetrics;
  /** Makes sure the topic exists before the first publish of each leadership term. */
  readonly ensureTopic: () => Promise<void>;
  readonly backoff: BackoffPolicy;
}

/**
 * Standby until this replica wins the lock, then leader until it loses the lock session or stops;
 * then standby again. Only the leader publishes.
 */
export class RelayRunner {
  private readonly logger = new Logger('RelayRunner');
  private readonly stopping = new AbortController();
  private running: Promise<void> | null = null;
  private leading = false;

  constructor(private readonly deps: RelayRunnerDeps) {}

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

  private async runForever(): Promise<void> {
    const { election, loop, publisher, metrics } = this.deps;
    while (!this.stopping.signal.aborted) {
      const lease = await election.acquire(this.stopping.signal);
      if (lease === null) break;
      const signal = AbortSignal.any([lease.signal, this.stopping.signal]);
      this.leading = true;
      metrics.leader.set(1);
      try {
        await this.ensureTopic(signal);
        await loop.run(lease.session, signal);
      } catch (error) {
        this.logger.error(`relay stopped unexpectedly: ${messageOf(error)}`);
      } finally {
        this.leading = false;
        metrics.leader.set(0);
        await publisher.reset();
        await lease.release();
      }
    }
  }

  private async ensureTopic(signal: AbortSignal): Promise<void> {
    for (let attempt = 0; !signal.aborted; attempt++) {
      try {
        await this.deps.ensureTopic();
        return;
      } catch (error) {
        const delay = backoffDelay(attempt, this.deps.backoff);
        this.logger.warn(`cannot ensure the topic (${messageOf(error)}); retrying in ${delay} ms`);
        await sleep(delay, signal);
      }
    }
  }
}
