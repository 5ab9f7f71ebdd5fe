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
      openedAt: Date;
    }>;

export type OpenedAccountState = Exclude<AccountState, { status: 'NOT_OPENED' }>;

export const initialAccountState: AccountState = { status: 'NOT_OPENED' };
