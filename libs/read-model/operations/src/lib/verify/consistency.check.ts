import { streamCategoryOf, transferIdOf, transferStreamId } from '@ledger/domain';
import type { AccountView, TransactionRow, TransferLegRow, TransferRow, TransferStateWithId } from '@ledger/read-model-schema';
import { COMMAND_EVENT_TYPES, type AcknowledgedCommand, type AcknowledgementBook } from './acknowledged-command';
import {
  compareAccounts,
  compareTransactions,
  compareTransferLegs,
  compareTransferRows,
  compareTransferStates,
  describeRow,
} from './consistency.compare';
import { ABSENT, DIFFERENCE_KINDS, type Difference, type DifferenceKind } from './consistency.difference';
import { ExpectedAccount } from './expected-account.fold';
import type { StoreEvent } from './store-event';
import { ExpectedTransfer } from './expected-transfer.fold';
import {
  DEFAULT_EXPIRY_GRACE_MS,
  ReadModelConservation,
  StoreConservation,
  type ConservationOptions,
  type CurrencyTotals,
} from './money-conservation.check';

/** The read model's transfer tables, each in transfer id order (then version, or leg). */
export interface TransferTableSources {
  readonly rows: AsyncIterable<TransferRow>;
  readonly states: AsyncIterable<TransferStateWithId>;
  readonly legs: AsyncIterable<TransferLegRow>;
}

/** Both sides, each in stream id order (account ids, then `transfer-<id>`; then version): the event store's and the read model's. */
export interface ConsistencySources {
  readonly events: AsyncIterable<StoreEvent>;
  readonly accounts: AsyncIterable<AccountView>;
  readonly transactions: AsyncIterable<TransactionRow>;
  /** Acknowledged commands to find in both. */
  readonly acknowledgements?: AcknowledgementBook;
  /**
   * The read model's transfer tables, compared with the transfer streams and the legs. Needs the whole
   * store (the legs are gathered from every account): ignored when `conservation` is null.
   */
  readonly transfers?: TransferTableSources;
  /**
   * The conservation checks, which need the whole store: null when only part of it is read (one
   * account). Default: on, without a clock (no hold is judged stale).
   */
  readonly conservation?: ConservationOptions | null;
}

export interface ConsistencyProgress {
  readonly accounts: number;
  readonly events: number;
}

export interface ConsistencySummary {
  readonly streams: number;
  readonly events: number;
  readonly accountRows: number;
  readonly transactionRows: number;
  /** Accounts either side knows. */
  readonly accountsChecked: number;
  /** Transfer streams in the store (their events are counted in `events`). */
  readonly transferStreams: number;
  /** Rows of `read_model.transfers` (0 when the transfer tables were not compared). */
  readonly transferRows: number;
  /** The store's money per currency; null when conservation was not checked. */
  readonly currencies: readonly CurrencyTotals[] | null;
  readonly acknowledgedCommands: number;
  readonly unknownOutcomes: number;
  readonly differences: number;
  readonly differencesByKind: Readonly<Record<DifferenceKind, number>>;
}

type Acknowledged = Extract<AcknowledgedCommand, { outcome: 'acknowledged' }>;

/**
 * Compares the event store with the read model by a merge join: the inputs advance together in stream
 * id order, one account (or transfer) at a time and one event at a time within it, so memory stays
 * bounded whatever their size (but for the legs, see `StoreConservation`). Each difference is handed to
 * `report` as it is found; the summary counts them. Account streams come first (an account id sorts
 * before every `transfer-…`), so a transfer is checked once every leg is known.
 */
export async function checkConsistency(
  sources: ConsistencySources,
  report: (difference: Difference) => void,
  onProgress: (progress: ConsistencyProgress) => void = () => undefined,
): Promise<ConsistencySummary> {
  const byKind = Object.fromEntries(DIFFERENCE_KINDS.map((kind) => [kind, 0])) as Record<DifferenceKind, number>;
  const check = new ConsistencyRun(sources, (difference) => {
    byKind[difference.kind]++;
    report(difference);
  });
  for (;;) {
    const key = await check.nextKey();
    if (key === undefined) break;
    if (streamCategoryOf(key) === 'transfer') await check.transfer(key);
    else await check.account(key);
    if ((check.counts.accountsChecked + check.counts.transferStreams) % 1000 === 0) onProgress(check.progress);
  }
  const currencies = check.finish();
  onProgress(check.progress);
  const differences = Object.values(byKind).reduce((sum, n) => sum + n, 0);
  return {
    ...check.counts,
    currencies,
    acknowledgedCommands: sources.acknowledgements?.acknowledged ?? 0,
    unknownOutcomes: sources.acknowledgements?.unknown ?? 0,
    differences,
    differencesByKind: byKind,
  };
}

