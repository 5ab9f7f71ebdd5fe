import {
  decide,
  decodeStoredAccountEvent,
  encodeEvent,
  evolve,
  initialAccountState,
  type AccountCommand,
  type AccountState,
} from '@ledger/domain';
import type { JsonObject } from '@ledger/primitives';
import { sleep } from '@ledger/platform';
import { randomUUID } from 'node:crypto';

/** An encoded event as the event store takes it (`NewEvent`), with the stream position it goes to. */
export interface TrafficEvent {
  readonly eventId: string;
  readonly streamId: string;
  readonly version: number;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: JsonObject;
  readonly metadata: { readonly correlationId: string; readonly causationId: string | null };
  readonly occurredAt: Date;
}

/** One append: the events of one command on one account, at the version they expect. */
export interface TrafficAppend {
  readonly streamId: string;
  readonly expectedVersion: number;
  readonly events: readonly TrafficEvent[];
}

interface TrafficAccount {
  state: AccountState;
  version: number;
}

/**
 * Realistic account traffic decided by the domain itself: opens, deposits, withdrawals within the
 * balance, freezes and unfreezes, now and then a withdrawal of everything and a close. The state
 * moves on as each append is handed out, so an account's appends must be stored in the order given
 * (one writer per account); different accounts may be written concurrently.
 */
export class AccountTraffic {
  private readonly accounts = new Map<string, TrafficAccount>();
  private readonly open = new Set<string>();
  private clock: number;

  constructor(private readonly options: { readonly start?: Date; readonly random?: () => number } = {}) {
    this.clock = (options.start ?? new Date('2026-03-01T00:00:00.000Z')).getTime();
  }

  /** Accounts that can still take commands (opened, not closed). */
  get openAccounts(): readonly string[] {
    return [...this.open];
  }

  isOpen(accountId: string): boolean {
    return this.open.has(accountId);
  }

  openAccount(accountId: string = randomUUID(), owner = `Owner ${accountId.slice(0, 4)}`, ownerId = 'traffic'): TrafficAppend {
    if (this.accounts.has(accountId)) throw new Error(`account ${accountId} is already open`);
    this.accounts.set(accountId, { state: initialAccountState, version: 0 });
    this.open.add(accountId);
    const initialDeposit = this.chance(0.2) ? 0n : this.amount(5_000);
    return this.run(accountId, [
      { type: 'OpenAccount', data: { accountId, owner, ownerId, currency: 'EUR', initialDeposit, now: this.now() } },
    ]);
  }

  /** One command on an open account, chosen from what its state allows. */
  act(accountId: string): TrafficAppend {
    const account = this.accounts.get(accountId);
    if (account === undefined || account.state.status === 'NOT_OPENED' || !this.open.has(accountId)) {
      throw new Error(`account ${accountId} is not open`);
    }
    const { balance, status } = account.state;
    if (status === 'FROZEN') return this.run(accountId, [{ type: 'UnfreezeAccount', data: { accountId, now: this.now() } }]);
    const roll = this.random();
    if (roll < 0.55 || balance === 0n) {
      return this.run(accountId, [{ type: 'DepositMoney', data: { accountId, amount: this.amount(10_000), now: this.now() } }]);
    }
    if (roll < 0.9) {
      const amount = 1n + (BigInt(Math.floor(this.random() * 1_000_000)) % balance);
      return this.run(accountId, [{ type: 'WithdrawMoney', data: { accountId, amount, now: this.now() } }]);
    }
    if (roll < 0.99) {
      const reason = this.chance(0.5) ? null : 'unusual activity';
      return this.run(accountId, [{ type: 'FreezeAccount', data: { accountId, reason, now: this.now() } }]);
    }
    const now = this.now();
    return this.run(accountId, [
      { type: 'WithdrawMoney', data: { accountId, amount: balance, now } },
      { type: 'CloseAccount', data: { accountId, now } },
    ]);
  }

