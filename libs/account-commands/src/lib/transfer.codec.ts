import {
  TRANSFER_SNAPSHOT_SCHEMA_VERSION,
  TransferEvent,
  TransferState,
  decodeStoredTransferEvent,
  decodeTransferState,
  encodeTransferEvent,
  evolveTransfer,
  initialTransferState,
} from '@ledger/domain';
import type { EncodedEvent, StreamCodec, StreamFold } from '@ledger/command-handling';

/**
 * The transfer stream's codec in the handler's terms, as `accountCodec` is the account's: the one place
 * a stored transfer event is upcast and decoded on the command side. Transfer refusals are never
 * recorded (a refused transfer never existed), so there is no rejection to encode.
 */
export const transferStreamCodec: Pick<
  StreamCodec<TransferState, TransferEvent, never>,
  'snapshotSchemaVersion' | 'decodeEvent' | 'decodeState'
> & {
  encodeEvent(event: TransferEvent): EncodedEvent;
} = {
  snapshotSchemaVersion: TRANSFER_SNAPSHOT_SCHEMA_VERSION,
  encodeEvent: encodeTransferEvent,
  decodeEvent: decodeStoredTransferEvent,
  decodeState: decodeTransferState,
};

export const transferFold: StreamFold<TransferState, TransferEvent> = {
  initialState: initialTransferState,
  evolve: evolveTransfer,
};
