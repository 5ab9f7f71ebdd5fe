import { listParkedAccounts, type ParkedAccountSummary } from '@ledger/read-model-operations';
import type { CommandContext } from '../command-context';
import { EXIT, type ExitCode } from '../exit-codes';
import type { LedgerCommand } from '../ledger-arguments.parser';
import { printJson, renderTable, shortTime, type Column } from '../ledger.output';

const COLUMNS: readonly Column<ParkedAccountSummary>[] = [
  { header: 'ACCOUNT', align: 'left', cell: (p) => p.accountId },
  { header: 'VER', align: 'right', cell: (p) => String(p.version) },
  { header: 'HELD', align: 'right', cell: (p) => String(p.heldEvents) },
  { header: 'DEAD LETTER', align: 'right', cell: (p) => p.deadLetterId },
  { header: 'PARKED SINCE', align: 'left', cell: (p) => shortTime(p.parkedAt) },
  { header: 'REASON', align: 'left', cell: (p) => p.reason },
];

export async function parkedCommand(command: Extract<LedgerCommand, { name: 'parked' }>, context: CommandContext): Promise<ExitCode> {
  const parked = await listParkedAccounts(context.readModel, command);
  if (command.json) printJson(context.terminal, parked);
  else context.terminal.out(parked.length === 0 ? 'No parked accounts.' : renderTable(context.terminal, COLUMNS, parked));
  return EXIT.ok;
}
