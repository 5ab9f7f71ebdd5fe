import { MAX_MONEY_MINOR_UNITS, codePointLength } from './account.limits';
import { EventDecodeError } from './decode.errors';
import { JsonFieldsReader } from './json-fields.reader';
import { failSnapshot, snapshotStatus } from './snapshot.reader';
import { PENDING_TIMEOUT_MAX_SECONDS, TRANSFER_REFERENCE_MAX_LENGTH } from './transfer.commands';
import { TransferEvent, TransferEventType, TransferTerms } from './transfer.events';
import { TransferState, TransferStatus } from './transfer.state';
import type { JsonObject } from '@ledger/primitives';
import { unhandled } from './unhandled';

/**
 * JSON codec for the transfer stream's events and state, as the account's (`account.codec.ts`): bigint
 * as a decimal string, Date as an ISO 8601 UTC string, exact key sets on read.
 */

/** The schema version each transfer event type is written with today. Older versions are upcast on read. */
export const CURRENT_TRANSFER_EVENT_SCHEMA_VERSIONS: Readonly<Record<TransferEventType, number>> = {
  TransferCompleted: 1,
  PendingTransferPlaced: 1,
  PendingTransferPosted: 1,
  PendingTransferVoided: 1,
  PendingTransferExpired: 1,
};

export const TRANSFER_EVENT_TYPES: readonly TransferEventType[] = Object.keys(
  CURRENT_TRANSFER_EVENT_SCHEMA_VERSIONS,
) as TransferEventType[];

/** Bump when the transfer state's shape changes: older snapshots are then ignored and the stream replayed. */
export const TRANSFER_SNAPSHOT_SCHEMA_VERSION = 1;

export type EncodedTransferEvent = Readonly<{
  type: TransferEventType;
  schemaVersion: number;
  data: JsonObject;
}>;

export function isTransferEventType(value: unknown): value is TransferEventType {
  return typeof value === 'string' && Object.hasOwn(CURRENT_TRANSFER_EVENT_SCHEMA_VERSIONS, value);
}

export function encodeTransferEvent(event: TransferEvent): EncodedTransferEvent {
  return { type: event.type, schemaVersion: CURRENT_TRANSFER_EVENT_SCHEMA_VERSIONS[event.type], data: encodeTransferEventData(event) };
}

function encodeTransferEventData(event: TransferEvent): JsonObject {
  switch (event.type) {
    case 'TransferCompleted':
      return { ...encodeTerms(event.data), completedAt: event.data.completedAt.toISOString() };
    case 'PendingTransferPlaced':
      return {
        ...encodeTerms(event.data),
        timeoutSeconds: event.data.timeoutSeconds,
        expiresAt: event.data.expiresAt.toISOString(),
        placedAt: event.data.placedAt.toISOString(),
      };
    case 'PendingTransferPosted':
      return {
        transferId: event.data.transferId,
        amount: event.data.amount.toString(),
        releasedAmount: event.data.releasedAmount.toString(),
        postedAt: event.data.postedAt.toISOString(),
      };
    case 'PendingTransferVoided':
      return { transferId: event.data.transferId, amount: event.data.amount.toString(), voidedAt: event.data.voidedAt.toISOString() };
    case 'PendingTransferExpired':
      return { transferId: event.data.transferId, amount: event.data.amount.toString(), expiredAt: event.data.expiredAt.toISOString() };
    default:
      return unhandled('event', event);
  }
}

const TERMS_FIELDS = ['transferId', 'fromAccountId', 'toAccountId', 'amount', 'currency', 'reference'] as const;

function encodeTerms(data: TransferTerms): JsonObject {
  return {
    transferId: data.transferId,
    fromAccountId: data.fromAccountId,
    toAccountId: data.toAccountId,
    amount: data.amount.toString(),
    currency: data.currency,
    reference: data.reference,
  };
}

function readTerms(r: JsonFieldsReader, fail: (reason: string) => never): TransferTerms {
  return {
    transferId: r.nonEmptyString('transferId'),
    fromAccountId: r.nonEmptyString('fromAccountId'),
    toAccountId: r.nonEmptyString('toAccountId'),
    amount: r.integer('amount', 1n, MAX_MONEY_MINOR_UNITS),
    currency: r.currency('currency'),
    reference: reference(r, fail),
  };
}

function reference(r: JsonFieldsReader, fail: (reason: string) => never): string | null {
  const value = r.nullableString('reference');
  if (value !== null && codePointLength(value) > TRANSFER_REFERENCE_MAX_LENGTH)
    return fail(`reference must be at most ${TRANSFER_REFERENCE_MAX_LENGTH} characters`);
  return value;
}

