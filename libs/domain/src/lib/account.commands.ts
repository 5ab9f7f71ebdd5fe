/** Commands are requests in the imperative. Time (`now`) is passed in, never read from a clock. */
export type OpenAccount = Readonly<{
  type: 'OpenAccount';
  data: Readonly<{
    accountId: string;
    owner: string;
    /** Whose account it is: the subject that may command it without operator rights. */
    ownerId: string;
    currency: string;
    initialDeposit: bigint;
    now: Date;
  }>;
}>;

export type DepositMoney = Readonly<{
  type: 'DepositMoney';
  data: Readonly<{ accountId: string; amount: bigint; now: Date }>;
}>;

export type WithdrawMoney = Readonly<{
  type: 'WithdrawMoney';
  data: Readonly<{ accountId: string; amount: bigint; now: Date }>;
}>;

export type FreezeAccount = Readonly<{
  type: 'FreezeAccount';
  data: Readonly<{ accountId: string; reason: string | null; now: Date }>;
}>;

export type UnfreezeAccount = Readonly<{
  type: 'UnfreezeAccount';
  data: Readonly<{ accountId: string; now: Date }>;
}>;

export type CloseAccount = Readonly<{
  type: 'CloseAccount';
  data: Readonly<{ accountId: string; now: Date }>;
}>;

export type AccountCommand = OpenAccount | DepositMoney | WithdrawMoney | FreezeAccount | UnfreezeAccount | CloseAccount;
