import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { AccountCommand, decide, foldAccount } from '@ledger/domain';
import type { EventStore } from '@ledger/event-store';
import { AccountRepository } from '../../../apps/command/src/accounts/account.repository';
import { CommandConfig } from '../../../apps/command/src/command.config';

/**
 * The command executor's load-decide-append, without Nest, HTTP, metrics or the per-account queue:
 * the same repository, event store, codec and snapshot policy the app wires up.
 */
export class AccountWorkload {
  private readonly repository: AccountRepository;

  constructor(store: EventStore) {
    this.repository = new AccountRepository(store, new CommandConfig());
  }

  async execute(
    accountId: string,
    command: (now: Date) => AccountCommand,
  ): Promise<void> {
    const loaded = await this.repository.load(accountId);
    const now = new Date();
    const decision = decide(command(now), loaded.state);
    if (!decision.ok)
      throw new Error(`${accountId}: ${JSON.stringify(decision.error)}`);
    const result = await this.repository.append({
      accountId,
      loaded,
      events: decision.events.map((event) => ({
        eventId: randomUUID(),
        event,
      })),
      stateAfter: foldAccount(decision.events, loaded.state),
      metadata: { correlationId: randomUUID(), causationId: randomUUID() },
      occurredAt: now,
    });
    // Workers take distinct accounts, so a conflict means the bench itself is wrong.
    if (result.kind !== 'appended')
      throw new Error(`${accountId}: append ${result.kind}`);
  }

  open(accountId: string): Promise<void> {
    return this.execute(accountId, (now) => ({
      type: 'OpenAccount',
      data: {
        accountId,
        owner: 'Bench Account',
        currency: 'EUR',
        initialDeposit: 0n,
        now,
      },
    }));
  }

  deposit(accountId: string, amount: bigint): Promise<void> {
    return this.execute(accountId, (now) => ({
      type: 'DepositMoney',
      data: { accountId, amount, now },
    }));
  }
}
