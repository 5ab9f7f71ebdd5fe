import { isSpanContextValid, trace } from '@opentelemetry/api';

export interface TraceLogFields {
  readonly trace_id?: string;
  readonly span_id?: string;
  readonly trace_flags?: string;
}

const NONE: TraceLogFields = Object.freeze({});

/**
 * The active span's ids for a log line (a pino mixin), named as OpenTelemetry's log data model names
 * them, so a log backend can jump to the trace. Empty outside a traced operation or with tracing off.
 */
export function traceLogFields(): TraceLogFields {
  const span = trace.getActiveSpan();
  if (span === undefined) return NONE;
  const { traceId, spanId, traceFlags } = span.spanContext();
  if (!isSpanContextValid(span.spanContext())) return NONE;
  return { trace_id: traceId, span_id: spanId, trace_flags: traceFlags.toString(16).padStart(2, '0') };
}
