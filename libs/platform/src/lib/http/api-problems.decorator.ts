import { applyDecorators, type Type } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath, type HeaderObject } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE } from './problem';

/** A problem as the API description shows it: its status and when it happens. */
export interface DocumentedProblem {
  readonly status: number;
  readonly detail: string;
}

/** An unknown field's name is the client's own text: only the body limit (BODY_LIMIT, 64 KiB) bounds it. */
const FIELD_MAX_LENGTH = 64 * 1024;
/** One entry per field of a body of at most 64 KiB (`"a":0,` is the smallest field). */
const FIELD_ERRORS_MAX_ITEMS = Math.ceil(FIELD_MAX_LENGTH / 6);
/** A field fails at most each of its constraints; none has more than a handful. */
const MESSAGES_MAX_ITEMS = 20;
/** The longest detail echoes at most a request line, and Node refuses headers beyond 16 KiB. */
const DETAIL_MAX_LENGTH = 16 * 1024;

const PRINTABLE = '^[^\\u0000-\\u001f]*$';

class FieldErrorResponse {
  @ApiProperty({ example: 'amount', maxLength: FIELD_MAX_LENGTH, pattern: PRINTABLE })
  field: string;

  @ApiProperty({
    type: 'string',
    isArray: true,
    maxItems: MESSAGES_MAX_ITEMS,
    maxLength: FIELD_MAX_LENGTH,
    pattern: PRINTABLE,
    example: ['amount must not be less than 1'],
  })
  messages: string[];
}

/**
 * RFC 9457 problem details, as every error of these APIs is written. An app extends it with the
 * extension members its own problems carry.
 */
export class ProblemDetailsResponse {
  @ApiProperty({
    format: 'uri',
    maxLength: 200,
    example: 'https://ledger.example.com/problems/validation',
    description: 'Stable per kind of error; switch on it',
  })
  type: string;

  @ApiProperty({ maxLength: 100, pattern: PRINTABLE, example: 'Validation failed' })
  title: string;

  @ApiProperty({ type: 'integer', format: 'int32', minimum: 400, maximum: 599, example: 400 })
  status: number;

  @ApiPropertyOptional({ maxLength: DETAIL_MAX_LENGTH, pattern: PRINTABLE })
  detail?: string;

  @ApiPropertyOptional({ maxLength: 500, pattern: PRINTABLE, description: 'The request path' })
  instance?: string;

  @ApiPropertyOptional({
    type: [FieldErrorResponse],
    maxItems: FIELD_ERRORS_MAX_ITEMS,
    description: '`validation` only: what is wrong with each field or parameter',
  })
  errors?: FieldErrorResponse[];
}

/** Seconds, as the 503 and 429 answers set it. */
export const RETRY_AFTER_HEADER: HeaderObject = {
  description: 'Seconds to wait before retrying',
  schema: { type: 'integer', format: 'int32', minimum: 1, maximum: 86_400 },
};

/**
 * What any route that needs a token can answer, whatever it does: the access guard's refusals, the
 * rate limit, the HTTP edge's own answers, and the shared mapping of outages and bugs.
 */
export const PROTECTED_ROUTE_PROBLEMS = {
  unauthenticated: {
    status: 401,
    detail:
      'No bearer access token, or one that is malformed, expired, wrongly signed or for another audience (WWW-Authenticate says which).',
  },
  'insufficient-scope': { status: 403, detail: "The token lacks the route's scope (WWW-Authenticate names it)." },
  'rate-limited': { status: 429, detail: 'The caller sent more requests than its limit; retry after Retry-After seconds.' },
  'headers-too-large': { status: 431, detail: 'The URL and headers together exceed 16 KiB.' },
  internal: { status: 500, detail: 'An unexpected error; the logs have it under the X-Correlation-Id of the response.' },
  unavailable: {
    status: 503,
    detail: 'The database or the token issuer is unavailable or overloaded; retry after Retry-After seconds.',
  },
} as const satisfies Record<string, DocumentedProblem>;

const RETRY_AFTER_STATUSES: ReadonlySet<number> = new Set([429, 503]);

/**
 * Documents the problems an endpoint answers with, one response per status listing its `type`s
 * (the route's own first, then PROTECTED_ROUTE_PROBLEMS), each with the problem+json `schema`.
 */
export function ApiProblemResponses(schema: Type<ProblemDetailsResponse>, problems: Readonly<Record<string, DocumentedProblem>>) {
  const byStatus = new Map<number, [slug: string, problem: DocumentedProblem][]>();
  const all: Record<string, DocumentedProblem> = { ...problems, ...PROTECTED_ROUTE_PROBLEMS };
  for (const [slug, problem] of Object.entries(all))
    byStatus.set(problem.status, [...(byStatus.get(problem.status) ?? []), [slug, problem]]);
  const responses = [...byStatus]
    .sort(([a], [b]) => a - b)
    .map(([status, grouped]) =>
      ApiResponse({
        status,
        description: grouped.map(([slug, problem]) => `\`${slug}\`: ${problem.detail}`).join(' '),
        content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(schema) } } },
        ...(RETRY_AFTER_STATUSES.has(status) ? { headers: { 'Retry-After': RETRY_AFTER_HEADER } } : {}),
      }),
    );
  return applyDecorators(ApiExtraModels(schema), ...responses);
}
