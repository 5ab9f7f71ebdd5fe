import { redrive, redriveTransfer, type RedriveOutcome, type TransferRedriveOutcome } from '@ledger/read-model-operations';
import { behind, plural, printOutcome, type CommandContext, type Report } from '../command-context';
import { EXIT, type ExitCode } from '../exit-codes';
import type { LedgerCommand } from '../ledger-arguments.parser';

export async function redriveCommand(command: Extract<LedgerCommand, { name: 'redrive' }>, context: CommandContext): Promise<ExitCode> {
  const acting = { pool: context.readModel, performedBy: context.actor };
  if ('transferId' in command) {
    const outcome = await redriveTransfer(acting, command.transferId);
    return printOutcome(context, command.json, 'redrive', outcome, describeTransferRedrive(outcome));
  }
  const outcome = await redrive(acting, command.accountId);
  return printOutcome(context, command.json, 'redrive', outcome, describeRedrive(outcome));
}

export function describeRedrive(outcome: RedriveOutcome): Report {
  switch (outcome.kind) {
    case 'not-parked':
      return { text: `Account ${outcome.accountId} is not parked: nothing to redrive.`, exit: EXIT.ok };
    case 'redriven':
      return {
        text:
          `Redrove account ${outcome.accountId}: dead letter ${outcome.deadLetterId} and what it held went through ` +
          `(${plural(outcome.applied, 'event')} applied, ${plural(outcome.duplicates, 'duplicate')} skipped). ` +
          `The account is at version ${outcome.version} and no longer parked.`,
        exit: EXIT.ok,
      };
    case 're-parked':
      return {
        text:
          `Account ${outcome.accountId} is parked again, behind ${behind(outcome)}. ` +
          `${plural(outcome.applied, 'event')} applied before it, ` +
          `${plural(outcome.held, 'event')} held after it, version ${outcome.version}. Fix the cause and redrive ` +
          `again, skip that dead letter, or heal the account from the event store.`,
        exit: EXIT.unresolved,
      };
  }
}

export function describeTransferRedrive(outcome: TransferRedriveOutcome): Report {
  const stream = `transfer-${outcome.transferId}`;
  switch (outcome.kind) {
    case 'not-parked':
      return { text: `Transfer stream ${stream} is not parked: nothing to redrive.`, exit: EXIT.ok };
    case 'redriven':
      return {
        text:
          `Redrove transfer stream ${stream}: dead letter ${outcome.deadLetterId} and what it held went through ` +
          `(${plural(outcome.applied, 'event')} applied, ${plural(outcome.duplicates, 'duplicate')} skipped). ` +
          `The transfer is at version ${outcome.version} and no longer parked.`,
        exit: EXIT.ok,
      };
    case 're-parked':
      return {
        text:
          `Transfer stream ${stream} is parked again, behind ${behind(outcome)}. ` +
          `${plural(outcome.applied, 'event')} applied before it, ${plural(outcome.held, 'event')} held after it, ` +
          `version ${outcome.version}. Fix the cause and redrive again, or skip that dead letter.`,
        exit: EXIT.unresolved,
      };
  }
}
