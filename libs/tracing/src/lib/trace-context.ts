import { context, isSpanContextValid, ProxyTracerProvider, ROOT_CONTEXT, trace, type Attributes, type Context } from '@opentelemetry/api';
import { getRPCMetadata, RPCType, W3CTraceContextPropagator } from '@opentelemetry/core';

/** W3C trace context as it travels in event metadata and Kafka headers. */
export interface TraceCarrier {
  readonly traceparent?: string;
  readonly tracestate?: string;
}

/** Used directly, not through the global propagator, so it works the same whether tracing is on or off. */
const propagator = new W3CTraceContextPropagator();
const NO_TRACER_PROVIDER = new ProxyTracerProvider().getDelegate();

/** Whether a tracer provider is registered: with tracing off the helpers below do nothing at all. */
export function tracingActive(): boolean {
  const provider = trace.getTracerProvider();
  return !(provider instanceof ProxyTracerProvider) || provider.getDelegate() !== NO_TRACER_PROVIDER;
}

/** The context a carrier continues; ROOT_CONTEXT (no parent) when it holds no valid traceparent. */
export function contextOfCarrier(carrier: TraceCarrier): Context {
  return propagator.extract(ROOT_CONTEXT, carrier, {
    get: (source, key) => (source as Record<string, string | undefined>)[key],
    keys: (source) => Object.keys(source),
  });
}

/** The carrier of a context's span, or undefined when the context has no valid span. */
export function carrierOfContext(from: Context): TraceCarrier | undefined {
  const span = trace.getSpan(from);
  if (span === undefined || !isSpanContextValid(span.spanContext())) return undefined;
  const carrier: Record<string, string> = {};
  propagator.inject(from, carrier, { set: (target, key, value) => ((target as Record<string, string>)[key] = value) });
  return carrier;
}

/** The active span's trace context (e.g. the HTTP request's span), for the metadata of what it writes. */
export function activeTraceCarrier(): TraceCarrier | undefined {
  return tracingActive() ? carrierOfContext(context.active()) : undefined;
}

/** Adds attributes to the active span, if there is one (a no-op with tracing off). */
export function annotateActiveSpan(attributes: Attributes): void {
  trace.getActiveSpan()?.setAttributes(attributes);
}

/**
 * Names the incoming HTTP request's span by its route pattern, e.g. `POST /accounts/:accountId/deposits`:
 * the HTTP instrumentation reads the route when the response finishes. A no-op outside a traced request.
 */
export function nameHttpRoute(route: string): void {
  const metadata = getRPCMetadata(context.active());
  if (metadata?.type === RPCType.HTTP) metadata.route = route;
}
