import { transferIdOf } from '@ledger/domain';
import type { DueStream } from '@ledger/event-store';
import { messageOf } from '@ledger/platform';
import type { Clock } from '../../accounts/clock';

/** What expiring one due hold came to. */
export type HoldExpiryOutcome =
  | Readonly<{ kind: 'expired' }>
  /** Posted, voided or expired meanwhile (or never placed): nothing is left to release. */
  | Readonly<{ kind: 'already-resolved' }>
  /** The hold's deadline is still ahead by this replica's clock: the next sweep gets it. */
  | Readonly<{ kind: 'not-yet-due'; expiresAt: Date }>
  | Readonly<{ kind: 'failed'; reason: string }>;

/** Expires one hold as of `now` (the transfer command handler's expire). */
export type ExpireHold = (transferId: string, now: Date) => Promise<HoldExpiryOutcome>;

/** Where due holds are found: the event store's stream deadlines. */
export interface DueHolds {
  dueStreams(now: Date, limit: number): Promise<readonly DueStream[]>;
}

export interface HoldExpiryObserver {
  /** `lagMs`: from the hold's deadline to its release, as this replica's clock saw them. */
  expired(event: { readonly transferId: string; readonly lagMs: number }): void;
  failed(event: { readonly streamId: string; readonly reason: string }): void;
}

export interface SweepReport {
  readonly expired: number;
  readonly alreadyResolved: number;
  readonly notYetDue: number;
  readonly failed: number;
}

export interface HoldExpirySweepDeps {
  readonly due: DueHolds;
  readonly expire: ExpireHold;
  readonly clock: Clock;
  /** Due streams asked for at once. */
  readonly batchSize: number;
  readonly observer: HoldExpiryObserver;
}

type Tally = { -readonly [K in keyof SweepReport]: SweepReport[K] };

/**
 * One pass over the holds past their deadline: each is expired through the command handler, so the
 * store's optimistic concurrency settles a race with a post or void (whichever commits first wins;
 * the other finds the hold resolved). A full batch that released something is followed at once by
 * another, so a backlog drains within one pass; one that released nothing ends the pass, so streams
 * that stay due without being expirable cannot keep it spinning.
 */
export class HoldExpirySweep {
  constructor(private readonly deps: HoldExpirySweepDeps) {}

  async run(signal: AbortSignal): Promise<SweepReport> {
    const tally: Tally = { expired: 0, alreadyResolved: 0, notYetDue: 0, failed: 0 };
    while (!signal.aborted) {
      const due = await this.deps.due.dueStreams(this.deps.clock.now(), this.deps.batchSize);
      const expiredBefore = tally.expired;
      for (const stream of due) {
        if (signal.aborted) break;
        this.count(tally, stream, await this.expireOne(stream));
      }
      if (due.length < this.deps.batchSize || tally.expired === expiredBefore) break;
    }
    return tally;
  }

  private async expireOne(stream: DueStream): Promise<HoldExpiryOutcome> {
    const transferId = transferIdOf(stream.streamId);
    // Only holds set deadlines today; another category's would need a worker of its own.
    if (transferId === null) return { kind: 'failed', reason: 'not a transfer stream' };
    try {
      // Asked as of the release itself, never earlier than the sweep's look-up found it due.
      return await this.deps.expire(transferId, this.deps.clock.now());
    } catch (error) {
      return { kind: 'failed', reason: messageOf(error) };
    }
  }

  private count(tally: Tally, stream: DueStream, outcome: HoldExpiryOutcome): void {
    switch (outcome.kind) {
      case 'expired':
        tally.expired += 1;
        this.deps.observer.expired({
          transferId: transferIdOf(stream.streamId) ?? stream.streamId,
          lagMs: this.deps.clock.now().getTime() - stream.dueAt.getTime(),
        });
        return;
      case 'already-resolved':
        tally.alreadyResolved += 1;
        return;
      case 'not-yet-due':
        tally.notYetDue += 1;
        return;
      case 'failed':
        tally.failed += 1;
        this.deps.observer.failed({ streamId: stream.streamId, reason: outcome.reason });
        return;
      default: {
        const _exhaustive: never = outcome;
        throw new Error(`unhandled hold-expiry outcome ${JSON.stringify(_exhaustive)}`);
      }
    }
  }
}
