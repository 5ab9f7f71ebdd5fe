import {
  decodeStoredTransferEvent,
  evolveTransfer,
  initialTransferState,
  type CreatedTransferState,
  type TransferEvent,
  type TransferState,
  type TransferStatus,
} from '@ledger/domain';
import { messageOf } from '@ledger/platform';
import { rendered, type Difference } from './consistency.difference';
import type { StoreEvent } from './expected-account.fold';

/** `read_model.transfers`: a transfer's terms, and the version of its stream's last event. */
export interface TransferRowView {
  readonly transferId: string;
  readonly fromAccountId: string;
  readonly toAccountId: string;
  readonly amount: bigint;
  readonly currency: string;
  readonly reference: string | null;
  readonly createdAt: Date;
  readonly expiresAt: Date | null;
  readonly version: number;
}

/** `read_model.transfer_states`: the transfer after each event of its stream. */
export interface TransferStateRowView {
  readonly transferId: string;
  readonly version: number;
  readonly status: TransferStatus;
  readonly postedAmount: bigint;
  readonly updatedAt: Date;
}

/**
 * The transfer one stream (`transfer-<id>`) must give, with the domain's own `evolveTransfer`, one
 * event at a time. As for an account, a stream that cannot be read, has a gap or does not begin with
 * the transfer's creation is reported once and not checked further.
 */
export class ExpectedTransfer {
  private state: TransferState = initialTransferState;
  private version = 0;
  private brokenAt: number | null = null;
  private readonly stateRows: TransferStateRowView[] = [];
  private terms: TransferRowView | null = null;

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
  get row(): TransferRowView | null {
    return this.broken || this.terms === null ? null : { ...this.terms, version: this.version };
  }

  /** The `transfer_states` rows, one per event, in version order. */
  get states(): readonly TransferStateRowView[] {
    return this.broken ? [] : this.stateRows;
  }

  apply(stored: StoreEvent): readonly Difference[] {
    if (this.broken) return [];
    if (stored.version !== this.version + 1) {
      return this.stop(stored.version, `version ${this.version + 1}`, `version ${stored.version} (a gap in the stream)`);
    }
    let event: TransferEvent;
    try {
      event = decodeStoredTransferEvent({
        type: stored.type,
        schemaVersion: stored.schemaVersion,
        data: stored.data,
        occurredAt: stored.occurredAt,
      });
    } catch (error) {
      return this.stop(stored.version, 'an event this release can read', `unreadable ${stored.type}: ${messageOf(error)}`);
    }
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
