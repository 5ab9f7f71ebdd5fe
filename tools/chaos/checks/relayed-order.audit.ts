/** One event as the audit sees it, on the topic or in the store. */
export interface AuditedEvent {
  readonly streamId: string;
  readonly version: number;
  readonly eventId: string;
}

export interface RelayedOrderReport {
  readonly messages: number;
  /** Messages that repeat an event already on the topic (allowed: at-least-once). */
  readonly duplicates: number;
  readonly storedEvents: number;
  readonly streams: number;
  /** Events in the store never relayed. */
  readonly missing: number;
  readonly violations: readonly string[];
}

const MAX_LISTED = 20;

/**
 * Checks the topic against the store: every stored event relayed, each account's events first seen
 * in version order with no gap (a resend after a failure may repeat what came before, never skip
 * ahead), and a repeated version always the same event. Fed the topic partition by partition in
 * offset order, then the store.
 */
export class RelayedOrderAudit {
  /** Per stream: the highest version seen so far, in topic order. */
  private readonly reached = new Map<string, number>();
  private readonly relayedIds = new Map<string, string>();
  private readonly problems: string[] = [];
  private problemCount = 0;
  private messages = 0;
  private duplicates = 0;
  private storedEvents = 0;
  private missing = 0;
  private readonly storedStreams = new Set<string>();

  relayed(event: AuditedEvent): void {
    this.messages++;
    const key = `${event.streamId}@${event.version}`;
    const first = this.relayedIds.get(key);
    if (first !== undefined) {
      this.duplicates++;
      if (first !== event.eventId) this.problem(`${key}: relayed again as event ${event.eventId}, first as ${first}`);
      return;
    }
    this.relayedIds.set(key, event.eventId);
    const reached = this.reached.get(event.streamId) ?? 0;
    if (event.version < reached) this.problem(`${key}: first relayed after version ${reached}`);
    else if (event.version > reached + 1) this.problem(`${key}: relayed after version ${reached}, before version ${reached + 1}`);
    this.reached.set(event.streamId, Math.max(reached, event.version));
  }

  /** A message on the topic that is not an event envelope. */
  unreadable(where: string, reason: string): void {
    this.messages++;
    this.problem(`${where}: not an event envelope (${reason})`);
  }

  stored(event: AuditedEvent): void {
    this.storedEvents++;
    this.storedStreams.add(event.streamId);
    const relayed = this.relayedIds.get(`${event.streamId}@${event.version}`);
    if (relayed === undefined) {
      this.missing++;
      this.problem(`${event.streamId}@${event.version}: stored (event ${event.eventId}) but never relayed`);
    } else if (relayed !== event.eventId) {
      this.problem(`${event.streamId}@${event.version}: stored as event ${event.eventId}, relayed as ${relayed}`);
    }
  }

  report(): RelayedOrderReport {
    const unknown = [...this.reached.keys()].filter((stream) => !this.storedStreams.has(stream));
    for (const stream of unknown) this.problem(`${stream}: relayed but has no events in the store`);
    return {
      messages: this.messages,
      duplicates: this.duplicates,
      storedEvents: this.storedEvents,
      streams: this.storedStreams.size,
      missing: this.missing,
      violations: this.problemCount > MAX_LISTED ? [...this.problems, `... ${this.problemCount - MAX_LISTED} more`] : [...this.problems],
    };
  }

  private problem(text: string): void {
    this.problemCount++;
    if (this.problems.length < MAX_LISTED) this.problems.push(text);
  }
}
