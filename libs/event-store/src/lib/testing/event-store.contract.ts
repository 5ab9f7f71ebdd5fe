import assert from 'node:assert/strict';
import type {
  AppendRequest,
  AppendResult,
  EventStore,
  MultiStreamAppendRequest,
  MultiStreamAppendResult,
  StoredEvent,
  StreamAppend,
} from '../event-store.port';
import { newEvent, newEvents, uniqueStreamId } from './event.fixture';

/** The adapter under test. */
export interface ContractSubject {
  readonly store: EventStore;
  close(): Promise<void>;
}

/**
 * The test runner's functions, passed in so this suite depends on no test framework (it asserts with
 * node:assert) and any runner can run it: `describeEventStoreContract('X', subject, { describe, it, beforeAll, afterAll })`.
 */
export interface ContractRunner {
  describe(name: string, body: () => void): void;
  it(name: string, body: () => Promise<void>): void;
  beforeAll(body: () => Promise<void>): void;
  afterAll(body: () => Promise<void>): void;
}

const SNAPSHOTS = { snapshotSchemaVersion: 1 };

function appended(result: AppendResult): Extract<AppendResult, { kind: 'appended' }> {
  if (result.kind !== 'appended') assert.fail(`expected appended, got ${JSON.stringify(result)}`);
  return result;
}

function appendedStreams(result: MultiStreamAppendResult): Extract<MultiStreamAppendResult, { kind: 'appended' }> {
  if (result.kind !== 'appended') assert.fail(`expected appended, got ${JSON.stringify(result)}`);
  return result;
}

/**
 * What every `EventStore` adapter must do, written once and run against each (the Postgres adapter in
 * an int-spec, the in-memory one in a spec), so code tested on the fast one behaves the same on the real.
 */
