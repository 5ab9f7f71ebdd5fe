import { eventsInStreamOrder, type StoredEvent } from '@ledger/event-store';
import { toEnvelope, toKafkaMessage } from '@ledger/messaging';
import { checkConsistency, type ConsistencySummary, type Difference } from '@ledger/read-model-operations';
import { accountsInIdOrder, transactionsInIdOrder } from '@ledger/read-model-schema';
import { bulkAppend, type AccountHistory, type BulkEvent } from '@ledger/testing';
import type { Message } from 'kafkajs';
import type { Pool } from 'pg';

const PAGE = 500;

/** Stores the given versions of each history in the event store, as the command service would have. */
export async function storeVersions(store: Pool, histories: readonly AccountHistory[], versions: readonly number[]): Promise<void> {
  const events: BulkEvent[] = histories.flatMap((history) =>
    versions.map((version) => {
      const envelope = history.envelope(version);
      return {
        streamId: envelope.streamId,
        version: envelope.version,
        eventId: envelope.eventId,
        type: envelope.type,
        schemaVersion: envelope.schemaVersion,
        data: envelope.data,
        metadata: { correlationId: envelope.metadata.correlationId, causationId: envelope.metadata.causationId },
        occurredAt: new Date(envelope.occurredAt),
      };
    }),
  );
  await bulkAppend(store, events);
}

/**
 * The stored events (those `keep` selects) as the relay publishes them: in commit order, one message
 * per event, keyed by account. (A test store holds no concurrent appends: commit order is the order of
 * global positions.)
 */
export async function storedMessages(store: Pool, keep: (event: StoredEvent) => boolean = () => true): Promise<Message[]> {
  const client = await store.connect();
  try {
    const events: StoredEvent[] = [];
    for await (const event of eventsInStreamOrder(client, { batchSize: PAGE })) if (keep(event)) events.push(event);
    events.sort((a, b) => (BigInt(a.globalPosition) < BigInt(b.globalPosition) ? -1 : 1));
    return events.map((event) => toKafkaMessage(toEnvelope(event)));
  } finally {
    client.release();
  }
}

export interface Verification {
  readonly summary: ConsistencySummary;
  readonly differences: readonly Difference[];
}

/** `ledger verify`: the read model against the event store, account by account and event by event. */
export async function verifyReadModel(store: Pool, readModel: Pool): Promise<Verification> {
  const [storeClient, readModelClient] = await Promise.all([store.connect(), readModel.connect()]);
  try {
    const differences: Difference[] = [];
    const options = { batchSize: PAGE };
    const summary = await checkConsistency(
      {
        events: eventsInStreamOrder(storeClient, options),
        accounts: accountsInIdOrder(readModelClient, options),
        transactions: transactionsInIdOrder(readModelClient, options),
      },
      (difference) => differences.push(difference),
    );
    return { summary, differences };
  } finally {
    storeClient.release();
    readModelClient.release();
  }
}
