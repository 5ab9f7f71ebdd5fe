import { DatabaseError } from 'pg';
import type { NotifyClaim } from './append-notifier';
import { appendBatchStatement, encodeAlone } from './batch-append';
import type { IdempotencyClaim, IdempotencyRecord, MultiStreamAppendRequest, MultiStreamAppendResult } from './event-store.port';
import type { Queryable } from './queryable';
import {
  EVENT_ID_CONSTRAINT,
  IDEMPOTENCY_KEY_CONSTRAINT,
  STREAM_CONSTRAINT,
  STREAM_VERSION_CONSTRAINT,
  uniqueViolation,
} from './unique-violations';

/** What a multi-stream append alone needs from the store that runs it. */
export interface MultiStreamAppendHost {
  /** A pool or a session outside any transaction (the statement is its own). */
  readonly db: Queryable;
  findIdempotencyRecord(claim: IdempotencyClaim): Promise<IdempotencyRecord | null>;
  /** Whether this commit carries the NOTIFY (AppendNotifier); `notifySettled` is told how it ended. */
  claimNotify(): NotifyClaim | null;
  notifySettled(claim: NotifyClaim | null, committedStreamId: string | null): void;
}

/**
 * A multi-stream append (already validated) alone: the batch statement with one item
 * (batch-append.sql.ts), its own implicit transaction, so any error rolls all of it back. What group
 * commit falls back to, and what runs when it is off.
 */
export async function appendStreamsAlone(host: MultiStreamAppendHost, request: MultiStreamAppendRequest): Promise<MultiStreamAppendResult> {
  const values = encodeAlone(request);
  const claim = host.claimNotify();
  let result: MultiStreamAppendResult | undefined;
  try {
    [result] = await appendBatchStatement(host.db, claim !== null, values, [request]);
  } catch (error: unknown) {
    return refused(host, request, error);
  }
  if (result === undefined) throw new Error('event store: an append was left without a result');
  host.notifySettled(claim, result.kind === 'appended' ? (request.streams[0]?.streamId ?? '') : null);
  return result;
}

/** What a statement's error means for the request, once rolled back; rethrows what it cannot answer. */
async function refused(host: MultiStreamAppendHost, request: MultiStreamAppendRequest, error: unknown): Promise<MultiStreamAppendResult> {
  const constraint = uniqueViolation(error);
  if (constraint === null || !(error instanceof DatabaseError)) throw error;
  switch (constraint) {
    case IDEMPOTENCY_KEY_CONSTRAINT: {
      if (request.idempotency === undefined) throw error;
      // The key's first use committed while this statement ran (a unique check waits for the other transaction).
      const record = await host.findIdempotencyRecord(request.idempotency);
      if (record === null) throw new Error('event store: idempotency key reported used but not found', { cause: error });
      return { kind: 'idempotency-key-used', record };
    }
    case STREAM_CONSTRAINT:
    case STREAM_VERSION_CONSTRAINT: {
      // A stream created by another transaction while this statement ran, or (the backstop behind the
      // stream rows) an event version taken: the detail names the stream.
      const detail = error.detail ?? '';
      const stream = request.streams.find((s) => detail.includes(`(${s.streamId})`) || detail.includes(`(${s.streamId},`));
      if (stream === undefined) throw error;
      return { kind: 'conflict', streamId: stream.streamId, expectedVersion: stream.expectedVersion };
    }
    case EVENT_ID_CONSTRAINT:
      throw new Error('event store: an event with this eventId is already stored', { cause: error });
    default:
      throw error;
  }
}
