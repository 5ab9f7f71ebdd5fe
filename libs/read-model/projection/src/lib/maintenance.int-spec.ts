import { AccountHistory } from '@ledger/testing';
import type { Message } from 'kafkajs';
import { projectionSuite } from '../testing/projection.fixture';
import { drainDeadLetterOutbox, type UnpublishedDeadLetter } from './dead-letters/dead-letter.outbox';
import { parkingStats } from './parking/parking.stats';
import { pruneProcessedEvents } from './processed-events/processed-events.pruning';

describe('read-model maintenance against PostgreSQL', () => {
  const env = projectionSuite({ poolSize: 6 });
  const apply = async (messages: readonly Message[]) => void (await env.projector.deliver(messages));

  const count = async (sql: string): Promise<number> => Number((await env.pool.query<{ n: string }>(sql)).rows[0]?.n);

  it('given processed ids older and younger than the retention, then only the old ones are deleted, in chunks', async () => {
    const history = new AccountHistory({ deposits: 11 });
    await apply(history.messages());
    const ids = history.envelopes.map((e) => e.eventId);
    await env.pool.query(
      `UPDATE read_model.processed_events SET processed_at = now() - interval '2 hours' WHERE event_id = ANY($1::uuid[])`,
      [ids.slice(0, 7)],
    );

    const pruned = await pruneProcessedEvents(env.pool, { olderThanSeconds: 3_600, chunkSize: 3 });

    expect(pruned).toBe(7);
    const left = await env.pool.query<{ event_id: string }>(`SELECT event_id::text AS event_id FROM read_model.processed_events`);
    expect(left.rows.map((r) => r.event_id).sort()).toEqual(ids.slice(7).sort());
    expect(await pruneProcessedEvents(env.pool, { olderThanSeconds: 3_600, chunkSize: 3 })).toBe(0);
  });

  it('given parked accounts with held events, then the stats count both', async () => {
    const before = await parkingStats(env.pool);
    const gapped = new AccountHistory({ deposits: 4 });
    await apply(gapped.messages([1, 3, 4, 5]));

    expect(await parkingStats(env.pool)).toEqual({
      parkedAccounts: before.parkedAccounts + 1,
      parkedTransfers: before.parkedTransfers,
      heldEvents: before.heldEvents + 2,
    });
  });

  it('given unpublished dead letters, then a drain publishes each once, oldest first, and marks them', async () => {
    await apply([
      { key: null, value: Buffer.from('garbage 1') },
      { key: null, value: Buffer.from('garbage 2') },
    ]);
    const unpublished = await count(`SELECT count(*) AS n FROM read_model.dead_letters WHERE published_at IS NULL`);
    expect(unpublished).toBeGreaterThanOrEqual(3);

    const seen: UnpublishedDeadLetter[] = [];
    const published = await drainDeadLetterOutbox(env.pool, { batchSize: 2, publish: async (rows) => void seen.push(...rows) });

    expect(published).toBe(unpublished);
    expect(seen.map((d) => Number(d.id))).toEqual([...seen.map((d) => Number(d.id))].sort((a, b) => a - b));
    expect(new Set(seen.map((d) => d.id)).size).toBe(seen.length);
    const garbage = seen.find((d) => d.value?.toString() === 'garbage 2');
    expect(garbage).toMatchObject({ accountId: null, topic: 'account-events', partition: 0, key: null, attempts: 1 });
    expect(garbage?.error).toMatch(/undecodable/);
    expect(await count(`SELECT count(*) AS n FROM read_model.dead_letters WHERE published_at IS NULL`)).toBe(0);
    expect(await drainDeadLetterOutbox(env.pool, { batchSize: 2, publish: async () => undefined })).toBe(0);
  });

  it('given a send that fails, then nothing is marked and the next drain publishes the rows', async () => {
    await apply([{ key: null, value: Buffer.from('garbage 3') }]);
    const failing = drainDeadLetterOutbox(env.pool, {
      batchSize: 10,
      publish: async () => {
        throw new Error('broker unreachable');
      },
    });
    await expect(failing).rejects.toThrow('broker unreachable');
    expect(await count(`SELECT count(*) AS n FROM read_model.dead_letters WHERE published_at IS NULL`)).toBe(1);

    const seen: string[] = [];
    await drainDeadLetterOutbox(env.pool, { batchSize: 10, publish: async (rows) => void seen.push(...rows.map((r) => String(r.value))) });
    expect(seen).toEqual(['garbage 3']);
  });

  it('given a send held back, then the drain keeps no transaction open meanwhile', async () => {
    await apply([{ key: null, value: Buffer.from('garbage held') }]);
    let release = () => undefined as void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let sending = () => undefined as void;
    const sendStarted = new Promise<void>((resolve) => (sending = resolve));
    const drain = drainDeadLetterOutbox(env.pool, {
      batchSize: 10,
      publish: async () => {
        sending();
        await held;
      },
    });
    let open: unknown[];
    try {
      await sendStarted;
      // An open transaction (idle in transaction while the send waits) would hold back every reader's horizon.
      const { rows } = await env.pool.query(
        `SELECT pid, state, query FROM pg_stat_activity
          WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid() AND xact_start IS NOT NULL`,
      );
      open = rows;
    } finally {
      release();
    }
    expect(await drain).toBe(1);
    expect(open).toEqual([]);
    expect(await count(`SELECT count(*) AS n FROM read_model.dead_letters WHERE published_at IS NULL`)).toBe(0);
  });

  it('given a second drain while the first is sending, then each dead letter goes to exactly one of them', async () => {
    await apply(Array.from({ length: 6 }, (_, i) => ({ key: null, value: Buffer.from(`concurrent ${i}`) })));
    const seen: string[] = [];
    const record = (rows: readonly UnpublishedDeadLetter[]) => void seen.push(...rows.map((r) => r.id));
    let release = () => undefined as void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let sending = () => undefined as void;
    const sendStarted = new Promise<void>((resolve) => (sending = resolve));

    const first = drainDeadLetterOutbox(env.pool, {
      batchSize: 2,
      publish: async (rows) => {
        sending();
        await held;
        record(rows);
      },
    });
    let second: number;
    try {
      // The first holds its first batch, read and not yet marked published, while the second runs to its end.
      await sendStarted;
      second = await drainDeadLetterOutbox(env.pool, { batchSize: 2, publish: async (rows) => record(rows) });
    } finally {
      release();
    }

    expect((await first) + second).toBe(6);
    expect(seen).toHaveLength(6);
    expect(new Set(seen).size).toBe(6);
  });
});
