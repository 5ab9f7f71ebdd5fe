import { EventDecodeError, SnapshotDecodeError } from './decode.errors';
import {
  CURRENT_TRANSFER_EVENT_SCHEMA_VERSIONS,
  TRANSFER_EVENT_TYPES,
  TRANSFER_SNAPSHOT_SCHEMA_VERSION,
  decodeTransferEvent,
  decodeTransferState,
  encodeTransferEvent,
  encodeTransferState,
} from './transfer.codec';
import { FROM, TO, TRANSFER_ID } from './testing/transfer.fixtures';
import { TransferEvent, TransferEventType } from './transfer.events';
import { TransferState } from './transfer.state';

const AT = new Date('2024-05-01T10:30:00.123Z');
const DEADLINE = new Date('2024-05-31T10:30:00.123Z');
const MAX = BigInt(Number.MAX_SAFE_INTEGER);

const terms = { transferId: TRANSFER_ID, fromAccountId: FROM, toAccountId: TO, amount: MAX, currency: 'SEK', reference: 'Zoë 😀 invoice' };

// Typed by TransferEventType, so a new event does not compile until it has a sample here.
const sampleEvents: Record<TransferEventType, TransferEvent> = {
  TransferCompleted: { type: 'TransferCompleted', data: { ...terms, reference: null, completedAt: AT } },
  PendingTransferPlaced: {
    type: 'PendingTransferPlaced',
    data: { ...terms, timeoutSeconds: 2_592_000, expiresAt: DEADLINE, placedAt: AT },
  },
  PendingTransferPosted: { type: 'PendingTransferPosted', data: { transferId: TRANSFER_ID, amount: 1n, releasedAmount: 0n, postedAt: AT } },
  PendingTransferVoided: { type: 'PendingTransferVoided', data: { transferId: TRANSFER_ID, amount: MAX, voidedAt: AT } },
  PendingTransferExpired: { type: 'PendingTransferExpired', data: { transferId: TRANSFER_ID, amount: 7n, expiredAt: DEADLINE } },
};

/** Through real JSON text, as storage and Kafka would carry it. */
function throughJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function decodeFailure(type: TransferEventType, change: Record<string, unknown>): EventDecodeError {
  const encoded = encodeTransferEvent(sampleEvents[type]);
  try {
    decodeTransferEvent({ ...encoded, data: throughJson({ ...encoded.data, ...change }) });
  } catch (error) {
    if (error instanceof EventDecodeError) return error;
    throw error;
  }
  throw new Error('expected decodeTransferEvent to throw');
}

