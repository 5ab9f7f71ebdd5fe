import { CURRENT_TRANSFER_EVENT_SCHEMA_VERSIONS, EncodedTransferEvent, TRANSFER_EVENT_TYPES, decodeTransferEvent } from './transfer.codec';
import { TransferEvent, TransferEventType } from './transfer.events';
import { UpcastStep, UpcastableEvent, noUpcastersYet, upcastToCurrent } from './event-upcasting';

/** Keyed by the version an upcaster reads; every version below the current one needs an entry. */
export const TRANSFER_EVENT_UPCASTERS: Readonly<Record<TransferEventType, ReadonlyMap<number, UpcastStep>>> =
  noUpcastersYet(TRANSFER_EVENT_TYPES);

/** As `upcastAccountEvent`, for the transfer stream's events. */
export function upcastTransferEvent(raw: UpcastableEvent): EncodedTransferEvent {
  return upcastToCurrent(raw, { current: CURRENT_TRANSFER_EVENT_SCHEMA_VERSIONS, upcasters: TRANSFER_EVENT_UPCASTERS });
}

/** Upcast, then decode: what every reader of a stored transfer event calls, as `decodeStoredAccountEvent`. */
export function decodeStoredTransferEvent(raw: UpcastableEvent): TransferEvent {
  return decodeTransferEvent(upcastTransferEvent(raw));
}
