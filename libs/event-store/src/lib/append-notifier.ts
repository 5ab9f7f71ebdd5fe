/** An append's share of the NOTIFY: carried in its own commit (`claim` not null) or not. */
export interface NotifyClaim {
  /** The quiet commits already seen when it was claimed: its commit comes after theirs and covers them. */
  readonly covers: number;
}

/**
 * Decides which appends carry `NOTIFY event_store_appended` (the relay's wake-up) and sends one on its
 * own only when no append carried it in time.
 *
 * A notifying commit holds Postgres' cluster-wide notify lock through its WAL flush, which serialises
 * commits and defeats group commit: on a 2-core machine every-append NOTIFY cut append throughput
 * 2-5x. So at most one append per `intervalMs` carries it (the first after the interval). An append
 * that commits quietly is owed a NOTIFY: the next carrying append covers it if it commits, since it was
 * claimed after the quiet commit was seen. Only if nothing covers it by two intervals after the last
 * claim (once more if a claim was made meanwhile) does a stand-alone NOTIFY go out, so a listener hears
 * of a commit within about two intervals, four at worst. Under steady load, then, appends carry nearly
 * every NOTIFY, and the stand-alone statement (its own transaction, and a wake-up for Postgres and the
 * relay) is rare.
 */
export class AppendNotifier {
  private lastClaimAt = Number.NEGATIVE_INFINITY;
  /** Quiet commits seen, and how many of them a committed NOTIFY is known to cover. */
  private quiet = 0;
  private covered = 0;
  private owedStreamId = '';
  private standAlone: NodeJS.Timeout | null = null;

  constructor(
    private readonly intervalMs: number,
    /** Sends a stand-alone NOTIFY naming the stream; best effort (the relay also polls). */
    private readonly send: (streamId: string) => void,
  ) {
    if (!Number.isFinite(intervalMs) || intervalMs < 0) {
      throw new Error('event store: notifyMinIntervalMs must be a non-negative number');
    }
  }

  /** Called as an append's statement is built: whether it carries the NOTIFY. */
  claim(): NotifyClaim | null {
    const now = performance.now();
    if (now - this.lastClaimAt < this.intervalMs) return null;
    this.lastClaimAt = now;
    return { covers: this.quiet };
  }

  /**
   * Called once the append's statement returned. `committedStreamId`: a stream it wrote (null when it
   * wrote nothing: a conflict, a replay); with a claim, its commit carried the NOTIFY.
   */
  settled(claim: NotifyClaim | null, committedStreamId: string | null): void {
    if (committedStreamId === null) return;
    if (claim !== null) {
      this.covered = Math.max(this.covered, claim.covers);
      if (this.covered === this.quiet) this.cancelStandAlone();
      return;
    }
    this.quiet += 1;
    this.owedStreamId = committedStreamId;
    if (this.standAlone === null) this.armStandAlone(true);
  }

  /** At two intervals after the last claim; a claim made since arming gets that long once more to commit. */
  private armStandAlone(mayWait: boolean): void {
    const armedAfterClaimAt = this.lastClaimAt;
    const delay = Math.max(0, armedAfterClaimAt + 2 * this.intervalMs - performance.now());
    this.standAlone = setTimeout(() => {
      this.standAlone = null;
      if (this.covered === this.quiet) return;
      if (mayWait && this.lastClaimAt > armedAfterClaimAt) return this.armStandAlone(false);
      this.covered = this.quiet;
      this.lastClaimAt = performance.now();
      this.send(this.owedStreamId);
    }, delay);
    // Never keeps the process alive on its own.
    this.standAlone.unref();
  }

  private cancelStandAlone(): void {
    if (this.standAlone === null) return;
    clearTimeout(this.standAlone);
    this.standAlone = null;
  }
}
