/** What the edge knows about a command beyond its body: tracing, preconditions and idempotency. */
export interface CommandContext {
  readonly correlationId: string;
  readonly traceparent?: string;
  readonly tracestate?: string;
  /** From `If-Match`: append only at this version (412 otherwise), and never retry. */
  readonly expectedVersion?: number;
  readonly idempotency?: { readonly key: string; readonly requestHash: string };
}
