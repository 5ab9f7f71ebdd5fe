import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AcceptedTransfer, TransferCommandHandler, TransferCommandOutcome } from '@ledger/account-commands';
import { TransferCommand } from '@ledger/domain';
import { CLOCK, Clock } from '../accounts/clock';
import { CommandMetrics } from '../accounts/command.metrics';
import { accountBusy, concurrencyConflict, idempotencyKeyReused } from './account-problems';
import type { CommandCall } from './command-route.decorators';
import { TransferCommandResponse, toTransferResponse } from './transfer-command.response';
import { transferProblem } from './transfer-problems';

const CREATED = 201;

/** The metric label of an outcome: ok, replayed, or the problem type's slug. */
function outcomeLabel(outcome: TransferCommandOutcome): string {
  switch (outcome.kind) {
    case 'accepted':
      return 'ok';
    case 'replayed':
      return 'replayed';
    case 'rejected':
      return outcome.error.type === 'TransferNotExpired'
        ? 'transfer-not-expired'
        : (transferProblem(outcome.error).problem.type.split('/').pop() ?? 'rejected');
    case 'conflict':
      return 'concurrency-conflict';
    case 'idempotency-key-reused':
      return 'idempotency-key-reused';
    case 'account-busy':
      return 'account-busy';
    default: {
      const _exhaustive: never = outcome;
      throw new Error(`unhandled transfer outcome ${JSON.stringify(_exhaustive)}`);
    }
  }
}

function render(reply: FastifyReply, accepted: AcceptedTransfer): TransferCommandResponse {
  reply.status(CREATED);
  return toTransferResponse(accepted);
}

/** The outcome as HTTP: 201 (a replay marked `Idempotent-Replayed`), or the problem. */
export function sendTransfer(reply: FastifyReply, outcome: TransferCommandOutcome): TransferCommandResponse {
  switch (outcome.kind) {
    case 'accepted':
      return render(reply, outcome);
    case 'replayed':
      reply.header('Idempotent-Replayed', 'true');
      return render(reply, outcome.outcome);
    case 'rejected':
      throw transferProblem(outcome.error);
    case 'conflict':
      throw concurrencyConflict();
    case 'idempotency-key-reused':
      throw idempotencyKeyReused();
    case 'account-busy':
      throw accountBusy(outcome.accountId);
    default: {
      const _exhaustive: never = outcome;
      throw new Error(`unhandled transfer outcome ${JSON.stringify(_exhaustive)}`);
    }
  }
}

/** What every transfer route does with the command its controller builds: run, measure, answer. */
@Injectable()
export class TransferCommandEndpoint {
  constructor(
    private readonly transfers: TransferCommandHandler,
    private readonly metrics: CommandMetrics,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** `commandAt` builds the command at the clock's time, which becomes its events' time. */
  async run(call: CommandCall, commandAt: (now: Date) => TransferCommand): Promise<TransferCommandResponse> {
    const command = commandAt(this.clock.now());
    const outcome = await this.metrics.measure(command.type, () => this.transfers.handle(command, call.context), outcomeLabel);
    return sendTransfer(call.reply, outcome);
  }
}
