import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { IncomingMessage } from 'node:http';
import { otlpProtocolOf, type TracingConfig } from './tracing.config';

export interface TracingSdk {
  shutdown(): Promise<void>;
}

/** Probes and scrapes would be most of the traces and tell nothing. */
const UNTRACED_PATHS = new Set(['/health/live', '/health/ready', '/metrics']);

function processorFor(config: TracingConfig): SpanProcessor {
  if (config.OTEL_TRACES_EXPORTER === 'console') return new SimpleSpanProcessor(new ConsoleSpanExporter());
  // Both exporters read OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT and _HEADERS themselves; the processor reads OTEL_BSP_*.
  const exporter = otlpProtocolOf(config) === 'http/json' ? new OtlpJsonExporter() : new OtlpProtobufExporter();
  return new BatchSpanProcessor(exporter);
}

/**
 * The tracer provider (AsyncLocalStorage context, W3C trace-context propagation, sampler from
 * OTEL_TRACES_SAMPLER) and the instrumentations: incoming and outgoing HTTP (an incoming request's
 * span named by its route, see nameHttpRoute), and pg queries made inside a traced operation. kafkajs is not instrumented: its producer
 * instrumentation would replace each message's trace context with the relay loop's, so the relay and
 * the projector make their spans themselves (see message-spans.ts).
 */
export function registerTracing(config: TracingConfig, serviceName: string): TracingSdk {
  const resource = resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName }).merge(detectResources({ detectors: [envDetector] }));
  const provider = new NodeTracerProvider({ resource, spanProcessors: [processorFor(config)] });
  provider.register();
  const unregister = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request: IncomingMessage) => UNTRACED_PATHS.has(request.url?.split('?')[0] ?? ''),
      }),
      // Background loops (relay reads, projector batches, LISTEN sessions) make no root traces of their own.
      new PgInstrumentation({ requireParentSpan: true }),
    ],
  });
  return {
    shutdown: async () => {
      unregister();
      await provider.shutdown();
    },
  };
}
