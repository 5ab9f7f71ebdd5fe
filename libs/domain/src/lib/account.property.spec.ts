import fc from 'fast-check';
import { decodeEvent, decodeState, encodeEvent, encodeState } from './account.codec';
import { AccountCommand } from './account.commands';
import { decide } from './account.decide';
import { AccountEvent } from './account.events';
import { evolve } from './account.evolve';
import { AccountState, initialAccountState } from './account.state';

const ACCOUNT_ID = '0b5f7c4e-3d2a-4f1b-9a8e-2c6d1e0f9a7b';
const MAX = BigInt(Number.MAX_SAFE_INTEGER);

// Small amounts keep long sequences interesting; amounts just under the limit make sums land on and just
// past it, so the overflow rule is hit at its exact boundary;
// out-of-range ones must be refused and change nothing.
const amount = fc.oneof(
  { weight: 4, arbitrary: fc.bigInt({ min: 1n, max: 10n }) },
  { weight: 3, arbitrary: fc.bigInt({ min: 1n, max: 1_000n }) },
  { weight: 2, arbitrary: fc.bigInt({ min: MAX - 20n, max: MAX }) },
  { weight: 1, arbitrary: fc.bigInt({ min: 1n, max: MAX }) },
  { weight: 1, arbitrary: fc.constantFrom(MAX, MAX - 1n, MAX + 1n, 0n, -1n) },
);
const now = fc.date({
  min: new Date('2000-01-01T00:00:00.000Z'),
  max: new Date('2100-01-01T00:00:00.000Z'),
  noInvalidDate: true,
});

const command: fc.Arbitrary<AccountCommand> = fc.oneof(
  fc.record({ initialDeposit: amount, now }).map(
    ({ initialDeposit, now }): AccountCommand => ({
      type: 'OpenAccount',
      data: {
        accountId: ACCOUNT_ID,
        owner: 'Ada',
        ownerId: 'user-ada',
        currency: 'EUR',
        initialDeposit,
        now,
      },
    }),
  ),
  fc.record({ amount, now }).map(
    ({ amount, now }): AccountCommand => ({
      type: 'DepositMoney',
      data: { accountId: ACCOUNT_ID, amount, now },
    }),
  ),
  fc.record({ amount, now }).map(
    ({ amount, now }): AccountCommand => ({
      type: 'WithdrawMoney',
      data: { accountId: ACCOUNT_ID, amount, now },
    }),
  ),
  fc.record({ reason: fc.option(fc.string({ maxLength: 20 })), now }).map(
    ({ reason, now }): AccountCommand => ({
      type: 'FreezeAccount',
      data: { accountId: ACCOUNT_ID, reason, now },
    }),
  ),
  now.map(
    (now): AccountCommand => ({
      type: 'UnfreezeAccount',
      data: { accountId: ACCOUNT_ID, now },
    }),
  ),
  now.map(
    (now): AccountCommand => ({
      type: 'CloseAccount',
      data: { accountId: ACCOUNT_ID, now },
    }),
  ),
);

/** The balance a ledger clerk would compute from the accepted commands alone. */
function expectedBalanceChange(accepted: AccountCommand): bigint {
  switch (accepted.type) {
    case 'OpenAccount':
      return accepted.data.initialDeposit;
    case 'DepositMoney':
      return accepted.data.amount;
    case 'WithdrawMoney':
      return -accepted.data.amount;
    case 'FreezeAccount':
    case 'UnfreezeAccount':
    case 'CloseAccount':
      return 0n;
    default: {
      const _exhaustive: never = accepted;
      throw new Error(`unhandled command ${String(_exhaustive)}`);
    }
  }
}

describe('account properties', () => {
  it('given random command sequences, when decided and folded, then the balance is the sum of accepted money movements, within 0..MAX, and state and events survive the codec', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 60 }), (commands) => {
        let state: AccountState = initialAccountState;
        let expected = 0n;
        const history: AccountEvent[] = [];

        for (const next of commands) {
          const decision = decide(next, state);
          if (!decision.ok) continue;
          expected += expectedBalanceChange(next);
          history.push(...decision.events);
          state = decision.events.reduce(evolve, state);

          expect(state.status).not.toBe('NOT_OPENED');
          if (state.status === 'NOT_OPENED') return;
          expect(state.balance).toBe(expected);
          expect(state.balance >= 0n && state.balance <= MAX).toBe(true);
          expect(decodeState(JSON.parse(JSON.stringify(encodeState(state))))).toEqual(state);
        }

        for (const event of history) {
          expect(decodeEvent(JSON.parse(JSON.stringify(encodeEvent(event))))).toEqual(event);
        }
        // Replaying the recorded facts from scratch gives the state built step by step.
        expect(history.reduce(evolve, initialAccountState)).toEqual(state);
        expect(decodeState(encodeState(state))).toEqual(state);
      }),
      { numRuns: 1000 },
    );
  });

  it('given any reachable state and any command, when decided twice, then the same decision, the state untouched, and at most one event for that account', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 20 }), command, (prefix, last) => {
        const state = prefix.reduce<AccountState>((s, c) => {
          const d = decide(c, s);
          return d.ok ? d.events.reduce(evolve, s) : s;
        }, initialAccountState);
        const before = encodeState(state);

        const first = decide(last, state);
        const second = decide(last, state);

        expect(second).toEqual(first);
        expect(encodeState(state)).toEqual(before);
        if (first.ok) {
          expect(first.events).toHaveLength(1);
          expect(first.events[0]?.data.accountId).toBe(last.data.accountId);
        }
      }),
      { numRuns: 200 },
    );
  });
});
