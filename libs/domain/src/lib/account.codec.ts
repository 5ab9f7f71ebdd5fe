import { AccountEvent, AccountEventType, AccountStatus, HoldReleaseReason } from './account.events';
import { MAX_MONEY_MINOR_UNITS } from './account.limits';
import { AccountState } from './account.state';
import { EventDecodeError } from './decode.errors';
import type { JsonObject } from '@ledger/primitives';
import { JsonFieldsReader } from './json-fields.reader';
import { failSnapshot, snapshotStatus } from './snapshot.reader';
import { unhandled } from './unhandled';

/**
 * JSON codec for events and snapshots: bigint becomes a decimal string, Date an ISO 8601 UTC string,
 * because JSON has neither (and a JSON number would lose precision above 2^53).
 */

/** The schema version each event type is written with today. Older versions are upcast on read. */
export const CURRENT_EVENT_SCHEMA_VERSIONS: Readonly<Record<AccountEventType, number>> = {
  AccountOpened: 3,
  MoneyDeposited: 1,
  MoneyWithdrawn: 1,
  AccountFrozen: 1,
  AccountUnfrozen: 1,
  AccountClosed: 1,
  TransferDebited: 1,
  TransferCredited: 1,
  HoldPlaced: 1,
  HoldPosted: 1,
  HoldReleased: 1,
};

export const ACCOUNT_EVENT_TYPES: readonly AccountEventType[] = Object.keys(CURRENT_EVENT_SCHEMA_VERSIONS) as AccountEventType[];

/** Bump when the snapshot's shape changes: the store then ignores older snapshots and replays instead. */
export const ACCOUNT_SNAPSHOT_SCHEMA_VERSION = 3;

export type EncodedAccountEvent = Readonly<{
  type: AccountEventType;
  schemaVersion: number;
  data: JsonObject;
}>;

export type RawAccountEvent = Readonly<{
  type: string;
  schemaVersion: number;
  data: unknown;
}>;

export function isAccountEventType(value: unknown): value is AccountEventType {
  return typeof value === 'string' && Object.hasOwn(CURRENT_EVENT_SCHEMA_VERSIONS, value);
}

export function encodeEvent(event: AccountEvent): EncodedAccountEvent {
  return { type: event.type, schemaVersion: CURRENT_EVENT_SCHEMA_VERSIONS[event.type], data: encodeEventData(event) };
}

function encodeEventData(event: AccountEvent): JsonObject {
  switch (event.type) {
    case 'AccountOpened': {
      const d = event.data;
      return {
        accountId: d.accountId,
        owner: d.owner,
        ownerId: d.ownerId,
        currency: d.currency,
        initialDeposit: d.initialDeposit.toString(),
        balanceAfter: d.balanceAfter.toString(),
        openedAt: d.openedAt.toISOString(),
      };
    }
    case 'MoneyDeposited':
      return { ...encodeMovement(event.data), depositedAt: event.data.depositedAt.toISOString() };
    case 'MoneyWithdrawn':
      return { ...encodeMovement(event.data), withdrawnAt: event.data.withdrawnAt.toISOString() };
    case 'AccountFrozen':
      return { accountId: event.data.accountId, reason: event.data.reason, frozenAt: event.data.frozenAt.toISOString() };
    case 'AccountUnfrozen':
      return { accountId: event.data.accountId, unfrozenAt: event.data.unfrozenAt.toISOString() };
    case 'AccountClosed':
      return { accountId: event.data.accountId, closedAt: event.data.closedAt.toISOString() };
    case 'TransferDebited':
      return { ...encodeLeg(event.data), debitedAt: event.data.debitedAt.toISOString() };
    case 'TransferCredited':
      return { ...encodeLeg(event.data), creditedAt: event.data.creditedAt.toISOString() };
    case 'HoldPlaced':
      return { ...encodeLeg(event.data), expiresAt: event.data.expiresAt.toISOString(), placedAt: event.data.placedAt.toISOString() };
    case 'HoldPosted':
      return {
        ...encodeLeg(event.data),
        heldAmount: event.data.heldAmount.toString(),
        postedAt: event.data.postedAt.toISOString(),
      };
    case 'HoldReleased':
      return { ...encodeLeg(event.data), reason: event.data.reason, releasedAt: event.data.releasedAt.toISOString() };
    default:
      return unhandled('event', event);
  }
}

/** The fields a deposit and a withdrawal both carry; only the name of their timestamp differs. */
type Movement = Readonly<{ accountId: string; amount: bigint; balanceAfter: bigint }>;
const MOVEMENT_FIELDS = ['accountId', 'amount', 'balanceAfter'] as const;
const DEPOSIT_FIELDS = [...MOVEMENT_FIELDS, 'depositedAt'];
const WITHDRAWAL_FIELDS = [...MOVEMENT_FIELDS, 'withdrawnAt'];

