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
