import { randomUUID } from 'node:crypto';
import { JsonObject, NewEvent } from '../event-store.port';

/** A valid event for tests; override what the test is about. */
export function newEvent(overrides: Partial<NewEvent> = {}): NewEvent {
  return {
    eventId: randomUUID(),
    type: 'TestHappened',
    schemaVersion: 1,
    data: { n: 1 } satisfies JsonObject,
    metadata: { correlationId: randomUUID(), causationId: null },
    occurredAt: new Date('2026-01-02T03:04:05.678Z'),
    ...overrides,
  };
}

export function newEvents(count: number, overrides: Partial<NewEvent> = {}): NewEvent[] {
  return Array.from({ length: count }, (_, i) => newEvent({ data: { n: i + 1 }, ...overrides }));
}

export function uniqueStreamId(prefix = 'stream'): string {
  return `${prefix}-${randomUUID()}`;
}
