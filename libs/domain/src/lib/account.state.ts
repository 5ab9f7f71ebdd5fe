import { AccountStatus } from './account.events';

/** The state `decide` needs, folded from events by `evolve`. */
export type AccountState =
  | Readonly<{ status: 'NOT_OPENED' }>
  | Readonly<{
      status: AccountStatus;
      accountId: string;
      owner: string;
      ownerId: string | null;
      currency: string;
      balance: bigint;
      /** The sum of this account's pending holds (as a source): part of `balance` no one may spend. */
      reserved: bigint;
      openedAt: Date;
    }>;

export type OpenedAccountState = Exclude<AccountState, { status: 'NOT_OPENED' }>;

export const initialAccountState: AccountState = { status: 'NOT_OPENED' };

/** What may still be spent: the balance less what pending holds reserve. Never below zero. */
export function availableBalance(state: OpenedAccountState): bigint {
  return state.balance - state.reserved;
}
