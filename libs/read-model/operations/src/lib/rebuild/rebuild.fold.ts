import type { AccountView, TransactionRow } from '@ledger/read-model-schema';
import { planBatch, type BatchPlan, type ProjectionInput } from '@ledger/read-model-projection';

const NOTHING_PARKED: ReadonlySet<string> = new Set();

/**
 * What the store's events could not give the read model: an event this code cannot decode or attach
 * stops its account there (later events of the account would be gaps), exactly as the projector would
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
    }
    // Later events of an account stopped earlier in the same batch.
    for (const held of plan.held) this.positions.add(held.raw.offset);
  }

  get events(): number {
    return this.positions.size;
  }

  get accounts(): readonly string[] {
    return [...this.stuck].sort();
  }
}

/**
 * The bulk phase's fold: the projector's own plan (`planBatch`, so `projectEvent` and the version
 * guard) applied chunk after chunk to views kept in memory; each chunk's history rows are written
 * straight away, the views once at the end.
 */
export class RebuildFold {
  private readonly views = new Map<string, AccountView>();

  constructor(private readonly unappliable: Unappliable) {}

  /** The history rows of the chunk, in commit order. */
  apply(inputs: readonly ProjectionInput[]): readonly TransactionRow[] {
    const current = new Map<string, AccountView>();
    for (const input of inputs) {
      const view = input.accountId === null ? undefined : this.views.get(input.accountId);
      if (view !== undefined) current.set(view.accountId, view);
    }
    const plan = planBatch(inputs, { views: current, parked: NOTHING_PARKED });
    for (const view of plan.views) this.views.set(view.accountId, view);
    this.unappliable.count(plan);
    return plan.transactions;
  }

  get accountCount(): number {
    return this.views.size;
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
