import fc from 'fast-check';
import { decodeEnvelope, encodeEnvelope, MAX_ENVELOPE_BYTES, toEnvelope, type EventEnvelope } from './envelope';
import { EnvelopeDecodeError, type EnvelopeDecodeReason } from './envelope.errors';

const validEnvelope = (): EventEnvelope =>
  toEnvelope({
    eventId: '7d4a3b4e-2f0c-4c55-9a64-8d7f6f1f5b10',
    streamId: '2b1f0c9e-93c4-4b8e-a7a8-0a4c1f2f6d31',
    version: 3,
    type: 'MoneyDeposited',
    schemaVersion: 1,
    occurredAt: new Date('2025-01-02T03:04:05.678Z'),
    data: { amount: '1500', balanceAfter: '4500', nested: { list: [1, 'two', null] } },
    metadata: { correlationId: 'corr-1', causationId: null, traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
    globalPosition: '9007199254740993',
  });

function rawWith(patch: Record<string, unknown>): string {
  return JSON.stringify({ ...validEnvelope(), ...patch });
}

function decodeFailure(value: Buffer | string | null | undefined): EnvelopeDecodeError {
  try {
    decodeEnvelope(value);
  } catch (error) {
    if (error instanceof EnvelopeDecodeError) {
      return error;
    }
    throw new Error(`expected an EnvelopeDecodeError, got ${String(error)}`);
  }
  throw new Error('expected decode to fail');
}

describe('event envelope codec', () => {
  it('given a stored event, when encoded and decoded, then the envelope round-trips unchanged', () => {
    const envelope = validEnvelope();

    const decoded = decodeEnvelope(encodeEnvelope(envelope));

    expect(decoded).toEqual(envelope);
    expect(decoded.accountId).toBe(envelope.streamId);
    expect(decoded.globalPosition).toBe('9007199254740993');
  });

  it('given a transfer stream event, when encoded as not an account stream, then it carries its stream id and no account id', () => {
    const envelope = toEnvelope(
      { ...validEnvelope(), streamId: 'transfer-5b7e2c4a-1d3f-4e6a-9b8c-7d6e5f4a3b2c', type: 'TransferCompleted' },
      { accountStream: false },
    );

    const decoded = decodeEnvelope(encodeEnvelope(envelope));

    expect(decoded).toEqual(envelope);
    expect(decoded.streamId).toBe('transfer-5b7e2c4a-1d3f-4e6a-9b8c-7d6e5f4a3b2c');
    expect(Object.keys(decoded)).not.toContain('accountId');
  });

  it('given an accountId of null, when decoded, then the envelope has no account id', () => {
    const decoded = decodeEnvelope(rawWith({ accountId: null }));

    expect(decoded.streamId).toBe(validEnvelope().streamId);
    expect(Object.keys(decoded)).not.toContain('accountId');
  });

  it('given a value with unknown extra fields, when decoded, then the extra fields are dropped', () => {
    const decoded = decodeEnvelope(rawWith({ somethingNew: { x: 1 } }));

    expect(decoded).toEqual(validEnvelope());
    expect(Object.keys(decoded)).not.toContain('somethingNew');
  });

  it('given a value that sets __proto__, when decoded, then nothing is polluted and the field is dropped', () => {
    const raw = rawWith({}).replace(/^\{/, '{"__proto__":{"polluted":true},');

    const decoded = decodeEnvelope(raw);

    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(decoded, '__proto__')).toBe(false);
  });

  it.each<[string, Buffer | string | null | undefined, EnvelopeDecodeReason]>([
    ['null', null, 'empty'],
    ['undefined', undefined, 'empty'],
    ['an empty buffer', Buffer.alloc(0), 'empty'],
    ['truncated JSON', rawWith({}).slice(0, 40), 'not-json'],
    ['binary garbage', Buffer.from([0xff, 0xfe, 0x00, 0x01]), 'not-json'],
    ['a JSON array', '[1,2,3]', 'not-an-object'],
    ['a JSON string', '"hello"', 'not-an-object'],
    ['JSON null', 'null', 'not-an-object'],
    ['a number', '42', 'not-an-object'],
    ['an oversized value', `{"pad":"${'x'.repeat(MAX_ENVELOPE_BYTES)}"}`, 'too-large'],
  ])('given %s, when decoded, then it is rejected as %s', (_name, value, reason) => {
    expect(decodeFailure(value).reason).toBe(reason);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a missing eventId', { eventId: undefined }, 'eventId'],
    ['a non-uuid eventId', { eventId: 'not-a-uuid' }, 'eventId'],
    ['an empty streamId', { streamId: '', accountId: '' }, 'streamId'],
    ['a numeric streamId', { streamId: 12, accountId: 12 }, 'streamId'],
    ['a streamId with padding', { streamId: ' a ', accountId: ' a ' }, 'streamId'],
    ['an accountId other than the streamId', { accountId: 'someone-else' }, 'accountId'],
    ['a numeric accountId', { accountId: 12 }, 'accountId'],
    ['version 0', { version: 0 }, 'version'],
    ['a negative version', { version: -1 }, 'version'],
    ['a fractional version', { version: 1.5 }, 'version'],
    ['a version as a string', { version: '3' }, 'version'],
    ['a version beyond 2^53', { version: 2 ** 53 }, 'version'],
    ['an empty type', { type: '' }, 'type'],
    ['an over-long type', { type: 'x'.repeat(513) }, 'type'],
    ['schemaVersion null', { schemaVersion: null }, 'schemaVersion'],
    ['a non-ISO occurredAt', { occurredAt: 'yesterday' }, 'occurredAt'],
    ['an epoch-millis occurredAt', { occurredAt: 1735787045678 }, 'occurredAt'],
    ['an impossible date', { occurredAt: '2025-13-45T99:99:99Z' }, 'occurredAt'],
    ['data as an array', { data: [1, 2] }, 'data'],
    ['data as null', { data: null }, 'data'],
    ['data as a string', { data: '{}' }, 'data'],
    ['metadata missing', { metadata: undefined }, 'metadata'],
    ['metadata as an array', { metadata: [] }, 'metadata'],
    ['a missing correlationId', { metadata: { causationId: null } }, 'metadata.correlationId'],
    ['a numeric causationId', { metadata: { correlationId: 'c', causationId: 5 } }, 'metadata.causationId'],
    ['a numeric traceparent', { metadata: { correlationId: 'c', causationId: null, traceparent: 1 } }, 'metadata.traceparent'],
    ['a numeric globalPosition', { globalPosition: 17 }, 'globalPosition'],
    ['a zero globalPosition', { globalPosition: '0' }, 'globalPosition'],
    ['a negative globalPosition', { globalPosition: '-5' }, 'globalPosition'],
    ['a globalPosition beyond bigint', { globalPosition: '99999999999999999999' }, 'globalPosition'],
  ])('given %s, when decoded, then it is rejected naming the field', (_name, patch, field) => {
    const failure = decodeFailure(rawWith(patch));

    expect(failure.reason).toBe('invalid-field');
    expect(failure.field).toBe(field);
  });

  it('given any JSON value at all, when decoded, then it either yields a valid envelope or a typed error', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        try {
          const decoded = decodeEnvelope(JSON.stringify(value));
          expect(decoded.version).toBeGreaterThanOrEqual(1);
        } catch (error) {
          expect(error).toBeInstanceOf(EnvelopeDecodeError);
        }
      }),
    );
  });

  it('given a valid envelope with one field replaced by any JSON value, when decoded, then only typed errors escape', () => {
    const fields = Object.keys(validEnvelope());
    fc.assert(
      fc.property(fc.constantFrom(...fields), fc.jsonValue(), (field, value) => {
        try {
          decodeEnvelope(rawWith({ [field]: value }));
        } catch (error) {
          expect(error).toBeInstanceOf(EnvelopeDecodeError);
        }
      }),
    );
  });

  it('given arbitrary bytes, when decoded, then only typed errors escape', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), (bytes) => {
        expect(() => decodeEnvelope(Buffer.from(bytes))).toThrow(EnvelopeDecodeError);
      }),
    );
  });
});
