import { ACCOUNT_EVENT_TYPES, CURRENT_EVENT_SCHEMA_VERSIONS, encodeEvent } from './account.codec';
import { AccountEvent } from './account.events';
import { ACCOUNT_EVENT_UPCASTERS, UpcastableEvent, decodeStoredAccountEvent, upcastAccountEvent } from './account.upcasters';
import { EventDecodeError } from './decode.errors';

const ACCOUNT_ID = '0b5f7c4e-3d2a-4f1b-9a8e-2c6d1e0f9a7b';
const OCCURRED_AT = new Date('2021-03-04T05:06:07.089Z');

const openedV2 = (): UpcastableEvent => ({
  type: 'AccountOpened',
  schemaVersion: 2,
  data: {
    accountId: ACCOUNT_ID,
    owner: 'Ada Lovelace',
    currency: 'GBP',
    initialDeposit: '2500',
    balanceAfter: '2600',
    openedAt: '2021-03-04T05:06:00.000Z',
  },
  occurredAt: OCCURRED_AT,
});

const openedV1 = (data: Partial<Record<string, string | number>> = {}): UpcastableEvent => ({
  type: 'AccountOpened',
  schemaVersion: 1,
  data: {
    accountId: ACCOUNT_ID,
    ownerName: 'Ada Lovelace',
    currency: 'GBP',
    balance: '2500',
    ...data,
  } as Record<string, string | number>,
  occurredAt: OCCURRED_AT,
});

