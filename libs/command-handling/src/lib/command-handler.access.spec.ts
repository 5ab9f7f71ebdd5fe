import { InMemoryEventStore, type EventStore } from '@ledger/event-store';
import { CommandHandler } from './command-handler';
import type { Decider, HandleOptions, Loaded, StateCache, StreamCodec } from './command-handler.types';

/** A counter whose first event names its owner, so access can be about something that never changes. */
type Add = { readonly add: number; readonly owner?: string };
type Added = { readonly added: number; readonly owner?: string };
type Total = { readonly owner: string | null; readonly total: number };
type Refusal = 'not-found' | 'too-big';

const counter: Decider<Add, Total, Added, Refusal> = {
  initialState: { owner: null, total: 0 },
  decide: (command, state) =>
    state.total + command.add > 100
      ? { ok: false, error: 'too-big' }
      : { ok: true, events: [{ added: command.add, owner: command.owner }] },
  evolve: (state, event) => ({ owner: state.owner ?? event.owner ?? null, total: state.total + event.added }),
};

const codec: StreamCodec<Total, Added, Refusal> = {
  snapshotSchemaVersion: 1,
  encodeEvent: (event) => ({ type: 'Added', schemaVersion: 1, data: { added: event.added, owner: event.owner ?? null } }),
  decodeEvent: (stored) => ({ added: Number(stored.data['added']), owner: (stored.data['owner'] as string | null) ?? undefined }),
  encodeState: (state) => ({ owner: state.owner, total: state.total }),
  decodeState: (json) => ({ owner: json['owner'] as string | null, total: Number(json['total']) }),
  encodeRejection: (rejection) => ({ rejection }),
  decodeRejection: (json) => json['rejection'] as Refusal,
};

const base = { metadata: { correlationId: 'c', causationId: null }, occurredAt: new Date('2026-01-01T00:00:00Z') };

/** Options as `subject` would send them: only the stream's owner may act on it. */
function as(subject: string, extra: Partial<HandleOptions<Total, Refusal>> = {}): HandleOptions<Total, Refusal> {
  return { ...base, access: (state) => (state.owner === null || state.owner === subject ? undefined : 'not-found'), ...extra };
}

/** The store, counting reads of a stream, so a test can tell a cached answer from the store's. */
function counting(store: InMemoryEventStore): EventStore & { reads: number; appends: number } {
  const wrapper = {
    reads: 0,
    appends: 0,
    readStream: (...args: Parameters<EventStore['readStream']>) => {
      wrapper.reads += 1;
      return store.readStream(...args);
    },
    findIdempotencyRecord: store.findIdempotencyRecord.bind(store),
    recordIdempotencyResult: store.recordIdempotencyResult.bind(store),
    appendStreams: store.appendStreams.bind(store),
    dueStreams: store.dueStreams.bind(store),
    append: (...args: Parameters<EventStore['append']>) => {
      wrapper.appends += 1;
      return store.append(...args);
    },
  };
  return wrapper;
}

class MapCache implements StateCache<Total> {
  readonly states = new Map<string, Loaded<Total>>();
  get(streamId: string, expectedVersion?: number) {
    const loaded = this.states.get(streamId);
    return loaded !== undefined && (expectedVersion === undefined || loaded.version === expectedVersion) ? loaded : undefined;
  }
  remember(streamId: string, loaded: Loaded<Total>) {
    this.states.set(streamId, loaded);
  }
  forget(streamId: string) {
    this.states.delete(streamId);
  }
}

async function adasStream(store: EventStore, cache?: MapCache): Promise<CommandHandler<Add, Total, Added, Refusal>> {
  const handler = new CommandHandler({ store, decider: counter, codec, cache });
  const opened = await handler.handle('s', { add: 1, owner: 'ada' }, as('ada'));
  expect(opened).toMatchObject({ kind: 'accepted', version: 1 });
  return handler;
}

