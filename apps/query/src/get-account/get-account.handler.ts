import type { Caller } from '@ledger/auth';
import { Injectable } from '@nestjs/common';
import type { AccountRecord } from '../accounts/account.record';
import { AccountReadsCoalescer } from '../accounts/account-reads.coalescer';
import { AccountReader } from '../accounts/account.reader';
import { visibleTo } from '../accounts/account.visibility';
import { QueryMetrics } from '../query.metrics';
import { AccountChangesSubscription } from '../read-model-changes/account-changes.subscription';
import { ReadModelChangesListener } from '../read-model-changes/read-model-changes.listener';
import { ReadYourWritesWaiters } from './read-your-writes.waiters';

export interface GetAccount {
  readonly accountId: string;
  /** An account the caller may not see reads as missing, waits included (its version never shows). */
  readonly caller: Caller;
  /** Read-your-writes: the version the caller needs to see. */
  readonly minVersion?: number;
  readonly waitMs: number;
  /** Aborts the wait (the client went away). */
  readonly signal?: AbortSignal;
}

export type GetAccountResult =
  | { readonly kind: 'found'; readonly account: AccountRecord }
  | { readonly kind: 'not-found' }
  /** minVersion was not reached within waitMs; 0 when the read model has not seen the account at all. */
  | { readonly kind: 'not-reached'; readonly reachedVersion: number }
  /** minVersion was not reached yet and QUERY_MAX_WAITERS reads are waiting already. */
  | { readonly kind: 'busy' };

/** The account when it has reached `minVersion`, else null. */
const reached = (account: AccountRecord | null, minVersion: number): AccountRecord | null =>
  account !== null && Number(account.version) >= minVersion ? account : null;

/**
 * Reads one account; with minVersion, waits until the projector's NOTIFY says the account got there.
 * The subscription is taken before the first read, so a change committed between that read and the
 * wait still wakes it; the wait never polls.
 */
@Injectable()
export class GetAccountHandler {
  constructor(
    private readonly reader: AccountReader,
    private readonly reads: AccountReadsCoalescer,
    private readonly changes: ReadModelChangesListener,
    private readonly metrics: QueryMetrics,
    private readonly waiters: ReadYourWritesWaiters,
  ) {}

  async handle(query: GetAccount): Promise<GetAccountResult> {
    if (query.minVersion === undefined) {
      const account = visibleTo(query.caller, await this.reader.findAccount(query.accountId));
      return account === null ? { kind: 'not-found' } : { kind: 'found', account };
    }
    return this.waitFor(query.accountId, query.minVersion, query.waitMs, query.caller, query.signal);
  }

  private async waitFor(
    accountId: string,
    minVersion: number,
    waitMs: number,
    caller: Caller,
    signal?: AbortSignal,
  ): Promise<GetAccountResult> {
    const changes = new AccountChangesSubscription(this.changes, accountId, (version) => version >= minVersion);
    let leave: (() => void) | null = null;
    try {
      // Announced below minVersion on this session: a read now would find the account behind, so the
      // wait starts without one (the version's own announcement wakes it).
      let account = this.changes.announcedBelow(accountId, minVersion) ? null : await this.find(accountId, caller);
      const already = reached(account, minVersion);
      if (already !== null) return { kind: 'found', account: already };
      leave = this.waiters.tryEnter();
      if (leave === null) return { kind: 'busy' };
      this.metrics.readYourWritesWaits.inc();
      const started = performance.now();
      const deadline = started + waitMs;
      while (await changes.next(deadline - performance.now(), signal)) {
        account = await this.find(accountId, caller);
        const now = reached(account, minVersion);
        if (now !== null) return this.answered(started, now);
      }
      if (signal?.aborted) return this.abandoned(started, account);
      // One last look: a batch that committed as the wait ran out is served rather than refused.
      account = await this.find(accountId, caller);
      const late = reached(account, minVersion);
      if (late !== null) return this.answered(started, late);
      this.metrics.readYourWritesTimeouts.inc();
      this.metrics.readYourWritesWait.observe({ outcome: 'timeout' }, (performance.now() - started) / 1_000);
      return { kind: 'not-reached', reachedVersion: account === null ? 0 : Number(account.version) };
    } finally {
      leave?.();
      changes.close();
    }
  }

  /** The client went away: nobody reads the answer, so no last look and no timeout counted. */
  private abandoned(started: number, account: AccountRecord | null): GetAccountResult {
    this.metrics.readYourWritesWait.observe({ outcome: 'abandoned' }, (performance.now() - started) / 1_000);
    return { kind: 'not-reached', reachedVersion: account === null ? 0 : Number(account.version) };
  }

  /** Through the account's shared reads: the wait's re-reads are those a change causes for every reader at once. */
  private async find(accountId: string, caller: Caller): Promise<AccountRecord | null> {
    return visibleTo(caller, await this.reads.account(accountId));
  }

  private answered(started: number, account: AccountRecord): GetAccountResult {
    this.metrics.readYourWritesWait.observe({ outcome: 'reached' }, (performance.now() - started) / 1_000);
    return { kind: 'found', account };
  }
}
