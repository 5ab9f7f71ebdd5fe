import type { AccountView, RawMessage, TransactionRow, TransferLegRow, TransferView } from '@ledger/read-model-schema';
import { projectEvent } from './account-view';
import type { ProjectionInput } from './projection-input';
import { projectTransferEvent } from './transfer-view';

export interface DeadLetterDraft {
  readonly accountId: string | null;
  /** Set instead of `accountId` when the message belongs to a transfer's stream. */
  readonly transferId: string | null;
  readonly eventId: string | null;
  readonly version: number | null;
  readonly raw: RawMessage;
  readonly error: string;
  readonly attempts: number;
}

export interface HeldEventDraft {
  readonly accountId: string;
  readonly raw: RawMessage;
}

export interface HeldTransferEventDraft {
  readonly transferId: string;
  readonly raw: RawMessage;
}

/** Parks `accountId` behind the dead letter at `deadLetterIndex` of the plan. */
export interface ParkDraft {
  readonly accountId: string;
  readonly deadLetterIndex: number;
  readonly reason: string;
}

/** Parks the transfer's stream behind the dead letter at `deadLetterIndex` of the plan. */
export interface TransferParkDraft {
  readonly transferId: string;
  readonly deadLetterIndex: number;
  readonly reason: string;
}

/** Everything one batch writes, decided in memory before a single statement runs. */
export interface BatchPlan {
  /** The final view of every account that moved, in the order the accounts first moved. */
  readonly views: readonly AccountView[];
  readonly transactions: readonly TransactionRow[];
  readonly appliedEventIds: readonly string[];
  readonly deadLetters: readonly DeadLetterDraft[];
  readonly parks: readonly ParkDraft[];
  readonly held: readonly HeldEventDraft[];
  readonly duplicates: number;
  /**
   * Accounts parked behind a version gap for which this batch held the missing version (a topic
   * recreated and republished delivers newer events ahead of the history): re-driving them in version
   * order now applies what they hold.
   */
  readonly gapsClosed: readonly string[];
  /*
   * The transfers' part: `planBatch` always fills it; a plan built by hand for accounts alone (a
   * rebuild's account rows) may leave it out, which means none.
   */
  /** Every state a transfer's stream reached in this batch, in order: one `transfer_states` row each. */
  readonly transferStates?: readonly TransferView[];
  /** Legs the accounts applied in this batch. */
  readonly transferLegs?: readonly TransferLegRow[];
  readonly transferParks?: readonly TransferParkDraft[];
  readonly transferHeld?: readonly HeldTransferEventDraft[];
  /** As `gapsClosed`, for transfers' streams. */
  readonly transferGapsClosed?: readonly string[];
}

export interface ProjectionState {
  /** The accounts of the batch as the read model holds them now (locked by the caller). */
  readonly views: ReadonlyMap<string, AccountView>;
  readonly parked: ReadonlySet<string>;
  /** The version of the dead-lettered message each parked account waits behind, where it has one. */
  readonly parkedBehind?: ReadonlyMap<string, number>;
  /** The batch's transfers (their own streams) as the read model holds them now, likewise locked. */
  readonly transfers?: ReadonlyMap<string, TransferView>;
  readonly parkedTransfers?: ReadonlySet<string>;
  readonly transfersParkedBehind?: ReadonlyMap<string, number>;
}

/**
 * One category of streams in a batch: what the read model holds of each stream, which are parked and
 * behind what. Accounts and transfers each have one; the rules over them are the same.
 */
class StreamTrack<V extends { readonly version: number }> {
  readonly views: Map<string, V>;
  readonly parked: Set<string>;
  readonly parkedBehind: Map<string, number>;
  readonly gapsClosed = new Set<string>();

  constructor(
    views: ReadonlyMap<string, V> | undefined,
    parked: ReadonlySet<string> | undefined,
    behind: ReadonlyMap<string, number> | undefined,
  ) {
    this.views = new Map(views);
    this.parked = new Set(parked);
    this.parkedBehind = new Map(behind);
  }

  version(id: string): number {
    return this.views.get(id)?.version ?? 0;
  }

  park(id: string, version: number | null): void {
    this.parked.add(id);
    if (version !== null) this.parkedBehind.set(id, version);
  }

  /** Notes a held event that is the very version a gap parked the stream for. */
  held(id: string, version: number | null): void {
    if (version !== null && closesGap(this.parkedBehind.get(id), this.version(id), version)) this.gapsClosed.add(id);
  }
}

/**
 * Applies a batch, in order, to the current state, per stream (an account's, or a transfer's own):
 * - a parked stream's events are held, in order, whatever they are; when the held event is the one a
 *   gap was missing, the stream is listed in `gapsClosed`/`transferGapsClosed` for the caller to re-drive;
 * - an event at or below the stream's version is a duplicate and is skipped;
 * - an event beyond the next version (a gap), poison, or an event that cannot attach parks the
 *   stream behind a dead letter, so nothing of it is ever applied out of order;
 * - poison that names no stream is dead-lettered and parks nothing.
 * Every other stream keeps flowing whatever happens to one: a transfer's legs are each their own
 * account's events, so a parked destination holds back its credit and nothing of the source.
 */