describe('CommandHandler access', () => {
  it("given Ada's stream, when Eve sends a command, then it is refused with access's answer and nothing is appended", async () => {
    const store = counting(new InMemoryEventStore());
    const handler = await adasStream(store);

    const outcome = await handler.handle('s', { add: 1 }, as('eve'));

    expect(outcome).toEqual({ kind: 'rejected', error: 'not-found' });
    expect(store.appends).toBe(1);
    expect(await handler.load('s')).toEqual({ state: { owner: 'ada', total: 1 }, version: 1 });
  });

  it.each([0, 1, 7])(
    "given Ada's stream at version 1, when Eve sends a command expecting version %i, then access answers first: no version mismatch tells her the version",
    async (expectedVersion) => {
      const store = counting(new InMemoryEventStore());
      const handler = await adasStream(store);

      const outcome = await handler.handle('s', { add: 1 }, as('eve', { expectedVersion }));

      expect(outcome).toEqual({ kind: 'rejected', error: 'not-found' });
      expect(store.appends).toBe(1);
    },
  );

  it("given Ada's stream, when Eve sends a command decide would refuse, then access answers, not decide", async () => {
    const handler = await adasStream(new InMemoryEventStore());

    expect(await handler.handle('s', { add: 1000 }, as('eve'))).toEqual({ kind: 'rejected', error: 'not-found' });
    expect(await handler.handle('s', { add: 1000 }, as('ada'))).toEqual({ kind: 'rejected', error: 'too-big' });
  });

  it("given a key Ada's command was stored with, when a request with it may no longer reach the stream, then it is refused, not replayed", async () => {
    const store = new InMemoryEventStore();
    const handler = await adasStream(store);
    const idempotency = { key: 'k1', scope: 'ada', requestHash: 'h' };
    const first = await handler.handle('s', { add: 2 }, as('ada', { idempotency }));

    const refused = await handler.handle('s', { add: 2 }, { ...as('ada', { idempotency }), access: () => 'not-found' });
    const replayed = await handler.handle('s', { add: 2 }, as('ada', { idempotency }));

    expect(first).toMatchObject({ kind: 'accepted', version: 2 });
    expect(refused).toEqual({ kind: 'rejected', error: 'not-found' });
    expect(replayed).toMatchObject({ kind: 'replayed' });
    expect((await handler.load('s')).version).toBe(2);
  });

  it('given one key in two scopes, when both send a command with it, then both append: they are two keys', async () => {
    const store = new InMemoryEventStore();
    const handler = new CommandHandler({ store, decider: counter, codec });

    const ada = await handler.handle(
      'a',
      { add: 1, owner: 'ada' },
      as('ada', { idempotency: { key: 'same', scope: 'ada', requestHash: 'h' } }),
    );
    const eve = await handler.handle(
      'e',
      { add: 1, owner: 'eve' },
      as('eve', { idempotency: { key: 'same', scope: 'eve', requestHash: 'h' } }),
    );

    expect([ada.kind, eve.kind]).toEqual(['accepted', 'accepted']);
    expect(await store.findIdempotencyRecord({ key: 'same', scope: 'eve' })).toMatchObject({ requestHash: 'h' });
    expect(await store.findIdempotencyRecord({ key: 'same' })).toBeNull();
  });

  it('given a cached state that grants access, when the owner commands, then the store is not read', async () => {
    const store = counting(new InMemoryEventStore());
    const handler = await adasStream(store, new MapCache());
    const reads = store.reads;

    expect(await handler.handle('s', { add: 1 }, as('ada'))).toMatchObject({ kind: 'accepted', version: 2 });
    expect(store.reads).toBe(reads);
  });

  it("given a cached state, when Eve is refused, then the refusal comes from the store's state and the cache keeps Ada's state", async () => {
    const store = counting(new InMemoryEventStore());
    const cache = new MapCache();
    const handler = await adasStream(store, cache);
    const reads = store.reads;

    expect(await handler.handle('s', { add: 1 }, as('eve'))).toEqual({ kind: 'rejected', error: 'not-found' });
    expect(store.reads).toBe(reads + 1);
    expect(cache.states.get('s')).toEqual({ state: { owner: 'ada', total: 1 }, version: 1 });
  });

  it('given no access check, when handling, then every caller reaches the stream (the handler stays generic)', async () => {
    const handler = await adasStream(new InMemoryEventStore());

    expect(await handler.handle('s', { add: 1 }, base)).toMatchObject({ kind: 'accepted', version: 2 });
  });
});
