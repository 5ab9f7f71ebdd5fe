import { eventsInStreamOrder } from '@ledger/event-store';
import {
  AcknowledgementBook,
  checkConsistency,
  DIFFERENCE_KINDS,
  parseAcknowledgedCommand,
  type ConsistencySummary,
  type CurrencyTotals,
  type Difference,
} from '@ledger/read-model-operations';
import {
  accountsInIdOrder,
  transactionsInIdOrder,
  transferLegsInIdOrder,
  transfersInIdOrder,
  transferStatesInIdOrder,
} from '@ledger/read-model-schema';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { ClientBase, Pool, PoolClient } from 'pg';
import { plural, type CommandContext } from '../command-context';
import { EXIT, type ExitCode } from '../exit-codes';
import type { LedgerCommand } from '../ledger-arguments.parser';
import { printable, printJson, stderrStatusLine, type StatusLine } from '../ledger.output';

type VerifyCommand = Extract<LedgerCommand, { name: 'verify' }>;

/** JSON output holds the differences in memory: past this many only the count grows. */
export const MAX_JSON_DIFFERENCES = 10_000;

/** A bad acknowledgement log is a bad argument: nothing is read from the databases. */
export class AcknowledgementLogError extends Error {}

export async function verifyCommand(
  command: VerifyCommand,
  context: CommandContext,
  status: StatusLine = stderrStatusLine(),
): Promise<ExitCode> {
  let acknowledgements: AcknowledgementBook | undefined;
  if (command.acksFile !== undefined) {
    try {
      acknowledgements = await readAcknowledgements(command.acksFile);
    } catch (error) {
      if (!(error instanceof AcknowledgementLogError)) throw error;
      context.terminal.err(`ledger verify: ${printable(error.message)}`);
      return EXIT.usage;
    }
  }
  const shown: Difference[] = [];
  const report = (difference: Difference) => {
    if (command.json) {
      if (shown.length < MAX_JSON_DIFFERENCES) shown.push(difference);
      return;
    }
    status.clear();
    context.terminal.out(describeDifference(difference));
  };
  const started = Date.now();
  // Taken before the snapshots: a hold they still show pending was pending at least until then.
  const now = new Date(started);
  const whole = command.accountId === undefined;
  const summary = await inSnapshots(context, (store, readModel) => {
    const options = { batchSize: command.batch, ...(command.accountId === undefined ? {} : { accountId: command.accountId }) };
    return checkConsistency(
      {
        events: eventsInStreamOrder(store, {
          batchSize: command.batch,
          ...(command.accountId === undefined ? {} : { streamId: command.accountId }),
        }),
        accounts: accountsInIdOrder(readModel, options),
        transactions: transactionsInIdOrder(readModel, options),
        ...(acknowledgements === undefined ? {} : { acknowledgements }),
        // Conservation and the transfers need every account's legs: not for one account.
        conservation: whole ? { now, expiryGraceMs: command.expiryIntervalSeconds * 1000 } : null,
        ...(whole
          ? {
              transfers: {
                rows: transfersInIdOrder(readModel, command.batch),
                states: transferStatesInIdOrder(readModel, command.batch),
                legs: transferLegsInIdOrder(readModel, command.batch),
              },
            }
          : {}),
      },
      report,
      (progress) =>
        status.show(
          `verify  ${grouped(progress.accounts)} accounts  ${grouped(progress.events)} events  ${grouped(progress.events / Math.max(0.001, (Date.now() - started) / 1000))} events/s`,
        ),
    );
  });
  status.clear();
  const unknownAccount = command.accountId !== undefined && summary.accountsChecked === 0;
  if (command.json) {
    printJson(context.terminal, {
      action: 'verify',
      consistent: summary.differences === 0,
      ...(unknownAccount ? { unknownAccount: command.accountId } : {}),
      summary: { ...summary, currencies: summary.currencies?.map(jsonTotals) ?? null },
      differences: shown,
    });
  } else {
    context.terminal.out(
      unknownAccount
        ? `Neither the event store nor the read model knows account ${command.accountId}: nothing to verify.`
        : describeSummary(summary),
    );
  }
  if (unknownAccount) return EXIT.unresolved;
  return summary.differences === 0 ? EXIT.ok : EXIT.differences;
}

/**
 * Each side read in one REPEATABLE READ snapshot, so pages never see a row twice or miss one that
 * moved; one snapshot for both when they share a database.
 */
