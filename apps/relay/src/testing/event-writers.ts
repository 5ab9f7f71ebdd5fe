import type { Pool, PoolClient } from 'pg';
import { eventsInStreamOrder, PostgresEventStore, type NewEvent } from '@ledger/event-store';
import { sleep } from '@ledger/platform';
import { randomUUID } from 'node:crypto';
import type { ExpectedEvent } from './relay-delivery.checker';

export interface WriterLoad {
  readonly writers: number;
  readonly accounts: readonly string[];
  /** Committed events to write in total (rolled-back ones not counted). */
  readonly events: number;
  /** Share of appends done inside an explicit transaction that is then rolled back. */
  readonly rollbackRate: number;
  /** Share of appends whose transaction is held open for `holdMs` before committing. */
  readonly holdRate: number;
  readonly holdMs: number;
  /** Pause between a writer's appends, to spread the load over time (0 = flat out). */
  readonly pauseMs?: number;
}

export interface WriterResult {
  readonly rolledBackEventIds: readonly string[];
  readonly conflicts: number;
  readonly appends: number;
}

export function newEvent(n: number): NewEvent {
  return {
    eventId: randomUUID(),
    type: 'MoneyDeposited',
    schemaVersion: 1,
    data: { amount: String(n), note: 'relay test' },
    metadata: { correlationId: randomUUID(), causationId: null },
    occurredAt: new Date(),
  };
}

/** A store on this session: its appends run one by one inside the transaction the caller controls. */
function storeOn(client: PoolClient): PostgresEventStore {
  return new PostgresEventStore(client);
}

/**
 * Concurrent writers appending through `PostgresEventStore.append` with optimistic concurrency
 * (re-read the version and retry on conflict); some appends are rolled back, some held open.
 */
export async function runWriters(pool: Pool, load: WriterLoad): Promise<WriterResult> {
  const store = new PostgresEventStore(pool);
  let remaining = load.events;
  let conflicts = 0;
  let appends = 0;
  const rolledBack: string[] = [];
  const versionOf = async (streamId: string): Promise<number> => (await store.readStream(streamId, { snapshotSchemaVersion: 1 })).version;

  const writer = async () => {
    while (remaining > 0) {
      const count = Math.min(remaining, 1 + Math.floor(Math.random() * 3));
      remaining -= count;
      const streamId = load.accounts[Math.floor(Math.random() * load.accounts.length)] as string;
      const roll = Math.random();
      if (roll < load.rollbackRate) {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          const events = Array.from({ length: count }, (_, i) => newEvent(i));
          const result = await storeOn(client).append({ streamId, expectedVersion: await versionOf(streamId), events });
          if (result.kind === 'appended') rolledBack.push(...events.map((e) => e.eventId));
        } finally {
          await client.query('ROLLBACK').catch(() => undefined);
          client.release();
        }
        remaining += count;
        continue;
      }
      const hold = roll < load.rollbackRate + load.holdRate;
      for (;;) {
        const events = Array.from({ length: count }, (_, i) => newEvent(i));
        const expectedVersion = await versionOf(streamId);
        let kind: string;
        if (hold) {
          const client = await pool.connect();
          try {
            await client.query('BEGIN');
            kind = (await storeOn(client).append({ streamId, expectedVersion, events })).kind;
            if (kind === 'appended') await sleep(load.holdMs);
            await client.query(kind === 'appended' ? 'COMMIT' : 'ROLLBACK');
          } catch (error) {
            await client.query('ROLLBACK').catch(() => undefined);
            throw error;
          } finally {
            client.release();
          }
        } else {
          kind = (await store.append({ streamId, expectedVersion, events })).kind;
        }
        if (kind === 'appended') break;
        conflicts += 1;
      }
      appends += 1;
      if (load.pauseMs) await sleep(load.pauseMs);
    }
  };
  await Promise.all(Array.from({ length: load.writers }, writer));
  return { rolledBackEventIds: rolledBack, conflicts, appends };
}

export function accountIds(count: number): string[] {
  return Array.from({ length: count }, () => randomUUID());
}

/** Every committed event, as the topic must end up holding it. */
export async function committedEvents(pool: Pool): Promise<ExpectedEvent[]> {
  const client = await pool.connect();
  try {
    const expected: ExpectedEvent[] = [];
    for await (const { eventId, streamId, version } of eventsInStreamOrder(client, { batchSize: 5_000 })) {
      expected.push({ eventId, streamId, version });
    }
    return expected;
  } finally {
    client.release();
  }
}
