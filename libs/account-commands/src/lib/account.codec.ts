import {
  ACCOUNT_SNAPSHOT_SCHEMA_VERSION,
  AccountEvent,
  AccountState,
  decodeState,
  decodeStoredAccountEvent,
  encodeEvent,
  encodeState,
} from '@ledger/domain';
import type { StreamCodec } from '@ledger/event-store';

/**
 * The domain's JSON codec in the handler's terms. Events are upcast here, whatever the store was built
 * with (upcasting an event already at its current schema leaves it as it is).
 */
export const accountCodec: StreamCodec<AccountState, AccountEvent> = {
  snapshotSchemaVersion: ACCOUNT_SNAPSHOT_SCHEMA_VERSION,
  encodeEvent,
  decodeEvent: (stored) => decodeStoredAccountEvent(stored),
  encodeState,
  decodeState,
};
