import {
  decide,
  decideTransfer,
  encodeEvent,
  encodeTransferEvent,
  evolve,
  evolveTransfer,
  initialAccountState,
  initialTransferState,
  transferStreamId,
  type AccountCommand,
  type AccountEvent,
  type AccountState,
  type TransferCommand,
  type TransferEvent,
  type TransferState,
} from '@ledger/domain';
import { randomUUID } from 'node:crypto';
import type { StoreEvent } from '../verify/store-event';

/** An event as the verifier reads it, with the metadata the store takes too (`bulkAppend`'s shape alike). */
export interface LedgerEvent extends StoreEvent {
  readonly metadata: { readonly correlationId: string; readonly causationId: string | null };
}

interface Stream<S> {
  state: S;
  version: number;
}

/**
 * A ledger's history decided by the domain itself, one command at a time, a second apart: accounts,
 * deposits, withdrawals, immediate transfers and holds posted, voided or expired. Every event of the
 * three streams a transfer writes is recorded in the order the store would commit it.
 */
export class TransferLedger {
  readonly events: LedgerEvent[] = [];
  private readonly accounts = new Map<string, Stream<AccountState>>();
  private readonly transfers = new Map<string, Stream<TransferState>>();
  private clock: number;

  constructor(start = new Date('2026-03-01T10:00:00.000Z')) {
    this.clock = start.getTime();
  }

  open(initialDeposit: bigint, accountId: string = randomUUID(), currency = 'EUR'): string {
    this.account({
      type: 'OpenAccount',
      data: { accountId, owner: 'Ada', ownerId: 'ada-sub', currency, initialDeposit, now: this.tick() },
    });
    return accountId;
  }

  deposit(accountId: string, amount: bigint): void {
    this.account({ type: 'DepositMoney', data: { accountId, amount, now: this.tick() } });
  }

  withdraw(accountId: string, amount: bigint): void {
    this.account({ type: 'WithdrawMoney', data: { accountId, amount, now: this.tick() } });
  }

  transfer(fromAccountId: string, toAccountId: string, amount: bigint, transferId: string = randomUUID()): string {
    const terms = { transferId, fromAccountId, toAccountId, amount, currency: this.currencyOf(fromAccountId), reference: null };
    this.decideTransfer({ type: 'TransferMoney', data: { ...terms, now: this.tick() } }, fromAccountId, toAccountId);
    return transferId;
  }

  hold(fromAccountId: string, toAccountId: string, amount: bigint, timeoutSeconds = 60, transferId: string = randomUUID()): string {
    const terms = { transferId, fromAccountId, toAccountId, amount, currency: this.currencyOf(fromAccountId), reference: 'hold' };
    this.decideTransfer({ type: 'PlacePendingTransfer', data: { ...terms, timeoutSeconds, now: this.tick() } }, fromAccountId, toAccountId);
    return transferId;
  }

  post(transferId: string, amount: bigint | null = null): void {
    const { from, to } = this.partiesOf(transferId);
    this.decideTransfer({ type: 'PostPendingTransfer', data: { transferId, amount, now: this.tick() } }, from, to);
  }

  void(transferId: string): void {
    const { from, to } = this.partiesOf(transferId);
    this.decideTransfer({ type: 'VoidPendingTransfer', data: { transferId, now: this.tick() } }, from, to);
  }

  /** Moves the clock past the hold's deadline, then expires it. */
  expire(transferId: string): void {
    const { from, to, expiresAt } = this.partiesOf(transferId);
    if (expiresAt !== null) this.clock = Math.max(this.clock, expiresAt.getTime());
    this.decideTransfer({ type: 'ExpirePendingTransfer', data: { transferId, now: this.tick() } }, from, to);
  }

  /** The account as the domain folds it now. */
  stateOf(accountId: string): AccountState {
    return this.accountStream(accountId).state;
  }

  /** The time of the last command. */
  get now(): Date {
    return new Date(this.clock);
  }

  private tick(): Date {
    this.clock += 1_000;
    return new Date(this.clock);
  }

