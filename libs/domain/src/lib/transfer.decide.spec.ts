import { decide } from './account.decide';
import { AccountEvent } from './account.events';
import { evolve } from './account.evolve';
import { AccountState, OpenedAccountState, availableBalance, initialAccountState } from './account.state';
import {
  ExpirePendingTransfer,
  PlacePendingTransfer,
  PostPendingTransfer,
  TransferCommand,
  TransferMoney,
  VoidPendingTransfer,
} from './transfer.commands';
import { decideTransfer } from './transfer.decide';
import { TransferDecision, TransferError, TransferErrorType } from './transfer.errors';
import { TransferEvent } from './transfer.events';
import { evolveTransfer } from './transfer.evolve';
import { TransferState, initialTransferState } from './transfer.state';
import { DEADLINE, FROM, NOW, TO, TRANSFER_ID, pendingTransfer, recorded } from './testing/transfer.fixtures';
import { invalidAmounts } from './testing/amounts.fixtures';

const OPENED_AT = new Date('2024-01-15T09:00:00.000Z');
const MAX = BigInt(Number.MAX_SAFE_INTEGER);

const account = (accountId: string, state: Partial<OpenedAccountState> = {}): OpenedAccountState => ({
  status: 'ACTIVE',
  accountId,
  owner: accountId === FROM ? 'Ada Lovelace' : 'Grace Hopper',
  ownerId: accountId === FROM ? 'user-ada' : 'user-grace',
  currency: 'EUR',
  balance: 0n,
  reserved: 0n,
  openedAt: OPENED_AT,
  ...state,
});
const source = (state: Partial<OpenedAccountState> = {}) => account(FROM, { balance: 1000n, ...state });
const destination = (state: Partial<OpenedAccountState> = {}) => account(TO, { balance: 50n, ...state });

/** What a transfer of 300 records of its request, in its command, its events and its state. */

const terms = { ...recorded, now: NOW };
/** The fields every leg of this transfer of 300 carries, seen from `accountId`. */
const legOf300 = (accountId: string, counterpartyAccountId: string) => ({
  accountId,
  transferId: TRANSFER_ID,
  counterpartyAccountId,
  amount: 300n,
});
const destinationCredited300 = {
  type: 'TransferCredited',
  data: { ...legOf300(TO, FROM), balanceAfter: 350n, reservedAfter: 0n, creditedAt: NOW },
};
const transferMoney = (data: Partial<TransferMoney['data']> = {}): TransferMoney => ({
  type: 'TransferMoney',
  data: { ...terms, ...data },
});
const placePending = (data: Partial<PlacePendingTransfer['data']> = {}): PlacePendingTransfer => ({
  type: 'PlacePendingTransfer',
  data: { ...terms, timeoutSeconds: 3600, ...data },
});
const post = (amount: bigint | null = null, now = NOW): PostPendingTransfer => ({
  type: 'PostPendingTransfer',
  data: { transferId: TRANSFER_ID, amount, now },
});
const voidIt = (now = NOW): VoidPendingTransfer => ({ type: 'VoidPendingTransfer', data: { transferId: TRANSFER_ID, now } });
const expire = (now = DEADLINE): ExpirePendingTransfer => ({ type: 'ExpirePendingTransfer', data: { transferId: TRANSFER_ID, now } });

/** The source as a hold of 300 leaves it. */
const holding = (state: Partial<OpenedAccountState> = {}) => source({ reserved: 300n, ...state });

type Accepted = Readonly<{ transfer: readonly TransferEvent[]; from: readonly AccountEvent[]; to: readonly AccountEvent[] }>;

function accepted(decision: TransferDecision): Accepted {
  if (!decision.ok) throw new Error(`expected events, got error ${decision.error.type}`);
  const { transfer, from, to } = decision;
  return { transfer, from, to };
}