class ConsistencyRun {
  readonly counts = { streams: 0, events: 0, accountRows: 0, transactionRows: 0, accountsChecked: 0, transferStreams: 0, transferRows: 0 };
  private readonly events: OrderedCursor<StoreEvent>;
  private readonly accounts: OrderedCursor<AccountView>;
  private readonly transactions: OrderedCursor<TransactionRow>;
  private readonly tables: {
    rows: OrderedCursor<TransferRow>;
    states: OrderedCursor<TransferStateWithId>;
    legs: OrderedCursor<TransferLegRow>;
  } | null;
  private readonly store: StoreConservation | null;
  private readonly readModel = new ReadModelConservation();

  constructor(
    private readonly sources: ConsistencySources,
    private readonly found: (difference: Difference) => void,
  ) {
    this.events = new OrderedCursor(sources.events, (e) => e.streamId, 'event store');
    this.accounts = new OrderedCursor(sources.accounts, (a) => a.accountId, 'read model accounts');
    this.transactions = new OrderedCursor(sources.transactions, (t) => t.accountId, 'read model history');
    const conservation = sources.conservation === undefined ? { expiryGraceMs: DEFAULT_EXPIRY_GRACE_MS } : sources.conservation;
    this.store = conservation === null ? null : new StoreConservation(conservation);
    const tables = this.store === null ? undefined : sources.transfers;
    this.tables =
      tables === undefined
        ? null
        : {
            rows: new OrderedCursor(tables.rows, (t) => transferStreamId(t.transferId), 'read model transfers'),
            states: new OrderedCursor(tables.states, (t) => transferStreamId(t.transferId), 'read model transfer states'),
            legs: new OrderedCursor(tables.legs, (t) => transferStreamId(t.transferId), 'read model transfer legs'),
          };
  }

  get progress(): ConsistencyProgress {
    return { accounts: this.counts.accountsChecked, events: this.counts.events };
  }

  async nextKey(): Promise<string | undefined> {
    const keys = [await this.events.key(), await this.accounts.key(), await this.transactions.key()];
    if (this.tables !== null) keys.push(await this.tables.rows.key(), await this.tables.states.key(), await this.tables.legs.key());
    return smallest(keys);
  }

  async account(accountId: string): Promise<void> {
    const { counts, events, transactions, found } = this;
    counts.accountsChecked++;
    const acks = this.sources.acknowledgements?.take(accountId) ?? new Map<number, Acknowledged[]>();
    const expected = new ExpectedAccount(accountId);
    let sawStream = false;
    for (;;) {
      const event = (await events.key()) === accountId ? await events.peek() : undefined;
      const row = (await transactions.key()) === accountId ? await transactions.peek() : undefined;
      if (event === undefined && row === undefined) break;
      if (event !== undefined && (row === undefined || event.version <= row.version)) {
        await events.next();
        sawStream = true;
        counts.events++;
        const matching = row !== undefined && row.version === event.version ? row : null;
        if (matching !== null) {
          await transactions.next();
          counts.transactionRows++;
        }
        const step = expected.apply(event);
        step.problems.forEach(found);
        if (step.event !== null && expected.currency !== null) this.store?.accountEvent(expected.currency, event.version, step.event);
        if (step.row !== null) compareTransactions(accountId, step.row, matching).forEach(found);
        checkAcks(accountId, acks.get(event.version) ?? [], event, matching, expected.broken).forEach(found);
        acks.delete(event.version);
      } else if (row !== undefined) {
        await transactions.next();
        counts.transactionRows++;
        if (!expected.broken) compareTransactions(accountId, null, row).forEach(found);
      }
    }
    if (sawStream) counts.streams++;
    this.store?.accountEnd(accountId, expected.view, expected.broken, expected.currency);
    const account = (await this.accounts.key()) === accountId ? await this.accounts.next() : undefined;
    if (account !== undefined) {
      counts.accountRows++;
      this.readModel.add(account);
    }
    if (!expected.broken) compareAccounts(accountId, expected.view, account ?? null).forEach(found);
    for (const [version, left] of acks) for (const ack of left) found(notInStore(ack, version));
  }

  async transfer(streamId: string): Promise<void> {
    const transferId = (transferIdOf(streamId) ?? '').toLowerCase();
    const expected = new ExpectedTransfer(streamId, transferId);
    let sawStream = false;
    while ((await this.events.key()) === streamId) {
      const event = await this.events.next();
      if (event === undefined) break;
      sawStream = true;
      this.counts.events++;
      expected.apply(event).forEach(this.found);
    }
    if (sawStream) this.counts.transferStreams++;
    if (this.store === null) return;
    const legs = this.store.takeLegs(transferId);
    this.store.transfer(streamId, sawStream ? expected : null, legs).forEach(this.found);
    if (this.tables === null) return;
    const row = (await this.tables.rows.key()) === streamId ? await this.tables.rows.next() : undefined;
    if (row !== undefined) this.counts.transferRows++;
    const states = await all(this.tables.states, streamId);
    const legRows = await all(this.tables.legs, streamId);
    if (expected.broken) return;
    compareTransferRows(streamId, expected.row, row ?? null).forEach(this.found);
    compareTransferStates(streamId, expected.states, states).forEach(this.found);
    compareTransferLegs(streamId, legs, legRows).forEach(this.found);
  }

