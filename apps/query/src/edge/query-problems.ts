import { problem, ProblemException, SHARED_PROBLEMS, sharedProblem } from '@ledger/platform';

/** Every problem a query answers with, besides the ones any protected route may: what OpenAPI documents and clients switch on. */
export const QUERY_PROBLEMS = {
  validation: { ...SHARED_PROBLEMS.validation, detail: 'A query parameter is malformed, out of range, repeated or unknown.' },
  'invalid-account-id': { ...SHARED_PROBLEMS['invalid-account-id'], detail: 'The account id must be a UUID.' },
  'invalid-cursor': {
    status: 400,
    title: 'Invalid cursor',
    detail: 'The cursor is malformed, tampered with, or belongs to another listing.',
  },
  'invalid-last-event-id': {
    status: 400,
    title: 'Invalid Last-Event-ID',
    detail: 'Last-Event-ID must be an account version (0 or a positive integer).',
  },
  'invalid-transfer-id': { status: 400, title: 'Invalid transfer id', detail: 'The transfer id must be a UUID.' },
  'invalid-time-range': {
    status: 400,
    title: 'Invalid time range',
    detail: 'The start of the period (from) must not be after its end (to), nor the period longer than the route allows.',
  },
  'account-not-found': { status: 404, title: 'Account not found', detail: 'The read model holds no such account.' },
  'account-not-yet-opened': {
    status: 404,
    title: 'Account not yet opened',
    detail: 'The account had no event at or before the instant asked for: it was opened later.',
  },
  'transfer-not-found': {
    status: 404,
    title: 'Transfer not found',
    detail: 'The read model holds no such transfer in a state whose legs are all in, or it is not between accounts of the caller.',
  },
  'too-many-streams': {
    status: 503,
    title: 'Too many streams',
    detail: 'Every stream slot of this replica, or every one of this caller there, is taken; retry after Retry-After seconds.',
  },
  'read-your-writes-timeout': {
    status: 504,
    title: 'Read-your-writes timeout',
    detail: 'The read model did not reach minVersion within waitMs; reachedVersion says where it stands (0: not seen yet).',
  },
} as const;

export type QueryProblemSlug = keyof typeof QUERY_PROBLEMS;

function queryProblem(slug: QueryProblemSlug, detail?: string, extensions: Record<string, unknown> = {}): ProblemException {
  const { status, title, detail: fallback } = QUERY_PROBLEMS[slug];
  return problem(status, slug, title, detail ?? fallback, extensions);
}

export const accountNotFound = (accountId: string): ProblemException =>
  queryProblem('account-not-found', `The read model holds no account ${accountId}.`);

export const transferNotFound = (transferId: string): ProblemException =>
  queryProblem('transfer-not-found', `The read model holds no transfer ${transferId} that this caller may see.`);
export const invalidTransferId = (): ProblemException => queryProblem('invalid-transfer-id');
export const invalidTimeRange = (from: string, to: string): ProblemException =>
  queryProblem('invalid-time-range', `from (${from}) is after to (${to}).`);
export const periodTooLong = (from: string, to: string, maxDays: number): ProblemException =>
  queryProblem('invalid-time-range', `The period from ${from} to ${to} is longer than ${maxDays} days.`);
export const accountNotYetOpened = (accountId: string, at: string): ProblemException =>
  queryProblem('account-not-yet-opened', `Account ${accountId} had no event at or before ${at}.`);
export const invalidCursor = (): ProblemException => queryProblem('invalid-cursor');

export const invalidLastEventId = (): ProblemException => queryProblem('invalid-last-event-id');

export const tooManyStreams = (refused: 'process' | 'caller'): ProblemException =>
  queryProblem(
    'too-many-streams',
    refused === 'caller'
      ? 'This caller has as many streams open on this replica as it may; close one, or retry after Retry-After seconds.'
      : undefined,
  );

export const tooManyWaiters = (): ProblemException =>
  sharedProblem('unavailable', 'Too many reads are waiting for the read model on this replica; retry after Retry-After seconds.');

export const readYourWritesTimeout = (minVersion: number, reachedVersion: number, waitMs: number): ProblemException =>
  queryProblem(
    'read-your-writes-timeout',
    `The read model did not reach version ${minVersion} within ${waitMs} ms; it is at version ${reachedVersion}.`,
    { minVersion, reachedVersion },
  );
