import { messageOf, prepared } from '@ledger/platform';
import { encodeChangePayloads, EVERYTHING_CHANGED, READ_MODEL_CHANGED_CHANNEL, type AccountMoved } from '@ledger/read-model-schema';
import { Client, type ClientBase, type Pool } from 'pg';

const NOTIFY_CHANGES = prepared('SELECT pg_notify($1::text, payload) FROM unnest($2::text[]) AS payload');

/**
 * The one way a change of the read model is announced on `read_model_changed`: which accounts moved
 * and to which version and which transfers' rows changed, or `everything` (a rebuild swapped the
 * tables in). Inside a transaction the notification goes out at its commit, and not at all if it rolls back.
 */
export async function announceChanges(
  db: Pool | ClientBase,
  moved: readonly AccountMoved[] | 'everything',
  transfersChanged: readonly string[] = [],
): Promise<void> {
  const payloads = moved === 'everything' ? [EVERYTHING_CHANGED] : encodeChangePayloads(moved, transfersChanged);
  if (payloads.length > 0) await db.query({ ...NOTIFY_CHANGES, values: [READ_MODEL_CHANGED_CHANNEL, payloads] });
}

export interface ChangeAnnouncerOptions {
  readonly connectionString: string;
  /** Names the announcing session in `pg_stat_activity`. */
  readonly applicationName: string;
  /** Told when a notification could not be sent. */
  readonly warn: (message: string) => void;
}

/**
 * Announces what committed batches moved, on a connection of its own, after each batch's transaction
 * committed.
 *
 * Not inside the batch's transaction: a transaction that notifies takes Postgres' cluster-wide
 * notify lock at commit and holds it through its commit's WAL flush, so every notifying commit (the
 * other partitions' batches, the command service's appends) would queue behind each batch's flush.
 * Here the NOTIFY commits asynchronously (`synchronous_commit=off`: a notification has nothing to make
 * durable), so the lock is held for microseconds and the batch's own commit holds none.
 *
 * A notification can now be lost (a crash between the commit and the NOTIFY, a broken connection):
 * the first NOTIFY on every new connection, the process's first included, is `*`, which makes every
 * waiting reader re-read. The lifecycle methods carry Nest's names, so an app provides it as it is.
 */
export class ChangeAnnouncer {
  private session: Promise<Client> | null = null;
  private pending: AccountMoved[] = [];
  private pendingTransfers: string[] = [];
  private draining: Promise<void> | null = null;

  constructor(private readonly options: ChangeAnnouncerOptions) {}

  /** Connects at once, so readers a previous process left waiting hear the `*` without waiting for traffic. */
  async onApplicationBootstrap(): Promise<void> {
    await (this.draining ??= this.drain());
  }

  /**
   * Announces what a committed batch moved; never throws (a failure is reported and covered by the
   * next `*`). Batches that commit while a NOTIFY is on its way go out together in the next one.
   */
  announce(moved: readonly AccountMoved[], transfersChanged: readonly string[] = []): Promise<void> {
    if (moved.length === 0 && transfersChanged.length === 0) return Promise.resolve();
    this.pending.push(...moved);
    this.pendingTransfers.push(...transfersChanged);
    return (this.draining ??= this.drain());
  }

  async onApplicationShutdown(): Promise<void> {
    const session = this.session;
    this.session = null;
    await session?.then((client) => client.end()).catch(() => undefined);
  }

  /** One NOTIFY at a time on the session; whatever arrived meanwhile goes in the next. */
  private async drain(): Promise<void> {
    do {
      const moved = this.pending.splice(0);
      const transfers = [...new Set(this.pendingTransfers.splice(0))];
      await this.send(moved, transfers);
    } while (this.pending.length > 0 || this.pendingTransfers.length > 0);
    this.draining = null;
  }

  private async send(moved: readonly AccountMoved[], transfersChanged: readonly string[]): Promise<void> {
    try {
      const client = await (this.session ??= this.connect());
      await announceChanges(client, moved, transfersChanged);
    } catch (error) {
      this.options.warn(`change notification not sent (${messageOf(error)}); readers re-check after the next one`);
      await this.onApplicationShutdown();
    }
  }

  private async connect(): Promise<Client> {
    const client = new Client({
      connectionString: this.options.connectionString,
      application_name: this.options.applicationName,
      options: '-c synchronous_commit=off',
      keepAlive: true,
      connectionTimeoutMillis: 5_000,
    });
    client.on('error', () => {
      this.session = null;
      client.end().catch(() => undefined);
    });
    try {
      await client.connect();
      await announceChanges(client, 'everything');
      return client;
    } catch (error) {
      this.session = null;
      await client.end().catch(() => undefined);
      throw error;
    }
  }
}
