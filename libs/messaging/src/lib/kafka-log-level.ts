import { logLevel } from 'kafkajs';

interface ProtocolErrorCode {
  readonly type: string;
  readonly retriable: boolean;
  readonly message: string;
}

// kafkajs's typings leave out its table of broker error codes, but the table ships in the package, and it
// is the one that decides which replies kafkajs retries.
const { errorCodes } = require('kafkajs/src/protocol/error') as { readonly errorCodes: readonly ProtocolErrorCode[] };

const RETRIED_REPLIES = new Set(errorCodes.filter((code) => code.retriable).map((code) => code.message));

export type AppLogLevel = 'error' | 'warn' | 'debug';

/**
 * The level at which a kafkajs log line reaches the app's log. A broker reply that kafkajs retries by itself
 * (a coordinator still loading on a fresh broker, a leader election in progress) is logged at ERROR by
 * kafkajs, but is not one: if the retries run out, the caller gets the exception and logs that.
 */
export function appLogLevelOf(level: logLevel, message: string, extra: Record<string, unknown>): AppLogLevel {
  // The relay bounds kafkajs' retries on purpose: after a failed send it drops the producer and
  // resends from its checkpoint, which keeps order without relying on the producer's own retries.
  if (message.startsWith('Limiting retries for the idempotent producer')) return 'debug';
  if (level === logLevel.ERROR || level === logLevel.NOTHING) {
    return typeof extra['error'] === 'string' && RETRIED_REPLIES.has(extra['error']) ? 'debug' : 'error';
  }
  return level === logLevel.WARN ? 'warn' : 'debug';
}
