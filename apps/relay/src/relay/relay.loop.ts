import { Logger } from '@nestjs/common';
import type { ClientBase } from 'pg';
import { readCommittedOrHeldBack, type CommitPosition, type CommittedEvent, type RelayCheckpoints } from '@ledger/event-store';
import { backoffDelay, messageOf, sleep, type BackoffPolicy, type WakeSignal } from '@ledger/platform';
import type { DestinationGuard } from './destination.guard';
import { DeferredCheckpoint } from './deferred-checkpoint';
import { prepareBatch, type PreparedBatch } from './relay.batch';
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
  /** The checkpoint is saved at most this often while events flow, and this long after the last ack at most. */
  readonly checkpointIntervalMs: number;
  /** Reads start at least this long apart once caught up, so that under load each gathers what committed meanwhile. */
  readonly lingerMs: number;
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
 * Sends are strictly sequential, so a later event is never sent before an earlier one was
 * acknowledged. Any failure abandons the rest of the run: back off, check the destination again and
 * resend from the checkpoint. Kafka may then get some events twice, never out of order.
 */
const HELD_BACK_RECHECK_MAX_MS = 1_000;

/** One read, already encoded: the Node thread does that while Kafka acknowledges the batch before. */
interface ReadBatch {
  readonly batch: PreparedBatch | null;
  /** Committed events after it wait behind an older transaction still running. */
  readonly heldBack: boolean;
  /** More is committed than this batch holds (a full read, or one cut by size): read on while sending it. */
  readonly more: boolean;
}

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
    const checkpoint = new DeferredCheckpoint((position) => checkpoints.save(session, position), settings.checkpointIntervalMs);
    let lastReadAt = -Infinity;
    const read = (after: CommitPosition): Promise<ReadBatch> => {
      wake.arm();
      lastReadAt = performance.now();
      const pending = readCommittedOrHeldBack(session, after, settings.batchSize).then(({ events, heldBack }) => {
        const batch = prepareBatch(events, settings.maxBatchBytes);
        return { batch, heldBack, more: events.length >= settings.batchSize || (batch?.events.length ?? 0) < events.length };
      });
      // Observed below; this only keeps an abandoned read-ahead from being an unhandled rejection.
      pending.catch(() => undefined);
      return pending;
    };
    let start = from;
    let next = read(start);
    let heldBackChecks = 0;
    try {
      while (!signal.aborted) {
        const { batch, heldBack, more } = await next;
        if (batch !== null) {
          // Leadership may have gone while reading: publish nothing more.
          if (signal.aborted) return;
          // With more waiting, the next batch is read (and encoded) while Kafka acknowledges this one;
          // it is sent only after this one's ack.
          const ahead = more ? read(batch.checkpoint) : null;
          // A topic recreated under the relay shows here first; the failure path then checks the destination.
          offsets.advance(await publisher.publish(batch.messages));
          checkpoint.advance(batch.checkpoint);
          start = batch.checkpoint;
          onProgress();
          this.record(batch.events);
          if (ahead !== null) {
            next = ahead;
            continue;
          }
        }
        // Caught up. Appends committed since the read began have notified (or will): wait for that
        // rather than read again at once. Events behind an older, still running transaction are
        // released by its end, which no notification announces: look again soon (backing off) instead
        // of waiting for the poll.
        await checkpoint.saveIfDue();
        if (heldBack) this.deps.metrics.heldBackReads.inc();
        const timeoutMs = heldBack ? backoffDelay(heldBackChecks++, this.heldBackRecheck) : settings.pollIntervalMs;
        if (!heldBack) heldBackChecks = 0;
        await wake.wait(Math.min(timeoutMs, checkpoint.dueInMs() ?? timeoutMs), signal);
        // A wake-up soon after the last read means events are flowing: let a few more commit and take
        // them in one batch (one read, one produce request, one fetch downstream) rather than one each.
        // After a quiet spell the last read is long past and the read starts at once.
        const lingerLeftMs = lastReadAt + settings.lingerMs - performance.now();
        if (lingerLeftMs > 0) await sleep(lingerLeftMs, signal);
        next = read(start);
      }
    } finally {
      // A save still running lands before the run is over (and before a failure is counted).
      await checkpoint.settle();
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
