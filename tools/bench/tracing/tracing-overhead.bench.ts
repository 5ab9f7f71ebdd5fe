/**
 * What tracing adds to the hot paths, off (the default) and on, beside a baseline without the tracing
 * call, in the same run: the relay's publish of a 500-message batch, the projector's apply of one,
 * the command's trace context for event metadata, and a log line's trace fields.
 *
 *   npm run bench:tracing            (--quick for a smoke run)
 */
import { context, SpanKind, trace } from '@opentelemetry/api';
import { BatchSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { activeTraceCarrier, contextOfCarrier, traceLogFields, withMessageSpans, type CarrierMessage } from '@ledger/tracing';
import { formatTable } from '../lib/table';

const quick = process.argv.includes('--quick');
const BATCH = 500;
const ROUNDS = quick ? 200 : 4_000;
const CALLS = quick ? 100_000 : 2_000_000;

/** Exports nowhere: what is measured is the spans' making and batching, not a network. */
class DiscardingExporter implements SpanExporter {
  export(_spans: ReadableSpan[], done: (result: { code: number }) => void): void {
    done({ code: 0 });
  }
  async shutdown(): Promise<void> {
    return undefined;
  }
}

const messages: CarrierMessage[] = Array.from({ length: BATCH }, (_, i) => ({
  headers: {
    'event-id': `e-${i}`,
    traceparent: `00-${i.toString(16).padStart(32, '0').replace(/^0/, '1')}-b7ad6b7169203331-01`,
  },
}));
const spanOptions = { name: 'send account-events', kind: SpanKind.PRODUCER, attributes: () => ({ 'messaging.system': 'kafka' }) };
const send = async (batch: readonly CarrierMessage[]) => batch.length;

async function perBatchMicros(run: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < ROUNDS / 10; i += 1) await run();
  const started = process.hrtime.bigint();
  for (let i = 0; i < ROUNDS; i += 1) await run();
  return Number(process.hrtime.bigint() - started) / 1_000 / ROUNDS;
}

function perCallNanos(run: () => unknown): number {
  for (let i = 0; i < CALLS / 10; i += 1) run();
  const started = process.hrtime.bigint();
  for (let i = 0; i < CALLS; i += 1) run();
  return Number(process.hrtime.bigint() - started) / CALLS;
}

interface Figures {
  readonly batch: number;
  readonly carrier: number;
  readonly logFields: number;
}

async function measure(): Promise<Figures> {
  const request = trace.getTracer('bench').startSpan('request', {}, contextOfCarrier(messages[0]?.headers as { traceparent: string }));
  const inRequest = trace.setSpan(context.active(), request);
  const figures = {
    batch: await perBatchMicros(() => withMessageSpans(messages, spanOptions, send)),
    carrier: perCallNanos(() => context.with(inRequest, activeTraceCarrier)),
    logFields: perCallNanos(() => context.with(inRequest, traceLogFields)),
  };
  request.end();
  return figures;
}

async function main(): Promise<void> {
  const baseline = {
    batch: await perBatchMicros(() => send(messages)),
    carrier: perCallNanos(() => context.with(context.active(), () => undefined)),
    logFields: perCallNanos(() => context.with(context.active(), () => undefined)),
  };
  const off = await measure();
  const provider = new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(new DiscardingExporter(), { maxQueueSize: 65_536 })] });
  provider.register();
  const on = await measure();
  await provider.shutdown();

  const row = (what: string, unit: string, pick: (f: Figures) => number) => [
    what,
    unit,
    pick(baseline).toFixed(2),
    pick(off).toFixed(2),
    pick(on).toFixed(2),
  ];
  console.log(
    `tracing overhead (${quick ? 'quick' : 'full'} run; ${ROUNDS} batches of ${BATCH}, ${CALLS} calls; Node ${process.version})\n`,
  );
  console.log(
    formatTable(
      ['operation', 'unit', 'no tracing call', 'tracing off', 'tracing on'],
      [
        row(`relay/projector batch of ${BATCH} (withMessageSpans)`, 'µs/batch', (f) => f.batch),
        row('event metadata trace context (activeTraceCarrier)', 'ns/call', (f) => f.carrier),
        row('log line trace fields (traceLogFields)', 'ns/call', (f) => f.logFields),
      ],
    ),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
