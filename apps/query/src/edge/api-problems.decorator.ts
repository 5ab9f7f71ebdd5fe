import { ApiPropertyOptional } from '@nestjs/swagger';
import { ApiProblemResponses, ProblemDetailsResponse } from '@ledger/platform';
import { QUERY_PROBLEMS, type QueryProblemSlug } from './query-problems';

const VERSION = { type: 'integer', format: 'int64', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } as const;

/** RFC 9457 problem details, with the extension members the query problems carry. */
export class ProblemResponse extends ProblemDetailsResponse {
  @ApiPropertyOptional({ ...VERSION, description: '`read-your-writes-timeout` only: the version asked for' })
  minVersion?: number;

  @ApiPropertyOptional({
    ...VERSION,
    description: '`read-your-writes-timeout` only: the version the read model reached (0: not seen yet)',
  })
  reachedVersion?: number;
}

/** Documents the problems an endpoint answers with (see ApiProblemResponses), in the order of their status. */
export function ApiProblems(...slugs: readonly QueryProblemSlug[]) {
  return ApiProblemResponses(ProblemResponse, Object.fromEntries(slugs.map((slug) => [slug, QUERY_PROBLEMS[slug]])));
}
