import type { TransferLegEvent, TransferStatus } from '@ledger/domain';

/** A leg's name in `read_model.transfer_legs`: the account event that applied it. */
export type TransferLegType = TransferLegEvent['type'];

/** One state of a transfer's own stream, as `read_model.transfer_states` keeps it. */
export interface TransferStateRow {
  readonly version: number;
  readonly status: TransferStatus;
  readonly postedAmount: bigint;
  readonly updatedAt: Date;
}

/**
 * The account legs a transfer in this state has written in all: a state may be shown only once every
 * one of them is in the read model. A transfer's legs never repeat a type, which is why a leg is named
 * by its type alone.
 */
export function requiredLegs(status: TransferStatus): readonly TransferLegType[] {
  switch (status) {
    case 'completed':
      return ['TransferDebited', 'TransferCredited'];
    case 'pending':
      return ['HoldPlaced'];
    case 'posted':
      return ['HoldPlaced', 'HoldPosted', 'TransferCredited'];
    case 'voided':
    case 'expired':
      return ['HoldPlaced', 'HoldReleased'];
    default: {
      const unknown: never = status;
      throw new Error(`unknown transfer status ${String(unknown)}`);
    }
  }
}

/**
 * The latest state whose legs are all applied, or null when none is (the transfer is not visible yet):
 * a reader never sees a transfer half done, only an older whole state or nothing.
 */
export function visibleTransferState<T extends TransferStateRow>(states: readonly T[], appliedLegs: ReadonlySet<string>): T | null {
  let visible: T | null = null;
  for (const state of states) {
    const whole = requiredLegs(state.status).every((leg) => appliedLegs.has(leg));
    if (whole && (visible === null || state.version > visible.version)) visible = state;
  }
  return visible;
}
