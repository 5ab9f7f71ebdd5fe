export interface TransactionCoalescerOptions<T, R> {
  /**
   * Applies a group of submitted items together (one read-model transaction) and returns one result
   * per item, in the group's order. Should not throw: a throw rejects every submitter of the group.
   */
  readonly flush: (items: readonly T[]) => Promise<readonly R[]>;
  /** An item's size (its messages); a group takes items while their total stays within `maxWeight`. */
  readonly weight: (item: T) => number;
  /** A group's largest total weight; an item heavier than this still goes, alone. */
  readonly maxWeight: number;
  /** Groups applied at the same time. */
  readonly concurrency: number;
}

interface Waiting<T, R> {
  readonly item: T;
  readonly resolve: (result: R) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * A group commit. Submitters (the partitions' batch handlers) hand in their chunk and wait. While a
 * slot is free, what was submitted goes at the end of the current turn of the event loop (the
 * partitions of one fetch response are handed over in the same turn, so they share a group), never
 * after a timer: nothing waits when the projector is idle. Chunks submitted while every slot is busy
 * queue, and the next free slot takes all it can of them in arrival order: the busier the projector,
 * the larger its transactions. A submitter awaits its chunk before submitting its next, so a
 * partition's order holds whatever is grouped with it.
 */
export class TransactionCoalescer<T, R> {
  private readonly queue: Waiting<T, R>[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(private readonly options: TransactionCoalescerOptions<T, R>) {
    if (!Number.isSafeInteger(options.concurrency) || options.concurrency < 1) {
      throw new RangeError(`concurrency must be a positive integer, got ${options.concurrency}`);
    }
  }

  /** The result `flush` gave for this item, once the group holding it was applied. */
  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Groups in flight and items waiting for a slot, for metrics and tests. */
  get pending(): { readonly inFlight: number; readonly queued: number } {
    return { inFlight: this.inFlight, queued: this.queue.length };
  }

  /** Once per turn: the chunks submitted in this turn go together. */
  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.options.concurrency) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.next();
    });
  }

  private next(): void {
    while (this.inFlight < this.options.concurrency && this.queue.length > 0) {
      const group = this.take();
      this.inFlight += 1;
      void this.run(group);
    }
  }

  /** The queue's head, then whatever follows while the group stays within the weight. */
  private take(): Waiting<T, R>[] {
    const { weight, maxWeight } = this.options;
    const group: Waiting<T, R>[] = [];
    let total = 0;
    while (this.queue.length > 0) {
      const head = this.queue[0] as Waiting<T, R>;
      const heavier = total + weight(head.item);
      if (group.length > 0 && heavier > maxWeight) break;
      group.push(head);
      this.queue.shift();
      total = heavier;
    }
    return group;
  }

  private async run(group: readonly Waiting<T, R>[]): Promise<void> {
    try {
      const results = await this.options.flush(group.map((waiting) => waiting.item));
      if (results.length !== group.length) throw new Error(`flush gave ${results.length} results for ${group.length} items`);
      group.forEach((waiting, index) => waiting.resolve(results[index] as R));
    } catch (error) {
      for (const waiting of group) waiting.reject(error);
    } finally {
      this.inFlight -= 1;
      this.next();
    }
  }
}
