import { Logger } from '@nestjs/common';
import type { ClientBase } from 'pg';
import {
  committedEventsHeldBack,
  readCommittedBatch,
  type CommitPosition,
  type CommittedEvent,
  type RelayCheckpoints,
} from '@ledger/event-store';
import { backoffDelay, messageOf, sleep, type BackoffPolicy, type WakeSignal } from '@ledger/platform';
import type { DestinationGuard } from './destination.guard';
import { prepareBatch } from './relay.batch';
import type { RelayMetrics } from './relay.metrics';
import type { Message, RecordMetadata } from 'kafkajs';
import { AckedOffsets } from './acked-offsets';

export interface BatchPublisher {
  /** Resolves with Kafka's acknowledgements once every message is acknowledged. */
  publish(messages: readonly Message[]): Promise<readonly RecordMetadata[]>;
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
  readonly checkpoints: RelayCheckpoints;
  /** Checks where the relay publishes before each start from the checkpoint, and says where to start. */
  readonly guard: DestinationGuard;
  readonly wake: WakeSignal;
  readonly metrics: RelayMetrics;
  readonly settings: RelayLoopSettings;
}

/**
 * The leader's work: read committed events after the checkpoint, produce them, move the checkpoint,
 * repeat; sleep until notified (or the poll interval passes) when caught up.
 *
 * Strictly sequential, so a later event is never sent before an earlier one was acknowledged. Any
 * failure abandons the rest of the run: back off, check the destination again and resend from the
 * checkpoint. Kafka may then get some events twice, never out of order.
 */
const HELD_BACK_RECHECK_MAX_MS = 1_000;

export class RelayLoop {
  private readonly logger = new Logger('Relay');

  private readonly heldBackRecheck: BackoffPolicy;

  constructor(private readonly deps: RelayLoopDeps) {
    // At most a second between rechecks: a long transaction anywhere in the cluster holds the horizon back,
    // and the events behind it should follow its end within a second, whatever the poll interval.
    this.heldBackRecheck = { initialMs: 1, maxMs: Math.min(deps.settings.pollIntervalMs, HELD_BACK_RECHECK_MAX_MS) };
  }

  /**
   * Runs until `signal` aborts (leadership lost or shutdown), then resolves with null; or until the
   * destination check halts the relay, then resolves with the reason. Never throws.
   */
  async run(session: ClientBase, signal: AbortSignal): Promise<string | null> {
    let failures = 0;
    while (!signal.aborted) {
      try {
        const start = await this.deps.guard.prepare(session);
        if (start.kind === 'halt') return start.reason;
        const { transactionId, globalPosition } = start.from;
        this.logger.log(`relaying from transaction ${transactionId}, position ${globalPosition}`);
        await this.relayFrom(session, start.from, signal, () => {
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
    return null;
  }

  private async relayFrom(session: ClientBase, from: CommitPosition, signal: AbortSignal, onProgress: () => void): Promise<void> {
    const { settings, wake, publisher, checkpoints } = this.deps;
    const offsets = new AckedOffsets();
    let start = from;
    const read = (after: CommitPosition) => {
      wake.arm();
      const pending = readCommittedBatch(session, after, settings.batchSize);
      // Observed below; this only keeps an abandoned prefetch from being an unhandled rejection.
      pending.catch(() => undefined);
      return pending;
    };
    let next = read(start);
    let heldBackChecks = 0;
    while (!signal.aborted) {
      const batch = prepareBatch(await next, settings.maxBatchBytes);
      if (batch === null) {
        // Events behind an older, still running transaction are released by its end, which no
        // notification announces: look again soon (backing off) instead of waiting for the poll.
        const heldBack = await committedEventsHeldBack(session, start);
        if (heldBack) this.deps.metrics.heldBackReads.inc();
        await wake.wait(heldBack ? backoffDelay(heldBackChecks++, this.heldBackRecheck) : settings.pollIntervalMs, signal);
        next = read(start);
        continue;
      }
      heldBackChecks = 0;
      // Leadership may have gone while reading: publish nothing more.
      if (signal.aborted) return;
      // The next batch is read while Kafka acknowledges this one; it is sent only after this one's ack.
      next = read(batch.checkpoint);
      // A topic recreated under the relay shows here first; the failure path then checks the destination.
      offsets.advance(await publisher.publish(batch.messages));
      await checkpoints.save(session, batch.checkpoint);
      start = batch.checkpoint;
      onProgress();
      this.record(batch.events);
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
