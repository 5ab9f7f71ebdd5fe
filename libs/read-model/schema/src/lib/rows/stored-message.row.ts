/** A message as received, kept byte for byte so a dead letter or a held event can be replayed later. */
export interface RawMessage {
  readonly topic: string;
  readonly partition: number;
  /** Kafka offset (or the event store's global position for events read from the store). */
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, string>>;
}

/** A message as `dead_letters` and `parked_events` keep it (the offset as text). */
export interface StoredMessageRow {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly message_key: Buffer | null;
  readonly message_value: Buffer | null;
  readonly headers: Readonly<Record<string, string>>;
}

export function rawFromRow(row: StoredMessageRow): RawMessage {
  return {
    topic: row.topic,
    partition: row.partition,
    offset: row.offset,
    key: row.message_key,
    value: row.message_value,
    headers: row.headers,
  };
}

/** What every read of a dead letter says about it: which one, whose, from where, and what failed. */
export interface DeadLetterBase {
  readonly id: string;
  /** null when nothing trustworthy named the account. */
  readonly accountId: string | null;
  readonly eventId: string | null;
  readonly version: number | null;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly error: string;
  readonly attempts: number;
}

/** The `dead_letters` columns behind a DeadLetterBase (ids and bigints as text). */
export interface DeadLetterBaseRow {
  readonly id: string;
  readonly account_id: string | null;
  readonly event_id: string | null;
  readonly version: string | null;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly error: string;
  readonly attempts: number;
}

export function deadLetterBase(row: DeadLetterBaseRow): DeadLetterBase {
  return {
    id: row.id,
    accountId: row.account_id,
    eventId: row.event_id,
    version: row.version === null ? null : Number(row.version),
    topic: row.topic,
    partition: row.partition,
    offset: row.offset,
    error: row.error,
    attempts: row.attempts,
  };
}
