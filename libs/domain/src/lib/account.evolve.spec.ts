import { AccountEvent, AccountEventType, isTransferLeg } from './account.events';
import { evolve } from './account.evolve';
import { AccountState, OpenedAccountState, initialAccountState } from './account.state';

const ACCOUNT_ID = '0b5f7c4e-3d2a-4f1b-9a8e-2c6d1e0f9a7b';
const OPENED_AT = new Date('2024-01-15T09:00:00.000Z');
const LATER = new Date('2024-02-01T12:00:00.000Z');

const opened: AccountEvent = {
  type: 'AccountOpened',
  data: {
    accountId: ACCOUNT_ID,
    owner: 'Ada Lovelace',
    ownerId: 'user-ada',
    currency: 'EUR',
    initialDeposit: 500n,
    balanceAfter: 500n,
    openedAt: OPENED_AT,
  },
};
const deposited = (amount: bigint, balanceAfter: bigint): AccountEvent => ({
  type: 'MoneyDeposited',
  data: { accountId: ACCOUNT_ID, amount, balanceAfter, depositedAt: LATER },
});
const withdrawn = (amount: bigint, balanceAfter: bigint): AccountEvent => ({
  type: 'MoneyWithdrawn',
  data: { accountId: ACCOUNT_ID, amount, balanceAfter, withdrawnAt: LATER },
});
const frozen: AccountEvent = {
  type: 'AccountFrozen',
  data: { accountId: ACCOUNT_ID, reason: null, frozenAt: LATER },
};
const unfrozen: AccountEvent = {
  type: 'AccountUnfrozen',
  data: { accountId: ACCOUNT_ID, unfrozenAt: LATER },
};
const closed: AccountEvent = {
  type: 'AccountClosed',
  data: { accountId: ACCOUNT_ID, closedAt: LATER },
};

const TRANSFER_ID = '5a1e0c3d-8b7f-4a2e-9c6d-3f4e5a6b7c8d';
const COUNTERPARTY_ID = '9d3e1a2b-7c4f-4e8d-b6a5-1f0e2d3c4b5a';
const leg = (amount: bigint, balanceAfter: bigint, reservedAfter: bigint) => ({
  accountId: ACCOUNT_ID,
  transferId: TRANSFER_ID,
  counterpartyAccountId: COUNTERPARTY_ID,
  amount,
  balanceAfter,
  reservedAfter,
});
const debited = (amount: bigint, balanceAfter: bigint, reservedAfter = 0n): AccountEvent => ({
  type: 'TransferDebited',
  data: { ...leg(amount, balanceAfter, reservedAfter), debitedAt: LATER },
});
const credited = (amount: bigint, balanceAfter: bigint, reservedAfter = 0n): AccountEvent => ({
  type: 'TransferCredited',
  data: { ...leg(amount, balanceAfter, reservedAfter), creditedAt: LATER },
});
const holdPlaced = (amount: bigint, balanceAfter: bigint, reservedAfter: bigint): AccountEvent => ({
  type: 'HoldPlaced',
  data: { ...leg(amount, balanceAfter, reservedAfter), expiresAt: LATER, placedAt: LATER },
});
const holdPosted = (amount: bigint, heldAmount: bigint, balanceAfter: bigint, reservedAfter: bigint): AccountEvent => ({
  type: 'HoldPosted',
  data: { ...leg(amount, balanceAfter, reservedAfter), heldAmount, postedAt: LATER },
});
const holdReleased = (amount: bigint, balanceAfter: bigint, reservedAfter: bigint): AccountEvent => ({
  type: 'HoldReleased',
  data: { ...leg(amount, balanceAfter, reservedAfter), reason: 'VOIDED', releasedAt: LATER },
});

const active: OpenedAccountState = Object.freeze({
  status: 'ACTIVE',
  accountId: ACCOUNT_ID,
  owner: 'Ada Lovelace',
  ownerId: 'user-ada',
  currency: 'EUR',
  balance: 500n,
  reserved: 0n,
  openedAt: OPENED_AT,
});

