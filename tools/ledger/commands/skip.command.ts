import { skip, type SkipOutcome } from '@ledger/read-model-operations';
import { behind, plural, printOutcome, type CommandContext, type Report } from '../command-context';
import { EXIT, type ExitCode } from '../exit-codes';
import type { LedgerCommand } from '../ledger-arguments.parser';

export async function skipCommand(command: Extract<LedgerCommand, { name: 'skip' }>, context: CommandContext): Promise<ExitCode> {
  const outcome = await skip({ pool: context.readModel, performedBy: context.actor }, command.deadLetterId);
  return printOutcome(context, command.json, 'skip', outcome, describeSkip(outcome));
}

export function describeSkip(outcome: SkipOutcome): Report {
  const id = outcome.deadLetterId;
  switch (outcome.kind) {
    case 'not-found':
      return { text: `There is no dead letter ${id}.`, exit: EXIT.unresolved };
    case 'not-open':
      return { text: `Dead letter ${id} is already ${outcome.status}: nothing to skip.`, exit: EXIT.ok };
    case 'skipped':
      return {
        text: `Skipped dead letter ${id}${skippedOf(outcome)}; it parked nothing.`,
        exit: EXIT.ok,
      };
    case 'unparked':
      return {
        text:
          `Skipped dead letter ${id}; account ${outcome.accountId} is unparked, ${plural(outcome.applied, 'held event')} applied, ` +
          `now at version ${outcome.version}.`,
        exit: EXIT.ok,
      };
    case 're-parked':
      return {
        text:
          `Skipped dead letter ${id}, but account ${outcome.accountId} is parked again behind ` +
          `${behind(outcome)}. If the skipped message was a real ` +
          `event, its account now has a gap: heal it from the event store.`,
        exit: EXIT.unresolved,
      };
    case 'transfer-unparked':
      return {
        text:
          `Skipped dead letter ${id}; transfer stream transfer-${outcome.transferId} is unparked, ` +
          `${plural(outcome.applied, 'held event')} applied, now at version ${outcome.version}.`,
        exit: EXIT.ok,
      };
    case 'transfer-re-parked':
      return {
        text:
          `Skipped dead letter ${id}, but transfer stream transfer-${outcome.transferId} is parked again behind ` +
          `${behind(outcome)}. If the skipped message was a real event of the transfer, its stream now has a gap.`,
        exit: EXIT.unresolved,
      };
  }
}

function skippedOf(outcome: Extract<SkipOutcome, { kind: 'skipped' }>): string {
  if (outcome.accountId !== null) return ` of account ${outcome.accountId}`;
  if (outcome.transferId !== undefined) return ` of transfer stream transfer-${outcome.transferId}`;
  return ' (it names no stream)';
}
