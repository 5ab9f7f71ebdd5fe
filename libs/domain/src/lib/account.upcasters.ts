import { CURRENT_EVENT_SCHEMA_VERSIONS, EncodedAccountEvent, decodeEvent } from './account.codec';
import { AccountEvent, AccountEventType } from './account.events';
import { EventDecodeError } from './decode.errors';
import { UpcastContext, UpcastStep, UpcastableEvent, upcastToCurrent } from './event-upcasting';
import type { JsonObject, JsonValue } from '@ledger/primitives';

/**
 * Upcasting on read: stored events keep the schema they were written with, and are lifted one version
 * at a time to the current schema when read, so `decodeEvent` and `evolve` only know today's shapes.
 */

export type { UpcastableEvent } from './event-upcasting';

/** Keyed by the version an upcaster reads; every version below the current one needs an entry. */
export const ACCOUNT_EVENT_UPCASTERS: Readonly<Record<AccountEventType, ReadonlyMap<number, UpcastStep>>> = {
  AccountOpened: new Map([
    [1, accountOpenedV1ToV2],
    [2, accountOpenedV2ToV3],
  ]),
  MoneyDeposited: new Map(),
  MoneyWithdrawn: new Map(),
  AccountFrozen: new Map(),
  AccountUnfrozen: new Map(),
  AccountClosed: new Map(),
  TransferDebited: new Map(),
  TransferCredited: new Map(),
  HoldPlaced: new Map(),
  HoldPosted: new Map(),
  HoldReleased: new Map(),
};

/**
 * Returns the event's type, the current schema version and the data in that schema. Throws
 * `EventDecodeError` for an unknown type, a version newer than this code knows (written by a newer
 * release: reading it with old rules would be wrong) or data an upcaster cannot read.
 */
export function upcastAccountEvent(raw: UpcastableEvent): EncodedAccountEvent {
  return upcastToCurrent(raw, { current: CURRENT_EVENT_SCHEMA_VERSIONS, upcasters: ACCOUNT_EVENT_UPCASTERS });
}

/**
 * Upcast, then decode: a stored event of any known schema version as a domain event. Every reader of
 * stored events (the command handler's load, the projection, heal, rebuild, verify) goes through here,
 * so an event is upcast once, where it is decoded; the store hands events back as written.
 */
export function decodeStoredAccountEvent(raw: UpcastableEvent): AccountEvent {
  return decodeEvent(upcastAccountEvent(raw));
}

/**
 * AccountOpened v1 was `{ accountId, ownerName, currency, balance }`: the owner field had another name,
 * the opening balance was the only amount (so it is also the initial deposit) and there was no
 * `openedAt` (the event's own `occurredAt` is when the account was opened).
 */
function accountOpenedV1ToV2(data: JsonObject, context: UpcastContext): JsonObject {
  const fail = (reason: string): never => {
    throw new EventDecodeError('AccountOpened', `schema v1: ${reason}`);
  };
  const accountId = data['accountId'];
  const ownerName = data['ownerName'];
  const currency = data['currency'];
  if (typeof accountId !== 'string') return fail('accountId must be a string');
  if (typeof ownerName !== 'string') return fail('ownerName must be a string');
  if (typeof currency !== 'string') return fail('currency must be a string');
  const balance = v1Balance(data['balance'], fail);
  if (!(context.occurredAt instanceof Date) || Number.isNaN(context.occurredAt.getTime())) {
    return fail('occurredAt must be a valid Date');
  }
  return {
    accountId,
    owner: ownerName,
    currency,
    initialDeposit: balance,
    balanceAfter: balance,
    openedAt: context.occurredAt.toISOString(),
  };
}

/**
 * AccountOpened v3 added `ownerId`, the subject the account belongs to. An account opened before then
 * has no recorded owner (null): only operators reach it.
 */
function accountOpenedV2ToV3(data: JsonObject): JsonObject {
  if (Object.hasOwn(data, 'ownerId')) throw new EventDecodeError('AccountOpened', 'schema v2: unexpected field ownerId');
  return { ...data, ownerId: null };
}

/** A decimal string as encoded; a JSON number is accepted only while it is an exact (safe) integer. */
function v1Balance(value: JsonValue | undefined, fail: (reason: string) => never): string {
  if (typeof value === 'string') return value; // range and format are checked by decodeEvent
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return fail('balance must be a decimal integer string or a safe integer');
}