  private run(accountId: string, commands: readonly AccountCommand[]): TrafficAppend {
    const account = this.accounts.get(accountId);
    if (account === undefined) throw new Error(`account ${accountId} was never opened`);
    const expectedVersion = account.version;
    const correlationId = randomUUID();
    const events: TrafficEvent[] = [];
    for (const command of commands) {
      const decision = decide(command, account.state);
      if (!decision.ok) throw new Error(`traffic: ${command.type} refused: ${decision.error.type}`);
      for (const event of decision.events) {
        account.state = evolve(account.state, event);
        account.version += 1;
        const encoded = encodeEvent(event);
        events.push({
          eventId: randomUUID(),
          streamId: accountId,
          version: account.version,
          type: encoded.type,
          schemaVersion: encoded.schemaVersion,
          data: encoded.data,
          metadata: { correlationId, causationId: null },
          occurredAt: command.data.now,
        });
      }
    }
    if (account.state.status === 'CLOSED') this.open.delete(accountId);
    return { streamId: accountId, expectedVersion, events };
  }

  private now(): Date {
    this.clock += 1_000;
    return new Date(this.clock);
  }

  private amount(max: number): bigint {
    return BigInt(1 + Math.floor(this.random() * max));
  }

  private chance(p: number): boolean {
    return this.random() < p;
  }

  private random(): number {
    return (this.options.random ?? Math.random)();
  }
}

/** An account row as the read model must hold it: money as decimal strings, times as ISO strings. */
export interface ExpectedAccountRow {
  readonly account_id: string;
  readonly owner: string;
  readonly owner_id: string | null;
  readonly currency: string;
  readonly balance: string;
  readonly status: string;
  readonly version: number;
  readonly opened_at: string;
  readonly updated_at: string;
  readonly total_deposited: string;
  readonly total_withdrawn: string;
  readonly transaction_count: number;
  readonly last_activity_at: string | null;
}

export interface ExpectedTransactionRow {
  readonly account_id: string;
  readonly version: number;
  readonly event_id: string;
  readonly type: string;
  readonly amount: string | null;
  readonly balance_after: string;
  readonly status_after: string;
  readonly reason: string | null;
  readonly occurred_at: string;
  readonly correlation_id: string;
}

/** What the oracle reads: a stored event, as traffic writes it (the event store's committed events fit). */
export interface StoredAccountEventLike extends Omit<TrafficEvent, 'metadata'> {
  readonly metadata: { readonly correlationId: string };
}

/**
 * The test oracle: the read model a full fold of the stored events gives, written out from the read
 * model's definition rather than from the projector's code, so the two can disagree. Each account's
 * events must come in version order (commit order does that).
 */
