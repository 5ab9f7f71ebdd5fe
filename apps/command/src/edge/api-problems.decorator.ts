import { ApiPropertyOptional } from '@nestjs/swagger';
import { ApiProblemResponses, ProblemDetailsResponse } from '@ledger/platform';
import { COMMAND_PROBLEMS, type CommandProblemSlug } from './command-problems';

const MONEY = { type: 'integer', format: 'int64', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } as const;

/** RFC 9457 problem details, with the extension members the command problems carry. */
export class ProblemResponse extends ProblemDetailsResponse {
  @ApiPropertyOptional({ ...MONEY, description: '`insufficient-funds`, `balance-not-zero`, `balance-overflow` only: the balance' })
  balance?: number;

  @ApiPropertyOptional({ ...MONEY, description: '`insufficient-funds` and `post-exceeds-pending` only: the amount asked for' })
  requested?: number;

  @ApiPropertyOptional({ ...MONEY, description: '`post-exceeds-pending` only: the amount the hold reserves' })
  pending?: number;

  @ApiPropertyOptional({
    type: 'string',
    format: 'date-time',
    maxLength: 30,
    description: '`transfer-expired` only: the deadline the hold passed',
  })
  expiresAt?: string;

  @ApiPropertyOptional({ ...MONEY, description: '`version-mismatch` only: the version the account is at' })
  currentVersion?: number;
}

/** What any command can answer with, whatever account it names: its body and its idempotency. */
export const COMMAND: readonly CommandProblemSlug[] = [
  'validation',
  'malformed-json',
  'invalid-idempotency-key',
  'concurrency-conflict',
  'payload-too-large',
  'unsupported-media-type',
  'idempotency-key-reused',
];

/** What a command on an existing account can answer with besides: its id, its existence, If-Match. */
export const ON_ACCOUNT: readonly CommandProblemSlug[] = [
  ...COMMAND,
  'invalid-account-id',
  'invalid-if-match',
  'account-not-found',
  'version-mismatch',
];

/** Documents the problems a command answers with (see ApiProblemResponses), in the order of their status. */
export function ApiProblems(...slugs: readonly CommandProblemSlug[]) {
  return ApiProblemResponses(ProblemResponse, Object.fromEntries(slugs.map((slug) => [slug, COMMAND_PROBLEMS[slug]])));
}
