import { context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import pino from 'pino';
import { Writable } from 'node:stream';
import { traceLogFields } from './trace-log.fields';

function logger(): { log: pino.Logger; lines: () => Array<Record<string, unknown>> } {
  const written: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      written.push(chunk.toString('utf8'));
      done();
    },
  });
  return { log: pino({ mixin: traceLogFields }, sink), lines: () => written.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('traceLogFields as the pino mixin', () => {
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new InMemorySpanExporter())] });

  afterAll(async () => {
    await provider.shutdown();
    trace.disable();
    context.disable();
  });

  it('adds nothing with tracing off, and lets pino merge the call fields in', () => {
    const { log, lines } = logger();
    log.info({ context: 'Relay' }, 'no trace');
    log.info({ context: 'Relay' }, 'again');
    expect(lines().map((line) => [line['msg'], line['context'], line['trace_id']])).toEqual([
      ['no trace', 'Relay', undefined],
      ['again', 'Relay', undefined],
    ]);
  });

  it('adds the active span ids to each line written inside it', () => {
    provider.register();
    const { log, lines } = logger();
    const span = trace.getTracer('test').startSpan('request');
    context.with(trace.setSpan(context.active(), span), () => log.info({ context: 'Http' }, 'inside'));
    span.end();
    log.info('outside');
    const { traceId, spanId } = span.spanContext();
    expect(lines().map((line) => [line['msg'], line['context'], line['trace_id'], line['span_id'], line['trace_flags']])).toEqual([
      ['inside', 'Http', traceId, spanId, '01'],
      ['outside', undefined, undefined, undefined, undefined],
    ]);
  });
});
