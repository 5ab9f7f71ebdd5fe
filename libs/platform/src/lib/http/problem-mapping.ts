import { HttpException, HttpStatus } from '@nestjs/common';
import { InsufficientScopeError, IssuerUnavailableError, UnauthenticatedError } from '@ledger/auth';
import { databaseUnavailability } from '../database/database-unavailability';
import { ProblemDetails, ProblemException, problemType, SHARED_PROBLEMS, type SharedProblemSlug } from './problem';

const shared = (slug: SharedProblemSlug): [slug: string, title: string] => [slug, SHARED_PROBLEMS[slug].title];

const GENERIC: Record<number, [slug: string, title: string]> = {
  400: shared('bad-request'),
  401: ['unauthorized', 'Unauthorized'],
  403: ['forbidden', 'Forbidden'],
  404: ['not-found', 'Not found'],
  405: ['method-not-allowed', 'Method not allowed'],
  406: ['not-acceptable', 'Not acceptable'],
  409: ['conflict', 'Conflict'],
  412: ['precondition-failed', 'Precondition failed'],
  413: shared('payload-too-large'),
  415: shared('unsupported-media-type'),
  422: ['unprocessable-content', 'Unprocessable content'],
  431: shared('headers-too-large'),
  503: shared('unavailable'),
  504: ['timeout', 'Gateway timeout'],
};

function generic(status: number, detail?: string, extensions: Record<string, unknown> = {}): ProblemDetails {
  const [slug, title] = GENERIC[status] ?? (status >= 500 ? ['internal', 'Internal error'] : ['client-error', 'Client error']);
  return { type: problemType(slug), title, status, ...(detail ? { detail } : {}), ...extensions };
}

/** Errors fastify raises before any route runs carry a status and a `code`. */
interface FrameworkError {
  status?: number;
  statusCode?: number;
  code?: string;
  expose?: boolean;
  message?: string;
}

const UNSUPPORTED_MEDIA_TYPE = 'Send the body as application/json.';
const DATABASE_UNAVAILABLE = 'The database is unavailable or overloaded; retry after Retry-After seconds.';

function fromFastify(error: FrameworkError): ProblemDetails | null {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return generic(413, 'The request body exceeds the size limit.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return generic(415, UNSUPPORTED_MEDIA_TYPE);
    default:
      return null;
  }
}

function fromFramework(error: FrameworkError): ProblemDetails | null {
  const status = error.status ?? error.statusCode;
  if (typeof status !== 'number' || status < 400 || status >= 500 || error.expose === false) return null;
  return fromFastify(error) ?? generic(status, error.message);
}

function fromHttpException(error: HttpException): ProblemDetails {
  const status = error.getStatus();
  const response = error.getResponse();
  if (typeof response === 'string') return generic(status, response);
  const body = response as { message?: unknown; error?: unknown; errors?: unknown };
  if (status === HttpStatus.BAD_REQUEST && Array.isArray(body.message)) {
    return {
      ...generic(400, 'The request is not valid.'),
      type: problemType('validation'),
      title: SHARED_PROBLEMS.validation.title,
      errors: body.message,
    };
  }
  const detail = typeof body.message === 'string' ? body.message : undefined;
  // Members a problem defines itself are never taken from the exception's body (terminus puts its
  // own `status: "error"` there); the rest (e.g. health `details`) travel as extensions.
  const {
    message: _m,
    error: _e,
    statusCode: _s,
    status: _t,
    type: _y,
    title: _i,
    detail: _d,
    instance: _n,
    ...rest
  } = body as Record<string, unknown>;
  return generic(status, detail, rest);
}

const UNAUTHENTICATED = 'A valid bearer access token is required.';
const ISSUER_UNAVAILABLE = 'The token issuer cannot be reached to verify the token; retry after Retry-After seconds.';

function fromAccessError(error: unknown): ProblemDetails | null {
  if (error instanceof UnauthenticatedError) return { ...generic(401, UNAUTHENTICATED), ...problemOf('unauthenticated') };
  if (error instanceof InsufficientScopeError) return { ...generic(403, error.message), ...problemOf('insufficient-scope') };
  if (error instanceof IssuerUnavailableError) return generic(503, ISSUER_UNAVAILABLE);
  return null;
}

function problemOf(slug: SharedProblemSlug): Pick<ProblemDetails, 'type' | 'title'> {
  return { type: problemType(slug), title: SHARED_PROBLEMS[slug].title };
}

/** The `WWW-Authenticate` challenge an access error answers with (RFC 6750), if any. */
export function challengeOf(error: unknown): string | undefined {
  return error instanceof UnauthenticatedError || error instanceof InsufficientScopeError ? error.wwwAuthenticate : undefined;
}

/** Maps anything thrown to a problem; `null` marks an unexpected error (a 500, logged by the caller). */
export function toProblem(error: unknown): ProblemDetails | null {
  if (error instanceof ProblemException) return error.problem;
  const access = fromAccessError(error);
  if (access !== null) return access;
  if (error instanceof HttpException) return fromHttpException(error);
  if (databaseUnavailability(error) !== null) return generic(503, DATABASE_UNAVAILABLE);
  if (error && typeof error === 'object') return fromFramework(error as FrameworkError);
  return null;
}

export const INTERNAL_PROBLEM: ProblemDetails = generic(500, 'An unexpected error occurred.');
