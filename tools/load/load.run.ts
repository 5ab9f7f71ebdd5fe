import type { AcknowledgedCommand } from '@ledger/read-model-operations';
import { performance } from 'node:perf_hooks';
import { sendCommand, type AttemptOutcome, type CommandAttempt } from './command.client';
import { isTransferKind, LoadPlan, type PlannedRequest } from './load.plan';
import { LoadTally, type CommandOutcome, type LoadSummary, type RetryResult } from './load.report';
import { runOpenLoop } from './rate.scheduler';

export interface LoadOptions {
  readonly rate: number;
  readonly durationSeconds: number;
  readonly seed: number;
  readonly accounts: number;
  readonly commandUrl: string;
  readonly maxInFlight: number;
  readonly timeoutMs: number;
  /** The `Authorization` header of each request, read as it is sent (a refreshed token takes over). */
  readonly authorization?: () => string;
  /** Each acknowledged command, and each of unknown outcome, as it is known. */
  readonly onAcknowledgement?: (command: AcknowledgedCommand) => void;
  readonly signal?: AbortSignal;
}

/** Sends one attempt; replaceable in tests. */
export type Send = (attempt: CommandAttempt) => Promise<AttemptOutcome>;

/**
 * Drives the command service with the plan at the rate for the duration, then sums up. Requests to one
 * account go one after another (as one client would send them, so the plan's order holds on each
 * account and If-Match can name the version last answered); different accounts go concurrently. A
 * transfer waits for every earlier request on either of its accounts, and each later one waits for it.
 */
export async function runLoad(
  options: LoadOptions,
  send: Send = (attempt) => sendCommand(options.commandUrl, attempt, options.timeoutMs),
): Promise<LoadSummary> {
  const plan = new LoadPlan({ seed: options.seed, accounts: options.accounts });
  const tally = new LoadTally();
  const versions = new Map<string, number>();
  const queues = new Map<string, Promise<void>>();
  const started = performance.now();

  const execute = async (request: PlannedRequest): Promise<void> => {
    const headers = headersOf(request, versions.get(request.accountId));
    // The retry repeats the request as it was, with the token of the moment (the same caller's).
    const attempt = (): CommandAttempt => ({
      path: request.path,
      body: request.body,
      headers: options.authorization === undefined ? headers : { ...headers, authorization: options.authorization() },
    });
    const first = await send(attempt());
    timed(tally, first);
    let last = first;
    if (request.idempotencyKey !== undefined || request.resend === true) {
      last = await send(attempt());
      timed(tally, last);
      tally.retry(retryResult(first, last));
    }
    const answered = [first, last].filter((o): o is Extract<AttemptOutcome, { kind: 'answered' }> => o.kind === 'answered');
    const advance = (accountId: string, version: number) => versions.set(accountId, Math.max(versions.get(accountId) ?? 0, version));
    for (const answer of answered) {
      const version = answer.status < 300 ? answer.version : answer.currentVersion;
      if (version !== undefined && !isTransferKind(request.kind)) advance(request.accountId, version);
      // A transfer moves both accounts on: a later If-Match on either names the version it left.
      if (answer.status < 300) for (const [accountId, at] of Object.entries(answer.accountVersions ?? {})) advance(accountId, at);
    }
    if (request.ifMatch !== undefined) tally.conditional(request.ifMatch === 'stale', first.kind === 'answered' ? first.status : null);
    const acknowledged = [first, last].find((o) => o.kind === 'answered' && o.status >= 200 && o.status < 300);
    // A lost answer stays unknown unless a later answer settles it: a refused connection does not.
    const final = acknowledged ?? (last.kind === 'answered' || first.kind !== 'unknown' ? last : first);
    const { outcome, cause } = outcomeOf(final);
    tally.command(request.kind, outcome, cause, matchesPlan(request, final));
    report(options, request, final, outcome);
  };

  const scheduling = await runOpenLoop(
    {
      rate: options.rate,
      durationMs: options.durationSeconds * 1000,
      maxInFlight: options.maxInFlight,
      ...(options.signal ? { signal: options.signal } : {}),
    },
    () => {
      const request = plan.next();
      const previous = Promise.all(request.accountIds.map((accountId) => queues.get(accountId)));
      const done = previous.then(() => execute(request));
      for (const accountId of request.accountIds) queues.set(accountId, done);
      void done.finally(() => {
        for (const accountId of request.accountIds) if (queues.get(accountId) === done) queues.delete(accountId);
      });
      return done;
    },
  );
  const elapsedSeconds = (performance.now() - started) / 1000;
  return tally.summary(
    { seed: options.seed, rate: options.rate, durationSeconds: options.durationSeconds, accounts: options.accounts },
    elapsedSeconds,
    scheduling,
    options.signal?.aborted === true,
  );
}

