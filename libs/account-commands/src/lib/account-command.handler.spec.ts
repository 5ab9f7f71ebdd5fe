import { randomUUID } from 'node:crypto';
import { ACCOUNT_SNAPSHOT_SCHEMA_VERSION, AccountCommand, Actor } from '@ledger/domain';
import { EventStore, InMemoryEventStore, StreamRead } from '@ledger/event-store';
import { AccountCommandHandler, AccountCommandHandlerOptions, AccountCommandOutcome } from './account-command.handler';
import { CommandContext } from './command-context';

const NOW = new Date('2026-03-04T05:06:07.000Z');
const ADA: Actor = { subject: 'user-ada', clientId: 'web', operator: false };
const EVE: Actor = { subject: 'user-eve', clientId: null, operator: false };
const OPERATOR: Actor = { subject: 'ops-1', clientId: 'ledger-ops', operator: true };
const ADA_METADATA = { actor: { sub: 'user-ada', clientId: 'web' } };

const context = (overrides: Partial<CommandContext> = {}): CommandContext => ({
  actor: ADA,
  correlationId: 'corr-1',
  causationId: 'request-1',
  ...overrides,
});

const open = (accountId: string, initialDeposit = 0n): AccountCommand => ({
  type: 'OpenAccount',
  data: { accountId, owner: 'Ada', ownerId: 'user-ada', currency: 'EUR', initialDeposit, now: NOW },
});
const deposit = (accountId: string, amount: bigint): AccountCommand => ({ type: 'DepositMoney', data: { accountId, amount, now: NOW } });
const withdraw = (accountId: string, amount: bigint): AccountCommand => ({ type: 'WithdrawMoney', data: { accountId, amount, now: NOW } });

function accepted(outcome: AccountCommandOutcome) {
  if (outcome.kind !== 'accepted')
    throw new Error(`expected accepted, got ${JSON.stringify(outcome, (_, v) => (typeof v === 'bigint' ? String(v) : v))}`);
  return outcome;
}

function balanceOf(outcome: AccountCommandOutcome): bigint {
  const { state } = accepted(outcome);
  if (state.status === 'NOT_OPENED') throw new Error('not opened');
  return state.balance;
}

/** Counts the reads that reach the store, to tell a cache hit from a load. */
function counting(store: InMemoryEventStore): EventStore & { reads: number } {
  const wrapper = {
    reads: 0,
    readStream: (streamId: string, options: { snapshotSchemaVersion: number }): Promise<StreamRead> => {
      wrapper.reads += 1;
      return store.readStream(streamId, options);
    },
    append: store.append.bind(store),
    appendStreams: store.appendStreams.bind(store),
    dueStreams: store.dueStreams.bind(store),
    findIdempotencyRecord: store.findIdempotencyRecord.bind(store),
    recordIdempotencyResult: store.recordIdempotencyResult.bind(store),
    appendStreams: store.appendStreams.bind(store),
    dueStreams: store.dueStreams.bind(store),
  };
  return wrapper;
}

