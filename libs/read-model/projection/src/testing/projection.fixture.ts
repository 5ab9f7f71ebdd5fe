import { EVENT_STORE_MIGRATIONS_TABLE, eventStoreMigrations } from '@ledger/event-store';
import { required } from '@ledger/platform';
import { databaseSuite } from '@ledger/testing';
import type { Message } from 'kafkajs';
import type { Pool } from 'pg';
import { READ_MODEL_MIGRATIONS_TABLE, readModelMigrations } from '@ledger/read-model-schema';
import { decodeForProjection, rawFromKafka, type ProjectionInput } from '../lib/plan/projection-input';
import { ACCOUNTS_PROJECTION, ProjectionWriter, type BatchOutcome } from '../lib/writer/projection.writer';

export const TOPIC = 'account-events';

/** What a test database needs so the projection refuses one account's rows, as a broken database would. */
export const REFUSAL_TRIGGER = `
  CREATE TABLE public.refused_accounts (account_id uuid PRIMARY KEY);
  CREATE FUNCTION public.refuse_account() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF EXISTS (SELECT 1 FROM public.refused_accounts WHERE account_id = NEW.account_id) THEN
      RAISE EXCEPTION 'account % refused', NEW.account_id USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
  END $$;
  CREATE TRIGGER refuse_account BEFORE INSERT OR UPDATE ON read_model.accounts
    FOR EACH ROW EXECUTE FUNCTION public.refuse_account();`;

/** An undecodable message keyed by an account: poison that parks it. */
export function poisonFor(accountId: string | null): Message {
  return { key: accountId, value: Buffer.from('{not json') };
}

/** Producer messages as the projector would consume them: from one partition, at offsets from `firstOffset`. */
export function projectionInputs(messages: readonly Message[], firstOffset: number): ProjectionInput[] {
  return messages.map((m, i) =>
    decodeForProjection(
      rawFromKafka(TOPIC, 0, {
        offset: String(firstOffset + i),
        key: m.key === undefined || m.key === null ? null : Buffer.from(m.key),
        value: m.value === null ? null : Buffer.from(m.value as Buffer),
        headers: m.headers,
      }),
    ),
  );
}

/**
 * Stands in for the projector: delivers messages at increasing offsets of one partition through the
 * real ProjectionWriter, and falls back to `applyIsolated` when the database refuses the batch, as the
 * projector does once its retries are spent.
 */
export class TestProjector {
  private offset = 0;
  readonly writer = new ProjectionWriter({ projection: ACCOUNTS_PROJECTION });

  constructor(private readonly pool: Pool) {}

  async deliver(messages: readonly Message[]): Promise<BatchOutcome> {
    const inputs = projectionInputs(messages, this.offset);
    this.offset += messages.length;
    const client = await this.pool.connect();
    try {
      return await this.writer.apply(client, inputs).catch(() => this.writer.applyIsolated(client, inputs, 5));
    } finally {
      client.release();
    }
  }
}

export interface ProjectionSuiteOptions {
  readonly poolSize: number;
  /** Installs REFUSAL_TRIGGER, so a test can have the database refuse an account's rows. */
  readonly refusals?: boolean;
  /** Migrates the event store next to the read model, for actions that read it (heal). */
  readonly eventStore?: boolean;
}

/**
 * A fresh migrated database for the enclosing describe, with a TestProjector on it: created before its
 * tests, dropped after them. Read `pool` and `projector` inside tests and hooks.
 */
export function projectionSuite(options: ProjectionSuiteOptions): { readonly pool: Pool; readonly projector: TestProjector } {
  const db = options.eventStore
    ? databaseSuite({
        migrations: [...eventStoreMigrations, ...readModelMigrations],
        migrationsTable: EVENT_STORE_MIGRATIONS_TABLE,
        poolSize: options.poolSize,
      })
    : databaseSuite({ migrations: readModelMigrations, migrationsTable: READ_MODEL_MIGRATIONS_TABLE, poolSize: options.poolSize });
  if (options.refusals === true) {
    beforeAll(async () => {
      await db.pool.query(REFUSAL_TRIGGER);
    });
  }
  let projector: TestProjector | undefined;
  return {
    get pool() {
      return db.pool;
    },
    get projector() {
      return (projector ??= new TestProjector(db.pool));
    },
  };
}

export interface ParkedRow {
  readonly dead_letter_id: string;
  readonly reason: string;
}

export async function parkedRow(pool: Pool, accountId: string): Promise<ParkedRow | undefined> {
  const { rows } = await pool.query<ParkedRow>(
    `SELECT dead_letter_id::text, reason FROM read_model.parked_accounts WHERE account_id = $1`,
    [accountId],
  );
  return rows[0];
}

/** The parked row of an account the test has parked; fails when the account is not parked. */
export async function parkedRowOf(pool: Pool, accountId: string): Promise<ParkedRow> {
  return required(await parkedRow(pool, accountId), `account ${accountId} parked`);
}

/** Offsets of the account's held messages, in the order they would apply. */
export async function heldOffsets(pool: Pool, accountId: string): Promise<number[]> {
  const { rows } = await pool.query<{ offset: number }>(
    `SELECT "offset"::int AS "offset" FROM read_model.parked_events WHERE account_id = $1 ORDER BY id`,
    [accountId],
  );
  return rows.map((r) => r.offset);
}

export async function deadLettersOf(
  pool: Pool,
  accountId: string,
): Promise<{ id: string; status: string; attempts: number; version: number | null }[]> {
  const { rows } = await pool.query(
    `SELECT id::text, status, attempts, version::int FROM read_model.dead_letters WHERE account_id = $1 ORDER BY id`,
    [accountId],
  );
  return rows;
}
export * from './transfer-story.fixture';
