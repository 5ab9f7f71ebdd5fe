import type { EventEnvelope } from '@ledger/messaging';

export interface ExpectedEvent {
  readonly eventId: string;
  readonly streamId: string;
  readonly version: number;
}

export interface ReceivedMessage {
  readonly partition: number;
  /** Offsets as numbers: test topics stay far below 2^53. */
  readonly offset: number;
  readonly key: string | null;
  readonly envelope: EventEnvelope;
}

export interface DeliveryReport {
  readonly problems: readonly string[];
  readonly duplicates: number;
  readonly accounts: number;
}

const MAX_PROBLEMS = 25;

/**
 * What the relay promises, checked on a topic read from the start: every committed event is there,
 * nothing else is (no rolled-back event), each account sits on one partition keyed by its id, and in
 * partition order each account's versions go 1, 2, 3, ... where a message may only repeat an event
 * already seen (a resend after a failure), never skip ahead or bring a different event.
 */
export function checkDelivery(expected: readonly ExpectedEvent[], received: readonly ReceivedMessage[]): DeliveryReport {
  const problems: string[] = [];
  const report = (problem: string) => {
    if (problems.length < MAX_PROBLEMS) problems.push(problem);
  };
  const ordered = [...received].sort((a, b) => a.partition - b.partition || a.offset - b.offset);
  const accounts = new Map<string, { partition: number; lastVersion: number; ids: Map<number, string> }>();
  const seen = new Set<string>();
  let duplicates = 0;

  for (const { partition, offset, key, envelope } of ordered) {
    const where = `partition ${partition} offset ${offset}`;
    if (key !== envelope.streamId) report(`${where}: key ${key} is not the stream id ${envelope.streamId}`);
    let account = accounts.get(envelope.streamId);
    if (account === undefined) {
      account = { partition, lastVersion: 0, ids: new Map() };
      accounts.set(envelope.streamId, account);
    }
    if (account.partition !== partition) {
      report(`${where}: account ${envelope.streamId} also on partition ${account.partition}`);
    }
    const { version, eventId } = envelope;
    if (version <= account.lastVersion) {
      if (account.ids.get(version) === eventId) duplicates += 1;
      else report(`${where}: account ${envelope.streamId} version ${version} is a different event than before`);
    } else if (version === account.lastVersion + 1) {
      account.lastVersion = version;
      account.ids.set(version, eventId);
    } else {
      report(`${where}: account ${envelope.streamId} jumps from version ${account.lastVersion} to ${version}`);
      account.lastVersion = version;
      account.ids.set(version, eventId);
    }
    seen.add(eventId);
  }

  const expectedIds = new Set<string>();
  for (const event of expected) {
    expectedIds.add(event.eventId);
    if (!seen.has(event.eventId)) report(`missing: ${event.streamId} version ${event.version} (${event.eventId})`);
  }
  for (const eventId of seen) {
    if (!expectedIds.has(eventId)) report(`unexpected event ${eventId} (never committed)`);
  }
  return { problems, duplicates, accounts: accounts.size };
}