function errorOf(decision: TransferDecision): TransferError {
  if (decision.ok)
    throw new Error(
      `expected an error, got events ${[...decision.transfer, ...decision.from, ...decision.to].map((e) => e.type).join(', ')}`,
    );
  return decision.error;
}

const fold = <S, E>(state: S, events: readonly E[], step: (s: S, e: E) => S): S => events.reduce(step, state);

describe('decideTransfer', () => {
  describe('TransferMoney (immediate)', () => {
    it('given two active EUR accounts, when 300 is transferred, then the transfer completes with a debit and a credit naming it and the other side', () => {
      const decision = accepted(decideTransfer(transferMoney(), initialTransferState, source(), destination()));

      expect(decision).toEqual({
        transfer: [
          {
            type: 'TransferCompleted',
            data: {
              ...recorded,
              completedAt: NOW,
            },
          },
        ],
        from: [
          {
            type: 'TransferDebited',
            data: {
              ...legOf300(FROM, TO),
              balanceAfter: 700n,
              reservedAfter: 0n,
              debitedAt: NOW,
            },
          },
        ],
        to: [destinationCredited300],
      });
    });

    it('given the events, when folded, then both balances moved and their sum is unchanged (money is conserved)', () => {
      const { from, to, transfer } = accepted(decideTransfer(transferMoney(), initialTransferState, source(), destination()));
      const after = [fold<AccountState, AccountEvent>(source(), from, evolve), fold<AccountState, AccountEvent>(destination(), to, evolve)];

      expect(after).toMatchObject([{ balance: 700n }, { balance: 350n }]);
      expect(fold<TransferState, TransferEvent>(initialTransferState, transfer, evolveTransfer)).toMatchObject({
        status: 'completed',
        amount: 300n,
        postedAmount: 300n,
        expiresAt: null,
      });
    });

    it('given a source with 1000 of which 400 is reserved, when exactly the available 600 is transferred, then it is accepted and the reservation stays', () => {
      const { from } = accepted(
        decideTransfer(transferMoney({ amount: 600n }), initialTransferState, source({ reserved: 400n }), destination()),
      );

      expect(from).toMatchObject([{ data: { balanceAfter: 400n, reservedAfter: 400n } }]);
    });

    it('given a source with 1000 of which 400 is reserved, when 601 is transferred, then InsufficientFunds against the available balance', () => {
      expect(
        errorOf(decideTransfer(transferMoney({ amount: 601n }), initialTransferState, source({ reserved: 400n }), destination())),
      ).toEqual({
        type: 'InsufficientFunds',
        accountId: FROM,
        balance: 600n,
        requested: 601n,
      });
    });

    it('given a source holding 1000, when 1001 is transferred, then InsufficientFunds (no overdraft)', () => {
      expect(errorOf(decideTransfer(transferMoney({ amount: 1001n }), initialTransferState, source(), destination()))).toMatchObject({
        type: 'InsufficientFunds',
        balance: 1000n,
        requested: 1001n,
      });
    });

    it('given the whole balance, when all of it is transferred, then the source is left at zero', () => {
      const { from } = accepted(decideTransfer(transferMoney({ amount: 1000n }), initialTransferState, source(), destination()));

      expect(from).toMatchObject([{ data: { balanceAfter: 0n } }]);
    });

    it('given a reference of null, when transferred, then the transfer records no reference', () => {
      const { transfer } = accepted(decideTransfer(transferMoney({ reference: null }), initialTransferState, source(), destination()));

      expect(transfer).toMatchObject([{ data: { reference: null } }]);
    });

    it('given a command, when decided, then the events do not share its Date', () => {
      const now = new Date(NOW.getTime());
      const { transfer, from, to } = accepted(decideTransfer(transferMoney({ now }), initialTransferState, source(), destination()));
      now.setTime(0);

      expect([transfer[0].data, from[0].data, to[0].data]).toMatchObject([{ completedAt: NOW }, { debitedAt: NOW }, { creditedAt: NOW }]);
    });
  });

  describe('PlacePendingTransfer (hold)', () => {
    it('given two active accounts, when a hold of 300 for an hour is placed, then the source reserves it, its balance is unchanged and the destination is untouched', () => {
      const decision = accepted(decideTransfer(placePending(), initialTransferState, source(), destination()));

      expect(decision).toEqual({
        transfer: [
          {
            type: 'PendingTransferPlaced',
            data: {
              ...recorded,
              timeoutSeconds: 3600,
              expiresAt: DEADLINE,
              placedAt: NOW,
            },
          },
        ],
        from: [
          {
            type: 'HoldPlaced',
            data: {
              ...legOf300(FROM, TO),
              balanceAfter: 1000n,
              reservedAfter: 300n,
              expiresAt: DEADLINE,
              placedAt: NOW,
            },
          },
        ],
        to: [],
      });
    });

    it('given the events, when folded, then the source keeps its balance, its available balance drops and the transfer is pending until the deadline', () => {
      const { transfer, from } = accepted(decideTransfer(placePending(), initialTransferState, source(), destination()));
      const after = fold<AccountState, AccountEvent>(source(), from, evolve) as OpenedAccountState;

      expect([after.balance, after.reserved, availableBalance(after)]).toEqual([1000n, 300n, 700n]);
      expect(fold<TransferState, TransferEvent>(initialTransferState, transfer, evolveTransfer)).toEqual(pendingTransfer());
    });

    it('given a source with 100 available, when a hold of 101 is placed, then InsufficientFunds', () => {
      expect(
        errorOf(decideTransfer(placePending({ amount: 101n }), initialTransferState, source({ reserved: 900n }), destination())),
      ).toMatchObject({
        type: 'InsufficientFunds',
        balance: 100n,
        requested: 101n,
      });
    });

    it('given a second hold, when placed, then it adds to what the first reserves', () => {
      const { from } = accepted(decideTransfer(placePending({ amount: 200n }), initialTransferState, holding(), destination()));

      expect(from).toMatchObject([{ data: { balanceAfter: 1000n, reservedAfter: 500n } }]);
    });

    it.each([
      ['1 second', 1, new Date(NOW.getTime() + 1000)],
      ['30 days, the longest', 2_592_000, new Date(NOW.getTime() + 2_592_000_000)],
    ])('given a timeout of %s, when placed, then the deadline is that long after now', (_label, timeoutSeconds, expiresAt) => {
      const { transfer } = accepted(decideTransfer(placePending({ timeoutSeconds }), initialTransferState, source(), destination()));

      expect(transfer).toMatchObject([{ data: { timeoutSeconds, expiresAt } }]);
    });

    it.each([
      ['0', 0],
      ['negative', -1],
      ['a fraction', 1.5],
      ['beyond 30 days', 2_592_001],
      ['not a number', '60' as unknown as number],
    ])('given a timeout that is %s, then InvalidCommand', (_label, timeoutSeconds) => {
      expect(errorOf(decideTransfer(placePending({ timeoutSeconds }), initialTransferState, source(), destination()))).toEqual({
        type: 'InvalidCommand',
        detail: expect.stringContaining('timeoutSeconds'),
      });
    });
  });

  describe('refusals of a new transfer (immediate and pending alike)', () => {
    const both = [
      ['immediate', transferMoney],
      ['pending', placePending],
    ] as const;

    it.each(both)('given an %s transfer from an account to itself, then SameAccount', (_kind, make) => {
      expect(errorOf(decideTransfer(make({ toAccountId: FROM }), initialTransferState, source(), source()))).toEqual({
        type: 'SameAccount',
        accountId: FROM,
      });
    });

    it.each(both)('given an %s transfer whose id is taken, then TransferIdReused (whatever the body)', (_kind, make) => {
      for (const existing of [pendingTransfer(), pendingTransfer({ status: 'completed', expiresAt: null })]) {
        expect(errorOf(decideTransfer(make(), existing, source(), destination()))).toEqual({
          type: 'TransferIdReused',
          transferId: TRANSFER_ID,
        });
      }
    });

    it.each(both)('given an %s transfer from an account that does not exist, then AccountNotFound naming it', (_kind, make) => {
      expect(errorOf(decideTransfer(make(), initialTransferState, initialAccountState, destination()))).toEqual({
        type: 'AccountNotFound',
        accountId: FROM,
      });
    });

    it.each(both)('given an %s transfer to an account that does not exist, then AccountNotFound naming it', (_kind, make) => {
      expect(errorOf(decideTransfer(make(), initialTransferState, source(), initialAccountState))).toEqual({
        type: 'AccountNotFound',
        accountId: TO,
      });
    });

    it.each(both)('given an %s transfer from a frozen source, then AccountFrozen', (_kind, make) => {
      expect(errorOf(decideTransfer(make(), initialTransferState, source({ status: 'FROZEN' }), destination()))).toEqual({
        type: 'AccountFrozen',
        accountId: FROM,
      });
    });

    it.each(both)('given an %s transfer from a closed source, then AccountClosed', (_kind, make) => {
      expect(errorOf(decideTransfer(make(), initialTransferState, source({ status: 'CLOSED' }), destination()))).toEqual({
        type: 'AccountClosed',
        accountId: FROM,
      });
    });

    it.each(both)('given an %s transfer to a closed destination, then AccountClosed naming the destination', (_kind, make) => {
      expect(errorOf(decideTransfer(make(), initialTransferState, source(), destination({ status: 'CLOSED' })))).toEqual({
        type: 'AccountClosed',
        accountId: TO,
      });
    });

    it.each(both)(
      'given an %s transfer to a frozen destination, then it is accepted (freezing stops money leaving, not arriving)',
      (_kind, make) => {
        expect(decideTransfer(make(), initialTransferState, source(), destination({ status: 'FROZEN' })).ok).toBe(true);
      },
    );

    it.each(both)('given an %s transfer between a EUR and a GBP account, then CurrencyMismatch naming the GBP one', (_kind, make) => {
      expect(errorOf(decideTransfer(make(), initialTransferState, source(), destination({ currency: 'GBP' })))).toEqual({
        type: 'CurrencyMismatch',
        accountId: TO,
        currency: 'GBP',
        expected: 'EUR',
      });
    });

    it.each(both)('given an %s transfer in GBP between two EUR accounts, then CurrencyMismatch naming the source', (_kind, make) => {
      expect(errorOf(decideTransfer(make({ currency: 'GBP' }), initialTransferState, source(), destination()))).toEqual({
        type: 'CurrencyMismatch',
        accountId: FROM,
        currency: 'EUR',
        expected: 'GBP',
      });
    });

    it.each(both)(
      'given an %s transfer that would take the destination past the largest balance, then DestinationOverflow, without its balance',
      (_kind, make) => {
        expect(errorOf(decideTransfer(make({ amount: 1n }), initialTransferState, source(), destination({ balance: MAX })))).toEqual({
          type: 'DestinationOverflow',
          accountId: TO,
          amount: 1n,
        });
      },
    );

    it.each(both)('given an %s transfer of the largest amount to an empty destination, then it is accepted', (_kind, make) => {
      expect(decideTransfer(make({ amount: MAX }), initialTransferState, source({ balance: MAX }), destination({ balance: 0n })).ok).toBe(
        true,
      );
    });

    it.each(invalidAmounts)('given an amount that is %s, then InvalidAmount', (_label, amount) => {
      for (const [, make] of both) {
        expect(errorOf(decideTransfer(make({ amount }), initialTransferState, source(), destination())).type).toBe('InvalidAmount');
      }
    });

    it.each([
      ['an empty transfer id', { transferId: '' }, 'transferId'],
      ['an empty source id', { fromAccountId: '' }, 'fromAccountId'],
      ['an empty destination id', { toAccountId: '' }, 'toAccountId'],
      ['a currency that is not a code', { currency: 'euro' }, 'currency'],
      ['a reference of 141 characters', { reference: 'r'.repeat(141) }, 'reference'],
      ['a reference that is not a string', { reference: 42 as unknown as string }, 'reference'],
      ['an invalid time', { now: new Date(Number.NaN) }, 'now'],
    ])('given %s, then InvalidCommand', (_label, data, field) => {
      for (const [, make] of both) {
        expect(errorOf(decideTransfer(make(data), initialTransferState, source(), destination()))).toEqual({
          type: 'InvalidCommand',
          detail: expect.stringContaining(field),
        });
      }
    });

    it('given a reference of 140 characters (emoji counted as one), then it is accepted', () => {
      expect(decideTransfer(transferMoney({ reference: '😀'.repeat(140) }), initialTransferState, source(), destination()).ok).toBe(true);
    });

    it('given account states of other accounts than the command names, then InvalidCommand (a wiring mistake), nothing decided', () => {
      expect(errorOf(decideTransfer(transferMoney(), initialTransferState, destination(), source())).type).toBe('InvalidCommand');
    });

    it('given a malformed command and a taken id, then the malformed command is what is refused', () => {
      expect(errorOf(decideTransfer(transferMoney({ amount: 0n }), pendingTransfer(), source(), destination())).type).toBe('InvalidAmount');
    });
  });

  describe('PostPendingTransfer', () => {
    it('given a pending hold of 300, when posted in full, then the source is debited and released, and the destination credited, in one decision', () => {
      const decision = accepted(decideTransfer(post(), pendingTransfer(), holding(), destination()));

      expect(decision).toEqual({
        transfer: [{ type: 'PendingTransferPosted', data: { transferId: TRANSFER_ID, amount: 300n, releasedAmount: 0n, postedAt: NOW } }],
        from: [
          {
            type: 'HoldPosted',
            data: {
              ...legOf300(FROM, TO),
              balanceAfter: 700n,
              reservedAfter: 0n,
              heldAmount: 300n,
              postedAt: NOW,
            },
          },
        ],
        to: [destinationCredited300],
      });
    });

    it('given a pending hold of 300, when 120 is posted, then 120 moves and the other 180 is released', () => {
      const { transfer, from, to } = accepted(decideTransfer(post(120n), pendingTransfer(), holding(), destination()));

      expect(transfer).toMatchObject([{ data: { amount: 120n, releasedAmount: 180n } }]);
      expect(from).toMatchObject([{ data: { amount: 120n, heldAmount: 300n, balanceAfter: 880n, reservedAfter: 0n } }]);
      expect(to).toMatchObject([{ data: { amount: 120n, balanceAfter: 170n } }]);
      expect(fold<TransferState, TransferEvent>(pendingTransfer(), transfer, evolveTransfer)).toMatchObject({
        status: 'posted',
        amount: 300n,
        postedAmount: 120n,
      });
    });

    it('given two holds on the source, when one is posted, then only its reservation is lifted', () => {
      const { from } = accepted(decideTransfer(post(), pendingTransfer(), holding({ reserved: 500n }), destination()));

      expect(from).toMatchObject([{ data: { balanceAfter: 700n, reservedAfter: 200n } }]);
    });

    it('given a pending hold of 300, when 301 is posted, then PostExceedsPending and nothing moves', () => {
      expect(errorOf(decideTransfer(post(301n), pendingTransfer(), holding(), destination()))).toEqual({
        type: 'PostExceedsPending',
        transferId: TRANSFER_ID,
        pending: 300n,
        requested: 301n,
      });
    });

    it.each([
      ['zero', 0n],
      ['negative', -5n],
    ])('given a posted amount that is %s, then InvalidAmount', (_label, amount) => {
      expect(errorOf(decideTransfer(post(amount), pendingTransfer(), holding(), destination())).type).toBe('InvalidAmount');
    });

    it('given a hold one millisecond before its deadline, when posted, then it is accepted', () => {
      expect(decideTransfer(post(null, new Date(DEADLINE.getTime() - 1)), pendingTransfer(), holding(), destination()).ok).toBe(true);
    });

    it('given a hold at its deadline that the expiry worker has not reached yet, when posted, then TransferExpired', () => {
      expect(errorOf(decideTransfer(post(null, DEADLINE), pendingTransfer(), holding(), destination()))).toEqual({
        type: 'TransferExpired',
        transferId: TRANSFER_ID,
        expiresAt: DEADLINE,
      });
    });

    it('given an expired hold, when posted, then TransferExpired', () => {
      expect(errorOf(decideTransfer(post(), pendingTransfer({ status: 'expired' }), source(), destination())).type).toBe('TransferExpired');
    });

    it.each([
      ['posted', pendingTransfer({ status: 'posted', postedAmount: 300n })],
      ['voided', pendingTransfer({ status: 'voided' })],
      ['completed (an immediate transfer)', pendingTransfer({ status: 'completed', postedAmount: 300n, expiresAt: null })],
    ])('given a transfer already %s, when posted, then TransferNotPending', (_label, transfer) => {
      expect(errorOf(decideTransfer(post(), transfer, source(), destination()))).toEqual({
        type: 'TransferNotPending',
        transferId: TRANSFER_ID,
        status: transfer.status,
      });
    });

    it('given no such transfer, when posted, then TransferNotFound', () => {
      expect(errorOf(decideTransfer(post(), initialTransferState, source(), destination()))).toEqual({
        type: 'TransferNotFound',
        transferId: TRANSFER_ID,
      });
    });

    it('given a source frozen since the hold was placed, when posted, then AccountFrozen and the hold stays', () => {
      expect(errorOf(decideTransfer(post(), pendingTransfer(), holding({ status: 'FROZEN' }), destination()))).toEqual({
        type: 'AccountFrozen',
        accountId: FROM,
      });
    });

    it('given a destination closed since the hold was placed, when posted, then AccountClosed naming it', () => {
      expect(errorOf(decideTransfer(post(), pendingTransfer(), holding(), destination({ status: 'CLOSED', balance: 0n })))).toEqual({
        type: 'AccountClosed',
        accountId: TO,
      });
    });

    it('given a destination frozen since the hold was placed, when posted, then the money arrives', () => {
      expect(decideTransfer(post(), pendingTransfer(), holding(), destination({ status: 'FROZEN' })).ok).toBe(true);
    });

    it('given a destination that has filled up since, when posted, then DestinationOverflow', () => {
      expect(errorOf(decideTransfer(post(), pendingTransfer(), holding(), destination({ balance: MAX - 299n }))).type).toBe(
        'DestinationOverflow',
      );
    });

    it('given a source whose stream reserves less than the hold, then InvalidCommand (the streams disagree), nothing decided', () => {
      expect(errorOf(decideTransfer(post(), pendingTransfer(), source({ reserved: 299n }), destination())).type).toBe('InvalidCommand');
    });

    it('given account states other than the transfer names, then InvalidCommand', () => {
      expect(errorOf(decideTransfer(post(), pendingTransfer(), destination({ reserved: 300n, balance: 300n }), holding())).type).toBe(
        'InvalidCommand',
      );
    });
  });

  describe('VoidPendingTransfer', () => {
    it('given a pending hold of 300, when voided, then the whole reservation is released, nothing moves and the destination is untouched', () => {
      const decision = accepted(decideTransfer(voidIt(), pendingTransfer(), holding(), initialAccountState));

      expect(decision).toEqual({
        transfer: [{ type: 'PendingTransferVoided', data: { transferId: TRANSFER_ID, amount: 300n, voidedAt: NOW } }],
        from: [
          {
            type: 'HoldReleased',
            data: {
              ...legOf300(FROM, TO),
              balanceAfter: 1000n,
              reservedAfter: 0n,
              reason: 'VOIDED',
              releasedAt: NOW,
            },
          },
        ],
        to: [],
      });
      expect(fold<TransferState, TransferEvent>(pendingTransfer(), decision.transfer, evolveTransfer)).toMatchObject({
        status: 'voided',
        postedAmount: 0n,
      });
    });

    it('given a frozen source, when its hold is voided, then the reservation is released all the same', () => {
      expect(decideTransfer(voidIt(), pendingTransfer(), holding({ status: 'FROZEN' }), initialAccountState).ok).toBe(true);
    });

    it('given a hold voided once, when voided again, then TransferNotPending', () => {
      const { transfer } = accepted(decideTransfer(voidIt(), pendingTransfer(), holding(), initialAccountState));
      const voided = fold<TransferState, TransferEvent>(pendingTransfer(), transfer, evolveTransfer);

      expect(errorOf(decideTransfer(voidIt(), voided, source(), initialAccountState))).toEqual({
        type: 'TransferNotPending',
        transferId: TRANSFER_ID,
        status: 'voided',
      });
    });

    it('given a posted transfer, when voided, then TransferNotPending', () => {
      expect(errorOf(decideTransfer(voidIt(), pendingTransfer({ status: 'posted' }), source(), destination())).type).toBe(
        'TransferNotPending',
      );
    });

    it.each([
      ['at its deadline', pendingTransfer(), DEADLINE],
      ['already expired', pendingTransfer({ status: 'expired' }), NOW],
    ])('given a hold %s, when voided, then TransferExpired', (_label, transfer, now) => {
      expect(errorOf(decideTransfer(voidIt(now), transfer, holding(), destination())).type).toBe('TransferExpired');
    });

    it('given no such transfer, when voided, then TransferNotFound', () => {
      expect(errorOf(decideTransfer(voidIt(), initialTransferState, source(), destination())).type).toBe('TransferNotFound');
    });

    it('given a source state of another account, then InvalidCommand', () => {
      expect(
        errorOf(decideTransfer(voidIt(), pendingTransfer(), destination({ reserved: 300n, balance: 300n }), initialAccountState)).type,
      ).toBe('InvalidCommand');
    });
  });

  describe('ExpirePendingTransfer', () => {
    it('given a hold at its deadline, when expired, then the reservation is released with the reason EXPIRED', () => {
      const decision = accepted(decideTransfer(expire(), pendingTransfer(), holding(), initialAccountState));

      expect(decision.transfer).toEqual([
        { type: 'PendingTransferExpired', data: { transferId: TRANSFER_ID, amount: 300n, expiredAt: DEADLINE } },
      ]);
      expect(decision.from).toMatchObject([
        { type: 'HoldReleased', data: { amount: 300n, balanceAfter: 1000n, reservedAfter: 0n, reason: 'EXPIRED' } },
      ]);
      expect(decision.to).toEqual([]);
      expect(fold<TransferState, TransferEvent>(pendingTransfer(), decision.transfer, evolveTransfer)).toMatchObject({ status: 'expired' });
    });

    it('given a hold one millisecond before its deadline, when expired, then TransferNotExpired', () => {
      expect(errorOf(decideTransfer(expire(new Date(DEADLINE.getTime() - 1)), pendingTransfer(), holding(), initialAccountState))).toEqual({
        type: 'TransferNotExpired',
        transferId: TRANSFER_ID,
        expiresAt: DEADLINE,
      });
    });

    it('given a frozen source, when its hold expires, then the reservation is released all the same', () => {
      expect(decideTransfer(expire(), pendingTransfer(), holding({ status: 'FROZEN' }), initialAccountState).ok).toBe(true);
    });

    it.each(['posted', 'voided', 'expired'] as const)(
      'given a %s hold, when expired, then TransferNotPending (the worker moves on)',
      (status) => {
        expect(errorOf(decideTransfer(expire(), pendingTransfer({ status }), source(), initialAccountState))).toEqual({
          type: 'TransferNotPending',
          transferId: TRANSFER_ID,
          status,
        });
      },
    );

    it('given an immediate transfer, when expired, then TransferNotPending', () => {
      expect(
        errorOf(decideTransfer(expire(), pendingTransfer({ status: 'completed', expiresAt: null }), source(), destination())).type,
      ).toBe('TransferNotPending');
    });

    it('given no such transfer, when expired, then TransferNotFound', () => {
      expect(errorOf(decideTransfer(expire(), initialTransferState, source(), destination())).type).toBe('TransferNotFound');
    });
  });

  describe('a hold from placing to closing the source', () => {
    it('given a hold of the whole balance, then nothing else may leave and close is refused until the hold is voided; then the full balance may leave', () => {
      const placed = accepted(decideTransfer(placePending({ amount: 1000n }), initialTransferState, source(), destination()));
      const held = fold<AccountState, AccountEvent>(source(), placed.from, evolve) as OpenedAccountState;
      const transfer = fold<TransferState, TransferEvent>(initialTransferState, placed.transfer, evolveTransfer);

      expect(
        errorOf(decideTransfer(transferMoney({ transferId: 'another', amount: 1n }), initialTransferState, held, destination())).type,
      ).toBe('InsufficientFunds');
      expect(decide({ type: 'CloseAccount', data: { accountId: FROM, now: NOW } }, held)).toEqual({
        ok: false,
        error: { type: 'PendingHolds', accountId: FROM, balance: 1000n, reserved: 1000n },
      });

      const voided = accepted(decideTransfer(voidIt(), transfer, held, initialAccountState));
      const released = fold<AccountState, AccountEvent>(held, voided.from, evolve) as OpenedAccountState;

      expect([released.balance, released.reserved]).toEqual([1000n, 0n]);
      expect(
        decideTransfer(transferMoney({ transferId: 'another', amount: 1000n }), initialTransferState, released, destination()).ok,
      ).toBe(true);
    });
  });

  describe('every error variant', () => {
    // Typed by TransferErrorType, so a new variant does not compile until it has a case here.
    const oneCasePerError: Record<TransferErrorType, [TransferCommand, TransferState, AccountState, AccountState]> = {
      AccountNotFound: [transferMoney(), initialTransferState, initialAccountState, destination()],
      InvalidAmount: [transferMoney({ amount: 0n }), initialTransferState, source(), destination()],
      InvalidCommand: [transferMoney({ currency: 'eur' }), initialTransferState, source(), destination()],
      InsufficientFunds: [transferMoney({ amount: 1001n }), initialTransferState, source(), destination()],
      AccountFrozen: [transferMoney(), initialTransferState, source({ status: 'FROZEN' }), destination()],
      AccountClosed: [transferMoney(), initialTransferState, source(), destination({ status: 'CLOSED' })],
      TransferNotFound: [voidIt(), initialTransferState, source(), destination()],
      TransferIdReused: [transferMoney(), pendingTransfer(), source(), destination()],
      SameAccount: [transferMoney({ toAccountId: FROM }), initialTransferState, source(), source()],
      CurrencyMismatch: [transferMoney(), initialTransferState, source(), destination({ currency: 'CHF' })],
      TransferNotPending: [voidIt(), pendingTransfer({ status: 'voided' }), source(), destination()],
      TransferExpired: [post(), pendingTransfer({ status: 'expired' }), source(), destination()],
      TransferNotExpired: [expire(NOW), pendingTransfer(), holding(), destination()],
      PostExceedsPending: [post(301n), pendingTransfer(), holding(), destination()],
      DestinationOverflow: [transferMoney(), initialTransferState, source(), destination({ balance: MAX })],
    };

    it.each(Object.entries(oneCasePerError))('given its case, when decided, then %s', (type, [command, transfer, from, to]) => {
      expect(errorOf(decideTransfer(command, transfer, from, to)).type).toBe(type);
    });
  });
});
