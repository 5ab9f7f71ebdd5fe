import type { AccountStanding } from '@ledger/read-model-projection';
import type { Pool } from 'pg';
import type { ExitCode } from './exit-codes';
import { printable, printJson, type Terminal } from './ledger.output';

export interface CommandContext {
  readonly terminal: Terminal;
  readonly readModel: Pool;
  /** Opened on first use: only heal and verify read the event store. */
  readonly eventStore: () => Pool;
  /** Recorded as who performed an action. */
  readonly actor: string;
}

/** What an action's outcome means for the operator, and for the exit status. */
export interface Report {
  readonly text: string;
  readonly exit: ExitCode;
}

/** An action's outcome for the operator: the report's text, or with `--json` the outcome itself; the report's exit status either way. */
export function printOutcome(context: CommandContext, json: boolean, action: string, outcome: object, report: Report): ExitCode {
  if (json) printJson(context.terminal, { action, ...outcome });
  else context.terminal.out(report.text);
  return report.exit;
}

/** `dead letter 17: version gap: ...`, what a parked account waits behind. */
export function behind(standing: AccountStanding): string {
  const parked = standing.parkedBehind;
  return parked === null ? 'a dead letter' : `dead letter ${parked.deadLetterId}: ${printable(parked.reason)}`;
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
