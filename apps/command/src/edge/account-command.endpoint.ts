import { Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AccountCommandHandler, AccountCommandOutcome, CommandContext } from '@ledger/account-commands';
import { AccountCommand } from '@ledger/domain';
import { CommandMetrics } from '../accounts/command.metrics';
import { AccountCommandResponse } from './account-command.response';
import { accountProblem } from './account-problems';
import { send } from './command-response';

/** The metric label of an outcome: ok, replayed, or the problem type's slug. */
function outcomeLabel(outcome: AccountCommandOutcome): string {
  switch (outcome.kind) {
    case 'accepted':
      return 'ok';
    case 'replayed':
      return 'replayed';
    case 'rejected':
      return accountProblem(outcome.error).problem.type.split('/').pop() ?? 'rejected';
    case 'version-mismatch':
      return 'version-mismatch';
    case 'conflict':
      return 'concurrency-conflict';
    case 'idempotency-key-reused':
      return 'idempotency-key-reused';
    case 'account-busy':
      return 'account-busy';
    default: {
      const _exhaustive: never = outcome;
      throw new Error(`unhandled command outcome ${JSON.stringify(_exhaustive)}`);
    }
  }
}

/** What every command route does once its controller has built the domain command: run, measure, answer. */
@Injectable()
export class AccountCommandEndpoint {
  constructor(
    private readonly accounts: AccountCommandHandler,
    private readonly metrics: CommandMetrics,
  ) {}

  async run(command: AccountCommand, context: CommandContext, response: FastifyReply): Promise<AccountCommandResponse> {
    const end = this.metrics.duration.startTimer({ command: command.type });
    let outcome: AccountCommandOutcome;
    try {
      outcome = await this.accounts.handle(command, context);
    } catch (error: unknown) {
      this.metrics.commands.inc({ command: command.type, outcome: 'error' });
      throw error;
    } finally {
      end();
    }
    this.metrics.commands.inc({ command: command.type, outcome: outcomeLabel(outcome) });
    return send(response, outcome);
  }
}
