import type { AccountView, TransactionRow } from '@ledger/read-model-schema';
import { COMMAND_EVENT_TYPES, type AcknowledgedCommand, type AcknowledgementBook } from './acknowledged-command';
import { compareAccounts, compareTransactions, describeRow } from './consistency.compare';
import { ABSENT, DIFFERENCE_KINDS, type Difference, type DifferenceKind } from './consistency.difference';
import { ExpectedAccount, type StoreEvent } from './expected-account.fold';

/** Both sides, each in account id order (then version): the event store's and the read model's. */
export interface ConsistencySources {
  readonly events: AsyncIterable<StoreEvent>;
  readonly accounts: AsyncIterable<AccountView>;
  readonly transactions: AsyncIterable<TransactionRow>;
  /** Acknowledged commands to find in both. */
  readonly acknowledgements?: AcknowledgementBook;
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
  readonly acknowledgedCommands: number;
  readonly unknownOutcomes: number;
  readonly differences: number;
  readonly differencesByKind: Readonly<Record<DifferenceKind, number>>;
}

type Acknowledged = Extract<AcknowledgedCommand, { outcome: 'acknowledged' }>;

/**
 * Compares the event store with the read model by a merge join: the three inputs advance together in
 * account id order, one account at a time and one event at a time within it, so memory stays bounded
 * whatever their size. Each difference is handed to `report` as it is found; the summary counts them.
 */
export async function checkConsistency(
  sources: ConsistencySources,
  report: (difference: Difference) => void,
  onProgress: (progress: ConsistencyProgress) => void = () => undefined,
): Promise<ConsistencySummary> {
  const events = new OrderedCursor(sources.events, (e) => e.streamId, 'event store');
  const accounts = new OrderedCursor(sources.accounts, (a) => a.accountId, 'read model accounts');
  const transactions = new OrderedCursor(sources.transactions, (t) => t.accountId, 'read model history');
  const counts = { streams: 0, events: 0, accountRows: 0, transactionRows: 0, accountsChecked: 0 };
  const byKind = Object.fromEntries(DIFFERENCE_KINDS.map((kind) => [kind, 0])) as Record<DifferenceKind, number>;
  const found = (difference: Difference) => {
    byKind[difference.kind]++;
    report(difference);
  };

  for (;;) {
    const accountId = smallest([await events.key(), await accounts.key(), await transactions.key()]);
    if (accountId === undefined) break;
    counts.accountsChecked++;
    const acks = sources.acknowledgements?.take(accountId) ?? new Map<number, Acknowledged[]>();
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
    const account = (await accounts.key()) === accountId ? await accounts.next() : undefined;
    if (account !== undefined) counts.accountRows++;
    if (!expected.broken) compareAccounts(accountId, expected.view, account ?? null).forEach(found);
    for (const [version, left] of acks) for (const ack of left) found(notInStore(ack, version));
    if (counts.accountsChecked % 1000 === 0) onProgress({ accounts: counts.accountsChecked, events: counts.events });
  }
  for (const accountId of sources.acknowledgements?.remainingAccounts() ?? []) {
    for (const [version, left] of sources.acknowledgements?.take(accountId) ?? []) for (const ack of left) found(notInStore(ack, version));
  }
  onProgress({ accounts: counts.accountsChecked, events: counts.events });
  const differences = Object.values(byKind).reduce((sum, n) => sum + n, 0);
  return {
    ...counts,
    acknowledgedCommands: sources.acknowledgements?.acknowledged ?? 0,
    unknownOutcomes: sources.acknowledgements?.unknown ?? 0,
    differences,
    differencesByKind: byKind,
  };
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
          throw new Error(`${this.name} is not in account id order: ${key} after ${this.lastKey}`);
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
