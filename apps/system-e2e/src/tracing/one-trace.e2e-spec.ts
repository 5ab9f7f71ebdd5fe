import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  assertPipelineBuilt,
  createTestDatabase,
  eventually,
  mintToken,
  startPipeline,
  testKafkaBrokers,
  type Pipeline,
  type TestDatabase,
} from '@ledger/testing';
import { SYSTEM_LOG_DIR } from '../support/ledger-system.harness';
import { OTLP_SPAN_KIND, OtlpReceiver, type ReceivedSpan } from './otlp.receiver';

/** Each app's output of the latest run (JSON lines), read for trace ids and kept for whoever debugs a failure. */
const logDir = join(SYSTEM_LOG_DIR, 'tracing');

interface CommandBody {
  readonly accountId: string;
  readonly version: number;
  readonly events: ReadonlyArray<{ readonly eventId: string }>;
}

const hexId = (bytes: number) => randomBytes(bytes).toString('hex');

/** The `Authorization` header of every request: a customer's token from the stack's issuer. */
let authorization = '';

async function send(url: string, init: RequestInit): Promise<{ status: number; body: CommandBody }> {
  const response = await fetch(url, { ...init, headers: { ...init.headers, authorization } });
  return { status: response.status, body: (await response.json()) as CommandBody };
}

