import {
  listParkedAccounts,
  listParkedTransfers,
  type ParkedAccountSummary,
  type ParkedTransferSummary,
} from '@ledger/read-model-operations';
import type { CommandContext } from '../command-context';
import { EXIT, type ExitCode } from '../exit-codes';
import type { LedgerCommand } from '../ledger-arguments.parser';
import { printJson, renderTable, shortTime, type Column } from '../ledger.output';

type Parked = Omit<ParkedAccountSummary, 'accountId'>;

const common: readonly Column<Parked>[] = [
  { header: 'VER', align: 'right', cell: (p) => String(p.version) },
  { header: 'HELD', align: 'right', cell: (p) => String(p.heldEvents) },
  { header: 'DEAD LETTER', align: 'right', cell: (p) => p.deadLetterId },
  { header: 'PARKED SINCE', align: 'left', cell: (p) => shortTime(p.parkedAt) },
  { header: 'REASON', align: 'left', cell: (p) => p.reason },
];

const COLUMNS: readonly Column<ParkedAccountSummary>[] = [{ header: 'ACCOUNT', align: 'left', cell: (p) => p.accountId }, ...common];

/** A transfer's stream by the name `redrive` takes: `transfer-<id>`. */
const TRANSFER_COLUMNS: readonly Column<ParkedTransferSummary>[] = [
  { header: 'TRANSFER STREAM', align: 'left', cell: (p) => `transfer-${p.transferId}` },
  ...common,
];

/** Parked accounts, then parked transfers' streams (each parked on its own); JSON: one list, accounts first. */
export async function parkedCommand(command: Extract<LedgerCommand, { name: 'parked' }>, context: CommandContext): Promise<ExitCode> {
  const parked = await listParkedAccounts(context.readModel, command);
  const transfers = await listParkedTransfers(context.readModel, command);
  if (command.json) {
    printJson(context.terminal, [...parked, ...transfers]);
    return EXIT.ok;
  }
  if (parked.length > 0 || transfers.length === 0) {
    context.terminal.out(parked.length === 0 ? 'No parked accounts.' : renderTable(context.terminal, COLUMNS, parked));
  }
  if (transfers.length > 0) context.terminal.out(renderTable(context.terminal, TRANSFER_COLUMNS, transfers));
  return EXIT.ok;
}
