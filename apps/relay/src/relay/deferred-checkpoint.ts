import type { CommitPosition } from '@ledger/event-store';

/**
 * The checkpoint of one relay run, saved at most once per interval and never on the send path.
 *
 * Only acknowledged positions are given to it, so whatever it saves was acknowledged; what it has not
 * saved yet is sent again after a crash (duplicates, which the guarantees allow). Saving every batch
 * costs a commit, and with it a WAL flush, per batch; it also delayed the next send by that round trip.
 * One save at a time: saves of one session run in order anyway, and a failed one fails the run.
 */
export class DeferredCheckpoint {
  private unsaved: CommitPosition | null = null;
  private lastSaveAt = Number.NEGATIVE_INFINITY;
  private saving: Promise<void> | null = null;
  private failure: { readonly error: unknown } | null = null;

  constructor(
    private readonly save: (position: CommitPosition) => Promise<void>,
    private readonly intervalMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /**
   * Kafka acknowledged everything up to `position`: starts saving it if the interval has passed since
   * the last save and none is running, else keeps it for later. Throws the error of a failed save.
   */
  advance(position: CommitPosition): void {
    this.throwIfFailed();
    this.unsaved = position;
    this.startIfDue();
  }

  /** Milliseconds until the position not saved yet is due (0: now); null when there is none. */
  dueInMs(): number | null {
    if (this.unsaved === null) return null;
    return Math.max(0, this.lastSaveAt + this.intervalMs - this.now());
  }

  /** Saves the position not saved yet if it is due, and waits for the saves running; throws the error of a failed one. */
  async saveIfDue(): Promise<void> {
    await this.saving;
    this.startIfDue();
    await this.saving;
    this.throwIfFailed();
  }

  /** Waits for a running save to end, whatever its outcome: after this the run writes nothing more. */
  async settle(): Promise<void> {
    await this.saving;
  }

  private startIfDue(): void {
    if (this.unsaved === null || this.saving !== null || this.failure !== null) return;
    if (this.now() < this.lastSaveAt + this.intervalMs) return;
    const position = this.unsaved;
    this.unsaved = null;
    this.lastSaveAt = this.now();
    this.saving = this.save(position).then(
      () => {
        this.saving = null;
      },
      (error: unknown) => {
        this.failure = { error };
        this.saving = null;
      },
    );
  }

  private throwIfFailed(): void {
    if (this.failure !== null) throw this.failure.error;
  }
}
