import { AccountCommand, CloseAccount, DepositMoney, FreezeAccount, OpenAccount, UnfreezeAccount, WithdrawMoney } from './account.commands';
import { decide } from './account.decide';
import { AccountError, AccountErrorType, Decision } from './account.errors';
import { AccountEvent } from './account.events';
import { AccountState, OpenedAccountState, initialAccountState } from './account.state';
import { invalidAmounts } from './testing/amounts.fixtures';

const ACCOUNT_ID = '0b5f7c4e-3d2a-4f1b-9a8e-2c6d1e0f9a7b';
const OTHER_ACCOUNT_ID = '9d3e1a2b-7c4f-4e8d-b6a5-1f0e2d3c4b5a';
const OPENED_AT = new Date('2024-01-15T09:00:00.000Z');
const NOW = new Date('2024-05-01T10:30:00.000Z');
const MAX = BigInt(Number.MAX_SAFE_INTEGER);

const openAccount = (data: Partial<OpenAccount['data']> = {}): OpenAccount => ({
  type: 'OpenAccount',
  data: {
    accountId: ACCOUNT_ID,
    owner: 'Ada Lovelace',
    ownerId: 'user-ada',
    currency: 'EUR',
    initialDeposit: 0n,
    now: NOW,
    ...data,
  },
});
const depositMoney = (amount: bigint, data: Partial<DepositMoney['data']> = {}): DepositMoney => ({
  type: 'DepositMoney',
  data: { accountId: ACCOUNT_ID, amount, now: NOW, ...data },
});
const withdrawMoney = (amount: bigint, data: Partial<WithdrawMoney['data']> = {}): WithdrawMoney => ({
  type: 'WithdrawMoney',
  data: { accountId: ACCOUNT_ID, amount, now: NOW, ...data },
});
const freezeAccount = (reason: string | null = 'suspicious activity'): FreezeAccount => ({
  type: 'FreezeAccount',
  data: { accountId: ACCOUNT_ID, reason, now: NOW },
});
const unfreezeAccount = (): UnfreezeAccount => ({
  type: 'UnfreezeAccount',
  data: { accountId: ACCOUNT_ID, now: NOW },
});
const closeAccount = (): CloseAccount => ({
  type: 'CloseAccount',
  data: { accountId: ACCOUNT_ID, now: NOW },
});

const account = (state: Partial<OpenedAccountState> = {}): OpenedAccountState => ({
  status: 'ACTIVE',
  accountId: ACCOUNT_ID,
  owner: 'Ada Lovelace',
  ownerId: 'user-ada',
  currency: 'EUR',
  balance: 0n,
  reserved: 0n,
  openedAt: OPENED_AT,
  ...state,
});

function eventsOf(decision: Decision<AccountEvent>): readonly AccountEvent[] {
  if (!decision.ok) throw new Error(`expected events, got error ${decision.error.type}`);
  return decision.events;
}

function errorOf(decision: Decision<AccountEvent>): AccountError {
  if (decision.ok) throw new Error(`expected an error, got events ${decision.events.map((e) => e.type).join(', ')}`);
  return decision.error;
}

