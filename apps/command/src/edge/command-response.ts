import type { Response } from 'express';
import { CommandOutcome } from '../accounts/account-command.executor';
import { AccountCommandResponse } from '../accounts/account-command.response';

/** Status and ETag from the outcome, so an idempotent replay answers exactly as the first time did. */
export function send(response: Response, outcome: CommandOutcome): AccountCommandResponse {
  response.status(outcome.status);
  const version = outcome.body['version'];
  if (typeof version === 'number') response.setHeader('ETag', `"${version}"`);
  if (outcome.replayed) response.setHeader('Idempotent-Replayed', 'true');
  return outcome.body as unknown as AccountCommandResponse;
}
