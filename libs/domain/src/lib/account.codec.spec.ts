import {
  ACCOUNT_EVENT_TYPES,
  ACCOUNT_SNAPSHOT_SCHEMA_VERSION,
  CURRENT_EVENT_SCHEMA_VERSIONS,
  decodeEvent,
  decodeState,
  encodeEvent,
  encodeState,
} from './account.codec';
import { AccountEvent, AccountEventType } from './account.events';
import { AccountState } from './account.state';
import { EventDecodeError, SnapshotDecodeError } from './decode.errors';

const ACCOUNT_ID = '0b5f7c4e-3d2a-4f1b-9a8e-2c6d1e0f9a7b';
const AT = new Date('2024-05-01T10:30:00.123Z');
const MAX = BigInt(Number.MAX_SAFE_INTEGER);
const TRANSFER_ID = '5a1e0c3d-8b7f-4a2e-9c6d-3f4e5a6b7c8d';
const COUNTERPARTY_ID = '9d3e1a2b-7c4f-4e8d-b6a5-1f0e2d3c4b5a';

function leg(amount: bigint) {
  return {
    accountId: ACCOUNT_ID,
    transferId: TRANSFER_ID,
    counterpartyAccountId: COUNTERPARTY_ID,
    amount,
    balanceAfter: MAX - 7n,
    reservedAfter: 7n,
  };
}

// Typed by AccountEventType, so a new event does not compile until it has a sample here.
const sampleEvents: Record<AccountEventType, AccountEvent> = {
  AccountOpened: {
    type: 'AccountOpened',
    data: {
      accountId: ACCOUNT_ID,
      owner: 'Zoë Ölund 😀',
      ownerId: 'auth0|5f7c 😀',
      currency: 'SEK',
      initialDeposit: 0n,
      balanceAfter: 0n,
      openedAt: AT,
    },
  },
  MoneyDeposited: {
    type: 'MoneyDeposited',
    data: {
      accountId: ACCOUNT_ID,
      amount: MAX,
      balanceAfter: MAX,
      depositedAt: AT,
    },
  },
  MoneyWithdrawn: {
    type: 'MoneyWithdrawn',
    data: {
      accountId: ACCOUNT_ID,
      amount: 1n,
      balanceAfter: MAX - 1n,
      withdrawnAt: AT,
    },
  },
  AccountFrozen: {
    type: 'AccountFrozen',
    data: { accountId: ACCOUNT_ID, reason: 'court order', frozenAt: AT },
  },
  AccountUnfrozen: {
    type: 'AccountUnfrozen',
    data: { accountId: ACCOUNT_ID, unfrozenAt: AT },
  },
  AccountClosed: {
    type: 'AccountClosed',
    data: { accountId: ACCOUNT_ID, closedAt: AT },
  },
  TransferDebited: {
    type: 'TransferDebited',
    data: { ...leg(MAX), debitedAt: AT },
  },
  TransferCredited: {
    type: 'TransferCredited',
    data: { ...leg(1n), creditedAt: AT },
  },
  HoldPlaced: {
    type: 'HoldPlaced',
    data: { ...leg(5n), expiresAt: new Date('2024-05-31T10:30:00.123Z'), placedAt: AT },
  },
  HoldPosted: {
    type: 'HoldPosted',
    data: { ...leg(3n), heldAmount: 5n, postedAt: AT },
  },
  HoldReleased: {
    type: 'HoldReleased',
    data: { ...leg(5n), reason: 'EXPIRED', releasedAt: AT },
  },
};

/** Through real JSON text, as storage and Kafka would carry it. */
function throughJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function decodeFailure(raw: Parameters<typeof decodeEvent>[0]): EventDecodeError {
  try {
    decodeEvent(raw);
  } catch (error) {
    if (error instanceof EventDecodeError) return error;
    throw error;
  }
  throw new Error('expected decodeEvent to throw');
}

