import { SseClient } from '@ledger/testing';
import type { Bearer } from '../lib/bench-caller';
import { getStatus, postJson } from '../lib/command-http';
import { epochNow, type CommandSample } from './latency-samples';

/** Waits until the query service has every account (a read with minVersion=1 each). */
export async function awaitProjected(queryUrl: string, accounts: readonly string[], as: Bearer): Promise<void> {
  for (const id of accounts) {
    const status = await getStatus(`${queryUrl}/accounts/${id}?minVersion=1&waitMs=10000`, as);
    if (status !== 200) throw new Error(`account ${id} not projected: ${status}`);
  }
}

/** Arrival time of every (account, version) any of the streams delivered. */
export class StreamArrivals {
  private readonly arrivals = new Map<string, number>();
  private readonly clients: SseClient[] = [];

  /** Each account's stream as a caller of its own (`followers[i]` follows `accounts[i]`). */
  static async follow(queryUrl: string, accounts: readonly string[], followers: readonly Bearer[]): Promise<StreamArrivals> {
    const arrivals = new StreamArrivals();
    for (const [i, id] of accounts.entries()) {
      const as = followers[i];
      if (as === undefined) throw new Error(`no follower for account ${i}`);
      const client = await SseClient.connect(`${queryUrl}/accounts/${id}/stream`, { authorization: as.authorization });
      if (client.status !== 200) throw new Error(`stream of ${id} refused: ${client.status} ${client.body}`);
      client.onMessage((message) => arrivals.arrivals.set(`${id}:${message.id}`, epochNow()));
      arrivals.clients.push(client);
    }
    return arrivals;
  }

  at(accountId: string, version: number): number | undefined {
    return this.arrivals.get(`${accountId}:${version}`);
  }

  close(): void {
    for (const client of this.clients) client.close();
  }
}

export interface Failures {
  commands: number;
  reads: number;
  /** How each failure ended: an HTTP status, or the transport error's code. */
  readonly causes: Record<string, number>;
}

export const noFailures = (): Failures => ({ commands: 0, reads: 0, causes: {} });

function fail(failures: Failures, what: 'commands' | 'reads', cause: string): void {
  failures[what] += 1;
  const key = `${what === 'commands' ? 'command' : 'read'} ${cause}`;
  failures.causes[key] = (failures.causes[key] ?? 0) + 1;
}

const causeOf = (error: unknown): string =>
  String(
    (error instanceof Error ? ((error as { code?: string }).code ?? (error.cause as { code?: string } | undefined)?.code) : undefined) ??
      (error instanceof Error ? error.message : error),
  );

/**
 * One command of the load: mostly deposits, every fifth a withdrawal; once accepted, optionally the
 * read-your-writes read. Records the sample instead of throwing.
 */
export async function commandAndRead(
  urls: { readonly command: string; readonly query: string },
  as: Bearer,
  accountId: string,
  n: number,
  read: boolean,
  samples: CommandSample[] | null,
  failures: Failures,
): Promise<void> {
  const kind = n % 5 === 4 ? 'withdrawals' : 'deposits';
  const sentAt = epochNow();
  let sample: CommandSample;
  try {
    const reply = await postJson(`${urls.command}/accounts/${accountId}/${kind}`, { amount: 1 + (n % 100) }, as);
    const acceptedAt = epochNow();
    const eventId = reply.body.events?.[0]?.eventId;
    if (reply.status !== 201 || eventId === undefined) {
      fail(failures, 'commands', String(reply.status));
      return;
    }
    sample = { accountId, version: reply.body.version, eventId, sentAt, acceptedAt };
  } catch (error) {
    fail(failures, 'commands', causeOf(error));
    return;
  }
  samples?.push(sample);
  if (!read) return;
  try {
    const status = await getStatus(`${urls.query}/accounts/${accountId}?minVersion=${sample.version}&waitMs=10000`, as);
    if (status === 200) sample.readOkAt = epochNow();
    else fail(failures, 'reads', String(status));
  } catch (error) {
    fail(failures, 'reads', causeOf(error));
  }
}
