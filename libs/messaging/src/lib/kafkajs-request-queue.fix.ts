/**
 * kafkajs 2.2.4 keeps a 1 ms timer running on every broker connection once it has answered a request:
 * `scheduleCheckPendingRequests` schedules the next check even when nothing is pending or throttled,
 * with a negative delay (kafkajs issues #1556, #1704; upstream is unmaintained). An idle relay spent
 * about 45 ms of CPU per second on it, and every app with a Kafka client pays it per connection.
 *
 * This replaces that one method with kafkajs' own, minus the empty loop: with nothing pending and no
 * throttle, no timer is set. Nothing is lost by that: a request that cannot go out at once is queued by
 * `push`, which schedules the check (pending is then non-empty), and every response or timeout of a
 * request in flight checks the queue again. Only the version with the bug is changed.
 */
const FIXED_VERSION = '2.2.4';
/** kafkajs' CHECK_PENDING_REQUESTS_INTERVAL. */
const CHECK_PENDING_REQUESTS_INTERVAL_MS = 10;

/** The fields of kafkajs' RequestQueue the method uses. */
export interface RequestQueueState {
  readonly pending: readonly unknown[];
  readonly throttledUntil: number;
  throttleCheckTimeoutId: ReturnType<typeof setTimeout> | null;
  checkPendingRequests(): void;
}

/** kafkajs' scheduleCheckPendingRequests, except that it schedules nothing when nothing waits. */
export function scheduleCheckPendingRequests(this: RequestQueueState): void {
  if (this.throttleCheckTimeoutId) return;
  const untilUnthrottled = this.throttledUntil - Date.now();
  let delayMs: number;
  if (this.pending.length > 0) delayMs = untilUnthrottled > 0 ? untilUnthrottled : CHECK_PENDING_REQUESTS_INTERVAL_MS;
  else if (untilUnthrottled > 0) delayMs = untilUnthrottled;
  else return;
  this.throttleCheckTimeoutId = setTimeout(() => {
    this.throttleCheckTimeoutId = null;
    this.checkPendingRequests();
  }, delayMs);
}

let applied = false;

/** Installs the method above on kafkajs' RequestQueue (once); true if the installed kafkajs has the bug. */
export function fixKafkajsIdleRequestQueue(): boolean {
  const { version } = require('kafkajs/package.json') as { readonly version: string };
  if (version !== FIXED_VERSION) return false;
  if (!applied) {
    const RequestQueue = require('kafkajs/src/network/requestQueue') as { prototype: { scheduleCheckPendingRequests: () => void } };
    RequestQueue.prototype.scheduleCheckPendingRequests = scheduleCheckPendingRequests;
    applied = true;
  }
  return true;
}
