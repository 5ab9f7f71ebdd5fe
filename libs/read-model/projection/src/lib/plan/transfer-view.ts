import { evolveTransfer, type TransferEvent, type TransferState } from '@ledger/domain';
import type { TransferView } from '@ledger/read-model-schema';

/** A decoded event of a transfer's own stream with the position facts the read model needs. */
export interface ProjectableTransferEvent {
  readonly eventId: string;
  readonly transferId: string;
  readonly version: number;
  readonly occurredAt: Date;
  readonly correlationId: string;
  readonly event: TransferEvent;
}

export type TransferProjectionStep =
  | { readonly ok: true; readonly view: TransferView }
  /** The event cannot attach (a second creation, a hold resolved before it was placed). */
  | { readonly ok: false; readonly reason: string };

/**
 * The transfer's fold on the read side: one event of its stream on top of the view (null before its
 * first event), through the domain's own `evolveTransfer`, so the read model shows each state exactly
 * as the transfer decided it. Pure; the caller has already checked that `version` is the next one.
 */
export function projectTransferEvent(view: TransferView | null, projectable: ProjectableTransferEvent): TransferProjectionStep {
  const { event, version } = projectable;
  const creates = event.type === 'TransferCompleted' || event.type === 'PendingTransferPlaced';
  if (creates && view !== null) return { ok: false, reason: `${event.type} for a transfer that already exists` };
  if (!creates && view === null) return { ok: false, reason: `${event.type} before the transfer was created` };
  const state = evolveTransfer(stateOf(view), event);
  if (state.status === 'NOT_CREATED') return { ok: false, reason: `${event.type} left the transfer uncreated` };
  return {
    ok: true,
    view: {
      transferId: projectable.transferId,
      fromAccountId: state.fromAccountId.toLowerCase(),
      toAccountId: state.toAccountId.toLowerCase(),
      amount: state.amount,
      currency: state.currency,
      reference: state.reference,
      createdAt: state.createdAt,
      expiresAt: state.expiresAt,
      version,
      status: state.status,
      postedAmount: state.postedAmount,
      updatedAt: state.updatedAt,
    },
  };
}

function stateOf(view: TransferView | null): TransferState {
  if (view === null) return { status: 'NOT_CREATED' };
  const { version: _version, ...state } = view;
  return state;
}