describe('evolve', () => {
  // Typed by AccountEventType, so a new event does not compile until it has a case here.
  const oneCasePerEvent: Record<AccountEventType, [AccountState, AccountEvent, AccountState]> = {
    AccountOpened: [initialAccountState, opened, active],
    MoneyDeposited: [active, deposited(250n, 750n), { ...active, balance: 750n }],
    MoneyWithdrawn: [active, withdrawn(200n, 300n), { ...active, balance: 300n }],
    AccountFrozen: [active, frozen, { ...active, status: 'FROZEN' }],
    AccountUnfrozen: [{ ...active, status: 'FROZEN' }, unfrozen, active],
    AccountClosed: [{ ...active, balance: 0n }, closed, { ...active, balance: 0n, status: 'CLOSED' }],
    TransferDebited: [active, debited(200n, 300n), { ...active, balance: 300n }],
    TransferCredited: [active, credited(200n, 700n), { ...active, balance: 700n }],
    HoldPlaced: [active, holdPlaced(200n, 500n, 200n), { ...active, reserved: 200n }],
    HoldPosted: [{ ...active, reserved: 200n }, holdPosted(150n, 200n, 350n, 0n), { ...active, balance: 350n, reserved: 0n }],
    HoldReleased: [{ ...active, reserved: 200n }, holdReleased(200n, 500n, 0n), active],
  };

  it.each(Object.entries(oneCasePerEvent))(
    'given its state, when %s is applied, then the expected state',
    (_type, [given, event, expected]) => {
      expect(evolve(given, event)).toEqual(expected);
    },
  );

  it('given a frozen account, when it is closed, then the account is CLOSED', () => {
    expect(evolve({ ...active, status: 'FROZEN', balance: 0n }, closed)).toMatchObject({ status: 'CLOSED' });
  });

  it('given a balance, when a deposit is applied, then the recorded balanceAfter is taken, not recomputed', () => {
    // Replay must reproduce what was decided, even if a rule (a fee, say) made balanceAfter differ.
    expect(evolve(active, deposited(100n, 590n))).toMatchObject({
      balance: 590n,
    });
  });

  it('given a reservation, when a leg is applied, then the recorded balanceAfter and reservedAfter are taken, not recomputed', () => {
    expect(evolve({ ...active, reserved: 100n }, holdPlaced(1n, 499n, 7n))).toMatchObject({ balance: 499n, reserved: 7n });
  });

  it.each([
    deposited(1n, 1n),
    withdrawn(1n, 0n),
    frozen,
    unfrozen,
    closed,
    debited(1n, 0n),
    credited(1n, 1n),
    holdPlaced(1n, 1n, 1n),
    holdPosted(1n, 1n, 0n, 0n),
    holdReleased(1n, 1n, 0n),
  ])('given no account, when $type is applied, then the state stays NOT_OPENED (evolve never throws)', (event) => {
    expect(evolve(initialAccountState, event)).toEqual(initialAccountState);
  });

  it('given a frozen state object, when evolved, then the input is not mutated', () => {
    const given = Object.freeze({ ...active });

    const next = evolve(given, deposited(1n, 501n));

    expect(given.balance).toBe(500n);
    expect(next).not.toBe(given);
  });
});

describe('evolve over a history', () => {
  it('given no events, when folded, then the initial state', () => {
    expect([].reduce(evolve, initialAccountState)).toEqual(initialAccountState);
  });

  it('given a whole history, when folded, then the final state', () => {
    const history = [opened, deposited(1000n, 1500n), frozen, unfrozen, withdrawn(1500n, 0n), closed];

    expect(history.reduce(evolve, initialAccountState)).toEqual({
      ...active,
      balance: 0n,
      status: 'CLOSED',
    });
  });

  it('given a snapshot and the tail after it, when folded from the snapshot, then the same as folding everything', () => {
    const head = [opened, deposited(100n, 600n)];
    const tail = [withdrawn(50n, 550n), frozen];

    expect(tail.reduce(evolve, head.reduce(evolve, initialAccountState))).toEqual([...head, ...tail].reduce(evolve, initialAccountState));
  });
});

describe('isTransferLeg', () => {
  const events: Record<AccountEventType, AccountEvent> = {
    AccountOpened: opened,
    MoneyDeposited: deposited(1n, 501n),
    MoneyWithdrawn: withdrawn(1n, 499n),
    AccountFrozen: frozen,
    AccountUnfrozen: unfrozen,
    AccountClosed: closed,
    TransferDebited: debited(1n, 499n),
    TransferCredited: credited(1n, 501n),
    HoldPlaced: holdPlaced(1n, 500n, 1n),
    HoldPosted: holdPosted(1n, 1n, 499n, 0n),
    HoldReleased: holdReleased(1n, 500n, 0n),
  };
  const legs = ['TransferDebited', 'TransferCredited', 'HoldPlaced', 'HoldPosted', 'HoldReleased'];

  it.each(Object.entries(events))('given %s, then it is a leg only when it names a transfer', (type, event) => {
    expect(isTransferLeg(event)).toBe(legs.includes(type));
  });
});