export function planBatch(inputs: readonly ProjectionInput[], state: ProjectionState, attempts = 1): BatchPlan {
  const accounts = new StreamTrack(state.views, state.parked, state.parkedBehind);
  const transfers = new StreamTrack(state.transfers, state.parkedTransfers, state.transfersParkedBehind);
  const moved = new Map<string, AccountView>();
  const transactions: TransactionRow[] = [];
  const transferStates: TransferView[] = [];
  const transferLegs: TransferLegRow[] = [];
  const appliedEventIds: string[] = [];
  const deadLetters: DeadLetterDraft[] = [];
  const parks: ParkDraft[] = [];
  const transferParks: TransferParkDraft[] = [];
  const held: HeldEventDraft[] = [];
  const transferHeld: HeldTransferEventDraft[] = [];
  let duplicates = 0;

  const deadLetter = (draft: Omit<DeadLetterDraft, 'attempts'>): void => {
    deadLetters.push({ ...draft, attempts });
    const deadLetterIndex = deadLetters.length - 1;
    if (draft.accountId !== null) {
      accounts.park(draft.accountId, draft.version);
      parks.push({ accountId: draft.accountId, deadLetterIndex, reason: draft.error });
    } else if (draft.transferId !== null) {
      transfers.park(draft.transferId, draft.version);
      transferParks.push({ transferId: draft.transferId, deadLetterIndex, reason: draft.error });
    }
  };

  for (const input of inputs) {
    const { accountId, transferId } = input;
    const version = input.kind === 'poison' ? input.version : input.event.version;
    if (accountId !== null && accounts.parked.has(accountId)) {
      held.push({ accountId, raw: input.raw() });
      if (input.kind === 'event') accounts.held(accountId, version);
      continue;
    }
    if (transferId !== null && transfers.parked.has(transferId)) {
      transferHeld.push({ transferId, raw: input.raw() });
      if (input.kind === 'transfer-event') transfers.held(transferId, version);
      continue;
    }
    const current = accountId !== null ? accounts.version(accountId) : transferId !== null ? transfers.version(transferId) : 0;
    if (input.kind === 'poison') {
      if (version !== null && version <= current) duplicates += 1;
      else deadLetter({ ...locate(input), raw: input.raw(), error: input.error });
      continue;
    }
    const { event } = input;
    if (event.version <= current) {
      duplicates += 1;
      continue;
    }
    if (event.version > current + 1) {
      deadLetter({ ...locate(input), raw: input.raw(), error: `version gap: expected version ${current + 1}, got ${event.version}` });
      continue;
    }
    if (input.kind === 'event') {
      const step = projectEvent(accounts.views.get(input.accountId) ?? null, input.event);
      if (!step.ok) {
        deadLetter({ ...locate(input), raw: input.raw(), error: step.reason });
        continue;
      }
      accounts.views.set(input.accountId, step.view);
      moved.set(input.accountId, step.view);
      transactions.push(step.row);
      if (step.leg !== null) transferLegs.push(step.leg);
    } else {
      const step = projectTransferEvent(transfers.views.get(input.transferId) ?? null, input.event);
      if (!step.ok) {
        deadLetter({ ...locate(input), raw: input.raw(), error: step.reason });
        continue;
      }
      transfers.views.set(input.transferId, step.view);
      transferStates.push(step.view);
    }
    appliedEventIds.push(event.eventId);
  }
  return {
    views: [...moved.values()],
    transactions,
    appliedEventIds,
    deadLetters,
    parks,
    held,
    duplicates,
    gapsClosed: [...accounts.gapsClosed],
    transferStates,
    transferLegs,
    transferParks,
    transferHeld,
    transferGapsClosed: [...transfers.gapsClosed],
  };
}

/** Where a dead letter's input stands in its stream; built only on that path, not for every applied event. */
function locate(input: ProjectionInput): Pick<DeadLetterDraft, 'accountId' | 'transferId' | 'eventId' | 'version'> {
  const { accountId, transferId } = input;
  return input.kind === 'poison'
    ? { accountId, transferId, eventId: input.eventId, version: input.version }
    : { accountId, transferId, eventId: input.event.eventId, version: input.event.version };
}

/** Whether `version` is the one a stream at `current`, parked behind a later version, was missing. */
function closesGap(parkedBehind: number | undefined, current: number, version: number): boolean {
  return parkedBehind !== undefined && parkedBehind > current + 1 && version === current + 1;
}

/** The accounts a batch touches (poison without an account touches none), for locking. */
export function accountsOf(inputs: readonly ProjectionInput[]): string[] {
  const ids = new Set<string>();
  for (const input of inputs) if (input.accountId !== null) ids.add(input.accountId);
  return [...ids].sort();
}

/** The transfers whose own streams a batch touches, for locking. */
export function transfersOf(inputs: readonly ProjectionInput[]): string[] {
  const ids = new Set<string>();
  for (const input of inputs) if (input.transferId !== null) ids.add(input.transferId);
  return [...ids].sort();
}

/** The final state of each transfer that moved, in the order they first moved (the `transfers` rows to write). */
export function latestTransferStates(plan: BatchPlan): TransferView[] {
  const latest = new Map<string, TransferView>();
  for (const view of plan.transferStates ?? []) latest.set(view.transferId, view);
  return [...latest.values()];
}

/** Transfers whose read rows this plan changes: their own stream moved, or one of their legs was applied. */
export function transfersChanged(plan: BatchPlan): string[] {
  const states = plan.transferStates ?? [];
  const legs = plan.transferLegs ?? [];
  return [...new Set([...states.map((s) => s.transferId), ...legs.map((l) => l.transferId)])];
}