export function expectedReadModel(events: Iterable<StoredAccountEventLike>): {
  accounts: Map<string, ExpectedAccountRow>;
  transactions: ExpectedTransactionRow[];
} {
  const accounts = new Map<string, ExpectedAccountRow>();
  const transactions: ExpectedTransactionRow[] = [];
  for (const stored of events) {
    const event = decodeStoredAccountEvent(stored);
    const at = stored.occurredAt.toISOString();
    const before = accounts.get(stored.streamId);
    if (before !== undefined && stored.version !== before.version + 1) {
      throw new Error(`oracle: ${stored.streamId} version ${stored.version} after ${before.version}`);
    }
    let after: ExpectedAccountRow;
    let amount: string | null = null;
    let reason: string | null = null;
    if (event.type === 'AccountOpened') {
      const { owner, ownerId, currency, initialDeposit, balanceAfter, openedAt } = event.data;
      amount = initialDeposit.toString();
      after = {
        account_id: stored.streamId,
        owner,
        owner_id: ownerId,
        currency,
        balance: balanceAfter.toString(),
        status: 'ACTIVE',
        version: stored.version,
        opened_at: openedAt.toISOString(),
        updated_at: at,
        total_deposited: initialDeposit.toString(),
        total_withdrawn: '0',
        transaction_count: initialDeposit > 0n ? 1 : 0,
        last_activity_at: initialDeposit > 0n ? at : null,
      };
    } else {
      if (before === undefined) throw new Error(`oracle: ${event.type} before AccountOpened on ${stored.streamId}`);
      const moved = { ...before, version: stored.version, updated_at: at };
      switch (event.type) {
        case 'MoneyDeposited':
        case 'MoneyWithdrawn': {
          const total = event.type === 'MoneyDeposited' ? 'total_deposited' : 'total_withdrawn';
          amount = event.data.amount.toString();
          after = {
            ...moved,
            balance: event.data.balanceAfter.toString(),
            [total]: (BigInt(before[total]) + event.data.amount).toString(),
            transaction_count: before.transaction_count + 1,
            last_activity_at: at,
          };
          break;
        }
        case 'AccountFrozen':
          reason = event.data.reason;
          after = { ...moved, status: 'FROZEN' };
          break;
        case 'AccountUnfrozen':
          after = { ...moved, status: 'ACTIVE' };
          break;
        case 'AccountClosed':
          after = { ...moved, status: 'CLOSED' };
          break;
        // This traffic makes no transfers; the read model of transfer legs is not modelled here yet.
        case 'TransferDebited':
        case 'TransferCredited':
        case 'HoldPlaced':
        case 'HoldPosted':
        case 'HoldReleased':
          throw new Error(`oracle: ${event.type} on ${stored.streamId} is not modelled`);
      }
    }
    accounts.set(stored.streamId, after);
    transactions.push({
      account_id: stored.streamId,
      version: stored.version,
      event_id: stored.eventId,
      type: stored.type,
      amount,
      balance_after: after.balance,
      status_after: after.status,
      reason,
      occurred_at: at,
      correlation_id: stored.metadata.correlationId,
    });
  }
  return { accounts, transactions };
}

export interface TrafficLoop {
  /** Appends done so far. */
  readonly appends: number;
  /** Resolves once every writer has finished its append in flight; rejects with a writer's failure. */
  stop(): Promise<void>;
}

/**
 * Live traffic: one writer per list of accounts (an account's appends stay in order), each acting on
 * a random open account of its own, opening a new one now and then, pausing `pauseMs` between
 * appends. `append` must store the append or throw (a conflict here is a bug in the test).
 */
export function appendTraffic(
  traffic: AccountTraffic,
  accountsPerWriter: readonly string[][],
  append: (append: TrafficAppend) => Promise<void>,
  pauseMs: number,
): TrafficLoop {
  let stopped = false;
  let appends = 0;
  const writer = async (accounts: string[]) => {
    while (!stopped) {
      const open = accounts.filter((id) => traffic.isOpen(id));
      const id = open[Math.floor(Math.random() * open.length)];
      if (id === undefined || Math.random() < 0.05) {
        const opening = traffic.openAccount();
        await append(opening);
        accounts.push(opening.streamId);
      } else {
        await append(traffic.act(id));
      }
      appends += 1;
      await sleep(pauseMs);
    }
  };
  const done = Promise.all(accountsPerWriter.map(writer));
  done.catch(() => undefined);
  return {
    get appends() {
      return appends;
    },
    stop: async () => {
      stopped = true;
      await done;
    },
  };
}

/**
 * Opens `accounts` accounts, spread over `writers` lists (as appendTraffic takes them), then lets
 * appendTraffic run flat out until `appends` more are stored. Returns the lists, for the live traffic after.
 */
export async function seedTraffic(
  traffic: AccountTraffic,
  append: (append: TrafficAppend) => Promise<void>,
  shape: { readonly accounts: number; readonly appends: number; readonly writers?: number },
): Promise<string[][]> {
  const owned: string[][] = Array.from({ length: shape.writers ?? 4 }, () => []);
  for (let i = 0; i < shape.accounts; i++) {
    const opening = traffic.openAccount();
    await append(opening);
    owned[i % owned.length]?.push(opening.streamId);
  }
  const seeding = appendTraffic(traffic, owned, append, 0);
  while (seeding.appends < shape.appends) await sleep(50);
  await seeding.stop();
  return owned;
}

