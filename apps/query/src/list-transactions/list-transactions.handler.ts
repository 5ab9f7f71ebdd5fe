import type { Caller } from '@ledger/auth';
import { Injectable } from '@nestjs/common';
import type { AccountTransactionEntity } from '@ledger/read-model-schema';
import { AccountReader } from '../accounts/account.reader';
import { visibleTo } from '../accounts/account.visibility';
import { CursorCodec, TRANSACTIONS_CURSOR } from '../cursors/cursor.codec';

export interface ListTransactions {
  readonly accountId: string;
  readonly caller: Caller;
  readonly limit: number;
  readonly cursor?: string;
}

export type ListTransactionsResult =
  | { readonly kind: 'page'; readonly items: readonly AccountTransactionEntity[]; readonly nextCursor?: string }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'invalid-cursor' };

/** An account's history, newest first, in keyset pages on the version. */
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
      this.reader.history(query.accountId, before, query.limit + 1),
    ]);
    if (visibleTo(query.caller, account) === null) return { kind: 'not-found' };
    const items = rows.slice(0, query.limit);
    const last = items.at(-1);
    return rows.length > query.limit && last !== undefined
      ? { kind: 'page', items, nextCursor: this.cursors.encode(TRANSACTIONS_CURSOR, query.accountId, Number(last.version)) }
      : { kind: 'page', items };
  }
}
