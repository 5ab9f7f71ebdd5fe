import type { Caller } from '@ledger/auth';
import { Injectable } from '@nestjs/common';
import type { HistoryRecord } from '../accounts/account.record';
import { AccountReader } from '../accounts/account.reader';
import { visibleTo } from '../accounts/account.visibility';

export interface GetBalanceAt {
  readonly accountId: string;
  readonly caller: Caller;
  /** RFC 3339. */
  readonly at: string;
}

export type GetBalanceAtResult =
  | { readonly kind: 'found'; readonly event: HistoryRecord }
  | { readonly kind: 'not-found' }
  /** The account exists (and the caller may see it) but had no event yet at that instant. */
  | { readonly kind: 'not-yet-opened' };

/** An account as of an instant: the history row that left it so. */
@Injectable()
export class GetBalanceAtHandler {
  constructor(private readonly reader: AccountReader) {}

  async handle(query: GetBalanceAt): Promise<GetBalanceAtResult> {
    const [account, event] = await Promise.all([
      this.reader.findAccount(query.accountId),
      this.reader.lastEventBefore(query.accountId, query.at, true),
    ]);
    // Someone else's account reads as missing before anything of its history is looked at.
    if (visibleTo(query.caller, account) === null) return { kind: 'not-found' };
    return event === null ? { kind: 'not-yet-opened' } : { kind: 'found', event };
  }
}