function headersOf(request: PlannedRequest, version: number | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  if (request.idempotencyKey !== undefined) headers['idempotency-key'] = request.idempotencyKey;
  if (request.ifMatch === 'current' && version !== undefined) headers['if-match'] = `"${version}"`;
  // Another version than the account is at: the one before it, or past it for a new account.
  if (request.ifMatch === 'stale') headers['if-match'] = `"${version === undefined ? 1_000_000 : version > 1 ? version - 1 : version + 1}"`;
  return headers;
}

function timed(tally: LoadTally, outcome: AttemptOutcome): void {
  if (outcome.kind === 'answered') tally.latency(outcome.latencyMs);
}

function retryResult(first: AttemptOutcome, retry: AttemptOutcome): RetryResult {
  const ok = (o: AttemptOutcome) => o.kind === 'answered' && o.status >= 200 && o.status < 300;
  if (ok(first)) {
    // A service down or failing (killed, its database restarting) says nothing of what it recorded.
    if (retry.kind !== 'answered' || retry.status >= 500) return 'unanswered';
    return first.kind === 'answered' && retry.status === first.status && retry.text === first.text ? 'replayed' : 'mismatched';
  }
  if (first.kind !== 'answered' && ok(retry)) return 'resolved';
  return 'other';
}

function outcomeOf(outcome: AttemptOutcome): { outcome: CommandOutcome; cause: string | null } {
  if (outcome.kind !== 'answered') return { outcome: outcome.kind, cause: outcome.cause };
  if (outcome.status < 300) return { outcome: 'acknowledged', cause: null };
  if (outcome.status < 500) return { outcome: 'refused', cause: outcome.problem ?? `http-${outcome.status}` };
  return { outcome: 'failed', cause: `http-${outcome.status}` };
}

function matchesPlan(request: PlannedRequest, outcome: AttemptOutcome): boolean {
  if (outcome.kind !== 'answered') return false;
  return request.expected === 'ok' ? outcome.status < 300 : outcome.problem === request.expected;
}

/**
 * An account command's acknowledgement, for the log verify reads. Transfers are not in it: the log
 * names one account's event at one version, and verify checks transfers on their own (both legs against
 * the transfer's stream, money conserved).
 */
function report(options: LoadOptions, request: PlannedRequest, final: AttemptOutcome, outcome: CommandOutcome): void {
  if (options.onAcknowledgement === undefined) return;
  const { kind } = request;
  if (isTransferKind(kind)) return;
  const common = {
    kind,
    accountId: request.accountId,
    amount: request.amount,
    ...(request.idempotencyKey === undefined ? {} : { idempotencyKey: request.idempotencyKey }),
  };
  if (outcome === 'unknown') options.onAcknowledgement({ outcome: 'unknown', ...common });
  if (outcome === 'acknowledged' && final.kind === 'answered' && final.version !== undefined) {
    options.onAcknowledgement({
      outcome: 'acknowledged',
      ...common,
      version: final.version,
      ...(final.eventId === undefined ? {} : { eventId: final.eventId }),
    });
  }
}
