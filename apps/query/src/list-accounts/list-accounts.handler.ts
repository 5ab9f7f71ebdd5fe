import { Injectable } from '@nestjs/common';
import type { AccountEntity } from '@ledger/read-model';
import { AccountReader } from '../accounts/account.reader';
import { ACCOUNTS_CURSOR, CursorCodec } from '../cursors/cursor.codec';

export interface ListAccounts {
  readonly owner: string;
  readonly limit: number;
  readonly cursor?: string;
}

export type ListAccountsResult =
  | { readonly kind: 'page'; readonly items: readonly AccountEntity[]; readonly nextCursor?: string }
  | { readonly kind: 'invalid-cursor' };

/** An owner's accounts in a stable order (opened_at, then id), in keyset pages. */
@Injectable()
export class ListAccountsHandler {
  constructor(
    private readonly reader: AccountReader,
    private readonly cursors: CursorCodec,
  ) {}

  async handle(query: ListAccounts): Promise<ListAccountsResult> {
    const after = query.cursor === undefined ? null : this.cursors.decode(ACCOUNTS_CURSOR, query.owner, query.cursor);
    if (after === null && query.cursor !== undefined) return { kind: 'invalid-cursor' };
    const rows = await this.reader.byOwner(query.owner, after, query.limit + 1);
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    const items = page.map((row) => row.account);
    return rows.length > query.limit && last !== undefined
      ? { kind: 'page', items, nextCursor: this.cursors.encode(ACCOUNTS_CURSOR, query.owner, last.position) }
      : { kind: 'page', items };
  }
}
