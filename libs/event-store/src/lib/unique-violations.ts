import { DatabaseError } from 'pg';

/** The store's unique constraints, as an append's 23505 names them. */
export const IDEMPOTENCY_KEY_CONSTRAINT = 'idempotency_keys_pkey';
export const STREAM_CONSTRAINT = 'streams_pkey';
export const STREAM_VERSION_CONSTRAINT = 'events_stream_id_version_key';
export const EVENT_ID_CONSTRAINT = 'events_event_id_key';

const UNIQUE_VIOLATION = '23505';

/** The constraint a unique violation names ('' when none), or null for any other error. */
export function uniqueViolation(error: unknown): string | null {
  if (error instanceof DatabaseError && error.code === UNIQUE_VIOLATION) return error.constraint ?? '';
  return null;
}
