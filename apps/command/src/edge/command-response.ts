import type { FastifyReply } from 'fastify';
import { AccountCommandOutcome, RecordedAccountOutcome } from '@ledger/account-commands';
import { AccountCommandResponse, toResponse } from './account-command.response';
import { accountBusy, accountProblem, concurrencyConflict, idempotencyKeyReused, versionMismatch } from './account-problems';

const CREATED = 201;

/**
 * An outcome an Idempotency-Key records, as HTTP: 201 with the ETag of the new version, or the problem
 * of the rejection. A replay renders the recorded outcome with this same code, so it answers as the
 * first request was answered, marked `Idempotent-Replayed`.
 */
function render(response: FastifyReply, outcome: RecordedAccountOutcome): AccountCommandResponse {
  if (outcome.kind === 'rejected') throw accountProblem(outcome.error);
  const body = toResponse(outcome);
  response.status(CREATED);
  response.header('ETag', `"${body.version}"`);
  return body;
}

/** The outcome as HTTP: the one place that knows the handler's outcomes have status codes. */
export function send(response: FastifyReply, outcome: AccountCommandOutcome): AccountCommandResponse {
  switch (outcome.kind) {
    case 'accepted':
    case 'rejected':
      return render(response, outcome);
    case 'replayed':
      response.header('Idempotent-Replayed', 'true');
      return render(response, outcome.outcome);
    case 'version-mismatch':
      throw versionMismatch(outcome.expectedVersion, outcome.actualVersion);
    case 'conflict':
      throw concurrencyConflict();
    case 'idempotency-key-reused':
      throw idempotencyKeyReused();
    case 'account-busy':
      throw accountBusy(outcome.accountId);
    default: {
      const _exhaustive: never = outcome;
      throw new Error(`unhandled command outcome ${JSON.stringify(_exhaustive)}`);
    }
  }
}
