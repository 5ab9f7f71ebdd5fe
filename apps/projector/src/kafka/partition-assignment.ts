import { Injectable } from '@nestjs/common';
import { ProjectorMetrics } from '../projection/projector.metrics';

/**
 * The partitions of the events topic the group gave this replica in its latest assignment: empty
 * while not in the group. The transport sets it; the batch handler asks it before every offset
 * commit, the gauges sampler before every lag sample.
 */
@Injectable()
export class PartitionAssignment {
  private owned = new Set<number>();

  constructor(private readonly metrics: ProjectorMetrics) {}

  owns(partition: number): boolean {
    return this.owned.has(partition);
  }

  partitions(): readonly number[] {
    return [...this.owned].sort((a, b) => a - b);
  }

  /** A new assignment: the lag of a partition that went elsewhere is no longer this replica's to report. */
  assign(partitions: readonly number[]): void {
    const previous = this.owned;
    this.owned = new Set(partitions);
    for (const partition of previous) {
      if (!this.owned.has(partition)) this.metrics.consumerLag.remove({ partition: String(partition) });
    }
  }

  clear(): void {
    this.owned = new Set();
    this.metrics.consumerLag.reset();
  }
}
