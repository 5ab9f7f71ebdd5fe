import { listDeadLetters, type DeadLetterSummary } from '@ledger/read-model-operations';
import type { CommandContext } from '../command-context';
import { EXIT, type ExitCode } from '../exit-codes';
import type { LedgerCommand } from '../ledger-arguments.parser';
import { printJson, renderTable, shortTime, type Column } from '../ledger.output';

/** Narrow enough to leave the error room on a terminal; --json has every field (topic, partition, offset...). */
const COLUMNS: readonly Column<DeadLetterSummary>[] = [
  { header: 'ID', align: 'right', cell: (d) => d.id },
  { header: 'ACCOUNT', align: 'left', cell: (d) => d.accountId ?? '-' },
  { header: 'VER', align: 'right', cell: (d) => (d.version === null ? '-' : String(d.version)) },
  { header: 'STATUS', align: 'left', cell: (d) => d.status },
  { header: 'PARKS', align: 'left', cell: (d) => (d.parksAccount ? 'yes' : '') },
  { header: 'TRIES', align: 'right', cell: (d) => String(d.attempts) },
  { header: 'CREATED', align: 'left', cell: (d) => shortTime(d.createdAt) },
  { header: 'ERROR', align: 'left', cell: (d) => d.error },
];

export async function deadLettersCommand(
  command: Extract<LedgerCommand, { name: 'dead-letters' }>,
  context: CommandContext,
): Promise<ExitCode> {
  const deadLetters = await listDeadLetters(context.readModel, command);
  if (command.json) printJson(context.terminal, deadLetters);
  else context.terminal.out(deadLetters.length === 0 ? 'No dead letters.' : renderTable(context.terminal, COLUMNS, deadLetters));
  return EXIT.ok;
}