function encodeMovement(data: Movement): JsonObject {
  return { accountId: data.accountId, amount: data.amount.toString(), balanceAfter: data.balanceAfter.toString() };
}

function readMovement(r: JsonFieldsReader): Movement {
  return {
    accountId: r.nonEmptyString('accountId'),
    amount: r.integer('amount', 1n, MAX_MONEY_MINOR_UNITS),
    balanceAfter: r.integer('balanceAfter', 0n, MAX_MONEY_MINOR_UNITS),
  };
}

/** The fields every transfer leg carries; only its timestamps (and a post's or release's extras) differ. */
type Leg = Readonly<{
  accountId: string;
  transferId: string;
  counterpartyAccountId: string;
  amount: bigint;
  balanceAfter: bigint;
  reservedAfter: bigint;
}>;
const LEG_FIELDS = ['accountId', 'transferId', 'counterpartyAccountId', 'amount', 'balanceAfter', 'reservedAfter'] as const;
const DEBIT_FIELDS = [...LEG_FIELDS, 'debitedAt'];
const CREDIT_FIELDS = [...LEG_FIELDS, 'creditedAt'];
const HOLD_PLACED_FIELDS = [...LEG_FIELDS, 'expiresAt', 'placedAt'];
const HOLD_POSTED_FIELDS = [...LEG_FIELDS, 'heldAmount', 'postedAt'];
const HOLD_RELEASED_FIELDS = [...LEG_FIELDS, 'reason', 'releasedAt'];
const HOLD_RELEASE_REASONS: readonly HoldReleaseReason[] = ['VOIDED', 'EXPIRED'];

function encodeLeg(data: Leg): JsonObject {
  return {
    accountId: data.accountId,
    transferId: data.transferId,
    counterpartyAccountId: data.counterpartyAccountId,
    amount: data.amount.toString(),
    balanceAfter: data.balanceAfter.toString(),
    reservedAfter: data.reservedAfter.toString(),
  };
}

function readLeg(r: JsonFieldsReader): Leg {
  return {
    accountId: r.nonEmptyString('accountId'),
    transferId: r.nonEmptyString('transferId'),
    counterpartyAccountId: r.nonEmptyString('counterpartyAccountId'),
    amount: r.integer('amount', 1n, MAX_MONEY_MINOR_UNITS),
    balanceAfter: r.integer('balanceAfter', 0n, MAX_MONEY_MINOR_UNITS),
    reservedAfter: r.integer('reservedAfter', 0n, MAX_MONEY_MINOR_UNITS),
  };
}

/**
 * Decodes an event already at its current schema version (run `upcastAccountEvent` first for stored
 * events). Throws `EventDecodeError` on an unknown type, another schema version or any malformed field.
 */