describe('transfer event codec', () => {
  it('lists every event type once', () => {
    expect([...TRANSFER_EVENT_TYPES].sort()).toEqual(Object.keys(sampleEvents).sort());
  });

  it.each(Object.values(sampleEvents))('given $type, when encoded, JSON-serialised and decoded, then it is unchanged', (event) => {
    const encoded = throughJson(encodeTransferEvent(event));

    expect(encoded.schemaVersion).toBe(CURRENT_TRANSFER_EVENT_SCHEMA_VERSIONS[event.type]);
    expect(decodeTransferEvent(encoded)).toEqual(event);
  });

  it('given a pending transfer, when encoded, then money is decimal strings, the timeout a number and times ISO strings', () => {
    expect(encodeTransferEvent(sampleEvents.PendingTransferPlaced)).toEqual({
      type: 'PendingTransferPlaced',
      schemaVersion: 1,
      data: {
        transferId: TRANSFER_ID,
        fromAccountId: FROM,
        toAccountId: TO,
        amount: '9007199254740991',
        currency: 'SEK',
        reference: 'Zoë 😀 invoice',
        timeoutSeconds: 2_592_000,
        expiresAt: DEADLINE.toISOString(),
        placedAt: AT.toISOString(),
      },
    });
  });

  it.each([
    ['TransferCompleted', 'a zero amount', { amount: '0' }, 'amount'],
    ['TransferCompleted', 'an amount as a JSON number', { amount: 300 }, 'amount'],
    ['TransferCompleted', 'a lower-case currency', { currency: 'sek' }, 'currency'],
    ['TransferCompleted', 'a reference of 141 characters', { reference: 'r'.repeat(141) }, 'reference'],
    ['TransferCompleted', 'no toAccountId', { toAccountId: undefined }, 'toAccountId'],
    ['PendingTransferPlaced', 'a timeout of 0', { timeoutSeconds: 0 }, 'timeoutSeconds'],
    ['PendingTransferPlaced', 'a timeout as a string', { timeoutSeconds: '60' }, 'timeoutSeconds'],
    ['PendingTransferPlaced', 'a fractional timeout', { timeoutSeconds: 1.5 }, 'timeoutSeconds'],
    ['PendingTransferPlaced', 'no deadline', { expiresAt: null }, 'expiresAt'],
    ['PendingTransferPosted', 'a negative releasedAmount', { releasedAmount: '-1' }, 'releasedAmount'],
    ['PendingTransferVoided', 'an extra field', { reason: 'customer' }, 'reason'],
    ['PendingTransferExpired', 'an empty transferId', { transferId: ' ' }, 'transferId'],
  ] as const)('given %s with %s, then EventDecodeError naming the field', (type, _label, change, field) => {
    expect(decodeFailure(type, change).reason).toContain(field);
  });

  it('given an unknown type, then EventDecodeError', () => {
    expect(() => decodeTransferEvent({ type: 'TransferTeleported', schemaVersion: 1, data: {} })).toThrow(EventDecodeError);
  });

  it('given an account event, then EventDecodeError: the streams do not share event types', () => {
    expect(() => decodeTransferEvent({ type: 'MoneyDeposited', schemaVersion: 1, data: {} })).toThrow(EventDecodeError);
  });

  it('given another schema version, then EventDecodeError asking for upcasting first', () => {
    const encoded = encodeTransferEvent(sampleEvents.TransferCompleted);

    expect(() => decodeTransferEvent({ ...encoded, schemaVersion: 2 })).toThrow(/upcast first/);
  });

  it('given valid data, then the control case decodes (the rejections above are not vacuous)', () => {
    expect(decodeTransferEvent(throughJson(encodeTransferEvent(sampleEvents.PendingTransferPlaced)))).toEqual(
      sampleEvents.PendingTransferPlaced,
    );
  });
});

describe('transfer state codec', () => {
  const created = {
    ...terms,
    postedAmount: 0n,
    expiresAt: DEADLINE,
    createdAt: AT,
    updatedAt: DEADLINE,
  };
  const states: TransferState[] = [
    { status: 'NOT_CREATED' },
    { ...created, status: 'pending' },
    { ...created, status: 'posted', postedAmount: 5n },
    { ...created, status: 'completed', postedAmount: MAX, expiresAt: null, reference: null },
    { ...created, status: 'voided' },
    { ...created, status: 'expired' },
  ];

  it('has a positive integer snapshot schema version', () => {
    expect(Number.isSafeInteger(TRANSFER_SNAPSHOT_SCHEMA_VERSION) && TRANSFER_SNAPSHOT_SCHEMA_VERSION > 0).toBe(true);
  });

  it.each(states)('given a $status state, when encoded, JSON-serialised and decoded, then it is unchanged', (state) => {
    expect(decodeTransferState(throughJson(encodeTransferState(state)))).toEqual(state);
  });

  const valid = encodeTransferState(states[1]);

  it.each([
    ['not an object', 'pending'],
    ['an unknown status', { ...valid, status: 'PENDING' }],
    ['a missing postedAmount', { ...valid, postedAmount: undefined }],
    ['more posted than the amount', { ...valid, amount: '5', postedAmount: '6' }],
    ['an extra field', { ...valid, version: 2 }],
    ['NOT_CREATED with transfer fields', { ...valid, status: 'NOT_CREATED' }],
  ])('given a snapshot with %s, then SnapshotDecodeError', (_label, snapshot) => {
    expect(() => decodeTransferState(throughJson(snapshot))).toThrow(SnapshotDecodeError);
  });
});
