import { toEnvelope, type EventEnvelope } from './envelope';
import { EnvelopeDecodeError } from './envelope.errors';
import { EVENT_HEADERS, readEventHeaders } from './headers';
import { decodeKafkaMessage, toKafkaMessage } from './kafka-message';

const envelope = (overrides: Partial<Parameters<typeof toEnvelope>[0]['metadata']> = {}): EventEnvelope =>
  toEnvelope({
    eventId: '0b0e8a7c-0c64-4a0c-8f4a-6d1c2e3f4a5b',
    streamId: 'f1e2d3c4-b5a6-4789-8abc-def012345678',
    version: 1,
    type: 'AccountOpened',
    schemaVersion: 2,
    occurredAt: '2025-05-06T07:08:09.000Z',
    data: { owner: 'Ada', currency: 'EUR' },
    metadata: { correlationId: 'corr', causationId: 'cause', ...overrides },
    globalPosition: '1',
  });

describe('kafka message mapping', () => {
  it('given an envelope, when mapped to a message, then the key is the account id and the headers describe it', () => {
    const message = toKafkaMessage(envelope({ traceparent: 'tp', tracestate: 'ts' }));

    expect(message.key).toBe('f1e2d3c4-b5a6-4789-8abc-def012345678');
    expect(message.headers).toEqual({
      [EVENT_HEADERS.eventType]: 'AccountOpened',
      [EVENT_HEADERS.schemaVersion]: '2',
      [EVENT_HEADERS.eventId]: '0b0e8a7c-0c64-4a0c-8f4a-6d1c2e3f4a5b',
      [EVENT_HEADERS.correlationId]: 'corr',
      [EVENT_HEADERS.causationId]: 'cause',
      traceparent: 'tp',
      tracestate: 'ts',
    });
  });

  it('given no trace context, when mapped, then no trace headers are sent', () => {
    const message = toKafkaMessage(envelope());

    expect(Object.keys(message.headers ?? {})).not.toContain('traceparent');
  });

  it('given a produced message as a consumer sees it (buffers), when decoded, then envelope and headers come back', () => {
    const original = envelope({ traceparent: 'tp' });
    const produced = toKafkaMessage(original);
    const received = {
      key: Buffer.from(String(produced.key)),
      value: produced.value,
      headers: Object.fromEntries(Object.entries(produced.headers ?? {}).map(([k, v]) => [k, Buffer.from(String(v))])),
    };

    const decoded = decodeKafkaMessage(received);

    expect(decoded.envelope).toEqual(original);
    expect(decoded.headers.traceparent).toBe('tp');
    expect(decoded.headers.eventId).toBe(original.eventId);
  });

  it('given a transfer stream event, when mapped and decoded, then its key is the stream id', () => {
    const transfer = toEnvelope({ ...envelope(), streamId: 'transfer-0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f' }, { accountStream: false });
    const produced = toKafkaMessage(transfer);

    expect(produced.key).toBe('transfer-0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f');
    expect(
      decodeKafkaMessage({ key: Buffer.from(String(produced.key)), value: produced.value, headers: produced.headers }).envelope,
    ).toEqual(transfer);
    expect(() => decodeKafkaMessage({ ...produced, key: 'f1e2d3c4-b5a6-4789-8abc-def012345678' })).toThrow(
      expect.objectContaining({ reason: 'key-mismatch' }),
    );
  });

  it('given a key that is not the stream id, when decoded, then it is rejected', () => {
    const produced = toKafkaMessage(envelope());

    expect(() => decodeKafkaMessage({ ...produced, key: 'other-account' })).toThrow(expect.objectContaining({ reason: 'key-mismatch' }));
  });

  it('given an event-id header that disagrees with the value, when decoded, then it is rejected', () => {
    const produced = toKafkaMessage(envelope());
    const headers = { ...produced.headers, [EVENT_HEADERS.eventId]: 'another' };

    expect(() => decodeKafkaMessage({ key: produced.key, value: produced.value, headers })).toThrow(EnvelopeDecodeError);
  });

  it('given repeated headers, when read, then the first value wins', () => {
    expect(readEventHeaders({ [EVENT_HEADERS.eventType]: [Buffer.from('A'), Buffer.from('B')] }).eventType).toBe('A');
  });
});
