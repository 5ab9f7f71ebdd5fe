import type { AccountView, RawMessage, TransactionRow } from '@ledger/read-model-schema';
import { projectEvent } from './account-view';
import type { ProjectionInput } from './projection-input';

export interface DeadLetterDraft {
  readonly accountId: string | null;
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

/** Parks `accountId` behind the dead letter at `deadLetterIndex` of the plan. */
export interface ParkDraft {
  readonly accountId: string;
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
}

export interface ProjectionState {
  /** The accounts of the batch as the read model holds them now (locked by the caller). */
  readonly views: ReadonlyMap<string, AccountView>;
  readonly parked: ReadonlySet<string>;
  /** The version of the dead-lettered message each parked account waits behind, where it has one. */
  readonly parkedBehind?: ReadonlyMap<string, number>;
}

/**
 * Applies a batch, in order, to the current state, per account:
 * - a parked account's events are held, in order, whatever they are; when the held event is the one a
 *   gap was missing, the account is listed in `gapsClosed` for the caller to re-drive;
 * - an event at or below the account's version is a duplicate and is skipped;
 * - an event beyond the next version (a gap), poison, or an event that cannot attach parks the
 *   account behind a dead letter, so nothing of it is ever applied out of order;
 * - poison that names no account is dead-lettered and parks nothing.
 * Every other account keeps flowing whatever happens to one.
 */
export function planBatch(inputs: readonly ProjectionInput[], state: ProjectionState, attempts = 1): BatchPlan {
  const views = new Map(state.views);
  const parked = new Set(state.parked);
  const parkedBehind = new Map(state.parkedBehind);
  const gapsClosed = new Set<string>();
  const moved = new Map<string, AccountView>();
  const transactions: TransactionRow[] = [];
  const appliedEventIds: string[] = [];
  const deadLetters: DeadLetterDraft[] = [];
  const parks: ParkDraft[] = [];
  const held: HeldEventDraft[] = [];
  let duplicates = 0;

  const deadLetter = (draft: Omit<DeadLetterDraft, 'attempts'>): void => {
    deadLetters.push({ ...draft, attempts });
    if (draft.accountId !== null) {
      parked.add(draft.accountId);
      if (draft.version !== null) parkedBehind.set(draft.accountId, draft.version);
      parks.push({ accountId: draft.accountId, deadLetterIndex: deadLetters.length - 1, reason: draft.error });
    }
  };

  for (const input of inputs) {
    const { accountId } = input;
    const current = accountId === null ? 0 : (views.get(accountId)?.version ?? 0);
    if (accountId !== null && parked.has(accountId)) {
      held.push({ accountId, raw: input.raw() });
      if (input.kind === 'event' && closesGap(parkedBehind.get(accountId), current, input.event.version)) gapsClosed.add(accountId);
      continue;
    }
    if (input.kind === 'poison') {
      if (input.version !== null && input.version <= current) duplicates += 1;
      else deadLetter({ accountId, eventId: input.eventId, version: input.version, raw: input.raw(), error: input.error });
      continue;
    }
    const { event } = input;
    const located = { accountId: input.accountId, eventId: event.eventId, version: event.version };
    if (event.version <= current) {
      duplicates += 1;
      continue;
    }
    if (event.version > current + 1) {
      deadLetter({ ...located, raw: input.raw(), error: `version gap: expected version ${current + 1}, got ${event.version}` });
      continue;
    }
    const step = projectEvent(views.get(input.accountId) ?? null, event);
    if (!step.ok) {
      deadLetter({ ...located, raw: input.raw(), error: step.reason });
      continue;
    }
    views.set(input.accountId, step.view);
    moved.set(input.accountId, step.view);
    transactions.push(step.row);
    appliedEventIds.push(event.eventId);
  }
  return { views: [...moved.values()], transactions, appliedEventIds, deadLetters, parks, held, duplicates, gapsClosed: [...gapsClosed] };
}

/** Whether `version` is the one an account at `current`, parked behind a later version, was missing. */
function closesGap(parkedBehind: number | undefined, current: number, version: number): boolean {
  return parkedBehind !== undefined && parkedBehind > current + 1 && version === current + 1;
}

/** The accounts a batch touches (poison without an account touches none), for locking. */
export function accountsOf(inputs: readonly ProjectionInput[]): string[] {
  const ids = new Set<string>();
  for (const input of inputs) if (input.accountId !== null) ids.add(input.accountId);
  return [...ids].sort();
}
