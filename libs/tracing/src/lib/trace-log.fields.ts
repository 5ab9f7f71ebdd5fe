import { isSpanContextValid, trace } from '@opentelemetry/api';

export interface TraceLogFields {
  readonly trace_id?: string;
  readonly span_id?: string;
  readonly trace_flags?: string;
}

/**
 * The active span's ids for a log line (a pino mixin), named as OpenTelemetry's log data model names
 * them, so a log backend can jump to the trace. Empty outside a traced operation or with tracing off.
 * A new object each time: pino merges the call's own fields into what the mixin returns.
 */
export function traceLogFields(): TraceLogFields {
  const span = trace.getActiveSpan();
  if (span === undefined || !isSpanContextValid(span.spanContext())) return {};
  const { traceId, spanId, traceFlags } = span.spanContext();
  return { trace_id: traceId, span_id: spanId, trace_flags: traceFlags.toString(16).padStart(2, '0') };
}
