import type { Actor } from '@ledger/domain';
import type { EventMetadata } from '@ledger/event-store';

/** What the caller knows about a command beyond the command itself: who, tracing, preconditions and idempotency. */
export interface CommandContext {
  /**
   * Who sends the command, as the verified token says: whose accounts it reaches, whose Idempotency-Keys
   * it uses, and the `actor` its events record.
   */
  readonly actor: Actor;
  readonly correlationId: string;
  /** The id of what caused the events: the command or request (e.g. its Idempotency-Key), never made up here. */
  readonly causationId: string;
  readonly traceparent?: string;
  readonly tracestate?: string;
  /** Append only at this version; a mismatch is reported, never retried. */
  readonly expectedVersion?: number;
  /** The key is the actor's own: the same key from another subject is another key. */
  readonly idempotency?: { readonly key: string; readonly requestHash: string };
}

/** What every event a command appends records of its context: correlation, causation, actor and trace. */
export function eventMetadataOf(context: CommandContext): EventMetadata {
  return {
    correlationId: context.correlationId,
    causationId: context.causationId,
    actor: { sub: context.actor.subject, clientId: context.actor.clientId },
    ...(context.traceparent ? { traceparent: context.traceparent } : {}),
    ...(context.tracestate ? { tracestate: context.tracestate } : {}),
  };
}
