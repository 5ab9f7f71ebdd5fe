import type { ChangesAfter } from '../accounts/account-reads.coalescer';
import type { AccountChangesSubscription } from '../read-model-changes/account-changes.subscription';
import { formatStreamEvent, HEARTBEAT } from './stream-event';

/** Where a stream's messages go (an HTTP response in production). */
export interface StreamSink {
  /** Queues a chunk; false once the stream is closed (the client left, or was dropped as too slow). */
  send(chunk: string): boolean;
  /** true once the client took what was queued; false if it closed, or did not within `timeoutMs` (it is then dropped). */
  drained(timeoutMs: number): Promise<boolean>;
  /** Aborts when the stream closes, whoever closed it. */
  readonly closed: AbortSignal;
}

export interface AccountStreamOptions {
  readonly accountId: string;
  /** The last version the client has: the stream sends every version after it, in order. */
  readonly after: number;
  readonly heartbeatMs: number;
  readonly drainTimeoutMs: number;
  /** When the stream ends by itself: the expiry of the token it was opened with. */
  readonly until: Date;
}

/** Where a stream reads what it has not sent (the account's shared reads). */
export interface StreamReads {
  changesAfter(accountId: string, afterVersion: number): Promise<ChangesAfter>;
}

/** Idle waits are cut into slices only so a timer is never armed beyond Node's limit. */
const IDLE_SLICE_MS = 60_000;

/**
 * One client's stream of an account's changes. The subscription is taken before the starting point
 * is read; every wake-up reads the rows after the last version sent, so however notifications
 * coalesce or reconnects lose them, nothing is skipped and nothing is sent twice.
 */
export class AccountStream {
  private lastSent: number;

  constructor(
    private readonly reads: StreamReads,
    private readonly changes: AccountChangesSubscription,
    private readonly sink: StreamSink,
    private readonly options: AccountStreamOptions,
  ) {
    this.lastSent = options.after;
  }

  /** Replays what the client missed, then follows live changes until the stream closes or its time is up. */
  async run(): Promise<void> {
    const heartbeat = setInterval(() => this.sink.send(HEARTBEAT), this.options.heartbeatMs);
    try {
      await this.sendPending();
      while (!this.sink.closed.aborted && this.remainingMs() > 0) {
        if (await this.changes.next(Math.min(IDLE_SLICE_MS, this.remainingMs()), this.sink.closed)) await this.sendPending();
      }
    } finally {
      clearInterval(heartbeat);
      this.changes.close();
    }
  }

  private remainingMs(): number {
    return this.options.until.getTime() - Date.now();
  }

  private async sendPending(): Promise<void> {
    for (;;) {
      // Never read more while the client has not taken the last batch: the bound is the socket's, not ours.
      if (!(await this.sink.drained(this.options.drainTimeoutMs))) return;
      const { changes, complete } = await this.reads.changesAfter(this.options.accountId, this.lastSent);
      for (const row of changes) {
        if (!this.sink.send(formatStreamEvent(row))) return;
        this.lastSent = Number(row.version);
      }
      if (complete) return;
    }
  }
}
