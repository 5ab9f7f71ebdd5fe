/**
 * Rule violations are values, not exceptions: `decide` returns them and the edge maps each `type`
 * to one HTTP problem type.
 */
export type AccountError =
  | Readonly<{ type: 'AccountNotFound'; accountId: string }>
  | Readonly<{ type: 'AccountAlreadyExists'; accountId: string }>
  | Readonly<{ type: 'InvalidAmount'; detail: string }>
  /** A malformed command other than its amount (owner, currency, reason, time): a client mistake. */
  | Readonly<{ type: 'InvalidCommand'; detail: string }>
  | Readonly<{
      type: 'InsufficientFunds';
      accountId: string;
      /** The available balance (balance less reserved): what the rule checked the amount against. */
      balance: bigint;
      requested: bigint;
    }>
  | Readonly<{ type: 'AccountFrozen'; accountId: string }>
  | Readonly<{ type: 'AccountNotFrozen'; accountId: string }>
  | Readonly<{ type: 'AccountClosed'; accountId: string }>
  | Readonly<{ type: 'BalanceNotZero'; accountId: string; balance: bigint }>
  /** Close refused while holds on the account are pending: they still reserve `reserved` of `balance`. */
  | Readonly<{ type: 'PendingHolds'; accountId: string; balance: bigint; reserved: bigint }>
  | Readonly<{
      type: 'BalanceOverflow';
      accountId: string;
      balance: bigint;
      amount: bigint;
    }>;

export type AccountErrorType = AccountError['type'];

/** A rule's answer: the new events, or why not (a value, never an exception). Any decider's, the account's by default. */
export type Decision<E, R = AccountError> = Readonly<{ ok: true; events: readonly E[] }> | Readonly<{ ok: false; error: R }>;
