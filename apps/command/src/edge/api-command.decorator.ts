import { applyDecorators } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOperation } from '@nestjs/swagger';
import { ApiAccountIdParam } from '@ledger/platform';
import { AccountCommandResponse } from './account-command.response';
import { ApiProblems, COMMAND, ON_ACCOUNT } from './api-problems.decorator';
import type { CommandProblemSlug } from './command-problems';

/** As command-context.ts reads it: the ETag of a version, weak or strong, or `*`. */
export const IF_MATCH_PATTERN = '^(\\*|(W/)?"?[0-9]{1,15}"?)$';
/** As command-context.ts reads it: 1 to 200 visible ASCII characters. */
export const IDEMPOTENCY_KEY_PATTERN = '^[\\x21-\\x7e]{1,200}$';

/** An optional request header of every command (or every command on an account), as a bounded string. */
const optionalHeader = (name: string, description: string, maxLength: number, pattern: string) =>
  ApiHeader({ name, required: false, description, schema: { type: 'string', minLength: 1, maxLength, pattern } });

const ApiIfMatchHeader = () =>
  optionalHeader(
    'If-Match',
    'Append only if the account is at this version: the ETag of an earlier response, e.g. "3"',
    19,
    IF_MATCH_PATTERN,
  );

export const ApiIdempotencyKeyHeader = () =>
  optionalHeader(
    'Idempotency-Key',
    'Makes the command retry-safe: the same key with the same body answers the first response again',
    200,
    IDEMPOTENCY_KEY_PATTERN,
  );

const ApiAccepted = () =>
  ApiCreatedResponse({
    type: AccountCommandResponse,
    description: 'The command was applied (or, with Idempotency-Key, had been: the first response again)',
    headers: {
      ETag: {
        description: "The account's version after the command, for If-Match",
        schema: { type: 'string', maxLength: 17, pattern: '^"[0-9]{1,15}"$' },
      },
      'Idempotent-Replayed': {
        description: 'Present when this is the response an earlier request with the same Idempotency-Key got',
        schema: { type: 'string', enum: ['true'] },
      },
    },
  });

export interface CommandOperation {
  readonly summary: string;
  readonly description: string;
  /** The command names an existing account by the path's id, and takes If-Match. */
  readonly onAccount: boolean;
  /** The refusals of this command's own (409s and the like). */
  readonly refusals: readonly CommandProblemSlug[];
}

/** A command route's OpenAPI: what it does, its id and headers, its 201 and every problem it answers with. */
export function ApiCommand(operation: CommandOperation) {
  const { summary, description, onAccount, refusals } = operation;
  return applyDecorators(
    ApiOperation({ summary, description }),
    ...(onAccount ? [ApiAccountIdParam(), ApiIfMatchHeader()] : []),
    ApiIdempotencyKeyHeader(),
    ApiAccepted(),
    ApiProblems(...(onAccount ? ON_ACCOUNT : COMMAND), ...refusals),
  );
}
