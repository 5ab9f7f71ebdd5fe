import type { PoolClient } from 'pg';
import { EVENT_STORE_APPENDED_CHANNEL } from '../event-store.sql';

/** What a listening session has heard on the appended channel, and a wait for one payload. */
export interface AppendedNotifications {
  /** Every payload heard so far, in order. */
  readonly received: readonly string[];
  /** Resolves once `awaited` has been heard. */
  readonly arrived: Promise<void>;
}

/** LISTENs on `listener` for the store's appended notifications until the caller UNLISTENs. */
export async function listenForAppended(listener: PoolClient, awaited: string): Promise<AppendedNotifications> {
  const received: string[] = [];
  let heard: () => void = () => undefined;
  const arrived = new Promise<void>((resolve) => (heard = resolve));
  listener.on('notification', (n) => {
    if (n.channel !== EVENT_STORE_APPENDED_CHANNEL) return;
    received.push(n.payload ?? '');
    if (n.payload === awaited) heard();
  });
  await listener.query(`LISTEN ${EVENT_STORE_APPENDED_CHANNEL}`);
  return { received, arrived };
}
