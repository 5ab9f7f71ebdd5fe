import type { AccountEvent } from '@ledger/domain';
import { toKafkaMessage, type EventEnvelope } from '@ledger/messaging';
import { envelopeOf } from '@ledger/testing';
import type { Message } from 'kafkajs';
import { randomUUID } from 'node:crypto';

/** The owner id of a story's account unless it names another: the subject a harness' default token may carry. */
export const STORY_OWNER_ID = 'story-owner';

export type Step = { readonly deposit: bigint } | { readonly withdraw: bigint } | { readonly freeze: string | null } | 'unfreeze' | 'close';

export interface AccountStoryOptions {
  readonly accountId?: string;
  readonly owner?: string;
  /** The opener's subject (default STORY_OWNER_ID); null: an account opened before owners existed. */
  readonly ownerId?: string | null;
  readonly initialDeposit?: bigint;
  readonly steps?: readonly Step[];
  /** Version n occurs n - 1 seconds after this. */
  readonly openedAt?: Date;
}

/**
 * A valid account history of any mix of events (AccountHistory in @ledger/testing only deposits), as
 * the relay publishes it; tests pick the versions they deliver.
 */
export class AccountStory {
  readonly accountId: string;
  readonly envelopes: readonly EventEnvelope[];

  constructor(options: AccountStoryOptions = {}) {
    this.accountId = options.accountId ?? randomUUID();
    const start = (options.openedAt ?? new Date('2026-03-01T10:00:00.000Z')).getTime();
    const at = (version: number) => new Date(start + (version - 1) * 1_000);
    const accountId = this.accountId;
    let balance = options.initialDeposit ?? 100n;
    const events: AccountEvent[] = [
      {
        type: 'AccountOpened',
        data: {
          accountId,
          owner: options.owner ?? 'Ada',
          ownerId: options.ownerId === undefined ? STORY_OWNER_ID : options.ownerId,
          currency: 'EUR',
          initialDeposit: balance,
          balanceAfter: balance,
          openedAt: at(1),
        },
      },
    ];
    for (const step of options.steps ?? []) {
      const when = at(events.length + 1);
      if (step === 'unfreeze') events.push({ type: 'AccountUnfrozen', data: { accountId, unfrozenAt: when } });
      else if (step === 'close') events.push({ type: 'AccountClosed', data: { accountId, closedAt: when } });
      else if ('deposit' in step) {
        balance += step.deposit;
        events.push({ type: 'MoneyDeposited', data: { accountId, amount: step.deposit, balanceAfter: balance, depositedAt: when } });
      } else if ('withdraw' in step) {
        balance -= step.withdraw;
        events.push({ type: 'MoneyWithdrawn', data: { accountId, amount: step.withdraw, balanceAfter: balance, withdrawnAt: when } });
      } else events.push({ type: 'AccountFrozen', data: { accountId, reason: step.freeze, frozenAt: when } });
    }
    this.envelopes = events.map((event, index) => envelopeOf(accountId, index + 1, event, at(index + 1)));
  }

  get version(): number {
    return this.envelopes.length;
  }

  eventId(version: number): string {
    return this.envelope(version).eventId;
  }

  occurredAt(version: number): string {
    return new Date(this.envelope(version).occurredAt).toISOString();
  }

  /** Kafka messages of the given versions (default: all), in the order given. */
  messages(versions?: readonly number[]): Message[] {
    const picked = versions ?? this.envelopes.map((envelope) => envelope.version);
    return picked.map((version) => toKafkaMessage(this.envelope(version)));
  }

  private envelope(version: number): EventEnvelope {
    const envelope = this.envelopes[version - 1];
    if (envelope === undefined) throw new Error(`the story has no version ${version}`);
    return envelope;
  }
}
