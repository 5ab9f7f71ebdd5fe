/**
 * Group commit without a timer: work submitted while the in-flight batches run waits, and the next
 * free slot takes everything that waits as one batch. Under light load a batch is one item and starts
 * at once; under heavy load batches grow by themselves. Items that share a key (a stream, an
 * idempotency key) never travel in the same batch nor in two batches at once: the later one waits for
 * the next batch, so items of one key run in arrival order.
 */
export interface GroupCommitOptions {
  /** Batches running at once (each holds one connection while it runs). Default 2. */
  readonly maxBatchesInFlight?: number;
  /** Items per batch at most. Default 256. */
  readonly maxBatchSize?: number;
}

export interface BatchEntry<T, R> {
  readonly item: T;
  readonly resolve: (result: R) => void;
  readonly reject: (error: unknown) => void;
}

/** Runs one batch; it settles every entry it is given (the committer rejects those it leaves open). */
export type BatchRunner<T, R> = (entries: readonly BatchEntry<T, R>[]) => Promise<void>;

export interface GroupCommitStats {
  /** Batches run so far. */
  readonly batches: number;
  /** Items those batches carried; items / batches is the mean batch size. */
  readonly items: number;
  /** The largest batch so far. */
  readonly largestBatch: number;
}

interface Waiting<T, R> extends BatchEntry<T, R> {
  readonly keys: readonly string[];
  settled: boolean;
}

export const DEFAULT_MAX_BATCHES_IN_FLIGHT = 2;
export const DEFAULT_MAX_BATCH_SIZE = 256;

function positiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`group commit: ${name} must be a positive integer`);
  return value;
}

export class GroupCommitter<T, R> {
  private readonly maxInFlight: number;
  private readonly maxBatchSize: number;
  private waiting: Waiting<T, R>[] = [];
  private readonly busyKeys = new Set<string>();
  private inFlight = 0;
  private pumpScheduled = false;
  private batches = 0;
  private items = 0;
  private largestBatch = 0;

  constructor(
    private readonly run: BatchRunner<T, R>,
    options: GroupCommitOptions = {},
  ) {
    this.maxInFlight = positiveInteger(options.maxBatchesInFlight ?? DEFAULT_MAX_BATCHES_IN_FLIGHT, 'maxBatchesInFlight');
    this.maxBatchSize = positiveInteger(options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE, 'maxBatchSize');
  }

  /** `keys`: what this item must not share a batch with (and not run beside). */
  submit(item: T, keys: readonly string[]): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const entry: Waiting<T, R> = {
        item,
        keys,
        settled: false,
        resolve: (result) => {
          entry.settled = true;
          resolve(result);
        },
        reject: (error) => {
          entry.settled = true;
          reject(error);
        },
      };
      this.waiting.push(entry);
      this.schedulePump();
    });
  }

  stats(): GroupCommitStats {
    return { batches: this.batches, items: this.items, largestBatch: this.largestBatch };
  }

  /**
   * The start is deferred to the end of the current turn of the event loop, so everything submitted
   * in that turn (callers woken by the same I/O) shares the batch; no clock is involved.
   */
  private schedulePump(): void {
    if (this.pumpScheduled || this.inFlight >= this.maxInFlight) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  /**
   * What waits is shared evenly among the free slots: batches in flight at once run side by side (on
   * separate connections and cores), where one batch carrying everything would leave the others idle.
   */
  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.waiting.length > 0) {
      const share = Math.ceil(this.waiting.length / (this.maxInFlight - this.inFlight));
      const batch = this.take(Math.min(this.maxBatchSize, share));
      if (batch.length === 0) return;
      this.start(batch);
    }
  }

  /** Up to `limit` waiting items in arrival order, skipping those whose keys are taken; skipped ones keep their place. */
  private take(limit: number): Waiting<T, R>[] {
    const batch: Waiting<T, R>[] = [];
    const left: Waiting<T, R>[] = [];
    // Keys seen in this pass, taken or not: an item behind a skipped one of its key must not overtake it.
    const seen = new Set<string>();
    for (const entry of this.waiting) {
      const free = batch.length < limit && entry.keys.every((k) => !this.busyKeys.has(k) && !seen.has(k));
      for (const key of entry.keys) seen.add(key);
      if (free) batch.push(entry);
      else left.push(entry);
    }
    this.waiting = left;
    for (const entry of batch) for (const key of entry.keys) this.busyKeys.add(key);
    return batch;
  }

  private start(batch: Waiting<T, R>[]): void {
    this.inFlight += 1;
    this.batches += 1;
    this.items += batch.length;
    this.largestBatch = Math.max(this.largestBatch, batch.length);
    const done = (error?: unknown): void => {
      for (const entry of batch) {
        if (!entry.settled) entry.reject(error ?? new Error('group commit: a batch left an item without a result'));
        for (const key of entry.keys) this.busyKeys.delete(key);
      }
      this.inFlight -= 1;
      this.schedulePump();
    };
    let running: Promise<void>;
    try {
      running = this.run(batch);
    } catch (error: unknown) {
      running = Promise.reject(error);
    }
    running.then(() => done(), done);
  }
}