function encodedMoneyDeposited(data: Record<string, unknown>) {
  return {
    type: 'MoneyDeposited',
    schemaVersion: CURRENT_EVENT_SCHEMA_VERSIONS.MoneyDeposited,
    data: {
      accountId: ACCOUNT_ID,
      amount: '100',
      balanceAfter: '100',
      depositedAt: AT.toISOString(),
      ...data,
    },
  };
}

describe('event codec', () => {
  it('lists every event type once', () => {
    expect([...ACCOUNT_EVENT_TYPES].sort()).toEqual(Object.keys(sampleEvents).sort());
  });

  it.each(Object.values(sampleEvents))('given $type, when encoded, JSON-serialised and decoded, then it is unchanged', (event) => {
    const encoded = throughJson(encodeEvent(event));

    expect(encoded.schemaVersion).toBe(CURRENT_EVENT_SCHEMA_VERSIONS[event.type]);
    expect(decodeEvent(encoded)).toEqual(event);
  });

  it('given a deposit, when encoded, then bigints are decimal strings and dates ISO strings', () => {
    expect(encodeEvent(sampleEvents.MoneyDeposited)).toEqual({
      type: 'MoneyDeposited',
      schemaVersion: 1,
      data: {
        accountId: ACCOUNT_ID,
        amount: '9007199254740991',
        balanceAfter: '9007199254740991',
        depositedAt: '2024-05-01T10:30:00.123Z',
      },
    });
  });

  it('given AccountOpened, when encoded, then it is written as schema version 3 with its ownerId', () => {
    const encoded = encodeEvent(sampleEvents.AccountOpened);

    expect(encoded.schemaVersion).toBe(3);
    expect(encoded.data['ownerId']).toBe('auth0|5f7c 😀');
  });

  it.each([
    ['null (no owner recorded)', null, null],
    ['a subject', 'user-ada', 'user-ada'],
  ])('given AccountOpened v3 with ownerId %s, when decoded, then ownerId is %j', (_label, stored, expected) => {
    const encoded = encodeEvent(sampleEvents.AccountOpened);

    expect(decodeEvent({ ...encoded, data: { ...encoded.data, ownerId: stored } })).toMatchObject({ data: { ownerId: expected } });
  });

  it.each([
    ['empty', ''],
    ['blank', '  '],
    ['a number', 42],
    ['missing', undefined],
  ])('given AccountOpened v3 with an ownerId that is %s, when decoded, then EventDecodeError', (_label, ownerId) => {
    const encoded = encodeEvent(sampleEvents.AccountOpened);
    const data = JSON.parse(JSON.stringify({ ...encoded.data, ownerId }));

    expect(() => decodeEvent({ ...encoded, data })).toThrow(EventDecodeError);
  });

  it('given a freeze without a reason, when round-tripped, then the reason stays null', () => {
    const event: AccountEvent = {
      type: 'AccountFrozen',
      data: { accountId: ACCOUNT_ID, reason: null, frozenAt: AT },
    };

    expect(decodeEvent(throughJson(encodeEvent(event)))).toEqual(event);
  });

  describe('transfer legs', () => {
    it('given HoldPosted, when encoded, then the hold it lifts and the resulting balances are decimal strings', () => {
      expect(encodeEvent(sampleEvents.HoldPosted)).toEqual({
        type: 'HoldPosted',
        schemaVersion: 1,
        data: {
          accountId: ACCOUNT_ID,
          transferId: TRANSFER_ID,
          counterpartyAccountId: COUNTERPARTY_ID,
          amount: '3',
          balanceAfter: '9007199254740984',
          reservedAfter: '7',
          heldAmount: '5',
          postedAt: AT.toISOString(),
        },
      });
    });

    it.each([
      ['TransferDebited', 'a negative reservedAfter', { reservedAfter: '-1' }, 'reservedAfter'],
      ['TransferCredited', 'a zero amount', { amount: '0' }, 'amount'],
      ['HoldPlaced', 'no transferId', { transferId: undefined }, 'transferId'],
      ['HoldPlaced', 'an empty counterparty', { counterpartyAccountId: '' }, 'counterpartyAccountId'],
      ['HoldPosted', 'a zero heldAmount', { heldAmount: '0' }, 'heldAmount'],
      ['HoldReleased', 'an unknown reason', { reason: 'CANCELLED' }, 'reason'],
      ['HoldReleased', 'a local time', { releasedAt: '2024-05-01T10:30:00' }, 'releasedAt'],
      ['TransferDebited', 'an extra field', { fee: '1' }, 'fee'],
    ] as const)('given %s with %s, then EventDecodeError naming the field', (type, _label, change, field) => {
      const encoded = encodeEvent(sampleEvents[type]);
      const data = JSON.parse(JSON.stringify({ ...encoded.data, ...change }));

      expect(decodeFailure({ ...encoded, data }).reason).toContain(field);
    });
  });

  describe('rejections', () => {
    it('given an unknown type, then EventDecodeError', () => {
      const error = decodeFailure({
        type: 'MoneyTeleported',
        schemaVersion: 1,
        data: {},
      });

      expect(error).toMatchObject({
        name: 'EventDecodeError',
        eventType: 'MoneyTeleported',
        reason: 'unknown event type',
      });
    });

    it('given a type inherited from Object.prototype, then EventDecodeError', () => {
      expect(decodeFailure({ type: 'toString', schemaVersion: 1, data: {} }).reason).toBe('unknown event type');
    });

    it('given a schema version other than the current one, then EventDecodeError (upcast first)', () => {
      const encoded = encodeEvent(sampleEvents.AccountOpened);

      expect(decodeFailure({ ...encoded, schemaVersion: 1 }).reason).toContain('schema version 1');
    });

    it.each([
      ['null', null],
      ['an array', []],
      ['a string', 'data'],
    ])('given data that is %s, then EventDecodeError', (_label, data) => {
      expect(decodeFailure({ type: 'MoneyDeposited', schemaVersion: 1, data }).reason).toContain('JSON object');
    });

    const everyField = Object.values(sampleEvents).flatMap((event) =>
      Object.keys(encodeEvent(event).data).map((field) => [event.type, field, event] as const),
    );

    it.each(everyField)('given %s without %s, then EventDecodeError', (_type, field, event) => {
      const encoded = encodeEvent(event);
      const data = { ...encoded.data };
      delete data[field];

      expect(decodeFailure({ ...encoded, data }).reason).toBe(`missing field ${field}`);
    });

    it('given an unexpected extra field, then EventDecodeError', () => {
      expect(decodeFailure(encodedMoneyDeposited({ fee: '1' })).reason).toBe('unexpected field fee');
    });

    it.each([
      ['a JSON number amount', { amount: 100 }],
      ['a float string', { amount: '1.5' }],
      ['an exponent string', { amount: '1e3' }],
      ['a negative amount', { amount: '-1' }],
      ['a zero amount', { amount: '0' }],
      ['a leading zero', { amount: '0100' }],
      ['a plus sign', { amount: '+100' }],
      ['surrounding spaces', { amount: ' 100' }],
      ['an empty string', { amount: '' }],
      ['a hex string', { amount: '0x10' }],
      ['an amount above the safe maximum', { amount: '9007199254740992' }],
      ['a 400-digit amount', { amount: '9'.repeat(400) }],
      ['a negative balance', { balanceAfter: '-5' }],
      ['a numeric account id', { accountId: 7 }],
      ['an empty account id', { accountId: '' }],
      ['a date without milliseconds', { depositedAt: '2024-05-01T10:30:00Z' }],
      ['a date with an offset', { depositedAt: '2024-05-01T12:30:00.123+02:00' }],
      ['a date-only string', { depositedAt: '2024-05-01' }],
      ['an impossible date', { depositedAt: '2024-02-30T10:30:00.000Z' }],
      ['a numeric timestamp', { depositedAt: AT.getTime() }],
    ])('given %s, then EventDecodeError', (_label, data) => {
      expect(decodeFailure(encodedMoneyDeposited(data))).toBeInstanceOf(EventDecodeError);
    });

    it('given AccountOpened with a lower-case currency, then EventDecodeError', () => {
      const encoded = encodeEvent(sampleEvents.AccountOpened);

      expect(
        decodeFailure({
          ...encoded,
          data: { ...encoded.data, currency: 'sek' },
        }).reason,
      ).toContain('currency');
    });

    it('given AccountFrozen with a numeric reason, then EventDecodeError', () => {
      const encoded = encodeEvent(sampleEvents.AccountFrozen);

      expect(decodeFailure({ ...encoded, data: { ...encoded.data, reason: 3 } }).reason).toContain('reason');
    });

    it('given valid data, then the control case decodes (the rejections above are not vacuous)', () => {
      expect(decodeEvent(encodedMoneyDeposited({}))).toMatchObject({
        type: 'MoneyDeposited',
        data: { amount: 100n },
      });
    });
  });
});