function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
  return send(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

function only(spans: readonly ReceivedSpan[], what: string, test: (span: ReceivedSpan) => boolean): ReceivedSpan {
  const found = spans.filter(test);
  if (found.length !== 1) throw new Error(`expected one ${what}, found ${found.length} in ${JSON.stringify(spans, null, 1)}`);
  return found[0] as ReceivedSpan;
}

/** Whether `span` descends from `ancestor` within the spans received. */
function descendsFrom(span: ReceivedSpan, ancestor: ReceivedSpan, spans: readonly ReceivedSpan[]): boolean {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  for (let at = byId.get(span.parentSpanId); at !== undefined; at = byId.get(at.parentSpanId)) {
    if (at.spanId === ancestor.spanId) return true;
  }
  return false;
}

const isEvent = (eventId: string, service: string, kind: number) => (span: ReceivedSpan) =>
  span.service === service && span.kind === kind && span.attributes['ledger.event_id'] === eventId;
const isRequest = (service: string) => (span: ReceivedSpan) => span.service === service && span.kind === OTLP_SPAN_KIND.server;

/** The four built apps export to an OTLP receiver of the test's own, exactly as they would to a collector. */
describe('tracing across the four services', () => {
  let receiver: OtlpReceiver;
  let database: TestDatabase;
  let pipeline: Pipeline;

  beforeAll(async () => {
    assertPipelineBuilt();
    authorization = `Bearer ${await mintToken({ sub: 'tracing-client' })}`;
    receiver = await OtlpReceiver.start();
    database = await createTestDatabase();
    pipeline = await startPipeline({
      databaseUrl: database.url,
      brokers: testKafkaBrokers().join(','),
      namePrefix: 'tracing',
      logDir,
      env: {
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_BSP_SCHEDULE_DELAY: '100',
        LOG_LEVEL: 'info',
        LOG_FORMAT: 'json',
      },
      readyTimeoutMs: 90_000,
    });
  }, 300_000);

  afterAll(async () => {
    await pipeline?.stop();
    await database?.drop();
    await receiver?.stop();
  }, 60_000);

  it('follows one deposit from the command request through the relay and the projector to the read of its version', async () => {
    const opened = await postJson(`${pipeline.command.baseUrl}/accounts`, { owner: 'tracing-owner', currency: 'EUR' });
    expect(opened.status).toBe(201);
    const { accountId } = opened.body;

    // The client's own trace: the deposit and the read of its version are two requests of one operation.
    const traceId = hexId(16);
    const depositParent = hexId(8);
    const readParent = hexId(8);
    const deposit = await postJson(
      `${pipeline.command.baseUrl}/accounts/${accountId}/deposits`,
      { amount: 2500 },
      {
        traceparent: `00-${traceId}-${depositParent}-01`,
      },
    );
    expect(deposit.status).toBe(201);
    const { version } = deposit.body;
    const eventId = deposit.body.events[0]?.eventId ?? '';
    const read = await send(`${pipeline.query.baseUrl}/accounts/${accountId}?minVersion=${version}&waitMs=10000`, {
      headers: { traceparent: `00-${traceId}-${readParent}-01` },
    });
    expect(read.status).toBe(200);
    expect(read.body.version).toBe(version);

    const services = () => [...new Set(receiver.inTrace(traceId).map((span) => span.service))].sort();
    // Each process exports on its own schedule: wait for the last span of each (a request span ends after its children).
    await eventually(
      () => {
        const received = receiver.inTrace(traceId);
        return (
          received.some(isRequest('command')) &&
          received.some(isEvent(eventId, 'relay', OTLP_SPAN_KIND.producer)) &&
          received.some(isEvent(eventId, 'projector', OTLP_SPAN_KIND.consumer)) &&
          received.some(isRequest('query'))
        );
      },
      60_000,
      'spans of the four services in the deposit trace',
      services,
    );
    const spans = receiver.inTrace(traceId);
    // Kept beside the apps' logs: the trace as a collector would have received it.
    writeFileSync(join(logDir, 'deposit-trace.json'), `${JSON.stringify(spans, null, 2)}\n`);
    expect(services()).toEqual(['command', 'projector', 'query', 'relay']);

    const request = only(spans, 'command request span', isRequest('command'));
    expect(request.parentSpanId).toBe(depositParent);
    expect(request.name).toBe('POST /accounts/:accountId/deposits');
    // The append: the event store's insert into event_store.events, made inside the request.
    const appends = spans.filter(
      (s) =>
        s.service === 'command' &&
        s.kind === OTLP_SPAN_KIND.client &&
        String(s.attributes['db.query.text'] ?? '').includes('INSERT INTO event_store.events'),
    );
    expect(appends.length).toBeGreaterThan(0);
    expect(appends.every((s) => descendsFrom(s, request, spans))).toBe(true);

    // The relay's span continues from the traceparent the command stored in the event's metadata ...
    const published = only(spans, 'relay span of the deposit', isEvent(eventId, 'relay', OTLP_SPAN_KIND.producer));
    expect(published.parentSpanId).toBe(request.spanId);
    expect(published.attributes['messaging.kafka.message.key']).toBe(accountId);
    // ... and the projector's from the one the relay put in the Kafka message's headers.
    const applied = only(spans, 'projector span of the deposit', isEvent(eventId, 'projector', OTLP_SPAN_KIND.consumer));
    expect(applied.parentSpanId).toBe(published.spanId);

    const served = only(spans, 'query request span', isRequest('query'));
    expect(served.parentSpanId).toBe(readParent);
    expect(served.name).toBe('GET /accounts/:accountId');
    expect(served.attributes).toMatchObject({
      'ledger.account_id': accountId,
      'ledger.read.min_version': version,
      'ledger.read.version': version,
    });

    // The log lines of those requests carry the trace id.
    const logged = (app: string) =>
      readFileSync(join(logDir, `${app}.log`), 'utf8')
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { trace_id?: string; span_id?: string });
    await eventually(() => logged('command').some((line) => line.trace_id === traceId), 10_000, 'a command log line with the trace id');
    await eventually(() => logged('query').some((line) => line.trace_id === traceId), 10_000, 'a query log line with the trace id');
    expect(receiver.rejected).toEqual([]);
  });

  it('starts a trace at the command service when the caller sends none, and the relay and projector continue it', async () => {
    const opened = await postJson(`${pipeline.command.baseUrl}/accounts`, { owner: 'tracing-owner', currency: 'USD' });
    expect(opened.status).toBe(201);
    const eventId = opened.body.events[0]?.eventId ?? '';

    const relayed = () => receiver.spans.find(isEvent(eventId, 'relay', OTLP_SPAN_KIND.producer));
    await eventually(
      () => {
        const published = relayed();
        return (
          published !== undefined &&
          receiver.inTrace(published.traceId).some(isRequest('command')) &&
          receiver.spans.some(isEvent(eventId, 'projector', OTLP_SPAN_KIND.consumer))
        );
      },
      60_000,
      'the command, relay and projector spans of the opening',
    );
    const published = only(receiver.spans, 'relay span of the opening', isEvent(eventId, 'relay', OTLP_SPAN_KIND.producer));
    const spans = receiver.inTrace(published.traceId);
    const request = only(spans, 'command request span', isRequest('command'));
    expect(request.parentSpanId).toBe('');
    expect(descendsFrom(published, request, spans)).toBe(true);
    expect(only(spans, 'projector span', isEvent(eventId, 'projector', OTLP_SPAN_KIND.consumer)).parentSpanId).toBe(published.spanId);
  });
});
