import { Client } from 'pg';
import { decodeChangePayload, READ_MODEL_CHANGED_CHANNEL } from '@ledger/read-model-schema';
import { epochNow } from './latency-samples';

/**
 * A listener of its own on the projector's change channel, beside the query service's: when each
 * account's version was announced. It splits "projector tx start -> seen" at the NOTIFY: before it,
 * the projector's transaction, its commit and the announcement; after it, the query service's wake-up,
 * read and stream write.
 */
export class ChangeNotifications {
  /** Per account, the versions it reached, each with when it was first announced, in arrival order. */
  private readonly announced = new Map<string, Array<readonly [version: number, at: number]>>();

  private constructor(private readonly client: Client) {}

  static async listen(databaseUrl: string): Promise<ChangeNotifications> {
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    const notifications = new ChangeNotifications(client);
    client.on('notification', (message) => {
      if (message.channel === READ_MODEL_CHANGED_CHANNEL && message.payload !== undefined) notifications.record(message.payload);
    });
    await client.query(`LISTEN ${READ_MODEL_CHANGED_CHANNEL}`);
    return notifications;
  }

  private record(payload: string): void {
    const at = epochNow();
    const moved = decodeChangePayload(payload);
    if (moved === 'everything') return;
    for (const { accountId, version } of moved) {
      const key = accountId.toLowerCase();
      const seen = this.announced.get(key) ?? [];
      seen.push([version, at]);
      this.announced.set(key, seen);
    }
  }

  /** When a version at or past `version` of the account was first announced (one NOTIFY may cover several versions). */
  at(accountId: string, version: number): number | undefined {
    return this.announced.get(accountId.toLowerCase())?.find(([reached]) => reached >= version)?.[1];
  }

  close(): Promise<void> {
    return this.client.end();
  }
}