describe('decide', () => {
  describe('OpenAccount', () => {
    it('given no account, when opened with an initial deposit, then AccountOpened carries it as the balance', () => {
      const events = eventsOf(decide(openAccount({ initialDeposit: 1500n }), initialAccountState));

      expect(events).toEqual([
        {
          type: 'AccountOpened',
          data: {
            accountId: ACCOUNT_ID,
            owner: 'Ada Lovelace',
            ownerId: 'user-ada',
            currency: 'EUR',
            initialDeposit: 1500n,
            balanceAfter: 1500n,
            openedAt: NOW,
          },
        },
      ]);
    });

    it.each([
      ['zero', 0n],
      ['one', 1n],
      ['the safe maximum', MAX],
    ])('given no account, when opened with an initial deposit of %s, then it is accepted', (_label, initialDeposit) => {
      const [event] = eventsOf(decide(openAccount({ initialDeposit }), initialAccountState));

      expect(event).toMatchObject({
        type: 'AccountOpened',
        data: { initialDeposit, balanceAfter: initialDeposit },
      });
    });

    it.each([
      ['negative', -1n],
      ['above the safe maximum', MAX + 1n],
    ])('given no account, when the initial deposit is %s, then InvalidAmount', (_label, initialDeposit) => {
      expect(errorOf(decide(openAccount({ initialDeposit }), initialAccountState)).type).toBe('InvalidAmount');
    });

    it('given an initial deposit that is not a bigint at run time, then InvalidAmount', () => {
      const command = openAccount({ initialDeposit: 100 as unknown as bigint });

      expect(errorOf(decide(command, initialAccountState)).type).toBe('InvalidAmount');
    });

    it('given an owner with surrounding spaces, when opened, then the owner is recorded trimmed', () => {
      const [event] = eventsOf(decide(openAccount({ owner: '  Grace Hopper \n' }), initialAccountState));

      expect(event).toMatchObject({ data: { owner: 'Grace Hopper' } });
    });

    it.each([
      ['200 characters', 'a'.repeat(200)],
      ['200 characters inside spaces', `  ${'a'.repeat(200)}  `],
      ['200 emoji (counted as characters, not UTF-16 units)', '😀'.repeat(200)],
      ['one character', 'X'],
    ])('given an owner of %s, when opened, then it is accepted', (_label, owner) => {
      expect(decide(openAccount({ owner }), initialAccountState).ok).toBe(true);
    });

    it.each([
      ['empty', ''],
      ['only spaces', '   \t '],
      ['201 characters', 'a'.repeat(201)],
      ['not a string', 42 as unknown as string],
    ])('given an owner that is %s, when opened, then InvalidCommand', (_label, owner) => {
      const error = errorOf(decide(openAccount({ owner }), initialAccountState));

      expect(error).toEqual({
        type: 'InvalidCommand',
        detail: expect.stringContaining('owner'),
      });
    });

    it('given an owner id, when opened, then AccountOpened records it as given', () => {
      const [event] = eventsOf(decide(openAccount({ ownerId: 'auth0|Ada 42' }), initialAccountState));

      expect(event).toMatchObject({ data: { ownerId: 'auth0|Ada 42' } });
    });

    it.each([
      ['empty', ''],
      ['256 characters', 'a'.repeat(256)],
      ['missing', undefined as unknown as string],
    ])('given an owner id that is %s, when opened, then InvalidCommand and no event', (_label, ownerId) => {
      expect(decide(openAccount({ ownerId }), initialAccountState)).toEqual({
        ok: false,
        error: { type: 'InvalidCommand', detail: expect.stringContaining('ownerId') },
      });
    });

    it.each(['eur', 'EU', 'EURO', 'E1R', '', ' EUR'])(
      'given the currency %j, when opened, then InvalidCommand (not InvalidAmount)',
      (currency) => {
        const error = errorOf(decide(openAccount({ currency }), initialAccountState));

        expect(error).toEqual({
          type: 'InvalidCommand',
          detail: expect.stringContaining('currency'),
        });
      },
    );

    it.each(['ACTIVE', 'FROZEN', 'CLOSED'] as const)('given an %s account, when opened again, then AccountAlreadyExists', (status) => {
      const error = errorOf(decide(openAccount(), account({ status })));

      expect(error).toEqual({
        type: 'AccountAlreadyExists',
        accountId: ACCOUNT_ID,
      });
    });

    it('given an invalid command on an existing account, then the input error wins (nothing about the account leaks)', () => {
      expect(errorOf(decide(openAccount({ currency: 'eur' }), account())).type).toBe('InvalidCommand');
    });

    it('given the command time, when the command Date is mutated later, then the event keeps the decided time', () => {
      const now = new Date(NOW.getTime());
      const [event] = eventsOf(decide(openAccount({ now }), initialAccountState));
      now.setUTCFullYear(1999);

      expect(event).toMatchObject({ data: { openedAt: NOW } });
    });
  });

  describe('common command checks', () => {
    const notOpenedCases: [string, AccountCommand][] = [
      ['DepositMoney', depositMoney(100n)],
      ['WithdrawMoney', withdrawMoney(100n)],
      ['FreezeAccount', freezeAccount()],
      ['UnfreezeAccount', unfreezeAccount()],
      ['CloseAccount', closeAccount()],
    ];

    it.each(notOpenedCases)('given no account, when %s, then AccountNotFound', (_type, command) => {
      expect(errorOf(decide(command, initialAccountState))).toEqual({
        type: 'AccountNotFound',
        accountId: ACCOUNT_ID,
      });
    });

    it.each(notOpenedCases)('given the state of another account, when %s, then InvalidCommand', (_type, command) => {
      const error = errorOf(decide(command, account({ accountId: OTHER_ACCOUNT_ID, balance: 1000n })));

      expect(error.type).toBe('InvalidCommand');
    });

    it('given an invalid time, when any command is decided, then InvalidCommand', () => {
      const error = errorOf(decide(depositMoney(1n, { now: new Date('not a date') }), account()));

      expect(error).toEqual({
        type: 'InvalidCommand',
        detail: expect.stringContaining('now'),
      });
    });

    it('given an empty account id, when any command is decided, then InvalidCommand', () => {
      const error = errorOf(decide(openAccount({ accountId: '' }), initialAccountState));

      expect(error).toEqual({
        type: 'InvalidCommand',
        detail: expect.stringContaining('accountId'),
      });
    });

    it('given no account and an invalid amount, then InvalidAmount comes before AccountNotFound', () => {
      expect(errorOf(decide(depositMoney(0n), initialAccountState)).type).toBe('InvalidAmount');
    });
  });

  describe('DepositMoney', () => {
    it('given an active account, when money is deposited, then MoneyDeposited with the new balance', () => {
      const events = eventsOf(decide(depositMoney(250n), account({ balance: 1000n })));

      expect(events).toEqual([
        {
          type: 'MoneyDeposited',
          data: {
            accountId: ACCOUNT_ID,
            amount: 250n,
            balanceAfter: 1250n,
            depositedAt: NOW,
          },
        },
      ]);
    });

    it.each([
      ['1', 1n],
      ['the safe maximum', MAX],
    ])('given an empty active account, when %s is deposited, then it is accepted', (_label, amount) => {
      const [event] = eventsOf(decide(depositMoney(amount), account()));

      expect(event).toMatchObject({
        type: 'MoneyDeposited',
        data: { amount, balanceAfter: amount },
      });
    });

    it.each(invalidAmounts)('given an active account, when %s is deposited, then InvalidAmount', (_label, amount) => {
      expect(errorOf(decide(depositMoney(amount), account())).type).toBe('InvalidAmount');
    });

    it('given a balance 10 below the maximum, when 10 is deposited, then the balance reaches the maximum exactly', () => {
      const [event] = eventsOf(decide(depositMoney(10n), account({ balance: MAX - 10n })));

      expect(event).toMatchObject({ data: { balanceAfter: MAX } });
    });

    it('given a balance 10 below the maximum, when 11 is deposited, then BalanceOverflow', () => {
      const error = errorOf(decide(depositMoney(11n), account({ balance: MAX - 10n })));

      expect(error).toEqual({
        type: 'BalanceOverflow',
        accountId: ACCOUNT_ID,
        balance: MAX - 10n,
        amount: 11n,
      });
    });

    it('given a balance at the maximum, when 1 is deposited, then BalanceOverflow', () => {
      expect(errorOf(decide(depositMoney(1n), account({ balance: MAX }))).type).toBe('BalanceOverflow');
    });

    it('given a closed account, when money is deposited, then AccountClosed', () => {
      expect(errorOf(decide(depositMoney(1n), account({ status: 'CLOSED' })))).toEqual({
        type: 'AccountClosed',
        accountId: ACCOUNT_ID,
      });
    });

    it('given a frozen account, when money is deposited, then AccountFrozen', () => {
      expect(errorOf(decide(depositMoney(1n), account({ status: 'FROZEN' })))).toEqual({
        type: 'AccountFrozen',
        accountId: ACCOUNT_ID,
      });
    });
  });

  describe('WithdrawMoney', () => {
    it('given an active account with funds, when money is withdrawn, then MoneyWithdrawn with the new balance', () => {
      const events = eventsOf(decide(withdrawMoney(300n), account({ balance: 1000n })));

      expect(events).toEqual([
        {
          type: 'MoneyWithdrawn',
          data: {
            accountId: ACCOUNT_ID,
            amount: 300n,
            balanceAfter: 700n,
            withdrawnAt: NOW,
          },
        },
      ]);
    });

    it('given a balance of 1000, when exactly 1000 is withdrawn, then the balance is zero', () => {
      const [event] = eventsOf(decide(withdrawMoney(1000n), account({ balance: 1000n })));

      expect(event).toMatchObject({ data: { balanceAfter: 0n } });
    });

    it('given a balance at the maximum, when the maximum is withdrawn, then the balance is zero', () => {
      const [event] = eventsOf(decide(withdrawMoney(MAX), account({ balance: MAX })));

      expect(event).toMatchObject({ data: { amount: MAX, balanceAfter: 0n } });
    });

    it('given a balance of 1000, when 1001 is withdrawn, then InsufficientFunds (no overdraft)', () => {
      const error = errorOf(decide(withdrawMoney(1001n), account({ balance: 1000n })));

      expect(error).toEqual({
        type: 'InsufficientFunds',
        accountId: ACCOUNT_ID,
        balance: 1000n,
        requested: 1001n,
      });
    });

    it('given 1000 with 400 reserved by a hold, when 600 is withdrawn, then MoneyWithdrawn and the reservation stays', () => {
      const [event] = eventsOf(decide(withdrawMoney(600n), account({ balance: 1000n, reserved: 400n })));

      expect(event).toMatchObject({ type: 'MoneyWithdrawn', data: { amount: 600n, balanceAfter: 400n } });
    });

    it('given 1000 with 400 reserved by a hold, when 601 is withdrawn, then InsufficientFunds against the available 600', () => {
      const error = errorOf(decide(withdrawMoney(601n), account({ balance: 1000n, reserved: 400n })));

      expect(error).toEqual({ type: 'InsufficientFunds', accountId: ACCOUNT_ID, balance: 600n, requested: 601n });
    });

    it('given an empty account, when 1 is withdrawn, then InsufficientFunds', () => {
      expect(errorOf(decide(withdrawMoney(1n), account())).type).toBe('InsufficientFunds');
    });

    it.each([
      ['0', 0n],
      ['-1', -1n],
      ['the safe maximum + 1', MAX + 1n],
    ])('given an active account, when %s is withdrawn, then InvalidAmount', (_label, amount) => {
      expect(errorOf(decide(withdrawMoney(amount), account({ balance: MAX }))).type).toBe('InvalidAmount');
    });

    it('given a closed account, when money is withdrawn, then AccountClosed', () => {
      expect(errorOf(decide(withdrawMoney(1n), account({ status: 'CLOSED' }))).type).toBe('AccountClosed');
    });

    it('given a frozen account with funds, when money is withdrawn, then AccountFrozen', () => {
      expect(errorOf(decide(withdrawMoney(1n), account({ status: 'FROZEN', balance: 500n }))).type).toBe('AccountFrozen');
    });

    it('given a frozen account without enough funds, then AccountFrozen is reported before InsufficientFunds', () => {
      expect(errorOf(decide(withdrawMoney(900n), account({ status: 'FROZEN', balance: 500n }))).type).toBe('AccountFrozen');
    });
  });

  describe('FreezeAccount', () => {
    it('given an active account, when frozen with a reason, then AccountFrozen records it', () => {
      const events = eventsOf(decide(freezeAccount('court order'), account()));

      expect(events).toEqual([
        {
          type: 'AccountFrozen',
          data: { accountId: ACCOUNT_ID, reason: 'court order', frozenAt: NOW },
        },
      ]);
    });

    it.each([
      ['null', null, null],
      ['blank', '   ', null],
      ['padded', '  court order  ', 'court order'],
      ['500 characters', 'r'.repeat(500), 'r'.repeat(500)],
    ])('given a %s reason, when frozen, then the recorded reason is normalised', (_label, reason, recorded) => {
      const [event] = eventsOf(decide(freezeAccount(reason), account()));

      expect(event).toMatchObject({
        type: 'AccountFrozen',
        data: { reason: recorded },
      });
    });

    it('given a reason over 500 characters, when frozen, then InvalidCommand', () => {
      expect(errorOf(decide(freezeAccount('r'.repeat(501)), account())).type).toBe('InvalidCommand');
    });

    it('given a frozen account, when frozen again, then AccountFrozen (the error)', () => {
      expect(errorOf(decide(freezeAccount(), account({ status: 'FROZEN' })))).toEqual({
        type: 'AccountFrozen',
        accountId: ACCOUNT_ID,
      });
    });

    it('given a closed account, when frozen, then AccountClosed', () => {
      expect(errorOf(decide(freezeAccount(), account({ status: 'CLOSED' }))).type).toBe('AccountClosed');
    });
  });

  describe('UnfreezeAccount', () => {
    it('given a frozen account, when unfrozen, then AccountUnfrozen', () => {
      expect(eventsOf(decide(unfreezeAccount(), account({ status: 'FROZEN' })))).toEqual([
        {
          type: 'AccountUnfrozen',
          data: { accountId: ACCOUNT_ID, unfrozenAt: NOW },
        },
      ]);
    });

    it('given an active account, when unfrozen, then AccountNotFrozen', () => {
      expect(errorOf(decide(unfreezeAccount(), account()))).toEqual({
        type: 'AccountNotFrozen',
        accountId: ACCOUNT_ID,
      });
    });

    it('given a closed account, when unfrozen, then AccountClosed', () => {
      expect(errorOf(decide(unfreezeAccount(), account({ status: 'CLOSED' }))).type).toBe('AccountClosed');
    });
  });

  describe('CloseAccount', () => {
    it.each(['ACTIVE', 'FROZEN'] as const)('given an empty %s account, when closed, then AccountClosed', (status) => {
      expect(eventsOf(decide(closeAccount(), account({ status })))).toEqual([
        {
          type: 'AccountClosed',
          data: { accountId: ACCOUNT_ID, closedAt: NOW },
        },
      ]);
    });

    it.each(['ACTIVE', 'FROZEN'] as const)('given a %s account holding 1, when closed, then BalanceNotZero', (status) => {
      expect(errorOf(decide(closeAccount(), account({ status, balance: 1n })))).toEqual({
        type: 'BalanceNotZero',
        accountId: ACCOUNT_ID,
        balance: 1n,
      });
    });

    it.each(['ACTIVE', 'FROZEN'] as const)(
      'given a %s account with a pending hold, when closed, then PendingHolds (before BalanceNotZero)',
      (status) => {
        expect(errorOf(decide(closeAccount(), account({ status, balance: 30n, reserved: 10n })))).toEqual({
          type: 'PendingHolds',
          accountId: ACCOUNT_ID,
          balance: 30n,
          reserved: 10n,
        });
      },
    );

    it('given a closed account, when closed again, then AccountClosed (the error)', () => {
      expect(errorOf(decide(closeAccount(), account({ status: 'CLOSED' })))).toEqual({
        type: 'AccountClosed',
        accountId: ACCOUNT_ID,
      });
    });
  });

  describe('every error variant', () => {
    // Typed by AccountErrorType, so a new variant does not compile until it has a case here.
    const oneCasePerError: Record<AccountErrorType, [AccountCommand, AccountState]> = {
      AccountNotFound: [depositMoney(1n), initialAccountState],
      AccountAlreadyExists: [openAccount(), account()],
      InvalidAmount: [withdrawMoney(0n), account()],
      InvalidCommand: [openAccount({ currency: 'euro' }), initialAccountState],
      InsufficientFunds: [withdrawMoney(2n), account({ balance: 1n })],
      AccountFrozen: [depositMoney(1n), account({ status: 'FROZEN' })],
      AccountNotFrozen: [unfreezeAccount(), account()],
      AccountClosed: [freezeAccount(), account({ status: 'CLOSED' })],
      BalanceNotZero: [closeAccount(), account({ balance: 5n })],
      PendingHolds: [closeAccount(), account({ balance: 5n, reserved: 5n })],
      BalanceOverflow: [depositMoney(MAX), account({ balance: 1n })],
    };

    it.each(Object.entries(oneCasePerError))('given its case, when decided, then %s', (type, [command, state]) => {
      expect(errorOf(decide(command, state)).type).toBe(type);
    });
  });
});
