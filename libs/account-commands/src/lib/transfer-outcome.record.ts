import {
  AccountState,
  CreatedTransferState,
  OpenedAccountState,
  TransferState,
  decodeState,
  decodeTransferState,
  encodeState,
  encodeTransferState,
} from '@ledger/domain';
import type { JsonObject, JsonValue } from '@ledger/event-store';
import type { AcceptedTransfer } from './transfer-command.outcome';

/**
 * What a transfer's idempotency record keeps of its accepted outcome, so a replay answers exactly as the
 * first request was answered (the balances of then, not of now):
 * `{"outcome":"accepted","transfer":{"version","state"},"from":{"accountId","version","state"},"to":{"accountId","version"}}`.
 * Only accepted outcomes are recorded: a refused transfer command changed nothing.
 */
export function encodeTransferOutcome(accepted: AcceptedTransfer): JsonObject {
  const { transfer, from, to } = accepted;
  return {
    outcome: 'accepted',
    transfer: { version: transfer.version, state: encodeTransferState(transfer.state) },
    from: { accountId: from.accountId, version: from.version, state: encodeState(from.state) },
    to: { accountId: to.accountId, version: to.version },
  };
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function versionOf(value: JsonValue | undefined): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) throw unreadable();
  return value;
}

function textOf(value: JsonValue | undefined): string {
  if (typeof value !== 'string') throw unreadable();
  return value;
}

function unreadable(): Error {
  return new Error('transfer command handler: the idempotency record holds no transfer outcome');
}

/** The record's outcome; anything else is a bug or foreign data, never a client's mistake (throws). */
export function decodeTransferOutcome(result: JsonValue): AcceptedTransfer {
  if (!isObject(result) || result['outcome'] !== 'accepted') throw unreadable();
  const { transfer, from, to } = result;
  if (!isObject(transfer) || !isObject(from) || !isObject(to)) throw unreadable();
  const transferState: TransferState = decodeTransferState(transfer['state']);
  const fromState: AccountState = decodeState(from['state']);
  if (transferState.status === 'NOT_CREATED' || fromState.status === 'NOT_OPENED') throw unreadable();
  return {
    kind: 'accepted',
    transfer: { version: versionOf(transfer['version']), state: transferState as CreatedTransferState },
    from: { accountId: textOf(from['accountId']), version: versionOf(from['version']), state: fromState as OpenedAccountState },
    to: { accountId: textOf(to['accountId']), version: versionOf(to['version']) },
  };
}
