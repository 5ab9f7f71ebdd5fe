/** RFC 9457 problem details. `type` is stable per kind of error; clients switch on it. */
export interface ProblemDetails {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const PROBLEM_BASE = 'https://ledger.example.com/problems/';

export function problemType(slug: string): string {
  return `${PROBLEM_BASE}${slug}`;
}

/** Thrown at the edge (controllers, handlers) to answer with a specific problem. */
export class ProblemException extends Error {
  constructor(readonly problem: ProblemDetails) {
    super(problem.detail ?? problem.title);
    this.name = 'ProblemException';
  }
}

export function problem(
  status: number,
  slug: string,
  title: string,
  detail?: string,
  extensions: Record<string, unknown> = {},
): ProblemException {
  return new ProblemException({ type: problemType(slug), title, status, ...(detail ? { detail } : {}), ...extensions });
}

/** The problems any of the HTTP apps answers with, whatever its use cases: one title per slug. */
export const SHARED_PROBLEMS = {
  'bad-request': { status: 400, title: 'Bad request' },
  validation: { status: 400, title: 'Validation failed' },
  'malformed-json': { status: 400, title: 'Malformed JSON' },
  'invalid-account-id': { status: 400, title: 'Invalid account id' },
  unauthenticated: { status: 401, title: 'Unauthenticated' },
  'insufficient-scope': { status: 403, title: 'Insufficient scope' },
  'request-timeout': { status: 408, title: 'Request timeout' },
  'payload-too-large': { status: 413, title: 'Payload too large' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type' },
  'headers-too-large': { status: 431, title: 'Request header fields too large' },
  'rate-limited': { status: 429, title: 'Too many requests' },
  unavailable: { status: 503, title: 'Service unavailable' },
} as const;

export type SharedProblemSlug = keyof typeof SHARED_PROBLEMS;

export function sharedProblem(slug: SharedProblemSlug, detail?: string, extensions: Record<string, unknown> = {}): ProblemException {
  const { status, title } = SHARED_PROBLEMS[slug];
  return problem(status, slug, title, detail, extensions);
}
