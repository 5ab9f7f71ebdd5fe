import { InMemoryEventStore, type AppendRequest, type EventStore } from '@ledger/event-store';
import { CommandHandler } from './command-handler';
import type { CommandHandlerOptions, Decider, StreamCodec } from './command-handler.types';

/** A counter: add n, refused above a limit. Small enough to show the handler's own behaviour. */
type Add = { readonly add: number };
type Added = { readonly added: number };
const LIMIT = 100;

const counter: Decider<Add, number, Added, 'too-big'> = {
  initialState: 0,
  decide: (command, total) =>
    total + command.add > LIMIT ? { ok: false, error: 'too-big' } : { ok: true, events: command.add === 0 ? [] : [{ added: command.add }] },
  evolve: (total, event) => total + event.added,
};

const codec: StreamCodec<number, Added, 'too-big'> = {
  snapshotSchemaVersion: 1,
  encodeEvent: (event) => ({ type: 'Added', schemaVersion: 1, data: { added: event.added } }),
  decodeEvent: (stored) => ({ added: Number(stored.data['added']) }),
  encodeState: (total) => ({ total }),
  decodeState: (json) => {
    if (typeof json['total'] !== 'number') throw new Error('no total');
    return json['total'];
  },
  encodeRejection: (rejection) => ({ rejection }),
  decodeRejection: (json) => {
    if (json['rejection'] !== 'too-big') throw new Error('unknown rejection');
    return 'too-big';
  },
};

const options = { metadata: { correlationId: 'c', causationId: 'cmd-1' }, occurredAt: new Date('2026-01-01T00:00:00Z') };

function handlerOn(store: EventStore, extra: Partial<CommandHandlerOptions<Add, number, Added, 'too-big'>> = {}) {
  return new CommandHandler({ store, decider: counter, codec, ...extra });
}

/** Every append loses the race, as if another writer always committed first. */
function alwaysConflicting(store: InMemoryEventStore): EventStore & { appends: number } {
  const wrapper = {
    appends: 0,
    readStream: store.readStream.bind(store),
    findIdempotencyRecord: store.findIdempotencyRecord.bind(store),
    recordIdempotencyResult: store.recordIdempotencyResult.bind(store),
    appendStreams: store.appendStreams.bind(store),
    dueStreams: store.dueStreams.bind(store),
    append: async (request: AppendRequest) => {
      wrapper.appends += 1;
      return { kind: 'conflict' as const, expectedVersion: request.expectedVersion };
    },
  };
  return wrapper;
}

