import { SpanStatusCode, trace, type Attributes, type Span, type SpanKind } from '@opentelemetry/api';
import { carrierOfContext, contextOfCarrier, tracingActive, type TraceCarrier } from './trace-context';

const tracer = trace.getTracer('@ledger/tracing');

/** A Kafka message as both kafkajs' producer and consumer see it: only its headers matter here. */
export interface CarrierMessage {
  readonly headers?: Readonly<Record<string, Buffer | string | (Buffer | string)[] | undefined>>;
}

export interface MessageSpanOptions<M> {
  /** e.g. `send account-events`, `process account-events` (OpenTelemetry messaging span names). */
  readonly name: string;
  readonly kind: SpanKind;
  readonly attributes: (message: M) => Attributes;
}

function headerText(message: CarrierMessage, name: string): string | undefined {
  const raw = message.headers?.[name];
  const first = Array.isArray(raw) ? raw[0] : raw;
  return first === undefined ? undefined : first.toString();
}

function carrierOfMessage(message: CarrierMessage): TraceCarrier {
  return { traceparent: headerText(message, 'traceparent'), tracestate: headerText(message, 'tracestate') };
}

/** The message with its trace headers replaced by the span's, so whoever consumes it continues from this span. */
function withCarrier<M extends CarrierMessage>(message: M, carrier: TraceCarrier): M {
  const headers: Record<string, Buffer | string | (Buffer | string)[] | undefined> = { ...message.headers, ...carrier };
  if (carrier.tracestate === undefined) delete headers['tracestate'];
  return { ...message, headers };
}

/**
 * Runs `work` on a batch of messages inside one short span per message, each the child of the trace
 * context that message carries: a batch mixes many traces (one per command), and a span per message
 * keeps each trace whole (command -> relay -> projector), where one batch span with links would leave
 * the relay and projector outside every command's trace. Messages without a trace context get no span
 * (the apps continue traces, they do not start them). `work` gets the messages with their trace
 * headers pointing at the new spans; the spans end when `work` settles, failed if it throws.
 * With tracing off, `work` gets the messages as they are and nothing else happens.
 */
export async function withMessageSpans<M extends CarrierMessage, T>(
  messages: readonly M[],
  options: MessageSpanOptions<M>,
  work: (messages: readonly M[]) => Promise<T>,
): Promise<T> {
  if (!tracingActive()) return work(messages);
  const spans: Span[] = [];
  const traced = messages.map((message) => {
    const parent = contextOfCarrier(carrierOfMessage(message));
    if (trace.getSpan(parent) === undefined) return message;
    const span = tracer.startSpan(options.name, { kind: options.kind, attributes: options.attributes(message) }, parent);
    spans.push(span);
    const carrier = carrierOfContext(trace.setSpan(parent, span));
    return carrier === undefined ? message : withCarrier(message, carrier);
  });
  try {
    const result = await work(traced);
    for (const span of spans) span.end();
    return result;
  } catch (error) {
    for (const span of spans) {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
    throw error;
  }
}