/** What a store follower needs of a read: events in commit order with their position. */
export interface CommitOrdered {
  readonly transactionId: string;
  readonly globalPosition: string;
}

/** Before the first event, as the event store's COMMIT_ORIGIN. */
const BEFORE_FIRST_COMMIT: CommitOrdered = { transactionId: '0', globalPosition: '0' };

/** What a store follower needs of an apply: the projection writer's outcome fits. */
export interface FollowerOutcome {
  readonly applied: number;
  readonly duplicates: number;
  readonly held: number;
  readonly moved: readonly { readonly accountId: string; readonly version: number }[];
}

/**
 * Stands in for relay + projector in tests that need a live projection without Kafka: reads the store
 * in commit order (`readAfter`, the event store's committed read) and applies each batch (`apply`, the
 * projection writer), recording the version each account reached once its batch committed.
 */
export class StoreFollower<E extends CommitOrdered> {
  /** Per account, the highest version a committed batch moved it to. */
  readonly reached = new Map<string, number>();
  /** Events read from the store and applied (or skipped, held, dead-lettered) by committed batches. */
  read = 0;
  applied = 0;
  duplicates = 0;
  held = 0;
  private position: CommitOrdered = BEFORE_FIRST_COMMIT;
  private stopped = true;
  private loop: Promise<void> = Promise.resolve();

  constructor(
    private readonly readAfter: (after: CommitOrdered, limit: number) => Promise<readonly E[]>,
    private readonly apply: (events: readonly E[]) => Promise<FollowerOutcome>,
    private readonly batchSize = 200,
  ) {}

  start(): void {
    this.stopped = false;
    this.loop = (async () => {
      while (!this.stopped) if ((await this.step()) === 0) await sleep(20);
    })();
    this.loop.catch(() => undefined);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  /** Stops, then follows until it has read `total` events (the writers must have stopped). */
  async drain(total: number, timeoutMs = 60_000): Promise<void> {
    await this.stop();
    const deadline = Date.now() + timeoutMs;
    while (this.read < total) {
      if (Date.now() > deadline) throw new Error(`store follower: ${this.read} of ${total} events after ${timeoutMs} ms`);
      if ((await this.step()) === 0) await sleep(50);
    }
  }

  private async step(): Promise<number> {
    const events = await this.readAfter(this.position, this.batchSize);
    const last = events[events.length - 1];
    if (last === undefined) return 0;
    const outcome = await this.apply(events);
    this.applied += outcome.applied;
    this.duplicates += outcome.duplicates;
    this.held += outcome.held;
    this.read += events.length;
    for (const { accountId, version } of outcome.moved) this.reached.set(accountId, Math.max(version, this.reached.get(accountId) ?? 0));
    this.position = last;
    return events.length;
  }
}

/**
 * Every event of the store in commit order, reading until there are `total` of them: events committed
 * late (behind the cluster-wide horizon another transaction holds back) are waited for, up to `timeoutMs`.
 */
export async function readAllCommitted<E extends CommitOrdered>(
  readAfter: (after: CommitOrdered, limit: number) => Promise<readonly E[]>,
  total: number,
  timeoutMs = 60_000,
): Promise<E[]> {
  const events: E[] = [];
  const deadline = Date.now() + timeoutMs;
  let position: CommitOrdered = BEFORE_FIRST_COMMIT;
  while (events.length < total && Date.now() < deadline) {
    const batch = await readAfter(position, 5_000);
    const last = batch[batch.length - 1];
    if (last === undefined) await sleep(50);
    else {
      events.push(...batch);
      position = last;
    }
  }
  return events;
}
