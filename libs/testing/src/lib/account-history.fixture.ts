import { encodeEvent, type AccountEvent } from '@ledger/domain';
import { toEnvelope, toKafkaMessage, type EventEnvelope } from '@ledger/messaging';
import type { Message } from 'kafkajs';
import { randomUUID } from 'node:crypto';

/**
 * A valid account history, as the relay would publish it: opened with `initialDeposit`, then one
 * deposit of `step` per further version. Tests pick the versions they deliver (skip one for a gap,
 * repeat some for duplicates).
 */
export class AccountHistory {
  readonly accountId: string;
  readonly envelopes: readonly EventEnvelope[];

  constructor(
    options: {
      accountId?: string;
      deposits?: number;
      initialDeposit?: bigint;
      step?: bigint;
      owner?: string;
      ownerId?: string | null;
    } = {},
  ) {
    this.accountId = options.accountId ?? randomUUID();
    const start = Date.parse('2026-03-01T10:00:00.000Z');
    const initial = options.initialDeposit ?? 100n;
    const step = options.step ?? 10n;
    const at = (version: number) => new Date(start + version * 1_000);
    const events: AccountEvent[] = [
      {
        type: 'AccountOpened',
        data: {
          accountId: this.accountId,
          owner: options.owner ?? 'Ada',
          ownerId: options.ownerId ?? null,
          currency: 'EUR',
          initialDeposit: initial,
          balanceAfter: initial,
          openedAt: at(1),
        },
      },
    ];
    for (let n = 1; n <= (options.deposits ?? 0); n++) {
      events.push({
        type: 'MoneyDeposited',
        data: { accountId: this.accountId, amount: step, balanceAfter: initial + step * BigInt(n), depositedAt: at(n + 1) },
      });
    }
    this.envelopes = events.map((event, index) => envelopeOf(this.accountId, index + 1, event, at(index + 1)));
  }

  envelope(version: number): EventEnvelope {
    const envelope = this.envelopes[version - 1];
    if (envelope === undefined) throw new RangeError(`no version ${version} in this history`);
    return envelope;
  }

  /** The balance after `version`. */
  balanceAt(version: number): bigint {
    const data = this.envelope(version).data as { balanceAfter: string };
    return BigInt(data.balanceAfter);
  }

  /** Kafka messages of the given versions (default: all), in the order given. */
  messages(versions?: readonly number[]): Message[] {
    const picked = versions ?? this.envelopes.map((e) => e.version);
    return picked.map((version) => toKafkaMessage(this.envelope(version)));
  }
}

let position = 1n;

export function envelopeOf(accountId: string, version: number, event: AccountEvent, occurredAt: Date): EventEnvelope {
  const encoded = encodeEvent(event);
  position += 1n;
  return toEnvelope({
    eventId: randomUUID(),
    streamId: accountId,
    version,
    type: encoded.type,
    schemaVersion: encoded.schemaVersion,
    occurredAt,
    data: encoded.data,
    metadata: { correlationId: `corr-${version}`, causationId: null },
    globalPosition: position.toString(),
  });
}
