/** What the caller knows about a command beyond the command itself: tracing, preconditions and idempotency. */
export interface CommandContext {
  readonly correlationId: string;
  /** The id of what caused the events: the command or request (e.g. its Idempotency-Key), never made up here. */
  readonly causationId: string;
  readonly traceparent?: string;
  readonly tracestate?: string;
  /** Append only at this version; a mismatch is reported, never retried. */
  readonly expectedVersion?: number;
  readonly idempotency?: { readonly key: string; readonly requestHash: string };
}
