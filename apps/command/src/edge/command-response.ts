import type { FastifyReply } from 'fastify';
import { AcceptedAccountCommand, AccountCommandOutcome } from '@ledger/account-commands';
import { JsonObject, JsonValue } from '@ledger/event-store';
import { AccountCommandResponse, toResponse } from './account-command.response';
import { accountBusy, accountProblem, concurrencyConflict, idempotencyKeyReused, versionMismatch } from './account-problems';

const CREATED = 201;

/** What an Idempotency-Key remembers: the first response, status and body, to be sent again as it was. */
export function storedResponseOf(accepted: AcceptedAccountCommand): JsonValue {
  return { status: CREATED, body: toResponse(accepted) };
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The response a key remembered; anything else in the record is a bug or foreign data, not a client error. */
function storedResponse(result: JsonValue): { status: number; body: JsonObject } {
  const status = isObject(result) ? result['status'] : undefined;
  const body = isObject(result) ? result['body'] : undefined;
  if (typeof status !== 'number' || !isObject(body)) throw new Error('the idempotency record holds no stored response');
  return { status, body };
}

function reply(response: FastifyReply, status: number, body: JsonObject, replayed: boolean): AccountCommandResponse {
  response.status(status);
  const version = body['version'];
  if (typeof version === 'number') response.header('ETag', `"${version}"`);
  if (replayed) response.header('Idempotent-Replayed', 'true');
  return body as unknown as AccountCommandResponse;
}

/**
 * The outcome as HTTP: 201 with the ETag of the new version, a replay exactly as first sent, or the
 * problem for a refusal. The one place that knows the handler's outcomes have status codes.
 */
export function send(response: FastifyReply, outcome: AccountCommandOutcome): AccountCommandResponse {
  switch (outcome.kind) {
    case 'accepted':
      return reply(response, CREATED, toResponse(outcome), false);
    case 'replayed': {
      const stored = storedResponse(outcome.result);
      return reply(response, stored.status, stored.body, true);
    }
    case 'rejected':
      throw accountProblem(outcome.error);
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
