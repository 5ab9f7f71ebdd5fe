import { readStreamEvents } from '@ledger/event-store';
import { heal, type HealOutcome } from '@ledger/read-model-operations';
import { behind, plural, printOutcome, type CommandContext, type Report } from '../command-context';
import { EXIT, type ExitCode } from '../exit-codes';
import type { LedgerCommand } from '../ledger-arguments.parser';

export async function healCommand(command: Extract<LedgerCommand, { name: 'heal' }>, context: CommandContext): Promise<ExitCode> {
  // As stored: the projection upcasts each event, and parks the account behind one it cannot read.
  const loadEvents = () => readStreamEvents(context.eventStore(), command.accountId);
  const outcome = await heal({ pool: context.readModel, performedBy: context.actor }, command.accountId, loadEvents);
  return printOutcome(context, command.json, 'heal', outcome, describeHeal(outcome));
}

export function describeHeal(outcome: HealOutcome): Report {
  if (outcome.kind === 'unknown-account') {
    return {
      text: `Neither the event store nor the read model knows account ${outcome.accountId}: nothing to heal.`,
      exit: EXIT.unresolved,
    };
  }
  const cleared = [
    outcome.wasParked ? 'unparked' : 'was not parked',
    `${plural(outcome.discarded, 'held event')} discarded`,
    `${plural(outcome.deadLettersHealed.length, 'dead letter')} marked healed`,
  ].join(', ');
  if (outcome.kind === 'healed') {
    return {
      text: `Healed account ${outcome.accountId} from the event store: ${plural(outcome.events, 'event')}, now at version ${outcome.version}; ${cleared}.`,
      exit: EXIT.ok,
    };
  }
  return {
    text:
      `Healed account ${outcome.accountId} up to version ${outcome.version}, then parked it again behind ` +
      `${behind(outcome)} (${plural(outcome.held, 'later event')} held). ` +
      `The event store holds an event this release cannot project.`,
    exit: EXIT.unresolved,
  };
}