describe('AccountCommandHandler on the in-memory event store', () => {
  let store: InMemoryEventStore;
  let conflicts: boolean[];
  const handlerOn = (options: Partial<AccountCommandHandlerOptions> = {}) =>
    new AccountCommandHandler({
      store,
      retry: { maxAttempts: 10, backoff: { initialMs: 1, maxMs: 2 } },
      observer: { conflicted: ({ willRetry }) => conflicts.push(willRetry) },
      ...options,
    });

  beforeEach(() => {
    store = new InMemoryEventStore();
    conflicts = [];
  });

  it('given a new account, when opened and deposited to, then both are accepted with their events, versions and metadata', async () => {
    const handler = handlerOn();
    const accountId = randomUUID();

    const opened = accepted(await handler.handle(open(accountId, 100n), context()));
    const deposited = accepted(await handler.handle(deposit(accountId, 50n), context({ causationId: 'key-7', traceparent: '00-a-b-01' })));

    expect(opened).toMatchObject({ streamId: accountId, version: 1, events: [{ version: 1, event: { type: 'AccountOpened' } }] });
    expect(deposited.version).toBe(2);
    expect(balanceOf(deposited)).toBe(150n);
    const { events } = await store.readStream(accountId, { snapshotSchemaVersion: 1 });
    expect(events.map((e) => [e.version, e.type, e.eventId, e.occurredAt.toISOString()])).toEqual([
      [1, 'AccountOpened', opened.events[0]?.eventId, NOW.toISOString()],
      [2, 'MoneyDeposited', deposited.events[0]?.eventId, NOW.toISOString()],
    ]);
    expect(events.map((e) => e.metadata)).toEqual([
      { correlationId: 'corr-1', causationId: 'request-1', ...ADA_METADATA },
      { correlationId: 'corr-1', causationId: 'key-7', ...ADA_METADATA, traceparent: '00-a-b-01' },
    ]);
  });

  it('given a rule the command breaks, when handled, then it is a typed rejection and nothing is appended', async () => {
    const handler = handlerOn();
    const accountId = randomUUID();
    accepted(await handler.handle(open(accountId, 10n), context()));

    expect(await handler.handle(withdraw(accountId, 11n), context())).toEqual({
      kind: 'rejected',
      error: { type: 'InsufficientFunds', accountId, balance: 10n, requested: 11n },
    });
    expect(await handler.handle(deposit(randomUUID(), 1n), context())).toMatchObject({
      kind: 'rejected',
      error: { type: 'AccountNotFound' },
    });
    expect(await handler.handle(open(accountId), context())).toMatchObject({ kind: 'rejected', error: { type: 'AccountAlreadyExists' } });
    expect((await store.readStream(accountId, { snapshotSchemaVersion: 1 })).version).toBe(1);
  });

  it('given the state it wrote last, when the next command comes, then it decides from the cache without reading the store', async () => {
    const reads = counting(store);
    const handler = handlerOn({ store: reads });
    const accountId = randomUUID();
    accepted(await handler.handle(open(accountId, 10n), context()));
    const readsAfterOpen = reads.reads;

    const deposited = await handler.handle(deposit(accountId, 5n), context());
    const again = await handler.handle(deposit(accountId, 5n), context());

    expect(balanceOf(deposited)).toBe(15n);
    expect(balanceOf(again)).toBe(20n);
    expect(reads.reads).toBe(readsAfterOpen);
  });

  it('given two handlers on one store, when the other moved the account on, then the stale cache conflicts and the retry appends at the real version', async () => {
    const first = handlerOn();
    const second = handlerOn();
    const accountId = randomUUID();
    accepted(await first.handle(open(accountId, 10n), context()));
    accepted(await second.handle(deposit(accountId, 5n), context()));

    const outcome = accepted(await first.handle(deposit(accountId, 1n), context()));

    expect(outcome.version).toBe(3);
    expect(balanceOf(outcome)).toBe(16n);
    expect(conflicts).toEqual([true]);
  });

  it('given a stale cached balance that would refuse, when another handler deposited, then it withdraws from the real balance', async () => {
    const first = handlerOn();
    const second = handlerOn();
    const accountId = randomUUID();
    accepted(await first.handle(open(accountId, 0n), context()));
    accepted(await second.handle(deposit(accountId, 100n), context()));

    const outcome = await first.handle(withdraw(accountId, 60n), context());

    expect(accepted(outcome).version).toBe(3);
    expect(balanceOf(outcome)).toBe(40n);
  });

  it('given an expected version, when the account is elsewhere, then it is a version mismatch and never retried', async () => {
    const first = handlerOn();
    const second = handlerOn();
    const accountId = randomUUID();
    accepted(await first.handle(open(accountId, 10n), context()));
    accepted(await second.handle(deposit(accountId, 5n), context()));

    const stale = await first.handle(deposit(accountId, 1n), context({ expectedVersion: 1 }));
    const current = await first.handle(deposit(accountId, 1n), context({ expectedVersion: 2 }));

    expect(stale).toEqual({ kind: 'version-mismatch', expectedVersion: 1, actualVersion: 2 });
    expect(accepted(current).version).toBe(3);
    // The cached version 1 matched the expectation, so one append was tried, lost, and not retried.
    expect(conflicts).toEqual([false]);
  });

  it('given an Idempotency-Key, when the same request comes again, then the first outcome is replayed and nothing appended; another request is a key reuse', async () => {
    const handler = handlerOn();
    const accountId = randomUUID();
    accepted(await handler.handle(open(accountId, 10n), context()));
    const idempotency = { key: 'deposit-1', requestHash: 'hash-a' };

    const first = accepted(await handler.handle(deposit(accountId, 5n), context({ idempotency })));
    const replayed = await handlerOn().handle(deposit(accountId, 5n), context({ idempotency }));
    const reused = await handler.handle(deposit(accountId, 6n), context({ idempotency: { ...idempotency, requestHash: 'hash-b' } }));

    expect(replayed).toEqual({ kind: 'replayed', outcome: first });
    expect(reused).toEqual({ kind: 'idempotency-key-reused', key: 'deposit-1' });
    expect((await store.readStream(accountId, { snapshotSchemaVersion: 1 })).version).toBe(2);
  });

  it('given a withdrawal refused for insufficient funds with a key, when retried after a deposit, then the same refusal is replayed', async () => {
    const handler = handlerOn();
    const accountId = randomUUID();
    accepted(await handler.handle(open(accountId, 10n), context()));
    const idempotency = { key: 'withdraw-1', requestHash: 'hash-w' };

    const refused = await handler.handle(withdraw(accountId, 50n), context({ idempotency }));
    accepted(await handler.handle(deposit(accountId, 100n), context()));
    const retried = await handler.handle(withdraw(accountId, 50n), context({ idempotency }));

    expect(refused).toEqual({ kind: 'rejected', error: { type: 'InsufficientFunds', accountId, balance: 10n, requested: 50n } });
    expect(retried).toEqual({ kind: 'replayed', outcome: refused });
    expect((await handler.load(accountId)).version).toBe(2);
  });

  it('given one Idempotency-Key, when 20 identical requests race on two handlers, then one appends and the others replay it', async () => {
    const handlers = [handlerOn(), handlerOn()];
    const accountId = randomUUID();
    accepted((await handlers[0]?.handle(open(accountId), context())) ?? Promise.reject());
    const idempotency = { key: 'race', requestHash: 'same' };

    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (handlers[i % 2] as AccountCommandHandler).handle(deposit(accountId, 5n), context({ idempotency })),
      ),
    );

    expect(outcomes.filter((o) => o.kind === 'accepted')).toHaveLength(1);
    expect(outcomes.filter((o) => o.kind === 'replayed')).toHaveLength(19);
    expect((await store.readStream(accountId, { snapshotSchemaVersion: 1 })).version).toBe(2);
  });

  it('given withdrawals racing without the per-account queue on two handlers, then none is lost or doubled', async () => {
    const handlers = [handlerOn({ serializePerAccount: false }), handlerOn({ serializePerAccount: false })];
    const accountId = randomUUID();
    accepted((await handlers[0]?.handle(open(accountId, 30n), context())) ?? Promise.reject());

    const outcomes = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (handlers[i % 2] as AccountCommandHandler).handle(withdraw(accountId, 1n), context())),
    );

    const done = outcomes.filter((o) => o.kind === 'accepted');
    const refused = outcomes.filter((o) => o.kind === 'rejected');
    expect(done.length + refused.length + outcomes.filter((o) => o.kind === 'conflict').length).toBe(40);
    expect(conflicts.length).toBeGreaterThan(0);
    const loaded = await handlers[1]?.load(accountId);
    expect(loaded?.version).toBe(1 + done.length);
    expect(loaded?.state).toMatchObject({ balance: 30n - BigInt(done.length) });
    expect(new Set(done.map((o) => accepted(o).version)).size).toBe(done.length);
  });

  it('given the per-account queue, when 30 withdrawals race on one handler, then each succeeds first time', async () => {
    const handler = handlerOn();
    const accountId = randomUUID();
    accepted(await handler.handle(open(accountId, 20n), context()));

    const outcomes = await Promise.all(Array.from({ length: 30 }, () => handler.handle(withdraw(accountId, 1n), context())));

    expect(outcomes.filter((o) => o.kind === 'accepted')).toHaveLength(20);
    expect(outcomes.filter((o) => o.kind === 'rejected')).toHaveLength(10);
    expect(conflicts).toEqual([]);
  });

  it('given a snapshot the codec cannot decode, when a command comes, then it is folded from every event and reported', async () => {
    const undecodable: string[] = [];
    const handler = handlerOn({ snapshotEvery: 2, cacheSize: 0, observer: { snapshotUndecodable: (e) => undecodable.push(e.streamId) } });
    const accountId = randomUUID();
    accepted(await handler.handle(open(accountId, 10n), context()));
    accepted(await handler.handle(deposit(accountId, 5n), context()));
    // A snapshot of the current schema version whose state is not an account state.
    await store.append({
      streamId: accountId,
      expectedVersion: 2,
      events: [
        {
          eventId: randomUUID(),
          type: 'MoneyDeposited',
          schemaVersion: 1,
          occurredAt: NOW,
          metadata: { correlationId: 'c', causationId: 'x' },
          data: { accountId, amount: '1', balanceAfter: '16', depositedAt: NOW.toISOString() },
        },
      ],
      snapshot: { version: 3, schemaVersion: ACCOUNT_SNAPSHOT_SCHEMA_VERSION, state: { status: 'BOGUS' } },
    });

    const outcome = await handler.handle(deposit(accountId, 4n), context());

    expect(accepted(outcome).version).toBe(4);
    expect(balanceOf(outcome)).toBe(20n);
    expect(undecodable).toEqual([accountId]);
  });

  describe('ownership', () => {
    it("given Ada's account, when Eve sends any command, then AccountNotFound and nothing is appended", async () => {
      const handler = handlerOn();
      const accountId = randomUUID();
      accepted(await handler.handle(open(accountId, 10n), context()));
      const commands: AccountCommand[] = [
        deposit(accountId, 1n),
        withdraw(accountId, 1n),
        { type: 'FreezeAccount', data: { accountId, reason: null, now: NOW } },
        { type: 'UnfreezeAccount', data: { accountId, now: NOW } },
        { type: 'CloseAccount', data: { accountId, now: NOW } },
      ];

      for (const command of commands) {
        expect(await handler.handle(command, context({ actor: EVE }))).toEqual({
          kind: 'rejected',
          error: { type: 'AccountNotFound', accountId },
        });
      }
      expect(await handler.handle(deposit(accountId, 1n), context({ actor: EVE, expectedVersion: 5 }))).toEqual({
        kind: 'rejected',
        error: { type: 'AccountNotFound', accountId },
      });
      expect((await store.readStream(accountId, { snapshotSchemaVersion: 1 })).version).toBe(1);
    });

    it("given Ada's account, when an operator deposits, then it is accepted and the event records the operator", async () => {
      const handler = handlerOn();
      const accountId = randomUUID();
      accepted(await handler.handle(open(accountId, 10n), context()));

      const outcome = await handler.handle(deposit(accountId, 5n), context({ actor: OPERATOR }));

      expect(balanceOf(outcome)).toBe(15n);
      const { events } = await store.readStream(accountId, { snapshotSchemaVersion: 1 });
      expect(events.map((e) => e.metadata.actor)).toEqual([
        { sub: 'user-ada', clientId: 'web' },
        { sub: 'ops-1', clientId: 'ledger-ops' },
      ]);
    });

    it("given Ada's Idempotency-Key, when Eve sends the same key and request, then it is not Ada's replay but Eve's own command: AccountNotFound", async () => {
      const handler = handlerOn();
      const accountId = randomUUID();
      accepted(await handler.handle(open(accountId, 10n), context()));
      const idempotency = { key: 'shared-key', requestHash: 'same' };
      accepted(await handler.handle(deposit(accountId, 5n), context({ idempotency })));

      const eve = await handler.handle(deposit(accountId, 5n), context({ actor: EVE, idempotency }));
      const ada = await handler.handle(deposit(accountId, 5n), context({ idempotency }));

      expect(eve).toEqual({ kind: 'rejected', error: { type: 'AccountNotFound', accountId } });
      expect(ada.kind).toBe('replayed');
      expect(await store.findIdempotencyRecord({ key: 'shared-key', scope: 'user-ada' })).not.toBeNull();
      expect(await store.findIdempotencyRecord({ key: 'shared-key', scope: 'user-eve' })).toBeNull();
      expect((await store.readStream(accountId, { snapshotSchemaVersion: 1 })).version).toBe(2);
    });
  });
});