export function describeEventStoreContract(name: string, open: () => Promise<ContractSubject>, t: ContractRunner): void {
  t.describe(`EventStore contract: ${name}`, () => {
    let subject: ContractSubject;
    const store = (): EventStore => subject.store;
    const versions = async (streamId: string): Promise<number[]> =>
      (await store().readStream(streamId, SNAPSHOTS)).events.map((e) => e.version);

    t.beforeAll(async () => {
      subject = await open();
    });
    t.afterAll(async () => {
      await subject?.close();
    });

    t.describe('append', () => {
      t.it('creates a stream at expected version 0 and continues it at the next version', async () => {
        const streamId = uniqueStreamId();
        const first = newEvents(2);

        const created = appended(await store().append({ streamId, expectedVersion: 0, events: first }));
        const continued = appended(await store().append({ streamId, expectedVersion: 2, events: [newEvent()] }));

        assert.equal(created.nextVersion, 2);
        assert.deepEqual(
          created.events.map((e) => [e.version, e.eventId, e.streamId]),
          [
            [1, first[0]?.eventId, streamId],
            [2, first[1]?.eventId, streamId],
          ],
        );
        assert.equal(created.events[0]?.transactionId, created.events[1]?.transactionId, 'one append, one transaction');
        assert.equal(continued.nextVersion, 3);
        assert.ok(BigInt(continued.events[0]?.transactionId ?? 0) > BigInt(created.events[0]?.transactionId ?? 0));
        assert.ok(BigInt(continued.events[0]?.globalPosition ?? 0) > BigInt(created.events[1]?.globalPosition ?? 0));
        assert.deepEqual(await versions(streamId), [1, 2, 3]);
      });

      t.it('reports a stale or future expected version as a conflict and writes nothing', async () => {
        const streamId = uniqueStreamId();
        appended(await store().append({ streamId, expectedVersion: 0, events: newEvents(2) }));

        assert.deepEqual(await store().append({ streamId, expectedVersion: 1, events: [newEvent()] }), {
          kind: 'conflict',
          expectedVersion: 1,
        });
        assert.deepEqual(await store().append({ streamId, expectedVersion: 5, events: [newEvent()] }), {
          kind: 'conflict',
          expectedVersion: 5,
        });
        assert.deepEqual(await store().append({ streamId, expectedVersion: 0, events: [newEvent()] }), {
          kind: 'conflict',
          expectedVersion: 0,
        });
        assert.deepEqual(await versions(streamId), [1, 2]);
      });

      t.it('never creates a stream when a positive expected version is given', async () => {
        const streamId = uniqueStreamId();

        assert.equal((await store().append({ streamId, expectedVersion: 3, events: [newEvent()] })).kind, 'conflict');

        assert.deepEqual(await store().readStream(streamId, SNAPSHOTS), { version: 0, snapshot: null, events: [] });
      });

      t.it('lets exactly one of 20 concurrent appends at the same expected version win', async () => {
        const streamId = uniqueStreamId();
        appended(await store().append({ streamId, expectedVersion: 0, events: [newEvent()] }));

        const results = await Promise.all(
          Array.from({ length: 20 }, () => store().append({ streamId, expectedVersion: 1, events: newEvents(2) })),
        );

        assert.equal(results.filter((r) => r.kind === 'appended').length, 1);
        assert.equal(results.filter((r) => r.kind === 'conflict').length, 19);
        assert.deepEqual(await versions(streamId), [1, 2, 3]);
      });

      t.it('refuses a reused eventId with an error and writes nothing', async () => {
        const streamId = uniqueStreamId();
        const event = newEvent();
        appended(await store().append({ streamId, expectedVersion: 0, events: [event] }));

        await assert.rejects(store().append({ streamId, expectedVersion: 1, events: [event] }), /eventId/);
        await assert.rejects(store().append({ streamId: uniqueStreamId(), expectedVersion: 0, events: [event] }), /eventId/);
        assert.deepEqual(await versions(streamId), [1]);
      });

      const invalid: [string, Partial<AppendRequest>, RegExp][] = [
        ['a negative expected version', { expectedVersion: -1 }, /expectedVersion/],
        ['no events', { events: [] }, /at least one event/],
        ['a 201-character stream id', { streamId: 's'.repeat(201) }, /streamId/],
        ['an event without a uuid', { events: [newEvent({ eventId: 'nope' })] }, /eventId/],
        ['a snapshot beyond the new version', { snapshot: { version: 9, schemaVersion: 1, state: {} } }, /snapshot/],
        ['a 201-character idempotency key', { idempotency: { key: 'k'.repeat(201), requestHash: 'h', result: 1 } }, /key/],
      ];
      for (const [label, overrides, message] of invalid) {
        t.it(`throws on ${label} and writes nothing`, async () => {
          const streamId = uniqueStreamId();
          await assert.rejects(store().append({ streamId, expectedVersion: 0, events: [newEvent()], ...overrides }), message);
          assert.equal((await store().readStream(streamId, SNAPSHOTS)).version, 0);
        });
      }

      t.it('refuses data it cannot store (U+0000) as a whole: no stream, no event, no key', async () => {
        const streamId = uniqueStreamId();
        const key = `nul-${streamId}`;

        await assert.rejects(
          store().append({
            streamId,
            expectedVersion: 0,
            events: [newEvent(), newEvent({ data: { bad: '\u0000' } })],
            idempotency: { key, requestHash: 'h', result: 'r' },
          }),
        );

        assert.equal((await store().readStream(streamId, SNAPSHOTS)).version, 0);
        assert.equal(await store().findIdempotencyRecord({ key }), null);
      });
    });

    t.describe('idempotency', () => {
      // Opaque to the store: any JSON, returned with its key order.
      const result = { status: 201, body: { zeta: 'z', alpha: [1, 'two', null, { y: true, x: false }] } };

      t.it('returns the first record on a reused key, byte for byte, and appends nothing', async () => {
        const streamId = uniqueStreamId();
        const key = `key-${streamId}`;
        appended(
          await store().append({ streamId, expectedVersion: 0, events: [newEvent()], idempotency: { key, requestHash: 'h1', result } }),
        );

        const again = await store().append({
          streamId,
          expectedVersion: 1,
          events: [newEvent()],
          idempotency: { key, requestHash: 'h2', result: 'other' },
        });

        assert.equal(again.kind, 'idempotency-key-used');
        assert.equal(again.kind === 'idempotency-key-used' && JSON.stringify(again.record), JSON.stringify({ requestHash: 'h1', result }));
        assert.equal(JSON.stringify(await store().findIdempotencyRecord({ key })), JSON.stringify({ requestHash: 'h1', result }));
        assert.deepEqual(await versions(streamId), [1]);
      });

      t.it('aborts the whole append when the key was used on another stream', async () => {
        const first = uniqueStreamId();
        const second = uniqueStreamId();
        const key = `key-${first}`;
        appended(
          await store().append({
            streamId: first,
            expectedVersion: 0,
            events: [newEvent()],
            idempotency: { key, requestHash: 'h', result },
          }),
        );

        const reused = await store().append({
          streamId: second,
          expectedVersion: 0,
          events: newEvents(2),
          snapshot: { version: 2, schemaVersion: 1, state: { s: 2 } },
          idempotency: { key, requestHash: 'h', result },
        });

        assert.equal(reused.kind, 'idempotency-key-used');
        assert.deepEqual(await store().readStream(second, SNAPSHOTS), { version: 0, snapshot: null, events: [] });
      });

      t.it('does not store the key when the append conflicts', async () => {
        const streamId = uniqueStreamId();
        const key = `key-${streamId}`;
        appended(await store().append({ streamId, expectedVersion: 0, events: [newEvent()] }));

        const conflicted = await store().append({
          streamId,
          expectedVersion: 0,
          events: [newEvent()],
          idempotency: { key, requestHash: 'h', result },
        });

        assert.equal(conflicted.kind, 'conflict');
        assert.equal(await store().findIdempotencyRecord({ key }), null);
      });

      t.it('appends once for 10 concurrent requests with one key, each retrying on conflict', async () => {
        const streamId = uniqueStreamId();
        const key = `key-${streamId}`;
        appended(await store().append({ streamId, expectedVersion: 0, events: [newEvent()] }));
        const attempt = async (): Promise<AppendResult> => {
          for (;;) {
            const { version } = await store().readStream(streamId, SNAPSHOTS);
            const outcome = await store().append({
              streamId,
              expectedVersion: version,
              events: [newEvent()],
              idempotency: { key, requestHash: 'same', result },
            });
            if (outcome.kind !== 'conflict') return outcome;
          }
        };

        const results = await Promise.all(Array.from({ length: 10 }, attempt));

        assert.equal(results.filter((r) => r.kind === 'appended').length, 1);
        assert.equal(results.filter((r) => r.kind === 'idempotency-key-used').length, 9);
        assert.deepEqual(await versions(streamId), [1, 2]);
      });

      t.it('keeps results of any JSON shape', async () => {
        for (const value of ['text', 42, [3, 'x', { b: 1, a: 2 }], null, { nested: { deep: ['ü', '🧾'] } }]) {
          const streamId = uniqueStreamId();
          const key = `any-${streamId}`;
          appended(
            await store().append({
              streamId,
              expectedVersion: 0,
              events: [newEvent()],
              idempotency: { key, requestHash: 'h', result: value },
            }),
          );
          assert.equal(JSON.stringify((await store().findIdempotencyRecord({ key }))?.result), JSON.stringify(value));
        }
      });

      t.it('records a key with no events, its result byte for byte, and appends nothing', async () => {
        const streamId = uniqueStreamId();
        const key = `refused-${streamId}`;

        const recorded = await store().recordIdempotencyResult({ key, scope: 'alice', streamId, requestHash: 'h', result });

        assert.deepEqual(recorded, { kind: 'recorded' });
        assert.equal(
          JSON.stringify(await store().findIdempotencyRecord({ key, scope: 'alice' })),
          JSON.stringify({ requestHash: 'h', result }),
        );
        assert.equal(await store().findIdempotencyRecord({ key, scope: 'bob' }), null);
        assert.deepEqual(await store().readStream(streamId, SNAPSHOTS), { version: 0, snapshot: null, events: [] });
      });

      t.it('keeps the first record of a used key, whether an append or another record used it', async () => {
        const streamId = uniqueStreamId();
        const appendedKey = `appended-${streamId}`;
        const recordedKey = `recorded-${streamId}`;
        appended(
          await store().append({
            streamId,
            expectedVersion: 0,
            events: [newEvent()],
            idempotency: { key: appendedKey, requestHash: 'h1', result },
          }),
        );
        await store().recordIdempotencyResult({ key: recordedKey, streamId, requestHash: 'h1', result: 'refused' });

        const afterAppend = await store().recordIdempotencyResult({ key: appendedKey, streamId, requestHash: 'h2', result: 'refused' });
        const afterRecord = await store().recordIdempotencyResult({ key: recordedKey, streamId, requestHash: 'h2', result: 'other' });
        const appendAfterRecord = await store().append({
          streamId,
          expectedVersion: 1,
          events: [newEvent()],
          idempotency: { key: recordedKey, requestHash: 'h3', result },
        });

        assert.equal(JSON.stringify(afterAppend), JSON.stringify({ kind: 'idempotency-key-used', record: { requestHash: 'h1', result } }));
        assert.deepEqual(afterRecord, { kind: 'idempotency-key-used', record: { requestHash: 'h1', result: 'refused' } });
        assert.deepEqual(appendAfterRecord, { kind: 'idempotency-key-used', record: { requestHash: 'h1', result: 'refused' } });
        assert.deepEqual(await versions(streamId), [1]);
      });

      t.it('records one of 10 concurrent records of one key; the others get it back', async () => {
        const streamId = uniqueStreamId();
        const key = `raced-${streamId}`;

        const results = await Promise.all(
          Array.from({ length: 10 }, (_, i) => store().recordIdempotencyResult({ key, streamId, requestHash: `h${i}`, result: i })),
        );

        const winners = results.filter((r) => r.kind === 'recorded');
        assert.equal(winners.length, 1);
        const stored = await store().findIdempotencyRecord({ key });
        for (const r of results) if (r.kind === 'idempotency-key-used') assert.deepEqual(r.record, stored);
      });

      t.it('finds nothing for an unknown key', async () => {
        assert.equal(await store().findIdempotencyRecord({ key: `missing-${uniqueStreamId()}` }), null);
      });
    });

    t.describe('appendStreams', () => {
      const result = { status: 201, body: { zeta: 'z', alpha: [1, 'two'] } };
      const open = (streamId: string, count = 1): StreamAppend => ({ streamId, expectedVersion: 0, events: newEvents(count) });

      t.it('appends to every stream at its own version, in one transaction, with contiguous versions', async () => {
        const [a, b, c] = [uniqueStreamId('b'), uniqueStreamId('a'), uniqueStreamId('c')];
        appended(await store().append({ streamId: a, expectedVersion: 0, events: newEvents(2) }));
        appended(await store().append({ streamId: b, expectedVersion: 0, events: newEvents(1) }));

        const done = appendedStreams(
          await store().appendStreams({
            streams: [
              { streamId: a, expectedVersion: 2, events: newEvents(2) },
              { streamId: b, expectedVersion: 1, events: newEvents(1) },
              open(c, 3),
            ],
          }),
        );

        assert.deepEqual(
          done.streams.map((s) => [s.streamId, s.nextVersion, s.events.map((e) => [e.streamId, e.version])]),
          [
            [
              a,
              4,
              [
                [a, 3],
                [a, 4],
              ],
            ],
            [b, 2, [[b, 2]]],
            [
              c,
              3,
              [
                [c, 1],
                [c, 2],
                [c, 3],
              ],
            ],
          ],
        );
        const transactions = new Set(done.streams.flatMap((s) => s.events.map((e) => e.transactionId)));
        assert.equal(transactions.size, 1, 'every event of the request shares one transaction id');
        const positions = done.streams.flatMap((s) => s.events.map((e) => BigInt(e.globalPosition)));
        assert.equal(new Set(positions).size, 6);
        assert.deepEqual(await versions(a), [1, 2, 3, 4]);
        assert.deepEqual(await versions(b), [1, 2]);
        assert.deepEqual(await versions(c), [1, 2, 3]);
        const read = await store().readStream(c, SNAPSHOTS);
        assert.deepEqual(read.events, done.streams[2]?.events);
      });

      t.it('writes nothing in any stream when one stream is not at its expected version, and names it', async () => {
        const [a, b, fresh] = [uniqueStreamId(), uniqueStreamId(), uniqueStreamId()];
        appended(await store().append({ streamId: a, expectedVersion: 0, events: newEvents(2) }));
        appended(await store().append({ streamId: b, expectedVersion: 0, events: newEvents(1) }));
        const key = `multi-conflict-${a}`;

        const stale = await store().appendStreams({
          streams: [
            { streamId: a, expectedVersion: 2, events: [newEvent()], snapshot: { version: 3, schemaVersion: 1, state: { s: 3 } } },
            { streamId: b, expectedVersion: 5, events: [newEvent()] },
            open(fresh),
          ],
          idempotency: { key, requestHash: 'h', result },
          deadlines: [{ streamId: fresh, dueAt: new Date('2020-01-01T00:00:00Z') }],
        });

        assert.deepEqual(stale, { kind: 'conflict', streamId: b, expectedVersion: 5 });
        assert.deepEqual(await versions(a), [1, 2]);
        assert.equal((await store().readStream(a, SNAPSHOTS)).snapshot, null);
        assert.deepEqual(await versions(b), [1]);
        assert.deepEqual(await store().readStream(fresh, SNAPSHOTS), { version: 0, snapshot: null, events: [] });
        assert.equal(await store().findIdempotencyRecord({ key }), null);
        const due = await store().dueStreams(new Date('2020-01-02T00:00:00Z'), 1000);
        assert.equal(
          due.some((d) => d.streamId === fresh),
          false,
        );
      });

      t.it('refuses a stream that must not exist yet when it does, and writes nothing', async () => {
        const [existing, other] = [uniqueStreamId(), uniqueStreamId()];
        appended(await store().append({ streamId: existing, expectedVersion: 0, events: [newEvent()] }));

        const again = await store().appendStreams({ streams: [open(other), open(existing)] });

        assert.deepEqual(again, { kind: 'conflict', streamId: existing, expectedVersion: 0 });
        assert.deepEqual(await versions(existing), [1]);
        assert.equal((await store().readStream(other, SNAPSHOTS)).version, 0);
      });

      t.it('never creates a stream given a positive expected version', async () => {
        const [missing, other] = [uniqueStreamId(), uniqueStreamId()];

        const outcome = await store().appendStreams({
          streams: [open(other), { streamId: missing, expectedVersion: 1, events: [newEvent()] }],
        });

        assert.deepEqual(outcome, { kind: 'conflict', streamId: missing, expectedVersion: 1 });
        assert.equal((await store().readStream(missing, SNAPSHOTS)).version, 0);
        assert.equal((await store().readStream(other, SNAPSHOTS)).version, 0);
      });

      t.it('returns the first record of a used key, writes nothing, and the key serves append too', async () => {
        const [a, b, c] = [uniqueStreamId(), uniqueStreamId(), uniqueStreamId()];
        const key = `multi-${a}`;
        appendedStreams(
          await store().appendStreams({ streams: [open(a), open(b)], idempotency: { key, scope: 'alice', requestHash: 'h1', result } }),
        );

        const reused = await store().appendStreams({
          streams: [{ streamId: a, expectedVersion: 1, events: [newEvent()] }, open(c)],
          idempotency: { key, scope: 'alice', requestHash: 'h2', result: 'other' },
          deadlines: [{ streamId: c, dueAt: new Date('2020-01-01T00:00:00Z') }],
        });
        const single = await store().append({
          streamId: a,
          expectedVersion: 1,
          events: [newEvent()],
          idempotency: { key, scope: 'alice', requestHash: 'h3', result: 'single' },
        });

        assert.equal(JSON.stringify(reused), JSON.stringify({ kind: 'idempotency-key-used', record: { requestHash: 'h1', result } }));
        assert.equal(JSON.stringify(single), JSON.stringify({ kind: 'idempotency-key-used', record: { requestHash: 'h1', result } }));
        assert.deepEqual(await versions(a), [1]);
        assert.deepEqual(await versions(b), [1]);
        assert.equal((await store().readStream(c, SNAPSHOTS)).version, 0);
        assert.equal(
          (await store().dueStreams(new Date('2020-01-02T00:00:00Z'), 1000)).some((d) => d.streamId === c),
          false,
        );
        assert.equal(await store().findIdempotencyRecord({ key, scope: 'bob' }), null);
      });

      t.it('answers a key already used by an append as used', async () => {
        const [a, b] = [uniqueStreamId(), uniqueStreamId()];
        const key = `single-${a}`;
        appended(
          await store().append({ streamId: a, expectedVersion: 0, events: [newEvent()], idempotency: { key, requestHash: 'h', result } }),
        );

        const reused = await store().appendStreams({ streams: [open(b)], idempotency: { key, requestHash: 'h', result } });

        assert.equal(reused.kind, 'idempotency-key-used');
        assert.equal((await store().readStream(b, SNAPSHOTS)).version, 0);
      });

      t.it('keeps snapshots per stream', async () => {
        const [a, b] = [uniqueStreamId(), uniqueStreamId()];

        appendedStreams(
          await store().appendStreams({
            streams: [{ ...open(a, 2), snapshot: { version: 2, schemaVersion: 1, state: { a: 2 } } }, open(b, 2)],
          }),
        );

        assert.deepEqual(await store().readStream(a, SNAPSHOTS), {
          version: 2,
          snapshot: { version: 2, schemaVersion: 1, state: { a: 2 } },
          events: [],
        });
        const readB = await store().readStream(b, SNAPSHOTS);
        assert.equal(readB.snapshot, null);
        assert.deepEqual(
          readB.events.map((e) => e.version),
          [1, 2],
        );
      });

      t.it('lets exactly one of 10 concurrent requests over the same streams win, whatever their order', async () => {
        const [a, b, c] = [uniqueStreamId(), uniqueStreamId(), uniqueStreamId()];
        appendedStreams(await store().appendStreams({ streams: [open(a), open(b), open(c)] }));
        const at1 = (streamId: string): StreamAppend => ({ streamId, expectedVersion: 1, events: [newEvent()] });
        const orders = [
          [a, b, c],
          [c, b, a],
          [b, a, c],
          [c, a, b],
        ];

        const results = await Promise.all(
          Array.from({ length: 10 }, (_, i) => store().appendStreams({ streams: (orders[i % orders.length] ?? []).map(at1) })),
        );

        assert.equal(results.filter((r) => r.kind === 'appended').length, 1);
        assert.equal(results.filter((r) => r.kind === 'conflict').length, 9);
        for (const streamId of [a, b, c]) assert.deepEqual(await versions(streamId), [1, 2]);
      });

      t.it('refuses a reused eventId with an error and writes nothing', async () => {
        const [a, b] = [uniqueStreamId(), uniqueStreamId()];
        const event = newEvent();
        appended(await store().append({ streamId: a, expectedVersion: 0, events: [event] }));

        await assert.rejects(
          store().appendStreams({ streams: [open(b), { streamId: a, expectedVersion: 1, events: [event] }] }),
          /eventId/,
        );

        assert.deepEqual(await versions(a), [1]);
        assert.equal((await store().readStream(b, SNAPSHOTS)).version, 0);
      });

      const sharedEvent = newEvent();
      const invalid: [string, (a: string, b: string) => MultiStreamAppendRequest, RegExp][] = [
        ['no streams', () => ({ streams: [] }), /at least one stream/],
        ['a stream named twice', (a) => ({ streams: [open(a), open(a)] }), /named once/],
        [
          'a stream without events',
          (a, b) => ({ streams: [open(a), { streamId: b, expectedVersion: 0, events: [] }] }),
          /at least one event/,
        ],
        ['a negative expected version', (a, b) => ({ streams: [open(a), { ...open(b), expectedVersion: -1 }] }), /expectedVersion/],
        [
          'one eventId in two streams',
          (a, b) => ({
            streams: [
              { ...open(a), events: [sharedEvent] },
              { ...open(b), events: [sharedEvent] },
            ],
          }),
          /distinct/,
        ],
        ['a bad stream id', (a) => ({ streams: [open(a), open('s'.repeat(201))] }), /streamId/],
        [
          'a snapshot beyond the new version',
          (a) => ({ streams: [{ ...open(a), snapshot: { version: 2, schemaVersion: 1, state: {} } }] }),
          /snapshot/,
        ],
        [
          'a 201-character idempotency key',
          (a) => ({ streams: [open(a)], idempotency: { key: 'k'.repeat(201), requestHash: 'h', result: 1 } }),
          /key/,
        ],
        ['an invalid deadline', (a) => ({ streams: [open(a)], deadlines: [{ streamId: a, dueAt: new Date(Number.NaN) }] }), /dueAt/],
        [
          'a deadline for a stream it does not append to',
          (a, b) => ({ streams: [open(a)], deadlines: [{ streamId: b, dueAt: new Date() }] }),
          /stream of the append/,
        ],
        [
          'a stream given two deadlines',
          (a) => ({
            streams: [open(a)],
            deadlines: [
              { streamId: a, dueAt: null },
              { streamId: a, dueAt: new Date() },
            ],
          }),
          /once/,
        ],
        [
          'data it cannot store (U+0000)',
          (a, b) => ({ streams: [open(a), { ...open(b), events: [newEvent({ data: { bad: '\u0000' } })] }] }),
          /./,
        ],
      ];
      for (const [label, build, message] of invalid) {
        t.it(`throws on ${label} and writes nothing`, async () => {
          const [a, b] = [uniqueStreamId(), uniqueStreamId()];
          await assert.rejects(store().appendStreams(build(a, b)), message);
          assert.equal((await store().readStream(a, SNAPSHOTS)).version, 0);
          assert.equal((await store().readStream(b, SNAPSHOTS)).version, 0);
        });
      }
    });

    t.describe('stream deadlines', () => {
      // Far in the past, so streams of other tests (due "now") never sort between these.
      const at = (minute: number): Date => new Date(Date.UTC(1990, 0, 1, 0, minute));
      const dueAmong = async (now: Date, ids: readonly string[]): Promise<[string, Date][]> =>
        (await store().dueStreams(now, 10_000)).filter((d) => ids.includes(d.streamId)).map((d) => [d.streamId, d.dueAt]);

      t.it('sets deadlines with an append, finds them due earliest first, and clears them with another', async () => {
        const [a, b, c] = [uniqueStreamId(), uniqueStreamId(), uniqueStreamId()];
        const ids = [a, b, c];
        appendedStreams(
          await store().appendStreams({
            streams: [
              { streamId: a, expectedVersion: 0, events: [newEvent()] },
              { streamId: b, expectedVersion: 0, events: [newEvent()] },
            ],
            deadlines: [
              { streamId: a, dueAt: at(30) },
              { streamId: b, dueAt: at(10) },
            ],
          }),
        );
        appendedStreams(
          await store().appendStreams({
            streams: [{ streamId: c, expectedVersion: 0, events: [newEvent()] }],
            deadlines: [{ streamId: c, dueAt: at(20) }],
          }),
        );

        assert.deepEqual(await dueAmong(at(5), ids), []);
        assert.deepEqual(await dueAmong(at(20), ids), [
          [b, at(10)],
          [c, at(20)],
        ]);
        assert.deepEqual(await dueAmong(at(60), ids), [
          [b, at(10)],
          [c, at(20)],
          [a, at(30)],
        ]);

        appendedStreams(
          await store().appendStreams({
            streams: [
              { streamId: b, expectedVersion: 1, events: [newEvent()] },
              { streamId: a, expectedVersion: 1, events: [newEvent()] },
            ],
            deadlines: [
              { streamId: b, dueAt: null },
              { streamId: a, dueAt: at(15) },
            ],
          }),
        );

        assert.deepEqual(await dueAmong(at(60), ids), [
          [a, at(15)],
          [c, at(20)],
        ]);
      });

      t.it('returns at most `limit` streams, the earliest', async () => {
        const ids = [uniqueStreamId(), uniqueStreamId(), uniqueStreamId()];
        appendedStreams(
          await store().appendStreams({
            streams: ids.map((streamId) => ({ streamId, expectedVersion: 0, events: [newEvent()] })),
            deadlines: ids.map((streamId, i) => ({ streamId, dueAt: new Date(Date.UTC(1980, 0, 1, 0, 0, 3 - i)) })),
          }),
        );

        const due = await store().dueStreams(new Date(Date.UTC(1980, 0, 1, 0, 0, 5)), 2);

        assert.deepEqual(due, [
          { streamId: ids[2], dueAt: new Date(Date.UTC(1980, 0, 1, 0, 0, 1)) },
          { streamId: ids[1], dueAt: new Date(Date.UTC(1980, 0, 1, 0, 0, 2)) },
        ]);
      });

      t.it('refuses an invalid now or limit', async () => {
        await assert.rejects(store().dueStreams(new Date(Number.NaN), 1), /now/);
        await assert.rejects(store().dueStreams(new Date(), 0), /limit/);
        await assert.rejects(store().dueStreams(new Date(), 1.5), /limit/);
      });
    });

    t.describe('snapshots and readStream', () => {
      t.it('writes no snapshot unless one is given', async () => {
        const streamId = uniqueStreamId();
        appended(await store().append({ streamId, expectedVersion: 0, events: newEvents(3) }));

        const read = await store().readStream(streamId, SNAPSHOTS);

        assert.equal(read.snapshot, null);
        assert.equal(read.version, 3);
        assert.deepEqual(
          read.events.map((e) => e.version),
          [1, 2, 3],
        );
      });

      t.it('returns the snapshot and only the events after it; alone when none follows', async () => {
        const streamId = uniqueStreamId();
        const snapshot = { version: 3, schemaVersion: 2, state: { total: '3' } };
        appended(await store().append({ streamId, expectedVersion: 0, events: newEvents(3), snapshot }));

        assert.deepEqual(await store().readStream(streamId, { snapshotSchemaVersion: 2 }), { version: 3, snapshot, events: [] });

        const tail = appended(await store().append({ streamId, expectedVersion: 3, events: newEvents(2) }));
        const read = await store().readStream(streamId, { snapshotSchemaVersion: 2 });

        assert.deepEqual(read.snapshot, snapshot);
        assert.equal(read.version, 5);
        assert.deepEqual(read.events, tail.events);
      });

      t.it('keeps the newest snapshot: an older one never replaces it', async () => {
        const streamId = uniqueStreamId();
        appended(
          await store().append({
            streamId,
            expectedVersion: 0,
            events: newEvents(2),
            snapshot: { version: 2, schemaVersion: 1, state: { s: 2 } },
          }),
        );
        appended(
          await store().append({
            streamId,
            expectedVersion: 2,
            events: [newEvent()],
            snapshot: { version: 1, schemaVersion: 1, state: { s: 1 } },
          }),
        );

        const read = await store().readStream(streamId, SNAPSHOTS);

        assert.deepEqual(read.snapshot, { version: 2, schemaVersion: 1, state: { s: 2 } });
        assert.deepEqual(
          read.events.map((e) => e.version),
          [3],
        );
      });

      t.it('ignores a snapshot of another schema version, or when asked to, and returns every event', async () => {
        const streamId = uniqueStreamId();
        const all = appended(
          await store().append({
            streamId,
            expectedVersion: 0,
            events: newEvents(4),
            snapshot: { version: 4, schemaVersion: 1, state: { old: true } },
          }),
        );

        const otherSchema = await store().readStream(streamId, { snapshotSchemaVersion: 2 });
        const ignored = await store().readStream(streamId, { snapshotSchemaVersion: 1, ignoreSnapshot: true });

        for (const read of [otherSchema, ignored]) {
          assert.equal(read.snapshot, null);
          assert.equal(read.version, 4);
          assert.deepEqual(read.events, all.events);
        }
      });

      t.it('round-trips every field of an event', async () => {
        const streamId = uniqueStreamId();
        const event = newEvent({
          type: 'Deposited',
          schemaVersion: 3,
          data: { amount: '12345678901234567890', nested: { list: [1, 'two', null, true] } },
          metadata: { correlationId: 'c-1', causationId: 'x-1', traceparent: '00-abc-def-01', tracestate: 'k=v' },
        });
        const [written] = appended(await store().append({ streamId, expectedVersion: 0, events: [event] })).events;

        const [read] = (await store().readStream(streamId, SNAPSHOTS)).events;

        assert.deepEqual(read, {
          ...event,
          streamId,
          version: 1,
          globalPosition: written?.globalPosition,
          transactionId: written?.transactionId,
        } satisfies Partial<StoredEvent>);
      });

      t.it('hands out copies: changing what it returned changes nothing stored', async () => {
        const streamId = uniqueStreamId();
        const { events } = appended(
          await store().append({
            streamId,
            expectedVersion: 0,
            events: [newEvent({ data: { n: 1 } })],
            snapshot: { version: 1, schemaVersion: 1, state: { s: 1 } },
          }),
        );
        (events[0]?.data as { n: number }).n = 99;
        const first = await store().readStream(streamId, { snapshotSchemaVersion: 1, ignoreSnapshot: true });
        (first.events[0]?.data as { n: number }).n = 98;

        const again = await store().readStream(streamId, { snapshotSchemaVersion: 1, ignoreSnapshot: true });

        assert.deepEqual(again.events[0]?.data, { n: 1 });
      });
    });

    t.it('reads events back as written: the store upcasts nothing, its readers decode (and upcast) them', async () => {
      const streamId = uniqueStreamId();
      const occurredAt = new Date('2020-05-06T07:08:09Z');
      appended(
        await store().append({
          streamId,
          expectedVersion: 0,
          events: [newEvent({ type: 'TestDeposited', schemaVersion: 1, data: { cents: 250 }, occurredAt })],
        }),
      );

      const read = await store().readStream(streamId, SNAPSHOTS);

      assert.deepEqual(
        read.events.map((e) => [e.version, e.type, e.schemaVersion, e.data, e.occurredAt]),
        [[1, 'TestDeposited', 1, { cents: 250 }, occurredAt]],
      );
    });
  });
}
