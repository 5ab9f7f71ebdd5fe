/**
 * Paces the group's offset commits to one per interval across all partitions: each is one request to
 * the broker, and one after every small transaction costs the broker more than the rest of the
 * consumer's traffic. A commit covers every partition's resolved offsets (each resolved only after
 * its read-model transaction committed), so the committed offsets never pass the read model; they
 * may trail it by one interval, and a replay of that after a crash is skipped by the version guard.
 *
 * A commit that is not due is not lost: the latest one asked for runs when the interval is over, so
 * the group reaches the end of a partition that went quiet.
 */
export class OffsetCommitPacer {
  private lastAt = Number.NEGATIVE_INFINITY;
  private trailing: { readonly timer: NodeJS.Timeout; commit: () => Promise<void> } | null = null;
  private stopped = false;

  /** `intervalMs` 0 commits after every transaction. */
  constructor(private readonly intervalMs: number) {
    if (!Number.isFinite(intervalMs) || intervalMs < 0) throw new RangeError(`interval must be 0 or more ms, got ${intervalMs}`);
  }

  /**
   * Asked once offsets were resolved. True: commit now (a pending later commit is dropped, this one
   * covers it). False: `commitLater` (the latest given wins) runs once the interval since the last
   * commit is over.
   */
  due(commitLater: () => Promise<void>): boolean {
    const now = Date.now();
    if (this.stopped || now - this.lastAt >= this.intervalMs) {
      this.lastAt = now;
      this.cancel();
      return true;
    }
    if (this.trailing !== null) {
      this.trailing.commit = commitLater;
      return false;
    }
    const timer = setTimeout(() => this.fire(), this.lastAt + this.intervalMs - now);
    timer.unref();
    this.trailing = { timer, commit: commitLater };
    return false;
  }

  /** At shutdown: the pending commit runs now, and every later one is due at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    const pending = this.trailing;
    this.cancel();
    await pending?.commit();
  }

  private fire(): void {
    const pending = this.trailing;
    this.trailing = null;
    if (pending === null) return;
    this.lastAt = Date.now();
    void pending.commit();
  }

  private cancel(): void {
    if (this.trailing !== null) clearTimeout(this.trailing.timer);
    this.trailing = null;
  }
}
