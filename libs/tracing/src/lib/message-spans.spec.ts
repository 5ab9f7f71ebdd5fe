import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { withMessageSpans, type CarrierMessage } from './message-spans';
import { activeTraceCarrier, carrierOfContext, contextOfCarrier, tracingActive } from './trace-context';
import { traceLogFields } from './trace-log.fields';

const TRACE_A = '0af7651916cd43dd8448eb211c80319c';
const TRACE_B = '4bf92f3577b34da6a3ce929d0e0e4736';
const parentOf = (traceId: string, spanId = 'b7ad6b7169203331') => `00-${traceId}-${spanId}-01`;
const options = { name: 'send account-events', kind: SpanKind.PRODUCER, attributes: () => ({ 'messaging.system': 'kafka' }) };

interface TestMessage extends CarrierMessage {
  readonly key: string;
}

describe('with tracing off', () => {
  it('hands the messages over untouched and records nothing', async () => {
    expect(tracingActive()).toBe(false);
    const messages: TestMessage[] = [{ key: 'a', headers: { traceparent: parentOf(TRACE_A) } }];
    const seen = await withMessageSpans(messages, options, async (given) => given);
    expect(seen).toBe(messages);
    expect(activeTraceCarrier()).toBeUndefined();
    expect(traceLogFields()).toEqual({});
  });

  it('still reads and writes W3C trace context', () => {
    const carrier = carrierOfContext(contextOfCarrier({ traceparent: parentOf(TRACE_A), tracestate: 'k=v' }));
    expect(carrier).toEqual({ traceparent: parentOf(TRACE_A), tracestate: 'k=v' });
    expect(carrierOfContext(contextOfCarrier({ traceparent: 'garbage' }))).toBeUndefined();
  });
});

describe('with tracing on', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

  beforeAll(() => provider.register());
  afterEach(() => exporter.reset());
  afterAll(async () => {
    await provider.shutdown();
    trace.disable();
    context.disable();
  });

  it('makes one span per traced message, a child of the context the message carries', async () => {
    const messages: TestMessage[] = [
      { key: 'a', headers: { traceparent: parentOf(TRACE_A), 'event-id': 'e1' } },
      { key: 'b', headers: { traceparent: Buffer.from(parentOf(TRACE_B)), tracestate: 'k=v' } },
      { key: 'c', headers: { 'event-id': 'e3' } },
    ];
    const sent = await withMessageSpans(messages, options, async (given) => given);

    const spans = exporter.getFinishedSpans();
    expect(spans.map((span) => [span.spanContext().traceId, span.parentSpanContext?.spanId, span.kind])).toEqual([
      [TRACE_A, 'b7ad6b7169203331', SpanKind.PRODUCER],
      [TRACE_B, 'b7ad6b7169203331', SpanKind.PRODUCER],
    ]);
    expect(spans[0]?.attributes).toEqual({ 'messaging.system': 'kafka' });
    // The consumer continues from the relay's span, not from the command's.
    expect(sent[0]?.headers).toEqual({ traceparent: `00-${TRACE_A}-${spans[0]?.spanContext().spanId}-01`, 'event-id': 'e1' });
    expect(sent[1]?.headers?.['traceparent']).toBe(`00-${TRACE_B}-${spans[1]?.spanContext().spanId}-01`);
    expect(sent[1]?.headers?.['tracestate']).toBe('k=v');
    expect(sent[2]).toBe(messages[2]);
    expect(messages[0]?.headers?.['traceparent']).toBe(parentOf(TRACE_A));
  });

  it('ends the spans as failed when the work throws, and rethrows', async () => {
    const messages: TestMessage[] = [{ key: 'a', headers: { traceparent: parentOf(TRACE_A) } }];
    await expect(
      withMessageSpans(messages, options, async () => {
        throw new Error('broker down');
      }),
    ).rejects.toThrow('broker down');
    const [span] = exporter.getFinishedSpans();
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    expect(span?.events.map((event) => event.name)).toEqual(['exception']);
  });

  it('gives log lines and event metadata the active span', () => {
    const span = trace.getTracer('test').startSpan('request', {}, contextOfCarrier({ traceparent: parentOf(TRACE_A) }));
    context.with(trace.setSpan(context.active(), span), () => {
      const { spanId } = span.spanContext();
      expect(traceLogFields()).toEqual({ trace_id: TRACE_A, span_id: spanId, trace_flags: '01' });
      expect(activeTraceCarrier()).toEqual({ traceparent: `00-${TRACE_A}-${spanId}-01` });
    });
    span.end();
    expect(traceLogFields()).toEqual({});
  });
});
