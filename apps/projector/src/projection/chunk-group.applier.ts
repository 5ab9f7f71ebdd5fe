import { Logger } from '@nestjs/common';
import type { BatchOutcome, ProjectionInput } from '@ledger/read-model-projection';
import type { BatchApplier, BatchControl } from './batch.applier';
import { projectionLagsSeconds } from './projection-lag';
import type { ProjectorMetrics } from './projector.metrics';
import { TransactionCoalescer } from './transaction-coalescer';

/** One partition's chunk of messages, decoded, with what its consumer says while it waits. */
export interface PartitionChunk {
  readonly partition: number;
  readonly inputs: readonly ProjectionInput[];
  readonly control: BatchControl;
}

export interface ChunkGroupApplierDeps {
  readonly applier: BatchApplier;
  readonly metrics: ProjectorMetrics;
  /** A transaction takes waiting chunks while their messages stay within this (a larger chunk goes alone). */
  readonly maxMessages: number;
  /** Transactions in flight at once; chunks that arrive meanwhile wait and go together. */
  readonly concurrency: number;
  /** Called after a commit that wrote dead letters, so their copies go to the dead-letter topic soon. */
  readonly onDeadLetters: () => void;
}

/** How a chunk fared in its group: committed with it, to be applied on its own, or given up (its partition moved). */
type GroupResult = 'committed' | 'alone' | 'given-up';

/**
 * Applies the partitions' chunks in shared read-model transactions (see TransactionCoalescer): the
 * chunks that are ready together commit together, so a transaction, its lock reads and its commit
 * are paid once for all of them. A shared transaction that fails commits nothing; each of its chunks
 * is then applied on its own, with the retries, isolation and parking of `BatchApplier.apply`, so a
 * poison message never stalls or dead-letters another partition's chunk.
 */
export class ChunkGroupApplier {
  private readonly logger = new Logger('Projector');
  private readonly coalescer: TransactionCoalescer<PartitionChunk, GroupResult>;

  constructor(private readonly deps: ChunkGroupApplierDeps) {
    this.coalescer = new TransactionCoalescer({
      flush: (chunks) => this.applyGroup(chunks),
      weight: (chunk) => chunk.inputs.length,
      maxWeight: deps.maxMessages,
      concurrency: deps.concurrency,
    });
  }

  /** True once the chunk committed; false when it was given up before (its partition is no longer ours). */
  async apply(chunk: PartitionChunk): Promise<boolean> {
    const started = performance.now();
    const committed = await this.applyChunk(chunk);
    if (committed) {
      this.deps.metrics.batchDuration.observe((performance.now() - started) / 1000);
      this.deps.metrics.batchSize.observe(chunk.inputs.length);
    }
    return committed;
  }

  private async applyChunk(chunk: PartitionChunk): Promise<boolean> {
    const result = await this.coalescer.submit(chunk);
    if (result !== 'alone') return result === 'committed';
    const outcome = await this.deps.applier.apply(chunk.inputs, chunk.control);
    if (outcome === null) return false;
    this.record(chunk.inputs, 1, outcome);
    return true;
  }

  private async applyGroup(chunks: readonly PartitionChunk[]): Promise<GroupResult[]> {
    const live = chunks.map((chunk) => chunk.control.active());
    const applying = chunks.filter((_, index) => live[index]);
    if (applying.length === 0) return chunks.map(() => 'given-up');
    const inputs = applying.flatMap((chunk) => chunk.inputs);
    const outcome = await this.deps.applier.applyOnce(inputs, applying.length);
    if (outcome !== null) this.record(inputs, applying.length, outcome);
    const result: GroupResult = outcome === null ? 'alone' : 'committed';
    return live.map((active) => (active ? result : 'given-up'));
  }

  /** Once per committed transaction: its size is the events-per-transaction the projector achieves. */
  private record(inputs: readonly ProjectionInput[], chunks: number, outcome: BatchOutcome): void {
    const { metrics } = this.deps;
    const committedAt = Date.now();
    metrics.transactionSize.observe(inputs.length);
    metrics.transactionChunks.observe(chunks);
    metrics.eventsProjected.inc(outcome.applied);
    metrics.duplicatesSkipped.inc(outcome.duplicates);
    metrics.eventsHeld.inc(outcome.held);
    metrics.deadLetters.inc(outcome.deadLettered);
    for (const seconds of projectionLagsSeconds(inputs, outcome.moved, committedAt)) metrics.projectionLag.observe(seconds);
    if (outcome.deadLettered > 0) this.deps.onDeadLetters();
    if (outcome.parked.length > 0) {
      this.logger.warn(`parked ${outcome.parked.join(', ')} behind a dead letter`);
    } else if (outcome.deadLettered > 0) {
      this.logger.warn(`${outcome.deadLettered} message(s) naming no account dead-lettered`);
    }
  }
}
