import assert from 'node:assert/strict';
import type { AppendRequest, AppendResult, EventStore, StoredEvent } from '../event-store.port';
import type { Upcaster } from '../event-store.port';
import { newEvent, newEvents, uniqueStreamId } from './event.fixture';

/** The adapter under test, and the same storage read through an upcaster (as a second adapter would). */
export interface ContractSubject {
  readonly store: EventStore;
  upcasting(upcast: Upcaster): EventStore;
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

      t.it('finds nothing for an unknown key', async () => {
        assert.equal(await store().findIdempotencyRecord({ key: `missing-${uniqueStreamId()}` }), null);
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

    t.describe('upcasting', () => {
      // v1 of this test event carried `cents` as a number; v2 carries `amount` as a decimal string.
      const upcast: Upcaster = (raw) =>
        raw.type === 'TestDeposited' && raw.schemaVersion === 1
          ? { type: raw.type, schemaVersion: 2, data: { amount: String(raw.data['cents']) } }
          : { type: raw.type, schemaVersion: raw.schemaVersion, data: raw.data };

      t.it('passes stored events through the upcaster on read, and stores them as written', async () => {
        const streamId = uniqueStreamId();
        const occurredAt = new Date('2020-05-06T07:08:09Z');
        appended(
          await store().append({
            streamId,
            expectedVersion: 0,
            events: [newEvent({ type: 'Other' }), newEvent({ type: 'TestDeposited', schemaVersion: 1, data: { cents: 250 }, occurredAt })],
          }),
        );

        const read = await subject.upcasting(upcast).readStream(streamId, SNAPSHOTS);
        const raw = await store().readStream(streamId, SNAPSHOTS);

        assert.deepEqual(
          read.events.map((e) => [e.version, e.type, e.schemaVersion, e.data]),
          [
            [1, 'Other', 1, { n: 1 }],
            [2, 'TestDeposited', 2, { amount: '250' }],
          ],
        );
        assert.deepEqual(read.events[1]?.occurredAt, occurredAt);
        assert.deepEqual(raw.events[1]?.data, { cents: 250 });
      });
    });
  });
}
