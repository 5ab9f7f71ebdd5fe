import type { Caller } from '@ledger/auth';
import { Injectable } from '@nestjs/common';
import type { HistoryRecord } from '../accounts/account.record';
import { AccountReader } from '../accounts/account.reader';
import { visibleTo } from '../accounts/account.visibility';
import { CursorCodec, TRANSACTIONS_CURSOR } from '../cursors/cursor.codec';

export interface ListTransactions {
  readonly accountId: string;
  readonly caller: Caller;
  readonly limit: number;
  readonly cursor?: string;
  /** occurredAt at or after (RFC 3339). */
  readonly from?: string;
  /** occurredAt strictly before (RFC 3339). */
  readonly to?: string;
  readonly type?: string;
}

export type ListTransactionsResult =
  | { readonly kind: 'page'; readonly items: readonly HistoryRecord[]; readonly nextCursor?: string }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'invalid-cursor' };

/**
 * An account's history, newest first, in keyset pages on the version. Filters narrow the rows a page
 * holds; the cursor is the last version served, so the next page is the same filter below it.
 */
@Injectable()
export class ListTransactionsHandler {
  constructor(
    private readonly reader: AccountReader,
    private readonly cursors: CursorCodec,
  ) {}

  async handle(query: ListTransactions): Promise<ListTransactionsResult> {
    const before = query.cursor === undefined ? null : this.cursors.decode(TRANSACTIONS_CURSOR, query.accountId, query.cursor);
    if (before === null && query.cursor !== undefined) return { kind: 'invalid-cursor' };
    const [account, rows] = await Promise.all([
      this.reader.findAccount(query.accountId),
      // One more than asked says whether another page follows, without a count.
      this.reader.history(query.accountId, { beforeVersion: before, from: query.from, to: query.to, type: query.type }, query.limit + 1),
    ]);
    if (visibleTo(query.caller, account) === null) return { kind: 'not-found' };
    const items = rows.slice(0, query.limit);
    const last = items.at(-1);
    return rows.length > query.limit && last !== undefined
      ? { kind: 'page', items, nextCursor: this.cursors.encode(TRANSACTIONS_CURSOR, query.accountId, Number(last.version)) }
      : { kind: 'page', items };
  }
}
