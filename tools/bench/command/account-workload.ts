import { randomUUID } from 'node:crypto';
import { AccountCommandHandler, TransferCommandHandler, type TransferCommandOutcome } from '@ledger/account-commands';
import { AccountCommand } from '@ledger/domain';
import type { EventStore } from '@ledger/event-store';

/** The benchmark acts as a trusted service, as it does over HTTP with the ledger-bench client. */
const BENCH_ACTOR = { subject: 'ledger-bench', clientId: 'ledger-bench', operator: true } as const;

/** What each account opens with: more than any run's transfers can take from even the hot source. */
export const OPENING_BALANCE = 1_000_000_000n;

function describe(outcome: unknown): string {
  return JSON.stringify(outcome, (_, v) => (typeof v === 'bigint' ? String(v) : v));
}

function context() {
  const id = randomUUID();
  return { actor: BENCH_ACTOR, correlationId: id, causationId: id };
}

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
    const outcome = await this.accounts.handle(command, context());
    // Workers take distinct accounts, so anything but an append means the bench itself is wrong.
    if (outcome.kind !== 'accepted') throw new Error(`${command.data.accountId}: ${outcome.kind} ${describe(outcome)}`);
  }

  open(accountId: string, initialDeposit: bigint = OPENING_BALANCE): Promise<void> {
    return this.execute({
      type: 'OpenAccount',
      data: {
        accountId,
        owner: 'Bench Account',
        ownerId: 'ledger-bench',
        currency: 'EUR',
        initialDeposit,
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

/**
 * Immediate transfers through the `TransferCommandHandler` the command app wires up (load the transfer
 * and both accounts, decide, one multi-stream append of three streams), with its defaults.
 */
export class TransferWorkload {
  private readonly transfers: TransferCommandHandler;

  constructor(store: EventStore) {
    this.transfers = new TransferCommandHandler({ store });
  }

  async transfer(fromAccountId: string, toAccountId: string, amount: bigint): Promise<void> {
    const transferId = randomUUID();
    const outcome: TransferCommandOutcome = await this.transfers.handle(
      {
        type: 'TransferMoney',
        data: { transferId, fromAccountId, toAccountId, amount, currency: 'EUR', reference: null, now: new Date() },
      },
      context(),
    );
    // Funded sources and the per-account queue leave nothing to refuse: anything else is the bench's bug.
    if (outcome.kind !== 'accepted') throw new Error(`transfer ${fromAccountId} -> ${toAccountId}: ${outcome.kind} ${describe(outcome)}`);
  }
}