/** A voided and an expired hold record the same: the whole hold went back, at a time named by the event. */
function readRelease(
  data: unknown,
  atField: 'voidedAt' | 'expiredAt',
  fail: (reason: string) => never,
): Readonly<{ transferId: string; amount: bigint; at: Date }> {
  const r = JsonFieldsReader.of(data, ['transferId', 'amount', atField], fail);
  return { transferId: r.nonEmptyString('transferId'), amount: r.integer('amount', 1n, MAX_MONEY_MINOR_UNITS), at: r.date(atField) };
}

/**
 * Decodes a transfer event already at its current schema version (run `upcastTransferEvent` first for
 * stored events). Throws `EventDecodeError` on an unknown type, another schema version or any malformed field.
 */
export function decodeTransferEvent(raw: Readonly<{ type: string; schemaVersion: number; data: unknown }>): TransferEvent {
  const typeName = typeof raw?.type === 'string' ? raw.type : String(raw?.type);
  const fail = (reason: string): never => {
    throw new EventDecodeError(typeName, reason);
  };
  if (!isTransferEventType(raw?.type)) return fail('unknown event type');
  const type = raw.type;
  const current = CURRENT_TRANSFER_EVENT_SCHEMA_VERSIONS[type];
  if (raw.schemaVersion !== current) {
    return fail(`schema version ${String(raw.schemaVersion)} is not the current version ${current}; upcast first`);
  }

  switch (type) {
    case 'TransferCompleted': {
      const r = JsonFieldsReader.of(raw.data, [...TERMS_FIELDS, 'completedAt'], fail);
      return { type, data: { ...readTerms(r, fail), completedAt: r.date('completedAt') } };
    }
    case 'PendingTransferPlaced': {
      const r = JsonFieldsReader.of(raw.data, [...TERMS_FIELDS, 'timeoutSeconds', 'expiresAt', 'placedAt'], fail);
      return {
        type,
        data: {
          ...readTerms(r, fail),
          timeoutSeconds: r.safeInteger('timeoutSeconds', 1, PENDING_TIMEOUT_MAX_SECONDS),
          expiresAt: r.date('expiresAt'),
          placedAt: r.date('placedAt'),
        },
      };
    }
    case 'PendingTransferPosted': {
      const r = JsonFieldsReader.of(raw.data, ['transferId', 'amount', 'releasedAmount', 'postedAt'], fail);
      return {
        type,
        data: {
          transferId: r.nonEmptyString('transferId'),
          amount: r.integer('amount', 1n, MAX_MONEY_MINOR_UNITS),
          releasedAmount: r.integer('releasedAmount', 0n, MAX_MONEY_MINOR_UNITS),
          postedAt: r.date('postedAt'),
        },
      };
    }
    case 'PendingTransferVoided': {
      const { transferId, amount, at } = readRelease(raw.data, 'voidedAt', fail);
      return { type, data: { transferId, amount, voidedAt: at } };
    }
    case 'PendingTransferExpired': {
      const { transferId, amount, at } = readRelease(raw.data, 'expiredAt', fail);
      return { type, data: { transferId, amount, expiredAt: at } };
    }
    default:
      return unhandled('event', type);
  }
}

const TRANSFER_STATUSES: readonly TransferStatus[] = ['completed', 'pending', 'posted', 'voided', 'expired'];
const TRANSFER_STATE_STATUSES: readonly TransferState['status'][] = ['NOT_CREATED', ...TRANSFER_STATUSES];
const TRANSFER_STATE_FIELDS = ['status', ...TERMS_FIELDS, 'postedAmount', 'expiresAt', 'createdAt', 'updatedAt'] as const;

/** Snapshot payload; stored alongside `TRANSFER_SNAPSHOT_SCHEMA_VERSION`. */
export function encodeTransferState(state: TransferState): JsonObject {
  if (state.status === 'NOT_CREATED') return { status: state.status };
  return {
    status: state.status,
    ...encodeTerms(state),
    postedAmount: state.postedAmount.toString(),
    expiresAt: state.expiresAt === null ? null : state.expiresAt.toISOString(),
    createdAt: state.createdAt.toISOString(),
    updatedAt: state.updatedAt.toISOString(),
  };
}

/** Throws `SnapshotDecodeError`; the caller may then ignore the snapshot and replay the stream. */
export function decodeTransferState(value: unknown): TransferState {
  const status = snapshotStatus(value, TRANSFER_STATE_STATUSES, 'NOT_CREATED');
  if (status === 'NOT_CREATED') return { status };
  const r = JsonFieldsReader.of(value, TRANSFER_STATE_FIELDS, failSnapshot);
  const terms = readTerms(r, failSnapshot);
  const postedAmount = r.integer('postedAmount', 0n, MAX_MONEY_MINOR_UNITS);
  if (postedAmount > terms.amount) return failSnapshot('postedAmount must not exceed amount');
  return {
    status,
    ...terms,
    postedAmount,
    expiresAt: r.nullableDate('expiresAt'),
    createdAt: r.date('createdAt'),
    updatedAt: r.date('updatedAt'),
  };
}
