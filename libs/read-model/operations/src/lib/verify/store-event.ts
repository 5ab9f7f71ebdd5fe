import type { JsonObject } from '@ledger/primitives';
import { messageOf } from '@ledger/platform';

/** An event as the store holds it (before upcasting), with what the read model copies from it. */
export interface StoreEvent {
  readonly streamId: string;
  readonly version: number;
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: JsonObject;
  readonly metadata: { readonly correlationId: string };
  readonly occurredAt: Date;
}

/** What the stream should have had at an event from which it cannot be checked, and what it had. */
export interface StreamBreak {
  readonly expected: string;
  readonly actual: string;
}

/**
 * The next event of a stream as this release reads it, or why the stream breaks there, as it stops
 * the projector: a version that does not follow `lastVersion` (a gap), or an event `decode` refuses.
 */
export function decodeInOrder<E>(
  stored: StoreEvent,
  lastVersion: number,
  decode: (stored: StoreEvent) => E,
): { readonly event: E } | { readonly broken: StreamBreak } {
  if (stored.version !== lastVersion + 1) {
    return { broken: { expected: `version ${lastVersion + 1}`, actual: `version ${stored.version} (a gap in the stream)` } };
  }
  try {
    return { event: decode(stored) };
  } catch (error) {
    return { broken: { expected: 'an event this release can read', actual: `unreadable ${stored.type}: ${messageOf(error)}` } };
  }
}