  private account(command: AccountCommand): void {
    const stream = this.accounts.get(command.data.accountId) ?? { state: initialAccountState, version: 0 };
    this.accounts.set(command.data.accountId, stream);
    const decision = decide(command, stream.state);
    if (!decision.ok) throw new Error(`${command.type} refused: ${decision.error.type}`);
    this.recordAccount(command.data.accountId, decision.events, command.data.now, randomUUID());
  }

  private decideTransfer(command: TransferCommand, from: string, to: string): void {
    const { transferId } = command.data;
    const transfer = this.transfers.get(transferId) ?? { state: initialTransferState, version: 0 };
    this.transfers.set(transferId, transfer);
    const decision = decideTransfer(command, transfer.state, this.accountStream(from).state, this.accountStream(to).state);
    if (!decision.ok) throw new Error(`${command.type} refused: ${decision.error.type}`);
    const correlationId = randomUUID();
    const now = command.data.now;
    this.recordAccount(from, decision.from, now, correlationId);
    this.recordAccount(to, decision.to, now, correlationId);
    for (const event of decision.transfer) this.recordTransfer(transferId, transfer, event, now, correlationId);
  }

  private recordAccount(accountId: string, events: readonly AccountEvent[], at: Date, correlationId: string): void {
    const stream = this.accountStream(accountId);
    for (const event of events) {
      stream.state = evolve(stream.state, event);
      stream.version += 1;
      this.events.push({ ...encodeEvent(event), ...this.position(accountId, stream.version, at, correlationId) });
    }
  }

  private recordTransfer(transferId: string, stream: Stream<TransferState>, event: TransferEvent, at: Date, correlationId: string): void {
    stream.state = evolveTransfer(stream.state, event);
    stream.version += 1;
    this.events.push({ ...encodeTransferEvent(event), ...this.position(transferStreamId(transferId), stream.version, at, correlationId) });
  }

  private position(streamId: string, version: number, occurredAt: Date, correlationId: string) {
    return { streamId, version, eventId: randomUUID(), metadata: { correlationId, causationId: null }, occurredAt };
  }

  private accountStream(accountId: string): Stream<AccountState> {
    const stream = this.accounts.get(accountId);
    if (stream === undefined) throw new Error(`account ${accountId} was never opened`);
    return stream;
  }

  private currencyOf(accountId: string): string {
    const { state } = this.accountStream(accountId);
    if (state.status === 'NOT_OPENED') throw new Error(`account ${accountId} is not open`);
    return state.currency;
  }

  private partiesOf(transferId: string): { from: string; to: string; expiresAt: Date | null } {
    const state = this.transfers.get(transferId)?.state;
    if (state === undefined || state.status === 'NOT_CREATED') throw new Error(`transfer ${transferId} was never created`);
    return { from: state.fromAccountId, to: state.toAccountId, expiresAt: state.expiresAt };
  }
}

/**
 * A ledger in two currencies: A (1000 EUR) pays B 300 at once; a hold of 200 is posted for 150, one of
 * 100 voided, one of 50 expired; B withdraws 100, A deposits 10; a hold of 40 stays pending (an hour);
 * C pays D 70 USD. So A has 560 with 40 reserved, B 350; EUR: 1010 in, 100 out, 910 held.
 */
export function transferScenario() {
  const ledger = new TransferLedger();
  const a = ledger.open(1000n);
  const b = ledger.open(0n);
  const c = ledger.open(500n, undefined, 'USD');
  const d = ledger.open(0n, undefined, 'USD');
  const immediate = ledger.transfer(a, b, 300n);
  const posted = ledger.hold(a, b, 200n);
  ledger.post(posted, 150n);
  const voided = ledger.hold(a, b, 100n);
  ledger.void(voided);
  const expired = ledger.hold(a, b, 50n, 60);
  ledger.expire(expired);
  ledger.withdraw(b, 100n);
  ledger.deposit(a, 10n);
  const pending = ledger.hold(a, b, 40n, 3600);
  const usd = ledger.transfer(c, d, 70n);
  return { ledger, a, b, c, d, immediate, posted, voided, expired, pending, usd };
}