  /** What only the end shows; the store's money per currency (null when conservation is off). */
  finish(): readonly CurrencyTotals[] | null {
    for (const accountId of this.sources.acknowledgements?.remainingAccounts() ?? []) {
      for (const [version, left] of this.sources.acknowledgements?.take(accountId) ?? [])
        for (const ack of left) this.found(notInStore(ack, version));
    }
    if (this.store === null) return null;
    this.store.finish().forEach(this.found);
    this.readModel.finish().forEach(this.found);
    return this.store.currencies;
  }
}

/** Every item of the cursor under `key`. */
async function all<T>(cursor: OrderedCursor<T>, key: string): Promise<T[]> {
  const items: T[] = [];
  while ((await cursor.key()) === key) {
    const item = await cursor.next();
    if (item !== undefined) items.push(item);
  }
  return items;
}

/** An acknowledged command must be the event at its version, in the store and in the read model. */
function checkAcks(
  accountId: string,
  acks: readonly Acknowledged[],
  event: StoreEvent,
  row: TransactionRow | null,
  broken: boolean,
): Difference[] {
  return acks.flatMap((ack): Difference[] => {
    const field = `ack v${ack.version} ${ack.kind}`;
    const wanted = describeAck(ack);
    const storeAmount = amountIn(event);
    const typeDue = COMMAND_EVENT_TYPES[ack.kind];
    if (event.type !== typeDue || storeAmount !== ack.amount || (ack.eventId !== undefined && ack.eventId !== event.eventId)) {
      return [
        {
          kind: 'ack-mismatch',
          accountId,
          field,
          expected: wanted,
          actual: `in the event store: ${event.type}${storeAmount === null ? '' : ` ${storeAmount}`} (event ${event.eventId})`,
        },
      ];
    }
    if (broken) return [];
    if (row === null) return [{ kind: 'missing-ack', accountId, field, expected: `${wanted} in the read model`, actual: ABSENT }];
    if (row.type !== typeDue || (row.amount === null ? null : Number(row.amount)) !== ack.amount || row.eventId !== event.eventId) {
      return [{ kind: 'ack-mismatch', accountId, field, expected: wanted, actual: `in the read model: ${describeRow(row)}` }];
    }
    return [];
  });
}

function notInStore(ack: Acknowledged, version: number): Difference {
  return {
    kind: 'missing-ack',
    accountId: ack.accountId,
    field: `ack v${version} ${ack.kind}`,
    expected: describeAck(ack),
    actual: `${ABSENT} from the event store`,
  };
}

function describeAck(ack: Acknowledged): string {
  return `${COMMAND_EVENT_TYPES[ack.kind]}${ack.amount === null ? '' : ` ${ack.amount}`}${ack.eventId === undefined ? '' : ` (event ${ack.eventId})`}`;
}

/** The amount as stored (before decoding: an acknowledgement is checked even where the stream broke). */
function amountIn(event: StoreEvent): number | null {
  const field =
    event.type === 'AccountOpened'
      ? 'initialDeposit'
      : event.type === 'MoneyDeposited' || event.type === 'MoneyWithdrawn'
        ? 'amount'
        : null;
  if (field === null) return null;
  const value = event.data[field];
  return typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : null;
}

function smallest(keys: readonly (string | undefined)[]): string | undefined {
  let least: string | undefined;
  for (const key of keys) if (key !== undefined && (least === undefined || key < least)) least = key;
  return least;
}

/**
 * An async iterator with one item of look-ahead, that fails when its keys go backwards: a merge join
 * on inputs out of order would report differences that are not there.
 */
class OrderedCursor<T> {
  private readonly iterator: AsyncIterator<T>;
  private head: { item: T } | null | undefined;
  private lastKey: string | undefined;

  constructor(
    source: AsyncIterable<T>,
    private readonly keyOf: (item: T) => string,
    private readonly name: string,
  ) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  async peek(): Promise<T | undefined> {
    if (this.head === undefined) {
      const result = await this.iterator.next();
      this.head = result.done === true ? null : { item: result.value };
      if (this.head !== null) {
        const key = this.keyOf(this.head.item);
        if (this.lastKey !== undefined && key < this.lastKey)
          throw new Error(`${this.name} is not in stream id order: ${key} after ${this.lastKey}`);
        this.lastKey = key;
      }
    }
    return this.head?.item;
  }

  async key(): Promise<string | undefined> {
    const item = await this.peek();
    return item === undefined ? undefined : this.keyOf(item);
  }

  async next(): Promise<T | undefined> {
    const item = await this.peek();
    if (this.head !== null) this.head = undefined;
    return item;
  }
}
