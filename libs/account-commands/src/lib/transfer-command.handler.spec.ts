import { randomUUID } from 'node:crypto';
import { AccountState, Actor, TransferCommand, transferStreamId } from '@ledger/domain';
import { InMemoryEventStore } from '@ledger/event-store';
import { AccountCommandHandler, sharedAccountStreams } from './account-command.handler';
import { CommandContext } from './command-context';
import { TransferCommandHandler, TransferCommandHandlerOptions } from './transfer-command.handler';
import { AcceptedTransfer, TransferCommandOutcome } from './transfer-command.outcome';

const NOW = new Date('2026-03-04T05:06:07.000Z');
const LATER = new Date('2026-03-04T05:06:37.000Z');
const ADA: Actor = { subject: 'user-ada', clientId: 'web', operator: false };
const EVE: Actor = { subject: 'user-eve', clientId: null, operator: false };
const OPERATOR: Actor = { subject: 'ops-1', clientId: 'ledger-ops', operator: true };

const context = (actor: Actor = ADA, overrides: Partial<CommandContext> = {}): CommandContext => ({
  actor,
  correlationId: 'corr-1',
  causationId: 'request-1',
  ...overrides,
});

const transfer = (transferId: string, from: string, to: string, amount: bigint, extra: { reference?: string } = {}): TransferCommand => ({
  type: 'TransferMoney',
  data: { transferId, fromAccountId: from, toAccountId: to, amount, currency: 'EUR', reference: extra.reference ?? null, now: NOW },
});

const hold = (transferId: string, from: string, to: string, amount: bigint, timeoutSeconds = 10): TransferCommand => ({
  type: 'PlacePendingTransfer',
  data: { transferId, fromAccountId: from, toAccountId: to, amount, currency: 'EUR', reference: null, timeoutSeconds, now: NOW },
});

const post = (transferId: string, amount: bigint | null = null, now = NOW): TransferCommand => ({
  type: 'PostPendingTransfer',
  data: { transferId, amount, now },
});
const voidHold = (transferId: string, now = NOW): TransferCommand => ({ type: 'VoidPendingTransfer', data: { transferId, now } });

function accepted(outcome: TransferCommandOutcome): AcceptedTransfer {
  if (outcome.kind !== 'accepted')
    throw new Error(`expected accepted, got ${JSON.stringify(outcome, (_, v) => (typeof v === 'bigint' ? String(v) : v))}`);
  return outcome;
}

function opened(state: AccountState) {
  if (state.status === 'NOT_OPENED') throw new Error('not opened');
  return state;
}

