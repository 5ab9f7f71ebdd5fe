import {
  assertValidAppendRequest,
  assertValidDueStreamsQuery,
  assertValidIdempotencyKey,
  assertValidMultiStreamAppendRequest,
} from './append-request.validation';
import type { AppendRequest, MultiStreamAppendRequest, StreamAppend } from './event-store.port';
import { newEvent } from './testing/event.fixture';

const valid = (overrides: Partial<AppendRequest> = {}): AppendRequest => ({
  streamId: 'account-1',
  expectedVersion: 0,
  events: [newEvent()],
  ...overrides,
});

describe('assertValidAppendRequest', () => {
  it('accepts a complete request', () => {
    expect(() =>
      assertValidAppendRequest(
        valid({
          expectedVersion: 4,
          events: [newEvent(), newEvent()],
          snapshot: { version: 6, schemaVersion: 1, state: { balance: '10' } },
          idempotency: { key: 'k'.repeat(200), requestHash: 'h', result: { status: 201, body: {} } },
        }),
      ),
    ).not.toThrow();
  });

  it.each<[string, Partial<AppendRequest>, RegExp]>([
    ['NaN expected version', { expectedVersion: Number.NaN }, /expectedVersion/],
    ['unsafe expected version', { expectedVersion: 2 ** 53 }, /expectedVersion/],
    ['stream id with NUL', { streamId: 'a\u0000b' }, /NUL/],
    [
      'duplicate event ids',
      {
        events: [
          newEvent({ eventId: '5f0c1d1e-6a4b-4a53-9a47-0e0b4c1a2b3c' }),
          newEvent({ eventId: '5F0C1D1E-6A4B-4A53-9A47-0E0B4C1A2B3C' }),
        ],
      },
      /distinct/,
    ],
    ['empty event type', { events: [newEvent({ type: '' })] }, /type/],
    ['array as data', { events: [newEvent({ data: [] as unknown as Record<string, never> })] }, /data/],
    ['snapshot version 0', { snapshot: { version: 0, schemaVersion: 1, state: {} } }, /snapshot.version/],
    ['snapshot schema version 0', { snapshot: { version: 1, schemaVersion: 0, state: {} } }, /snapshot.schemaVersion/],
    [
      '201-character key',
      { idempotency: { key: 'k'.repeat(201), requestHash: 'h', result: { status: 201, body: {} } } },
      /longer than 200/,
    ],
    ['empty request hash', { idempotency: { key: 'k', requestHash: '', result: { status: 201, body: {} } } }, /requestHash/],
    ['a result that is not JSON', { idempotency: { key: 'k', requestHash: 'h', result: undefined as unknown as null } }, /result/],
    ['a function as result', { idempotency: { key: 'k', requestHash: 'h', result: (() => 1) as unknown as null } }, /result/],
  ])('refuses %s', (_label, overrides, message) => {
    expect(() => assertValidAppendRequest(valid(overrides))).toThrow(message);
  });

  it('refuses an empty idempotency key', () => {
    expect(() => assertValidIdempotencyKey('')).toThrow(/non-empty/);
  });
});

describe('assertValidMultiStreamAppendRequest', () => {
  const stream = (streamId: string, expectedVersion = 0): StreamAppend => ({ streamId, expectedVersion, events: [newEvent()] });

  it('accepts several streams with snapshots, a key and deadlines set and cleared', () => {
    expect(() =>
      assertValidMultiStreamAppendRequest({
        streams: [{ ...stream('a', 3), snapshot: { version: 4, schemaVersion: 1, state: {} } }, stream('b')],
        idempotency: { key: 'k', scope: 'alice', requestHash: 'h', result: null },
        deadlines: [
          { streamId: 'a', dueAt: new Date() },
          { streamId: 'b', dueAt: null },
        ],
      }),
    ).not.toThrow();
  });

  it.each<[string, MultiStreamAppendRequest, RegExp]>([
    ['streams that are not an array', { streams: null as unknown as StreamAppend[] }, /at least one stream/],
    [
      'a stream whose snapshot is beyond its new version',
      { streams: [{ ...stream('a'), snapshot: { version: 2, schemaVersion: 1, state: {} } }] },
      /snapshot/,
    ],
    ['an empty request hash', { streams: [stream('a')], idempotency: { key: 'k', requestHash: '', result: 1 } }, /requestHash/],
    ['deadlines that are not an array', { streams: [stream('a')], deadlines: {} as unknown as [] }, /array/],
    [
      'a deadline that is not a Date',
      { streams: [stream('a')], deadlines: [{ streamId: 'a', dueAt: '2026-01-01' as unknown as Date }] },
      /dueAt/,
    ],
  ])('refuses %s', (_label, request, message) => {
    expect(() => assertValidMultiStreamAppendRequest(request)).toThrow(message);
  });
});

describe('assertValidDueStreamsQuery', () => {
  it.each<[string, Date, number, RegExp]>([
    ['an invalid date', new Date(Number.NaN), 1, /now/],
    ['a negative limit', new Date(), -1, /limit/],
    ['an unsafe limit', new Date(), 2 ** 53, /limit/],
  ])('refuses %s', (_label, now, limit, message) => {
    expect(() => assertValidDueStreamsQuery(now, limit)).toThrow(message);
  });
});
