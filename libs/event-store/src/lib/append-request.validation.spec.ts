import { assertValidAppendRequest, assertValidIdempotencyKey } from './append-request.validation';
import { AppendRequest } from './event-store.port';
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
