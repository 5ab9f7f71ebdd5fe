import { performance } from 'node:perf_hooks';
import type { JsonObject } from '@ledger/primitives';

/** What one HTTP attempt came to. */
export type AttemptOutcome =
  | {
      readonly kind: 'answered';
      readonly status: number;
      /** The body as sent, to compare a replay byte for byte. */
      readonly text: string;
      /** The last segment of a problem's `type` (`insufficient-funds`), when the answer is a problem. */
      readonly problem?: string;
      /** From a success: the account's version, and the appended event. */
      readonly version?: number;
      readonly eventId?: string;
      /** From a 412: the version the account is at. */
      readonly currentVersion?: number;
      /** From a transfer's success: each account's version as the transfer left it (source and destination). */
      readonly accountVersions?: Readonly<Record<string, number>>;
      readonly latencyMs: number;
    }
  /** Never reached the service (the connection was refused): nothing was done. */
  | { readonly kind: 'failed'; readonly cause: string; readonly latencyMs: number }
  /** Sent, but the answer was lost (a timeout, a reset): it may or may not have been done. */
  | { readonly kind: 'unknown'; readonly cause: string; readonly latencyMs: number };

export interface CommandAttempt {
  readonly path: string;
  readonly body: Readonly<JsonObject>;
  readonly headers: Readonly<Record<string, string>>;
}

/** Errors that mean the request never left: the service was not there to take it. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** One POST through Node's own HTTP client (undici, behind fetch), with a deadline. */
export async function sendCommand(baseUrl: string, attempt: CommandAttempt, timeoutMs: number): Promise<AttemptOutcome> {
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  try {
    const response = await fetch(`${baseUrl}${attempt.path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...attempt.headers },
      body: JSON.stringify(attempt.body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    return { kind: 'answered', status: response.status, text, ...facts(text), latencyMs: elapsed() };
  } catch (error) {
    return { ...classifyFailure(error), latencyMs: elapsed() };
  }
}

/** A transport error as failed (not sent) or unknown (sent, answer lost), with a short cause. */
export function classifyFailure(error: unknown): { readonly kind: 'failed' | 'unknown'; readonly cause: string } {
  // Duck-typed: errors from Node's own fetch may come from another realm than this code's Error.
  const { name, cause } = typeof error === 'object' && error !== null ? (error as { name?: unknown; cause?: unknown }) : {};
  if (name === 'TimeoutError' || name === 'AbortError') return { kind: 'unknown', cause: 'timeout' };
  const code = codeOf(cause) ?? codeOf(error);
  if (code !== undefined && NOT_SENT.has(code))
    return { kind: 'failed', cause: code === 'ECONNREFUSED' ? 'connection-refused' : code.toLowerCase() };
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') return { kind: 'unknown', cause: 'connection-reset' };
  return { kind: 'unknown', cause: code === undefined ? 'network-error' : code.toLowerCase() };
}

function codeOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const code = (value as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** What the load generator needs from an answer's body; nothing when it is not the JSON it should be. */
function facts(text: string): {
  problem?: string;
  version?: number;
  eventId?: string;
  currentVersion?: number;
  accountVersions?: Record<string, number>;
} {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return {};
  }
  if (typeof body !== 'object' || body === null) return {};
  const record = body as Record<string, unknown>;
  const events = Array.isArray(record['events']) ? (record['events'] as unknown[]) : [];
  const first = events[0] as Record<string, unknown> | undefined;
  const accountVersions = partyVersions(record);
  return {
    ...(accountVersions === null ? {} : { accountVersions }),
    ...(typeof record['type'] === 'string' ? { problem: record['type'].split('/').pop() ?? record['type'] } : {}),
    ...(Number.isSafeInteger(record['version']) ? { version: record['version'] as number } : {}),
    ...(typeof first?.['eventId'] === 'string' ? { eventId: first['eventId'] } : {}),
    ...(Number.isSafeInteger(record['currentVersion']) ? { currentVersion: record['currentVersion'] as number } : {}),
  };
}

/** A transfer answer's `from` and `to` parties, each `{ accountId, version }`; null when the body has none. */
function partyVersions(record: Record<string, unknown>): Record<string, number> | null {
  const versions: Record<string, number> = {};
  for (const side of ['from', 'to']) {
    const party = record[side];
    if (typeof party !== 'object' || party === null) continue;
    const { accountId, version } = party as Record<string, unknown>;
    if (typeof accountId === 'string' && Number.isSafeInteger(version)) versions[accountId] = version as number;
  }
  return Object.keys(versions).length === 0 ? null : versions;
}
