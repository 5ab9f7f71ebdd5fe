import { randomUUID } from 'node:crypto';
import { AccountCommandHandler } from '@ledger/account-commands';
import { AccountCommand } from '@ledger/domain';
import type { EventStore } from '@ledger/event-store';

/** The benchmark acts as a trusted service, as it does over HTTP with the ledger-bench client. */
const BENCH_ACTOR = { subject: 'ledger-bench', clientId: 'ledger-bench', operator: true } as const;

/**
 * The command app's pipeline without Nest, HTTP or metrics: the same `AccountCommandHandler` the app
 * wires up (load from the recent-state cache or snapshot + tail, decide, append; per-account queue),
 * with its defaults, on the store it is given.
 */
export class AccountWorkload {
  private readonly accounts: AccountCommandHandler;

  constructor(store: EventStore) {
    this.accounts = new AccountCommandHandler({ store });
  }

  async execute(command: AccountCommand): Promise<void> {
    const id = randomUUID();
    const outcome = await this.accounts.handle(command, { actor: BENCH_ACTOR, correlationId: id, causationId: id });
    // Workers take distinct accounts, so anything but an append means the bench itself is wrong.
    if (outcome.kind !== 'accepted')
      throw new Error(
        `${command.data.accountId}: ${outcome.kind} ${JSON.stringify(outcome, (_, v) => (typeof v === 'bigint' ? String(v) : v))}`,
      );
  }

  open(accountId: string): Promise<void> {
    return this.execute({
      type: 'OpenAccount',
      data: {
        accountId,
        owner: 'Bench Account',
        ownerId: 'ledger-bench',
        currency: 'EUR',
        initialDeposit: 0n,
        now: new Date(),
      },
    });
  }

  deposit(accountId: string, amount: bigint): Promise<void> {
    return this.execute({
      type: 'DepositMoney',
      data: { accountId, amount, now: new Date() },
    });
  }
}
