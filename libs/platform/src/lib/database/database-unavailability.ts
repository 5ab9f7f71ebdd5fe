/**
 * Why the database cannot serve a request now, when that is the reason it failed:
 * - `unreachable`: no usable connection (refused, reset, the pool could not hand one out in time, the
 *   server shutting down, out of connections or resources, a read-only standby after a failover);
 * - `timed-out`: the statement was cancelled (statement timeout) because the server is too slow now.
 * Neither says anything about the request itself; the same request may well succeed later.
 */
export type DatabaseUnavailability = 'unreachable' | 'timed-out';

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** node-postgres reports a lost or impossible connection with these messages and no SQLSTATE. */
const CONNECTION_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'connection timeout',
];

/** SQLSTATE classes 08 (connection exception) and 53 (insufficient resources, e.g. 53300 too many connections). */
const UNREACHABLE_CLASSES = new Set(['08', '53']);
/** Admin shutdown, crash shutdown, cannot connect now (starting up, recovering), read-only transaction (a standby). */
const UNREACHABLE_STATES = new Set(['57P01', '57P02', '57P03', '25006']);
const QUERY_CANCELED = '57014';
/** Wrapped errors (TypeORM's QueryFailedError, an Error with a `cause`) are looked through this deep. */
const MAX_DEPTH = 4;

export function databaseUnavailability(error: unknown): DatabaseUnavailability | null {
  let current: unknown = error;
  for (let depth = 0; depth < MAX_DEPTH && typeof current === 'object' && current !== null; depth++) {
    const found = ownUnavailability(current as Record<string, unknown>);
    if (found !== null) return found;
    const record = current as Record<string, unknown>;
    current = record['driverError'] ?? record['cause'];
  }
  return null;
}

function ownUnavailability(error: Record<string, unknown>): DatabaseUnavailability | null {
  const code = typeof error['code'] === 'string' ? error['code'] : undefined;
  // Before the SQLSTATE test: EPIPE has a SQLSTATE's shape.
  if (code !== undefined && NETWORK_CODES.has(code)) return 'unreachable';
  if (code !== undefined && /^[0-9A-Z]{5}$/.test(code)) {
    if (code === QUERY_CANCELED) return 'timed-out';
    return UNREACHABLE_STATES.has(code) || UNREACHABLE_CLASSES.has(code.slice(0, 2)) ? 'unreachable' : null;
  }
  const message = typeof error['message'] === 'string' ? error['message'] : '';
  return CONNECTION_MESSAGES.some((known) => message.includes(known)) ? 'unreachable' : null;
}
