import { Inject, Injectable } from '@nestjs/common';
import {
  ACCOUNT_SNAPSHOT_SCHEMA_VERSION,
  AccountEvent,
  AccountState,
  decodeEvent,
  decodeState,
  encodeEvent,
  encodeState,
  foldAccount,
  initialAccountState,
} from '@ledger/domain';
import {
  AppendRequest,
  AppendResult,
  EVENT_STORE,
  EventMetadata,
  EventStore,
  IdempotencyRecord,
  JsonObject,
  snapshotDue,
} from '@ledger/event-store';
import { CommandConfig } from '../command.config';

export interface LoadedAccount {
  readonly state: AccountState;
  readonly version: number;
}

export interface AppendAccountEvents {
  readonly accountId: string;
  readonly loaded: LoadedAccount;
  /** Each event with the id the caller assigned (the response, stored with the append, names them). */
  readonly events: ReadonlyArray<{ readonly eventId: string; readonly event: AccountEvent }>;
  readonly stateAfter: AccountState;
  readonly metadata: EventMetadata;
  readonly occurredAt: Date;
  readonly idempotency?: AppendRequest['idempotency'];
}

/** The account aggregate's persistence: domain events and state in, JSON and streams out. */
@Injectable()
export class AccountRepository {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly config: CommandConfig,
  ) {}

  async load(accountId: string): Promise<LoadedAccount> {
    const read = await this.store.readStream(accountId, { snapshotSchemaVersion: ACCOUNT_SNAPSHOT_SCHEMA_VERSION });
    const from = read.snapshot ? decodeState(read.snapshot.state) : initialAccountState;
    const state = foldAccount(read.events.map(decodeEvent), from);
    return { state, version: read.version };
  }

  append(request: AppendAccountEvents): Promise<AppendResult> {
    const { accountId, loaded, events, stateAfter, metadata, occurredAt } = request;
    const nextVersion = loaded.version + events.length;
    const snapshot = snapshotDue(loaded.version, nextVersion, this.config.SNAPSHOT_EVERY)
      ? { version: nextVersion, schemaVersion: ACCOUNT_SNAPSHOT_SCHEMA_VERSION, state: encodeState(stateAfter) as JsonObject }
      : undefined;
    return this.store.append({
      streamId: accountId,
      expectedVersion: loaded.version,
      events: events.map(({ eventId, event }) => {
        const encoded = encodeEvent(event);
        return {
          eventId,
          type: encoded.type,
          schemaVersion: encoded.schemaVersion,
          data: encoded.data as JsonObject,
          metadata,
          occurredAt,
        };
      }),
      snapshot,
      idempotency: request.idempotency,
    });
  }

  findIdempotencyRecord(key: string): Promise<IdempotencyRecord | null> {
    return this.store.findIdempotencyRecord(key);
  }
}
