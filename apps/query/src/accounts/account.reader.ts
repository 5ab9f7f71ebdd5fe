import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, MoreThan, Repository } from 'typeorm';
import { AccountEntity, AccountTransactionEntity } from '@ledger/read-model-schema';
import type { OwnerPosition } from '../cursors/cursor.codec';

export interface OwnedAccount {
  readonly account: AccountEntity;
  /** Where the account stands in its owner's listing, with opened_at to the microsecond. */
  readonly position: OwnerPosition;
}

/** Whose accounts a listing shows: an owner name, or an owner id (both served by an index in listing order). */
export type OwnerFilter = { readonly owner: string } | { readonly ownerId: string };

// A JavaScript Date keeps milliseconds; the keyset position must be what the row holds, exactly.
const EXACT_OPENED_AT = `to_char("account"."opened_at" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** Reads the read models, and only them, through their TypeORM entities. Every query is an index range. */
@Injectable()
export class AccountReader {
  constructor(
    @InjectRepository(AccountEntity) private readonly accounts: Repository<AccountEntity>,
    @InjectRepository(AccountTransactionEntity) private readonly transactions: Repository<AccountTransactionEntity>,
  ) {}

  findAccount(accountId: string): Promise<AccountEntity | null> {
    return this.accounts.findOneBy({ accountId });
  }

  /** Newest first; below `beforeVersion` when given. */
  history(accountId: string, beforeVersion: number | null, take: number): Promise<AccountTransactionEntity[]> {
    return this.transactions.find({
      where: beforeVersion === null ? { accountId } : { accountId, version: LessThan(String(beforeVersion)) },
      order: { version: 'DESC' },
      take,
    });
  }

  /** Oldest first, strictly after `afterVersion`: what a stream has not sent yet. */
  changesAfter(accountId: string, afterVersion: number, take: number): Promise<AccountTransactionEntity[]> {
    return this.transactions.find({
      where: { accountId, version: MoreThan(String(afterVersion)) },
      order: { version: 'ASC' },
      take,
    });
  }

  /** An owner's accounts (by name or by id) in (opened_at, account_id) order, after `after` when given (keyset). */
  async byOwner(owner: OwnerFilter, after: OwnerPosition | null, take: number): Promise<OwnedAccount[]> {
    const query = this.accounts
      .createQueryBuilder('account')
      .addSelect(EXACT_OPENED_AT, 'opened_at_exact')
      .where('owner' in owner ? 'account.owner = :owner' : 'account.ownerId = :ownerId', owner)
      .orderBy('account.openedAt', 'ASC')
      .addOrderBy('account.accountId', 'ASC')
      .limit(take);
    if (after !== null) {
      query.andWhere('(account.openedAt, account.accountId) > (CAST(:openedAt AS timestamptz), CAST(:accountId AS uuid))', {
        openedAt: after[0],
        accountId: after[1],
      });
    }
    const { entities, raw } = await query.getRawAndEntities<{ opened_at_exact: string }>();
    return entities.map((account, index) => {
      const openedAt = raw[index]?.opened_at_exact;
      if (openedAt === undefined) throw new Error(`account ${account.accountId} came without its listing position`);
      return { account, position: [openedAt, account.accountId] };
    });
  }
}
