import { InMemoryEventStore } from '../in-memory-event-store';
import type { AppendRequest, EventStore, StoredEvent } from '../event-store.port';
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

const codec: StreamCodec<number, Added> = {
  snapshotSchemaVersion: 1,
  encodeEvent: (event) => ({ type: 'Added', schemaVersion: 1, data: { added: event.added } }),
  decodeEvent: (stored: StoredEvent) => ({ added: Number(stored.data['added']) }),
  encodeState: (total) => ({ total }),
  decodeState: (json) => {
    if (typeof json['total'] !== 'number') throw new Error('no total');
    return json['total'];
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

  it('refuses a retry policy without attempts', () => {
    expect(() => handlerOn(new InMemoryEventStore(), { retry: { maxAttempts: 0, backoff: { initialMs: 1, maxMs: 1 } } })).toThrow(
      /maxAttempts/,
    );
  });
});
