import type { AccountView, TransactionRow, TransferLegRow, TransferView } from '@ledger/read-model-schema';
import { planBatch, type BatchPlan, type ProjectionInput } from '@ledger/read-model-projection';

const NOTHING_PARKED: ReadonlySet<string> = new Set();

/**
 * What the store's events could not give the read model: an event this code cannot decode or attach
 * stops its stream there (later events of the stream would be gaps), exactly as the projector would
 * stop it. A rebuild only reports these; dead letters and parking stay the projector's.
 */
export class Unappliable {
  /** By global position, so an event seen again (a swap attempt that gave way) counts once. */
  private readonly positions = new Set<string>();
  private readonly stuck = new Set<string>();

  count(plan: BatchPlan): void {
    for (const draft of plan.deadLetters) {
      this.positions.add(draft.raw.offset);
      if (draft.accountId !== null) this.stuck.add(draft.accountId);
      else if (draft.transferId !== null) this.stuck.add(`transfer-${draft.transferId}`);
    }
    // Later events of a stream stopped earlier in the same batch.
    for (const held of plan.held) this.positions.add(held.raw.offset);
    for (const held of plan.transferHeld ?? []) this.positions.add(held.raw.offset);
  }

  get events(): number {
    return this.positions.size;
  }

  /** Account ids, and transfers' streams (`transfer-<id>`). */
  get accounts(): readonly string[] {
    return [...this.stuck].sort();
  }
}

/** What one chunk of the bulk phase writes as it goes: history rows, and the transfers' states and legs. */
export interface FoldedChunk {
  readonly transactions: readonly TransactionRow[];
  readonly transferStates: readonly TransferView[];
  readonly transferLegs: readonly TransferLegRow[];
}

/**
 * The bulk phase's fold: the projector's own plan (`planBatch`, so `projectEvent`, `projectTransferEvent`
 * and the version guard) applied chunk after chunk to views kept in memory; each chunk's history rows,
 * transfer states and legs are written straight away, the account views once at the end.
 */
export class RebuildFold {
  private readonly views = new Map<string, AccountView>();
  private readonly transfers = new Map<string, TransferView>();

  constructor(private readonly unappliable: Unappliable) {}

  /** What the chunk writes, in commit order. */
  apply(inputs: readonly ProjectionInput[]): FoldedChunk {
    const current = new Map<string, AccountView>();
    const transfers = new Map<string, TransferView>();
    for (const input of inputs) {
      const view = input.accountId === null ? undefined : this.views.get(input.accountId);
      if (view !== undefined) current.set(view.accountId, view);
      const transfer = input.transferId === null ? undefined : this.transfers.get(input.transferId);
      if (transfer !== undefined) transfers.set(transfer.transferId, transfer);
    }
    const plan = planBatch(inputs, { views: current, parked: NOTHING_PARKED, transfers, parkedTransfers: NOTHING_PARKED });
    for (const view of plan.views) this.views.set(view.accountId, view);
    const transferStates = plan.transferStates ?? [];
    for (const state of transferStates) this.transfers.set(state.transferId, state);
    this.unappliable.count(plan);
    return { transactions: plan.transactions, transferStates, transferLegs: plan.transferLegs ?? [] };
  }

  get accountCount(): number {
    return this.views.size;
  }

  get transferCount(): number {
    return this.transfers.size;
  }

  /** The final views, `size` at a time. */
  *chunks(size: number): Generator<readonly AccountView[]> {
    let chunk: AccountView[] = [];
    for (const view of this.views.values()) {
      chunk.push(view);
      if (chunk.length === size) {
        yield chunk;
        chunk = [];
      }
    }
    if (chunk.length > 0) yield chunk;
  }
}