describe('TransferCommandHandler on the in-memory event store', () => {
  let store: InMemoryEventStore;
  let conflicts: { streamId: string; willRetry: boolean }[];
  let accounts: AccountCommandHandler;
  let handler: TransferCommandHandler;

  const handlerOn = (options: Partial<TransferCommandHandlerOptions> = {}) =>
    new TransferCommandHandler({
      store,
      retry: { maxAttempts: 10, backoff: { initialMs: 1, maxMs: 2 } },
      observer: { conflicted: ({ streamId, willRetry }) => conflicts.push({ streamId, willRetry }) },
      ...options,
    });

  async function open(initialDeposit: bigint, owner: Actor = ADA, currency = 'EUR'): Promise<string> {
    const accountId = randomUUID();
    const outcome = await accounts.handle(
      { type: 'OpenAccount', data: { accountId, owner: 'Someone', ownerId: owner.subject, currency, initialDeposit, now: NOW } },
      context(owner),
    );
    expect(outcome.kind).toBe('accepted');
    return accountId;
  }

  async function deposit(on: AccountCommandHandler, accountId: string, amount: bigint): Promise<void> {
    const outcome = await on.handle({ type: 'DepositMoney', data: { accountId, amount, now: NOW } }, context());
    expect(outcome.kind).toBe('accepted');
  }

  async function account(accountId: string) {
    const { state, version } = await accounts.load(accountId);
    const { balance, reserved } = opened(state);
    return { version, balance, reserved };
  }

  async function streamVersion(streamId: string): Promise<number> {
    return (await store.readStream(streamId, { snapshotSchemaVersion: 1 })).version;
  }

  beforeEach(() => {
    store = new InMemoryEventStore();
    conflicts = [];
    const shared = sharedAccountStreams();
    accounts = new AccountCommandHandler({ store, accountStreams: shared });
    handler = handlerOn({ accountStreams: shared });
  });

  it('given two accounts, when money is transferred, then both accounts and the transfer stream change in one append', async () => {
    const [a, b] = [await open(100n), await open(5n, EVE)];
    const id = randomUUID();

    const outcome = accepted(await handler.handle(transfer(id, a, b, 30n, { reference: 'rent' }), context()));

    expect(outcome.transfer).toMatchObject({
      version: 1,
      state: { status: 'completed', amount: 30n, postedAmount: 30n, reference: 'rent' },
    });
    expect(outcome.from).toMatchObject({ accountId: a, version: 2, state: { balance: 70n, reserved: 0n } });
    expect(outcome.to).toEqual({ accountId: b, version: 2 });
    expect(await account(a)).toEqual({ version: 2, balance: 70n, reserved: 0n });
    expect(await account(b)).toEqual({ version: 2, balance: 35n, reserved: 0n });
    const legs = await Promise.all([a, b, transferStreamId(id)].map((s) => store.readStream(s, { snapshotSchemaVersion: 1 })));
    expect(legs.map((read) => read.events.at(-1)?.type)).toEqual(['TransferDebited', 'TransferCredited', 'TransferCompleted']);
    expect(new Set(legs.map((read) => read.events.at(-1)?.transactionId)).size).toBe(1);
    expect(legs[0]?.events.at(-1)?.metadata).toEqual({
      correlationId: 'corr-1',
      causationId: 'request-1',
      actor: { sub: 'user-ada', clientId: 'web' },
    });
    expect(await store.dueStreams(new Date(8.64e15), 10)).toEqual([]);
  });

  it('given a hold, then only the available balance drops; a partial post moves that part and releases the rest, and the deadline goes', async () => {
    const [a, b] = [await open(100n), await open(0n, EVE)];
    const id = randomUUID();

    const held = accepted(await handler.handle(hold(id, a, b, 40n), context()));
    const due = await store.dueStreams(new Date(8.64e15), 10);
    const posted = accepted(await handler.handle(post(id, 25n), context()));

    expect(held.transfer.state).toMatchObject({ status: 'pending', expiresAt: new Date(NOW.getTime() + 10_000) });
    expect(held.from).toMatchObject({ version: 2, state: { balance: 100n, reserved: 40n } });
    expect(held.to).toEqual({ accountId: b, version: 1 });
    expect(due).toEqual([{ streamId: transferStreamId(id), dueAt: new Date(NOW.getTime() + 10_000) }]);
    expect(posted.transfer).toMatchObject({ version: 2, state: { status: 'posted', postedAmount: 25n } });
    expect(posted.from).toMatchObject({ version: 3, state: { balance: 75n, reserved: 0n } });
    expect(posted.to).toEqual({ accountId: b, version: 2 });
    expect(await account(b)).toMatchObject({ balance: 25n });
    expect(await store.dueStreams(new Date(8.64e15), 10)).toEqual([]);
  });

  it('given a hold, when voided, then all of it is released; voided again, it is not pending and nothing is written', async () => {
    const [a, b] = [await open(100n), await open(0n, EVE)];
    const id = randomUUID();
    accepted(await handler.handle(hold(id, a, b, 40n), context()));

    const voided = accepted(await handler.handle(voidHold(id), context()));
    const again = await handler.handle(voidHold(id), context());

    expect(voided.transfer.state.status).toBe('voided');
    expect(voided.from.state).toMatchObject({ balance: 100n, reserved: 0n });
    expect(again).toEqual({ kind: 'rejected', error: { type: 'TransferNotPending', transferId: id, status: 'voided' } });
    expect(await streamVersion(transferStreamId(id))).toBe(2);
    expect(await account(a)).toEqual({ version: 3, balance: 100n, reserved: 0n });
    expect(await store.dueStreams(new Date(8.64e15), 10)).toEqual([]);
  });

  it('given a hold, when expired before its deadline, then refused; after it, released by the system, and a post is then refused as expired', async () => {
    const [a, b] = [await open(100n), await open(0n, EVE)];
    const id = randomUUID();
    accepted(await handler.handle(hold(id, a, b, 40n, 5), context()));

    const early = await handler.expire(id, NOW);
    const expired = accepted(await handler.expire(id, LATER));
    const posted = await handler.handle(post(id, null, LATER), context());

    expect(early).toMatchObject({ kind: 'rejected', error: { type: 'TransferNotExpired' } });
    expect(expired.transfer.state.status).toBe('expired');
    expect(expired.from.state).toMatchObject({ balance: 100n, reserved: 0n });
    expect(posted).toMatchObject({ kind: 'rejected', error: { type: 'TransferExpired', transferId: id } });
    const { events } = await store.readStream(a, { snapshotSchemaVersion: 1 });
    expect(events.at(-1)?.metadata.actor).toEqual({ sub: 'ledger-hold-expiry', clientId: null });
    expect(await store.dueStreams(new Date(8.64e15), 10)).toEqual([]);
  });

  it('given a hold, when anyone but the operator asks to expire it, then it is not found', async () => {
    const [a, b] = [await open(100n), await open(0n, EVE)];
    const id = randomUUID();
    accepted(await handler.handle(hold(id, a, b, 40n, 5), context()));

    const refused = await handler.handle({ type: 'ExpirePendingTransfer', data: { transferId: id, now: LATER } }, context(ADA));

    expect(refused).toEqual({ kind: 'rejected', error: { type: 'TransferNotFound', transferId: id } });
    expect(await account(a)).toMatchObject({ version: 2, reserved: 40n });
  });

  describe('effectively once', () => {
    it('given a transfer, when the same caller sends it again, then its first outcome is replayed and nothing moves', async () => {
      const [a, b] = [await open(100n), await open(0n, EVE)];
      const id = randomUUID();
      const first = accepted(await handler.handle(transfer(id, a, b, 30n), context()));
      await deposit(accounts, a, 1n);

      const again = await handlerOn().handle(transfer(id, a, b, 30n), context());

      expect(again).toEqual({ kind: 'replayed', outcome: first });
      expect(await account(a)).toMatchObject({ version: 3, balance: 71n });
      expect(await account(b)).toMatchObject({ version: 2, balance: 30n });
    });

    it('given a transfer, when its id comes with other terms or from another caller, then TransferIdReused and nothing moves', async () => {
      const [a, b] = [await open(100n), await open(50n, EVE)];
      const id = randomUUID();
      accepted(await handler.handle(transfer(id, a, b, 30n), context()));

      const outcomes = [
        await handler.handle(transfer(id, a, b, 31n), context()),
        await handler.handle(transfer(id, a, b, 30n, { reference: 'other' }), context()),
        await handler.handle(hold(id, a, b, 30n), context()),
        await handler.handle(transfer(id, b, a, 30n), context(EVE)),
        await handler.handle(transfer(id, a, b, 30n), context(OPERATOR)),
      ];

      for (const outcome of outcomes) expect(outcome).toEqual({ kind: 'rejected', error: { type: 'TransferIdReused', transferId: id } });
      expect(await account(a)).toMatchObject({ version: 2, balance: 70n });
      expect(await account(b)).toMatchObject({ version: 2, balance: 80n });
    });

    it('given a transfer refused for funds, then nothing is recorded: once funds arrive the same id goes through', async () => {
      const [a, b] = [await open(10n), await open(0n, EVE)];
      const id = randomUUID();

      const refused = await handler.handle(transfer(id, a, b, 30n), context());
      expect(await streamVersion(transferStreamId(id))).toBe(0);
      await deposit(accounts, a, 20n);
      const retried = await handler.handle(transfer(id, a, b, 30n), context());

      expect(refused).toEqual({ kind: 'rejected', error: { type: 'InsufficientFunds', accountId: a, balance: 10n, requested: 30n } });
      expect(accepted(retried).from.state.balance).toBe(0n);
    });

    it('given one transfer sent 20 times at once on two handlers, then it moves money once and the others replay it', async () => {
      const [a, b] = [await open(100n), await open(0n, EVE)];
      const id = randomUUID();
      const handlers = [handler, handlerOn()];

      const outcomes = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (handlers[i % 2] as TransferCommandHandler).handle(transfer(id, a, b, 30n), context())),
      );

      const first = outcomes.filter((o) => o.kind === 'accepted');
      expect(first).toHaveLength(1);
      expect(outcomes.filter((o) => o.kind === 'replayed')).toEqual(
        Array.from({ length: 19 }, () => ({ kind: 'replayed', outcome: first[0] })),
      );
      expect(await account(a)).toMatchObject({ version: 2, balance: 70n });
      expect(await account(b)).toMatchObject({ version: 2, balance: 30n });
    });

    it('given a post with an Idempotency-Key, when sent again, then replayed; another request with the key is a key reuse', async () => {
      const [a, b] = [await open(100n), await open(0n, EVE)];
      const id = randomUUID();
      accepted(await handler.handle(hold(id, a, b, 40n), context()));
      const idempotency = { key: 'post-1', requestHash: 'hash-a' };

      const first = accepted(await handler.handle(post(id, 10n), context(ADA, { idempotency })));
      const again = await handler.handle(post(id, 10n), context(ADA, { idempotency }));
      const reused = await handler.handle(voidHold(id), context(ADA, { idempotency: { ...idempotency, requestHash: 'hash-b' } }));

      expect(again).toEqual({ kind: 'replayed', outcome: first });
      expect(reused).toEqual({ kind: 'idempotency-key-reused', key: 'post-1' });
      expect(await streamVersion(transferStreamId(id))).toBe(2);
    });
  });

  describe('conflicts', () => {
    it('given a stale cached source, when another handler moved it on, then the append conflicts on the account and the retry succeeds', async () => {
      const [a, b] = [await open(100n), await open(0n, EVE)];
      accepted(await handler.handle(transfer(randomUUID(), a, b, 10n), context()));
      const other = new AccountCommandHandler({ store });
      await deposit(other, a, 5n);

      const outcome = accepted(await handler.handle(transfer(randomUUID(), a, b, 50n), context()));

      expect(outcome.from).toMatchObject({ version: 4, state: { balance: 45n } });
      expect(conflicts).toEqual([{ streamId: a, willRetry: true }]);
    });

    it('given opposite transfers racing on two handlers without queues, then all succeed and money is conserved', async () => {
      const [a, b] = [await open(1000n), await open(1000n)];
      const handlers = [handlerOn({ accountStreams: sharedAccountStreams({ serializePerAccount: false }) }), handlerOn()];

      const outcomes = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (handlers[i % 2] as TransferCommandHandler).handle(
            transfer(randomUUID(), i % 2 ? a : b, i % 2 ? b : a, BigInt(i + 1)),
            context(),
          ),
        ),
      );

      expect(outcomes.map((o) => o.kind)).toEqual(Array.from({ length: 20 }, () => 'accepted'));
      const [balanceA, balanceB] = [(await account(a)).balance, (await account(b)).balance];
      expect(balanceA + balanceB).toBe(2000n);
      // A sends the even amounts 2..20 (110) and receives the odd ones 1..19 (100).
      expect(balanceA).toBe(990n);
      expect((await account(a)).version + (await account(b)).version).toBe(2 + 40);
    });
  });

  describe('who', () => {
    it("given Ada's account, when Eve transfers from it, then AccountNotFound as for a missing one, and nothing is written", async () => {
      const [a, e] = [await open(100n), await open(0n, EVE)];
      const id = randomUUID();

      const refused = await handler.handle(transfer(id, a, e, 10n), context(EVE));
      const missing = randomUUID();
      const absent = await handler.handle(transfer(randomUUID(), missing, e, 10n), context(EVE));

      expect(refused).toEqual({ kind: 'rejected', error: { type: 'AccountNotFound', accountId: a } });
      expect(absent).toEqual({ kind: 'rejected', error: { type: 'AccountNotFound', accountId: missing } });
      expect(await account(a)).toMatchObject({ version: 1, balance: 100n });
      expect(await streamVersion(transferStreamId(id))).toBe(0);
    });

    it("given Ada's hold to Eve, when Eve posts or voids it, then TransferNotFound; an operator may", async () => {
      const [a, e] = [await open(100n), await open(0n, EVE)];
      const id = randomUUID();
      accepted(await handler.handle(hold(id, a, e, 40n), context()));

      expect(await handler.handle(post(id), context(EVE))).toEqual({
        kind: 'rejected',
        error: { type: 'TransferNotFound', transferId: id },
      });
      expect(await handler.handle(voidHold(id), context(EVE))).toEqual({
        kind: 'rejected',
        error: { type: 'TransferNotFound', transferId: id },
      });
      expect(await streamVersion(transferStreamId(id))).toBe(1);
      expect(accepted(await handler.handle(post(id), context(OPERATOR))).transfer.state.status).toBe('posted');
    });

    it('given an unknown transfer, when posted, then TransferNotFound', async () => {
      const id = randomUUID();
      expect(await handler.handle(post(id), context())).toEqual({ kind: 'rejected', error: { type: 'TransferNotFound', transferId: id } });
    });
  });
});
