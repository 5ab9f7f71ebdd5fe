/** Errors that mean the group is rebalancing or this member's generation is over: give the partition up. */
const REBALANCE_TYPES = new Set([
  'REBALANCE_IN_PROGRESS',
  'ILLEGAL_GENERATION',
  'UNKNOWN_MEMBER_ID',
  'NOT_COORDINATOR_FOR_GROUP',
  'FENCED_INSTANCE_ID',
]);

/** kafkajs wraps protocol errors (retriers, non-retriable wrappers); the type may sit a few causes deep. */
export function isRebalanceError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const { type, cause, originalError } = current as { type?: unknown; cause?: unknown; originalError?: unknown };
    if (typeof type === 'string' && REBALANCE_TYPES.has(type)) return true;
    current = cause ?? originalError;
  }
  return false;
}
