import { isOperator, type Caller, type Scope } from '@ledger/auth';
import { Injectable } from '@nestjs/common';
import type { AccountRecord } from '../accounts/account.record';
import { AccountReader, type OwnerFilter } from '../accounts/account.reader';
import { ACCOUNTS_CURSOR, CursorCodec, OWNER_ID_ACCOUNTS_CURSOR } from '../cursors/cursor.codec';

export interface ListAccounts {
  readonly caller: Caller;
  /** Another owner's accounts by name or by id: operators only. Neither: the caller's own accounts. */
  readonly owner?: string;
  readonly ownerId?: string;
  readonly limit: number;
  readonly cursor?: string;
}

export type ListAccountsResult =
  | { readonly kind: 'page'; readonly items: readonly AccountRecord[]; readonly nextCursor?: string }
  | { readonly kind: 'invalid-cursor' }
  | { readonly kind: 'needs-scope'; readonly scope: Scope };

/** An owner's accounts in a stable order (opened_at, then id), in keyset pages. */
@Injectable()
export class ListAccountsHandler {
  constructor(
    private readonly reader: AccountReader,
    private readonly cursors: CursorCodec,
  ) {}

  async handle(query: ListAccounts): Promise<ListAccountsResult> {
    const filter = filterOf(query);
    if (filter === null) return { kind: 'needs-scope', scope: 'ledger:operate' };
    // The filter is signed into the cursor: a cursor pages only the listing that issued it.
    const [kind, scope] = 'owner' in filter ? [ACCOUNTS_CURSOR, filter.owner] : [OWNER_ID_ACCOUNTS_CURSOR, filter.ownerId];
    const after = query.cursor === undefined ? null : this.cursors.decode(kind, scope, query.cursor);
    if (after === null && query.cursor !== undefined) return { kind: 'invalid-cursor' };
    const rows = await this.reader.byOwner(filter, after, query.limit + 1);
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    const items = page.map((row) => row.account);
    return rows.length > query.limit && last !== undefined
      ? { kind: 'page', items, nextCursor: this.cursors.encode(kind, scope, last.position) }
      : { kind: 'page', items };
  }
}

/** The caller's own accounts without a filter; a filter names someone else's, which only operators may list. */
function filterOf(query: ListAccounts): OwnerFilter | null {
  const { caller, owner, ownerId } = query;
  if (owner !== undefined) return isOperator(caller) ? { owner } : null;
  if (ownerId !== undefined) return isOperator(caller) ? { ownerId } : null;
  return { ownerId: caller.subject };
}