describe('state codec', () => {
  const states: AccountState[] = [
    { status: 'NOT_OPENED' },
    {
      status: 'ACTIVE',
      accountId: ACCOUNT_ID,
      owner: 'Ada',
      ownerId: 'user-ada',
      currency: 'EUR',
      balance: 0n,
      reserved: 0n,
      openedAt: AT,
    },
    {
      status: 'FROZEN',
      accountId: ACCOUNT_ID,
      owner: 'Ada',
      ownerId: null,
      currency: 'EUR',
      balance: MAX,
      reserved: MAX - 1n,
      openedAt: AT,
    },
    {
      status: 'CLOSED',
      accountId: ACCOUNT_ID,
      owner: 'Ada',
      ownerId: 'user-ada',
      currency: 'EUR',
      balance: 0n,
      reserved: 0n,
      openedAt: AT,
    },
  ];

  it('has a positive integer snapshot schema version', () => {
    expect(Number.isSafeInteger(ACCOUNT_SNAPSHOT_SCHEMA_VERSION) && ACCOUNT_SNAPSHOT_SCHEMA_VERSION > 0).toBe(true);
  });

  it.each(states)('given a $status state, when encoded, JSON-serialised and decoded, then it is unchanged', (state) => {
    expect(decodeState(throughJson(encodeState(state)))).toEqual(state);
  });

  it('given an active state, when encoded, then the balance is a decimal string', () => {
    expect(encodeState(states[2])).toMatchObject({
      balance: '9007199254740991',
      reserved: '9007199254740990',
      openedAt: AT.toISOString(),
    });
  });

  const valid = encodeState(states[1]);

  it.each([
    ['not an object', 'ACTIVE'],
    ['null', null],
    ['an unknown status', { ...valid, status: 'DORMANT' }],
    ['a missing balance', { ...valid, balance: undefined }],
    ['an extra field', { ...valid, version: 3 }],
    ['a negative balance', { ...valid, balance: '-1' }],
    ['a float balance', { ...valid, balance: '10.5' }],
    ['a balance above the safe maximum', { ...valid, balance: '9007199254740992' }],
    ['NOT_OPENED with account fields', { ...valid, status: 'NOT_OPENED' }],
    ['no ownerId (the shape of schema version 1)', { ...valid, ownerId: undefined }],
    ['an empty ownerId', { ...valid, ownerId: '' }],
    ['no reserved (the shape of schema version 2)', { ...valid, reserved: undefined }],
    ['a negative reserved', { ...valid, reserved: '-1' }],
    ['more reserved than the balance', { ...valid, balance: '5', reserved: '6' }],
  ])('given a snapshot with %s, then SnapshotDecodeError', (_label, snapshot) => {
    expect(() => decodeState(throughJson(snapshot))).toThrow(SnapshotDecodeError);
  });
});
