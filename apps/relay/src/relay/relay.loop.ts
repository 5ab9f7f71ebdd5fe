import { Logger } from '@nestjs/common';
import type { ClientBase } from 'pg';
import { readCommittedBatch, type CommittedEvent } from '@ledger/event-store';
import { backoffDelay, messageOf, sleep, type BackoffPolicy, type WakeSignal } from '@ledger/platform';
import type { Checkpoint } from './checkpoint';
import type { CheckpointRepository } from './checkpoint.repository';
import { prepareBatch } from './relay.batch';
import type { RelayMetrics } from './relay.metrics';
import type { Message } from 'kafkajs';

export interface BatchPublisher {
  publish(messages: readonly Message[]): Promise<void>;
  reset(): Promise<void>;
}

export interface RelayLoopSettings {
  readonly batchSize: number;
  readonly maxBatchBytes: number;
  readonly pollIntervalMs: number;
  readonly backoff: BackoffPolicy;
}

export interface RelayLoopDeps {
  readonly publisher: BatchPublisher;
  readonly checkpoints: CheckpointRepository;
  readonly wake: WakeSignal;
  readonly metrics: RelayMetrics;
  readonly settings: RelayLoopSettings;
  /** Called after a batch is acknowledged and checkpointed (benchmarks measure lag with it). */
  readonly onRelayed?: (events: readonly CommittedEvent[]) => void;
}

/**
 * The leader's work: read committed events after the checkpoint, produce them, move the checkpoint,
 * repeat; sleep until notified (or the poll interval passes) when caught up.
 *
 * Strictly sequential, so a later event is never sent before an earlier one was acknowledged. Any
 * failure abandons the rest of the run: back off, reload the checkpoint from the database and resend
 * from there. Kafka may then get some events twice, never out of order.
 */
export class RelayLoop {
  private readonly logger = new Logger('Relay');

  constructor(private readonly deps: RelayLoopDeps) {}

  /** Runs until `signal` aborts (leadership lost or shutdown). Never throws. */
  async run(session: ClientBase, signal: AbortSignal): Promise<void> {
    let failures = 0;
    while (!signal.aborted) {
      try {
        const checkpoint = await this.deps.checkpoints.load(session);
        this.logger.log(`relaying from transaction ${checkpoint.transactionId}, position ${checkpoint.globalPosition}`);
        await this.relayFrom(session, checkpoint, signal, () => {
          failures = 0;
        });
      } catch (error) {
        if (signal.aborted) break;
        this.deps.metrics.publishFailures.inc();
        const delay = backoffDelay(failures, this.deps.settings.backoff);
        failures += 1;
        this.logger.warn(`relay failed (${messageOf(error)}); resending from the checkpoint in ${delay} ms`);
        await this.deps.publisher.reset();
        await sleep(delay, signal);
      }
    }
  }

  private async relayFrom(
    session: ClientBase,
    from: Checkpoint,
    signal: AbortSignal,
    onProgress: () => void,
  ): Promise<void> {
    const { settings, wake, publisher, checkpoints } = this.deps;
    let start = from;
    const read = (after: Checkpoint) => {
      wake.arm();
      const pending = readCommittedBatch(session, after, settings.batchSize);
      // Observed below; this only keeps an abandoned prefetch from being an unhandled rejection.
      pending.catch(() => undefined);
      return pending;
    };
    let next = read(start);
    while (!signal.aborted) {
      const batch = prepareBatch(await next, settings.maxBatchBytes);
      if (batch === null) {
        await wake.wait(settings.pollIntervalMs, signal);
        next = read(start);
        continue;
      }
      // Leadership may have gone while reading: publish nothing more.
      if (signal.aborted) return;
      // The next batch is read while Kafka acknowledges this one; it is sent only after this one's ack.
      next = read(batch.checkpoint);
      await publisher.publish(batch.messages);
      await checkpoints.save(session, batch.checkpoint);
      start = batch.checkpoint;
      onProgress();
      this.record(batch.events);
      this.deps.onRelayed?.(batch.events);
    }
  }

  private record(events: readonly CommittedEvent[]): void {
    const { metrics } = this.deps;
    const newest = events[events.length - 1];
    metrics.eventsRelayed.inc(events.length);
    metrics.batchesRelayed.inc();
    metrics.batchSize.observe(events.length);
    if (newest !== undefined) {
      const delaySeconds = Math.max(0, (Date.now() - newest.recordedAt.getTime()) / 1000);
      metrics.relayDelay.observe(delaySeconds);
      metrics.lastRelayedEventDelay.set(delaySeconds);
    }
  }
}
