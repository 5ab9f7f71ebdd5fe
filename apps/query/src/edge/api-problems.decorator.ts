import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE } from '@ledger/platform';
import { QUERY_PROBLEMS, type QueryProblemSlug } from './query-problems';

class FieldErrorResponse {
  @ApiProperty({ example: 'limit' }) field: string;
  @ApiProperty({ type: [String], example: ['limit must not be greater than 200'] }) messages: string[];
}

/** RFC 9457 problem details, as every error of this API is written. */
export class ProblemResponse {
  @ApiProperty({ example: 'https://ledger.example.com/problems/invalid-cursor', description: 'Stable per kind of error; switch on it' })
  type: string;
  @ApiProperty({ example: 'Invalid cursor' }) title: string;
  @ApiProperty({ example: 400 }) status: number;
  @ApiPropertyOptional() detail?: string;
  @ApiPropertyOptional({ description: 'The request path' }) instance?: string;
  @ApiPropertyOptional({ type: [FieldErrorResponse], description: '`validation` only: what is wrong with each parameter' })
  errors?: FieldErrorResponse[];
  @ApiPropertyOptional({ type: 'integer', description: '`read-your-writes-timeout` only: the version asked for' })
  minVersion?: number;
  @ApiPropertyOptional({
    type: 'integer',
    description: '`read-your-writes-timeout` only: the version the read model reached (0: not seen yet)',
  })
  reachedVersion?: number;
}

/** Answered by the HTTP edge itself, for any endpoint (`unavailable`: the shared mapping of database outages and overload). */
const EDGE_PROBLEMS: readonly QueryProblemSlug[] = ['headers-too-large', 'rate-limited', 'unavailable'];

/** Documents the problems an endpoint answers with, one response per status listing its `type`s. */
export function ApiProblems(...slugs: readonly QueryProblemSlug[]) {
  const byStatus = new Map<number, QueryProblemSlug[]>();
  for (const slug of [...slugs, ...EDGE_PROBLEMS])
    byStatus.set(QUERY_PROBLEMS[slug].status, [...(byStatus.get(QUERY_PROBLEMS[slug].status) ?? []), slug]);
  const responses = [...byStatus].map(([status, grouped]) =>
    ApiResponse({
      status,
      description: grouped.map((slug) => `\`${slug}\`: ${QUERY_PROBLEMS[slug].detail}`).join(' '),
      content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(ProblemResponse) } } },
      ...(status === 503 || status === 429
        ? { headers: { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } } } }
        : {}),
    }),
  );
  return applyDecorators(ApiExtraModels(ProblemResponse), ...responses);
}