export function decodeEvent(raw: RawAccountEvent): AccountEvent {
  const typeName = typeof raw?.type === 'string' ? raw.type : String(raw?.type);
  const fail = (reason: string): never => {
    throw new EventDecodeError(typeName, reason);
  };
  if (!isAccountEventType(raw?.type)) return fail('unknown event type');
  const type = raw.type;
  const current = CURRENT_EVENT_SCHEMA_VERSIONS[type];
  if (raw.schemaVersion !== current) {
    return fail(`schema version ${String(raw.schemaVersion)} is not the current version ${current}; upcast first`);
  }

  switch (type) {
    case 'AccountOpened': {
      const r = JsonFieldsReader.of(
        raw.data,
        ['accountId', 'owner', 'ownerId', 'currency', 'initialDeposit', 'balanceAfter', 'openedAt'],
        fail,
      );
      return {
        type,
        data: {
          accountId: r.nonEmptyString('accountId'),
          owner: r.nonEmptyString('owner'),
          ownerId: nullableOwnerId(r),
          currency: r.currency('currency'),
          initialDeposit: r.integer('initialDeposit', 0n, MAX_MONEY_MINOR_UNITS),
          balanceAfter: r.integer('balanceAfter', 0n, MAX_MONEY_MINOR_UNITS),
          openedAt: r.date('openedAt'),
        },
      };
    }
    case 'MoneyDeposited': {
      const r = JsonFieldsReader.of(raw.data, DEPOSIT_FIELDS, fail);
      return { type, data: { ...readMovement(r), depositedAt: r.date('depositedAt') } };
    }
    case 'MoneyWithdrawn': {
      const r = JsonFieldsReader.of(raw.data, WITHDRAWAL_FIELDS, fail);
      return { type, data: { ...readMovement(r), withdrawnAt: r.date('withdrawnAt') } };
    }
    case 'AccountFrozen': {
      const r = JsonFieldsReader.of(raw.data, ['accountId', 'reason', 'frozenAt'], fail);
      return { type, data: { accountId: r.nonEmptyString('accountId'), reason: r.nullableString('reason'), frozenAt: r.date('frozenAt') } };
    }
    case 'AccountUnfrozen': {
      const r = JsonFieldsReader.of(raw.data, ['accountId', 'unfrozenAt'], fail);
      return { type, data: { accountId: r.nonEmptyString('accountId'), unfrozenAt: r.date('unfrozenAt') } };
    }
    case 'AccountClosed': {
      const r = JsonFieldsReader.of(raw.data, ['accountId', 'closedAt'], fail);
      return { type, data: { accountId: r.nonEmptyString('accountId'), closedAt: r.date('closedAt') } };
    }
    case 'TransferDebited': {
      const r = JsonFieldsReader.of(raw.data, DEBIT_FIELDS, fail);
      return { type, data: { ...readLeg(r), debitedAt: r.date('debitedAt') } };
    }
    case 'TransferCredited': {
      const r = JsonFieldsReader.of(raw.data, CREDIT_FIELDS, fail);
      return { type, data: { ...readLeg(r), creditedAt: r.date('creditedAt') } };
    }
    case 'HoldPlaced': {
      const r = JsonFieldsReader.of(raw.data, HOLD_PLACED_FIELDS, fail);
      return { type, data: { ...readLeg(r), expiresAt: r.date('expiresAt'), placedAt: r.date('placedAt') } };
    }
    case 'HoldPosted': {
      const r = JsonFieldsReader.of(raw.data, HOLD_POSTED_FIELDS, fail);
      return {
        type,
        data: { ...readLeg(r), heldAmount: r.integer('heldAmount', 1n, MAX_MONEY_MINOR_UNITS), postedAt: r.date('postedAt') },
      };
    }
    case 'HoldReleased': {
      const r = JsonFieldsReader.of(raw.data, HOLD_RELEASED_FIELDS, fail);
      return { type, data: { ...readLeg(r), reason: r.oneOf('reason', HOLD_RELEASE_REASONS), releasedAt: r.date('releasedAt') } };
    }
    default:
      return unhandled('event', type);
  }
}

const ACCOUNT_STATUSES: readonly AccountStatus[] = ['ACTIVE', 'FROZEN', 'CLOSED'];
const SNAPSHOT_STATUSES: readonly AccountState['status'][] = ['NOT_OPENED', ...ACCOUNT_STATUSES];

/** Snapshot payload; stored alongside `ACCOUNT_SNAPSHOT_SCHEMA_VERSION`. */
export function encodeState(state: AccountState): JsonObject {
  if (state.status === 'NOT_OPENED') return { status: state.status };
  return {
    status: state.status,
    accountId: state.accountId,
    owner: state.owner,
    ownerId: state.ownerId,
    currency: state.currency,
    balance: state.balance.toString(),
    reserved: state.reserved.toString(),
    openedAt: state.openedAt.toISOString(),
  };
}

/** Throws `SnapshotDecodeError`; the caller may then ignore the snapshot and replay the stream. */
export function decodeState(value: unknown): AccountState {
  const status = snapshotStatus(value, SNAPSHOT_STATUSES, 'NOT_OPENED');
  if (status === 'NOT_OPENED') return { status };
  const r = JsonFieldsReader.of(
    value,
    ['status', 'accountId', 'owner', 'ownerId', 'currency', 'balance', 'reserved', 'openedAt'],
    failSnapshot,
  );
  const balance = r.integer('balance', 0n, MAX_MONEY_MINOR_UNITS);
  const reserved = r.integer('reserved', 0n, MAX_MONEY_MINOR_UNITS);
  if (reserved > balance) return failSnapshot('reserved must not exceed balance');
  return {
    status,
    accountId: r.nonEmptyString('accountId'),
    owner: r.nonEmptyString('owner'),
    ownerId: nullableOwnerId(r),
    currency: r.currency('currency'),
    balance,
    reserved,
    openedAt: r.date('openedAt'),
  };
}

/** An owner id is a subject or null (no owner recorded); an empty one would name nobody, so it is refused. */
function nullableOwnerId(r: JsonFieldsReader): string | null {
  const ownerId = r.nullableString('ownerId');
  return ownerId === null ? null : r.nonEmptyString('ownerId');
}