async function inSnapshots<T>(context: CommandContext, run: (store: ClientBase, readModel: ClientBase) => Promise<T>): Promise<T> {
  const pools: Pool[] = [context.readModel];
  const storePool = context.eventStore();
  if (storePool !== context.readModel) pools.push(storePool);
  const clients: PoolClient[] = [];
  try {
    for (const pool of pools) {
      const client = await pool.connect();
      clients.push(client);
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    }
    const [readModel, store = readModel] = clients as [PoolClient, PoolClient?];
    const result = await run(store, readModel);
    for (const client of clients) await client.query('COMMIT');
    return result;
  } finally {
    // A failed read leaves its transaction aborted: the pool must not get that session back.
    for (const client of clients) client.release(true);
  }
}

/** The acknowledgement log, every line checked before anything is compared. */
export async function readAcknowledgements(file: string): Promise<AcknowledgementBook> {
  const book = new AcknowledgementBook();
  const input = createReadStream(file, { encoding: 'utf8' });
  const opened = new Promise<void>((resolve, reject) => {
    input.once('open', () => resolve());
    input.once('error', (error) => reject(new AcknowledgementLogError(`cannot read --acks ${file}: ${error.message}`)));
  });
  await opened;
  let number = 0;
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    number++;
    if (line.trim().length === 0) continue;
    const parsed = parseAcknowledgedCommand(line);
    if (typeof parsed === 'string') {
      input.destroy();
      throw new AcknowledgementLogError(`--acks ${file} line ${number}: ${parsed}`);
    }
    book.add(parsed);
  }
  return book;
}

/** `7f9c…  transaction v3 amount: expected 500, actual 400` */
export function describeDifference(difference: Difference): string {
  return printable(`${difference.accountId}  ${difference.field}: expected ${difference.expected}, actual ${difference.actual}`);
}

export function describeSummary(summary: ConsistencySummary): string {
  const checked =
    `Checked ${grouped(summary.accountsChecked)} ${summary.accountsChecked === 1 ? 'account' : 'accounts'}: ` +
    `${counted(summary.streams, 'stream')} (${counted(summary.events, 'event')}) against ` +
    `${counted(summary.accountRows, 'account row')} and ${counted(summary.transactionRows, 'history row')}`;
  const acks =
    summary.acknowledgedCommands + summary.unknownOutcomes === 0
      ? ''
      : `; ${counted(summary.acknowledgedCommands, 'acknowledged command')}` +
        (summary.unknownOutcomes === 0 ? '' : ` (and ${counted(summary.unknownOutcomes, 'command')} of unknown outcome, not checked)`);
  const transfers =
    summary.transferStreams + summary.transferRows === 0
      ? ''
      : `; ${counted(summary.transferStreams, 'transfer stream')} against ${counted(summary.transferRows, 'transfer row')}`;
  const money = summary.currencies === null || summary.currencies.length === 0 ? '' : `\n${describeMoney(summary.currencies)}`;
  if (summary.differences === 0) {
    return `${checked}${transfers}${acks}.${money}\nNo differences: the read model agrees with the event store, and money is conserved.`;
  }
  const kinds = DIFFERENCE_KINDS.filter((kind) => summary.differencesByKind[kind] > 0).map(
    (kind) => `${grouped(summary.differencesByKind[kind])} ${kind}`,
  );
  return `${checked}${transfers}${acks}.${money}\n${counted(summary.differences, 'difference')}: ${kinds.join(', ')}.`;
}

/** `Money in the event store: EUR balances 910 (deposits 1,010 - withdrawals 100).` */
function describeMoney(currencies: readonly CurrencyTotals[]): string {
  const each = currencies.map(
    (money) =>
      `${money.currency} balances ${groupedMoney(money.balances)} (deposits ${groupedMoney(money.deposited)} - withdrawals ${groupedMoney(money.withdrawn)})`,
  );
  return printable(`Money in the event store: ${each.join('; ')}.`);
}

function groupedMoney(amount: bigint): string {
  return amount.toLocaleString('en-US');
}

/** JSON has no bigint: exact amounts as decimal strings. */
function jsonTotals(money: CurrencyTotals): Record<string, string> {
  return {
    currency: money.currency,
    deposited: money.deposited.toString(),
    withdrawn: money.withdrawn.toString(),
    balances: money.balances.toString(),
  };
}

function grouped(count: number): string {
  return Math.round(count).toLocaleString('en-US');
}

function counted(count: number, noun: string): string {
  return plural(count, noun).replace(/^\d+/, grouped(count));
}
