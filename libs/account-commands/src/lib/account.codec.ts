import {
  ACCOUNT_SNAPSHOT_SCHEMA_VERSION,
  AccountError,
  AccountErrorType,
  AccountEvent,
  AccountState,
  decodeState,
  decodeStoredAccountEvent,
  encodeEvent,
  encodeState,
} from '@ledger/domain';
import type { JsonObject } from '@ledger/primitives';
import type { StreamCodec } from '@ledger/command-handling';

/** Each rejection's fields: text, or an amount (a bigint, recorded as a decimal string). */
const REJECTION_FIELDS: Readonly<Record<AccountErrorType, Readonly<Record<string, 'text' | 'amount'>>>> = {
  AccountNotFound: { accountId: 'text' },
  AccountAlreadyExists: { accountId: 'text' },
  InvalidAmount: { detail: 'text' },
  InvalidCommand: { detail: 'text' },
  InsufficientFunds: { accountId: 'text', balance: 'amount', requested: 'amount' },
  AccountFrozen: { accountId: 'text' },
  AccountNotFrozen: { accountId: 'text' },
  AccountClosed: { accountId: 'text' },
  BalanceNotZero: { accountId: 'text', balance: 'amount' },
  PendingHolds: { accountId: 'text', balance: 'amount', reserved: 'amount' },
  BalanceOverflow: { accountId: 'text', balance: 'amount', amount: 'amount' },
};

function encodeRejection(error: AccountError): JsonObject {
  return Object.fromEntries(Object.entries(error).map(([name, value]) => [name, typeof value === 'bigint' ? value.toString() : value]));
}

/** Throws on a rejection it cannot read: an idempotency record is the store's, never a client's input. */
function decodeRejection(json: JsonObject): AccountError {
  const type = json['type'];
  const fields = typeof type === 'string' && Object.hasOwn(REJECTION_FIELDS, type) ? REJECTION_FIELDS[type as AccountErrorType] : undefined;
  if (fields === undefined) throw new Error(`account codec: unknown rejection ${JSON.stringify(type)}`);
  const decoded: Record<string, string | bigint> = { type: type as string };
  for (const [name, kind] of Object.entries(fields)) {
    const value = json[name];
    if (typeof value !== 'string' || (kind === 'amount' && !/^-?\d+$/.test(value))) {
      throw new Error(`account codec: rejection ${String(type)} has no valid ${name}`);
    }
    decoded[name] = kind === 'amount' ? BigInt(value) : value;
  }
  return decoded as unknown as AccountError;
}

/**
 * The domain's JSON codec in the handler's terms. `decodeStoredAccountEvent` upcasts and decodes: the
 * one place an account event is lifted to its current schema, for the command side as for the relay's
 * readers (projection, heal, rebuild, verify); the store hands every event back as written.
 */
export const accountCodec: StreamCodec<AccountState, AccountEvent, AccountError> = {
  snapshotSchemaVersion: ACCOUNT_SNAPSHOT_SCHEMA_VERSION,
  encodeEvent,
  decodeEvent: decodeStoredAccountEvent,
  encodeState,
  decodeState,
  encodeRejection,
  decodeRejection,
};
