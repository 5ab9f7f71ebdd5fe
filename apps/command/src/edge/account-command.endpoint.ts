import { Inject, Injectable } from '@nestjs/common';
import { AccountCommandHandler, AccountCommandOutcome } from '@ledger/account-commands';
import { AccountCommand } from '@ledger/domain';
import { CLOCK, Clock } from '../accounts/clock';
import { CommandMetrics } from '../accounts/command.metrics';
import { AccountCommandResponse } from './account-command.response';
import { accountProblem } from './account-problems';
import { send } from './command-response';
import type { CommandCall } from './command-route.decorators';

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

/** What every command route does with the domain command its controller builds: run, measure, answer. */
@Injectable()
export class AccountCommandEndpoint {
  constructor(
    private readonly accounts: AccountCommandHandler,
    private readonly metrics: CommandMetrics,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** `commandAt` builds the command at the clock's time, which becomes its events' time. */
  async run(call: CommandCall, commandAt: (now: Date) => AccountCommand): Promise<AccountCommandResponse> {
    const command = commandAt(this.clock.now());
    const outcome = await this.metrics.measure(command.type, () => this.accounts.handle(command, call.context), outcomeLabel);
    return send(call.reply, outcome);
  }
}
