import type { Caller } from '@ledger/auth';
import { Injectable } from '@nestjs/common';
import type { AccountRecord, HistoryRecord } from '../accounts/account.record';
import { AccountReader, type HistoryTotals } from '../accounts/account.reader';
import { visibleTo } from '../accounts/account.visibility';

export interface GetStatement {
  readonly accountId: string;
  readonly caller: Caller;
  /** RFC 3339, inclusive. */
  readonly from: string;
  /** RFC 3339, exclusive. */
  readonly to: string;
}

/** Where the account stood at one end of the period: the last event before it (version 0, balance 0: none yet). */
export interface StatementEdge {
  readonly version: number;
  readonly balance: string;
}

export interface Statement {
  readonly account: AccountRecord;
  readonly opening: StatementEdge;
  readonly closing: StatementEdge;
  readonly totals: HistoryTotals;
  /** The period's events, oldest first, one keyset page at a time: never the whole period in memory. */
  pages(): AsyncGenerator<readonly HistoryRecord[]>;
}

export type GetStatementResult = { readonly kind: 'found'; readonly statement: Statement } | { readonly kind: 'not-found' };

/** Rows per read while a statement streams out. */
export const STATEMENT_PAGE_SIZE = 500;

const NONE: StatementEdge = { version: 0, balance: '0' };

/**
 * An account's statement for [from, to). The period is cut by version: the opening balance is the
 * one the last event before `from` left, the closing the one the last event before `to` left, and
 * the items every version in between. So `opening + credits - debits = closing` always holds, and
 * rows the projector adds while the statement streams (above the closing version) never show.
 */
@Injectable()
export class GetStatementHandler {
  constructor(private readonly reader: AccountReader) {}

  async handle(query: GetStatement): Promise<GetStatementResult> {
    const { accountId } = query;
    const [found, openingEvent, closingEvent] = await Promise.all([
      this.reader.findAccount(accountId),
      this.reader.lastEventBefore(accountId, query.from, false),
      this.reader.lastEventBefore(accountId, query.to, false),
    ]);
    const account = visibleTo(query.caller, found);
    if (account === null) return { kind: 'not-found' };
    const opening = openingEvent === null ? NONE : { version: Number(openingEvent.version), balance: openingEvent.balanceAfter };
    const closing = closingEvent === null ? opening : { version: Number(closingEvent.version), balance: closingEvent.balanceAfter };
    const totals = await this.reader.totalsBetween(accountId, opening.version, closing.version);
    const reader = this.reader;
    return {
      kind: 'found',
      statement: {
        account,
        opening,
        closing,
        totals,
        async *pages() {
          let after = opening.version;
          while (after < closing.version) {
            const page = await reader.between(accountId, after, closing.version, STATEMENT_PAGE_SIZE);
            const last = page.at(-1);
            if (last === undefined) return;
            yield page;
            after = Number(last.version);
          }
        },
      },
    };
  }
}
