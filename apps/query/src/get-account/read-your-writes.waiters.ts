import { Injectable } from '@nestjs/common';
import { QueryConfig } from '../query.config';
import { QueryMetrics } from '../query.metrics';

/** Ends one wait's hold on its place; safe to call more than once. */
export type LeaveWait = () => void;

/**
 * Bounds the reads with minVersion that wait at once in this process (QUERY_MAX_WAITERS): each holds a
 * request, a subscription and a timer, so a flood of them is refused instead of piling up.
 */
@Injectable()
export class ReadYourWritesWaiters {
  private waiting = 0;

  constructor(
    private readonly config: QueryConfig,
    private readonly metrics: QueryMetrics,
  ) {}

  /** A place for one more wait, or null when every place is taken. */
  tryEnter(): LeaveWait | null {
    if (this.waiting >= this.config.QUERY_MAX_WAITERS) {
      this.metrics.readYourWritesRefused.inc();
      return null;
    }
    this.count(+1);
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.count(-1);
    };
  }

  private count(change: number): void {
    this.waiting += change;
    this.metrics.readYourWritesWaiters.set(this.waiting);
  }
}
