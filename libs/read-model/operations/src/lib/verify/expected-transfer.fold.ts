import {
  decodeStoredTransferEvent,
  evolveTransfer,
  initialTransferState,
  type CreatedTransferState,
  type TransferEvent,
  type TransferState,
} from '@ledger/domain';
import type { TransferRow, TransferStateWithId } from '@ledger/read-model-schema';
import { rendered, type Difference } from './consistency.difference';
import { decodeInOrder, type StoreEvent } from './store-event';

/**
 * The transfer one stream (`transfer-<id>`) must give, with the domain's own `evolveTransfer`, one
 * event at a time. As for an account, a stream that cannot be read, has a gap or does not begin with
 * the transfer's creation is reported once and not checked further.
 */
export class ExpectedTransfer {
  private state: TransferState = initialTransferState;
  private version = 0;
  private brokenAt: number | null = null;
  private readonly stateRows: TransferStateWithId[] = [];
  private terms: TransferRow | null = null;

  constructor(
    /** The stream's id: `transfer-<id>`. */
    readonly streamId: string,
    readonly transferId: string,
  ) {}

  get broken(): boolean {
    return this.brokenAt !== null;
  }

  /** The transfer as its stream left it; null before its creation or once the stream broke. */
  get current(): CreatedTransferState | null {
    return this.broken || this.state.status === 'NOT_CREATED' ? null : this.state;
  }

  /** The `transfers` row the stream must give. */
  get row(): TransferRow | null {
    return this.broken || this.terms === null ? null : { ...this.terms, version: this.version };
  }

  /** The `transfer_states` rows, one per event, in version order. */
  get states(): readonly TransferStateWithId[] {
    return this.broken ? [] : this.stateRows;
  }

  apply(stored: StoreEvent): readonly Difference[] {
    if (this.broken) return [];
    const read = decodeInOrder(stored, this.version, decodeStoredTransferEvent);
    if ('broken' in read) return this.stop(stored.version, read.broken.expected, read.broken.actual);
    const { event } = read;
    const problems = attachProblem(this.state, event);
    if (problems !== null) return this.stop(stored.version, problems.expected, problems.actual);
    if (event.data.transferId.toLowerCase() !== this.transferId) {
      return this.stop(stored.version, `transferId ${this.transferId}`, `transferId ${event.data.transferId}`);
    }
    const amounts = this.amountProblems(stored.version, event);
    this.state = evolveTransfer(this.state, event);
    this.version = stored.version;
    const state = this.state as CreatedTransferState;
    if (this.terms === null) {
      this.terms = {
        transferId: this.transferId,
        fromAccountId: state.fromAccountId.toLowerCase(),
        toAccountId: state.toAccountId.toLowerCase(),
        amount: state.amount,
        currency: state.currency,
        reference: state.reference,
        createdAt: state.createdAt,
        expiresAt: state.expiresAt,
        version: stored.version,
      };
    }
    this.stateRows.push({
      transferId: this.transferId,
      version: stored.version,
      status: state.status,
      postedAmount: state.postedAmount,
      updatedAt: state.updatedAt,
    });
    return amounts;
  }

  /** A resolution must account for the whole hold: posted and released parts, or the release, add up to it. */
  private amountProblems(version: number, event: TransferEvent): Difference[] {
    if (this.state.status === 'NOT_CREATED') return [];
    const held = this.state.amount;
    let accounted: bigint;
    switch (event.type) {
      case 'TransferCompleted':
      case 'PendingTransferPlaced':
        return [];
      case 'PendingTransferPosted':
        accounted = event.data.amount + event.data.releasedAmount;
        break;
      case 'PendingTransferVoided':
      case 'PendingTransferExpired':
        accounted = event.data.amount;
        break;
      default: {
        const unknown: never = event;
        throw new Error(`unhandled transfer event ${String((unknown as { type: unknown }).type)}`);
      }
    }
    if (accounted === held) return [];
    return [
      {
        kind: 'transfer',
        accountId: this.streamId,
        field: `event v${version} amount`,
        expected: `${rendered(held)} (the hold)`,
        actual: `${rendered(accounted)} (${event.type})`,
      },
    ];
  }

  private stop(version: number, expected: string, actual: string): Difference[] {
    this.brokenAt = version;
    return [{ kind: 'event-store', accountId: this.streamId, field: `event v${version}`, expected, actual }];
  }
}

/** Why the event cannot follow the transfer's state: a creation must come first and only once, a resolution only of a pending hold. */
function attachProblem(state: TransferState, event: TransferEvent): { expected: string; actual: string } | null {
  switch (event.type) {
    case 'TransferCompleted':
    case 'PendingTransferPlaced':
      return state.status === 'NOT_CREATED'
        ? null
        : { expected: 'one creation of the transfer', actual: `${event.type} of a ${state.status} transfer` };
    case 'PendingTransferPosted':
    case 'PendingTransferVoided':
    case 'PendingTransferExpired':
      if (state.status === 'NOT_CREATED') return { expected: 'the transfer created first', actual: `${event.type} before it` };
      return state.status === 'pending' ? null : { expected: 'a pending hold', actual: `${event.type} of a ${state.status} transfer` };
    default: {
      const unknown: never = event;
      throw new Error(`unhandled transfer event ${String((unknown as { type: unknown }).type)}`);
    }
  }
}