describe('upcastAccountEvent', () => {
  it('given AccountOpened v1, when upcast, then it is v3 with owner renamed, the balance as deposit, occurredAt as openedAt and no owner id', () => {
    expect(upcastAccountEvent(openedV1())).toEqual({
      type: 'AccountOpened',
      schemaVersion: 3,
      data: {
        accountId: ACCOUNT_ID,
        owner: 'Ada Lovelace',
        currency: 'GBP',
        initialDeposit: '2500',
        balanceAfter: '2500',
        openedAt: '2021-03-04T05:06:07.089Z',
        ownerId: null,
      },
    });
  });

  it('given AccountOpened v1, when upcast and decoded, then a current AccountOpened event without an owner id', () => {
    const expected: AccountEvent = {
      type: 'AccountOpened',
      data: {
        accountId: ACCOUNT_ID,
        owner: 'Ada Lovelace',
        ownerId: null,
        currency: 'GBP',
        initialDeposit: 2500n,
        balanceAfter: 2500n,
        openedAt: OCCURRED_AT,
      },
    };

    expect(decodeStoredAccountEvent(openedV1())).toEqual(expected);
  });

  it('given AccountOpened v2 (before owners were recorded), when upcast and decoded, then ownerId is null and nothing else changes', () => {
    const v2 = openedV2();

    expect(upcastAccountEvent(v2)).toEqual({ type: 'AccountOpened', schemaVersion: 3, data: { ...v2.data, ownerId: null } });
    expect(decodeStoredAccountEvent(v2)).toEqual({
      type: 'AccountOpened',
      data: {
        accountId: ACCOUNT_ID,
        owner: 'Ada Lovelace',
        ownerId: null,
        currency: 'GBP',
        initialDeposit: 2500n,
        balanceAfter: 2600n,
        openedAt: new Date('2021-03-04T05:06:00.000Z'),
      },
    });
  });

  it('given AccountOpened v2 that already names an ownerId, when upcast, then EventDecodeError: v2 had no such field', () => {
    const v2 = openedV2();

    expect(() => upcastAccountEvent({ ...v2, data: { ...v2.data, ownerId: 'someone' } })).toThrow(EventDecodeError);
  });

  it('given AccountOpened v1 with the balance as an exact JSON number, when upcast, then it becomes a decimal string', () => {
    expect(upcastAccountEvent(openedV1({ balance: 42 })).data).toMatchObject({
      initialDeposit: '42',
      balanceAfter: '42',
    });
  });

  it.each([
    ['without ownerName', { ownerName: undefined }],
    ['with a float balance number', { balance: 1.5 }],
  ])('given AccountOpened v1 %s, when upcast, then EventDecodeError', (_label, data) => {
    const raw = openedV1(data);
    const cleaned = { ...raw, data: JSON.parse(JSON.stringify(raw.data)) };

    expect(() => upcastAccountEvent(cleaned)).toThrow(EventDecodeError);
  });

  it('given AccountOpened v1 with a malformed balance string, when decoded after upcasting, then EventDecodeError', () => {
    expect(() => decodeStoredAccountEvent(openedV1({ balance: '12.50' }))).toThrow(EventDecodeError);
  });

  const currentEvents: AccountEvent[] = [
    {
      type: 'AccountOpened',
      data: {
        accountId: ACCOUNT_ID,
        owner: 'Ada',
        ownerId: 'user-ada',
        currency: 'EUR',
        initialDeposit: 1n,
        balanceAfter: 1n,
        openedAt: OCCURRED_AT,
      },
    },
    {
      type: 'MoneyDeposited',
      data: {
        accountId: ACCOUNT_ID,
        amount: 5n,
        balanceAfter: 6n,
        depositedAt: OCCURRED_AT,
      },
    },
    {
      type: 'MoneyWithdrawn',
      data: {
        accountId: ACCOUNT_ID,
        amount: 5n,
        balanceAfter: 1n,
        withdrawnAt: OCCURRED_AT,
      },
    },
    {
      type: 'AccountFrozen',
      data: { accountId: ACCOUNT_ID, reason: null, frozenAt: OCCURRED_AT },
    },
    {
      type: 'AccountUnfrozen',
      data: { accountId: ACCOUNT_ID, unfrozenAt: OCCURRED_AT },
    },
    {
      type: 'AccountClosed',
      data: { accountId: ACCOUNT_ID, closedAt: OCCURRED_AT },
    },
    {
      type: 'HoldReleased',
      data: {
        accountId: ACCOUNT_ID,
        transferId: '5a1e0c3d-8b7f-4a2e-9c6d-3f4e5a6b7c8d',
        counterpartyAccountId: '9d3e1a2b-7c4f-4e8d-b6a5-1f0e2d3c4b5a',
        amount: 300n,
        balanceAfter: 1000n,
        reservedAfter: 0n,
        reason: 'EXPIRED',
        releasedAt: OCCURRED_AT,
      },
    },
  ];

  it.each(currentEvents)('given $type at its current version, when upcast, then it passes through unchanged', (event) => {
    const encoded = encodeEvent(event);

    expect(upcastAccountEvent({ ...encoded, occurredAt: OCCURRED_AT })).toEqual(encoded);
  });

  it.each([
    ['a future version', 4],
    ['version 0', 0],
    ['a fractional version', 1.5],
  ])('given AccountOpened at %s, when upcast, then EventDecodeError', (_label, schemaVersion) => {
    expect(() => upcastAccountEvent({ ...openedV1(), schemaVersion })).toThrow(EventDecodeError);
  });

  it('given a future MoneyDeposited version, when upcast, then the error names the versions', () => {
    const raw: UpcastableEvent = {
      type: 'MoneyDeposited',
      schemaVersion: 2,
      data: {},
      occurredAt: OCCURRED_AT,
    };

    expect(() => upcastAccountEvent(raw)).toThrow('schema version 2 is newer than the known version 1');
  });

  it('given an unknown event type, when upcast, then EventDecodeError', () => {
    expect(() => upcastAccountEvent({ ...openedV1(), type: 'AccountRenamed' })).toThrow(EventDecodeError);
  });

  it('has an upcaster for every version below the current one of every event type', () => {
    const missing = ACCOUNT_EVENT_TYPES.flatMap((type) =>
      Array.from({ length: CURRENT_EVENT_SCHEMA_VERSIONS[type] - 1 }, (_, i) => i + 1)
        .filter((version) => !ACCOUNT_EVENT_UPCASTERS[type].has(version))
        .map((version) => `${type} v${version}`),
    );

    expect(missing).toEqual([]);
  });
});