describe('CommandHandler', () => {
  it('given a snapshot it cannot decode, when handling, then it reports it and folds every event instead', async () => {
    const store = new InMemoryEventStore();
    await store.append({
      streamId: 's',
      expectedVersion: 0,
      events: [1, 2, 3].map((n) => ({ eventId: crypto.randomUUID(), type: 'Added', schemaVersion: 1, data: { added: n }, ...options })),
      snapshot: { version: 3, schemaVersion: 1, state: { total: 'corrupt' } },
    });
    const undecodable: number[] = [];
    const handler = handlerOn(store, { observer: { snapshotUndecodable: (e) => undecodable.push(e.snapshotVersion) } });

    const outcome = await handler.handle('s', { add: 4 }, options);

    expect(outcome).toMatchObject({ kind: 'accepted', version: 4, state: 10 });
    expect(undecodable).toEqual([3]);
  });

  it('given an append that always conflicts, when handling, then it gives up after maxAttempts with a conflict', async () => {
    const store = alwaysConflicting(new InMemoryEventStore());
    const conflicts: boolean[] = [];
    const handler = handlerOn(store, {
      retry: { maxAttempts: 4, backoff: { initialMs: 1, maxMs: 2 } },
      observer: { conflicted: (e) => conflicts.push(e.willRetry) },
    });

    const outcome = await handler.handle('s', { add: 1 }, options);

    expect(outcome).toEqual({ kind: 'conflict', attempts: 4 });
    expect(store.appends).toBe(4);
    expect(conflicts).toEqual([true, true, true, false]);
  });

  it('given an expected version, when the append conflicts, then it is not retried', async () => {
    const store = alwaysConflicting(new InMemoryEventStore());

    const outcome = await handlerOn(store).handle('s', { add: 1 }, { ...options, expectedVersion: 0 });

    expect(outcome).toEqual({ kind: 'conflict', attempts: 1 });
    expect(store.appends).toBe(1);
  });

  it('given a decision with no events, when handling, then nothing is appended and the version stays', async () => {
    const store = new InMemoryEventStore();
    await handlerOn(store).handle('s', { add: 5 }, options);

    const outcome = await handlerOn(store).handle('s', { add: 0 }, { ...options, idempotency: { key: 'k', requestHash: 'h' } });

    expect(outcome).toMatchObject({ kind: 'accepted', version: 1, state: 5, events: [] });
    expect(await store.findIdempotencyRecord({ key: 'k' })).toBeNull();
  });

  it('writes a snapshot with the append that crosses each multiple of snapshotEvery', async () => {
    const store = new InMemoryEventStore();
    const handler = handlerOn(store, { snapshotEvery: 2 });

    for (const add of [1, 2, 3]) await handler.handle('s', { add }, options);

    const read = await store.readStream('s', { snapshotSchemaVersion: 1 });
    expect(read.snapshot).toEqual({ version: 2, schemaVersion: 1, state: { total: 3 } });
    expect(read.events.map((e) => e.version)).toEqual([3]);
  });

  describe('idempotency: the key records the outcome, and a retry gets it back', () => {
    const idempotency = { key: 'k', requestHash: 'h' };

    it('given an accepted command, when retried, then it replays the same events, version and state and appends nothing', async () => {
      const store = new InMemoryEventStore();
      const first = await handlerOn(store).handle('s', { add: 5 }, { ...options, idempotency });

      const again = await handlerOn(store).handle('s', { add: 5 }, { ...options, idempotency });

      expect(first).toMatchObject({ kind: 'accepted', version: 1, state: 5 });
      expect(again).toEqual({ kind: 'replayed', outcome: first });
      expect((await store.readStream('s', { snapshotSchemaVersion: 1 })).version).toBe(1);
    });

    it('given a rejected command, when retried after the rules would allow it, then the rejection is replayed and nothing appended', async () => {
      const store = new InMemoryEventStore();
      await handlerOn(store).handle('s', { add: 90 }, options);
      const refused = await handlerOn(store).handle('s', { add: 20 }, { ...options, idempotency });
      await store.append({
        streamId: 's',
        expectedVersion: 1,
        events: [{ eventId: crypto.randomUUID(), type: 'Added', schemaVersion: 1, data: { added: -50 }, ...options }],
      });

      const again = await handlerOn(store).handle('s', { add: 20 }, { ...options, idempotency });

      expect(refused).toEqual({ kind: 'rejected', error: 'too-big' });
      expect(again).toEqual({ kind: 'replayed', outcome: refused });
      expect((await store.readStream('s', { snapshotSchemaVersion: 1 })).version).toBe(2);
    });

    it('given a rejected command, when its key comes with another request, then the key is reported reused', async () => {
      const store = new InMemoryEventStore();
      await handlerOn(store).handle('s', { add: 200 }, { ...options, idempotency });

      const other = await handlerOn(store).handle('s', { add: 1 }, { ...options, idempotency: { key: 'k', requestHash: 'other' } });

      expect(other).toEqual({ kind: 'idempotency-key-reused', key: 'k' });
      expect((await store.readStream('s', { snapshotSchemaVersion: 1 })).version).toBe(0);
    });

    it('given a key recorded before outcomes were (version and event count only), when retried, then the outcome is read back from the stream', async () => {
      const store = new InMemoryEventStore();
      const handler = handlerOn(store);
      for (const add of [1, 2, 3]) await handler.handle('s', { add }, options);
      await store.recordIdempotencyResult({ ...idempotency, streamId: 's', result: { outcome: 'accepted', version: 2, eventCount: 1 } });
      const stream = await store.readStream('s', { snapshotSchemaVersion: 1 });

      const again = await handler.handle('s', { add: 2 }, { ...options, idempotency });

      expect(again).toEqual({
        kind: 'replayed',
        outcome: {
          kind: 'accepted',
          streamId: 's',
          version: 2,
          state: 3,
          events: [{ eventId: stream.events[1]?.eventId, version: 2, event: { added: 2 } }],
        },
      });
    });

    it('given a record it cannot read, when retried, then it throws: foreign data is not a client error', async () => {
      const store = new InMemoryEventStore();
      await store.recordIdempotencyResult({ ...idempotency, streamId: 's', result: { status: 201, body: {} } });

      await expect(handlerOn(store).handle('s', { add: 1 }, { ...options, idempotency })).rejects.toThrow(/no command outcome/);
    });
  });

  it('refuses a retry policy without attempts', () => {
    expect(() => handlerOn(new InMemoryEventStore(), { retry: { maxAttempts: 0, backoff: { initialMs: 1, maxMs: 1 } } })).toThrow(
      /maxAttempts/,
    );
  });
});
