import type { Caller } from '@ledger/auth';
import { Injectable } from '@nestjs/common';
import { transferStreamId } from '@ledger/domain';
import { visibleTransferState, type TransferStateRow } from '@ledger/read-model-schema';
import { ReadYourWritesWaiters } from '../get-account/read-your-writes.waiters';
import { QueryMetrics } from '../query.metrics';
import { ReadModelChangesListener } from '../read-model-changes/read-model-changes.listener';
import { StreamsChangesSubscription } from '../read-model-changes/streams-changes.subscription';
import { TransferReader, type TransferRecord, type TransferTrace } from '../transfers/transfer.reader';
import { canSeeTransfer } from '../transfers/transfer.visibility';

export interface GetTransfer {
  readonly transferId: string;
  readonly caller: Caller;
  /** Wait (up to this) for the latest stored state to be whole; undefined: answer at once. */
  readonly waitMs?: number;
  /** Aborts the wait (the client went away). */
  readonly signal?: AbortSignal;
}

export type GetTransferResult =
  | { readonly kind: 'found'; readonly transfer: TransferRecord; readonly state: TransferStateRow }
  /** Unknown, someone else's, or no state whole yet: one answer for all three. */
  | { readonly kind: 'not-found' }
  /** QUERY_MAX_WAITERS reads are waiting already. */
  | { readonly kind: 'busy' };

/** What a caller may be shown of a transfer right now, and whether waiting could show more. */
interface Sight {
  readonly trace: TransferTrace;
  readonly result: GetTransferResult;
  /** The caller may see it and its latest stored state is whole: nothing to wait for. */
  readonly settled: boolean;
}

/**
 * A transfer in the latest state whose legs are all in the read model (never one half done). With
 * waitMs, waits until the latest state stored is whole, woken by the projector's NOTIFY on the
 * transfer's stream or either account's; the accounts are learnt as the reads find them, and each new
 * one is followed before the next read, so no change is slept through. A transfer the caller may not
 * see waits its whole time like a missing one, so the time to answer tells nothing either.
 */
@Injectable()
export class GetTransferHandler {
  constructor(
    private readonly reader: TransferReader,
    private readonly listener: ReadModelChangesListener,
    private readonly waiters: ReadYourWritesWaiters,
    private readonly metrics: QueryMetrics,
  ) {}

  async handle(query: GetTransfer): Promise<GetTransferResult> {
    if (query.waitMs === undefined) return (await this.look(query)).result;
    const changes = new StreamsChangesSubscription(this.listener);
    let leave: (() => void) | null = null;
    try {
      changes.follow([transferStreamId(query.transferId)]);
      let sight = await this.look(query);
      while (changes.follow(streamsOf(sight.trace))) sight = await this.look(query);
      if (sight.settled) return sight.result;
      leave = this.waiters.tryEnter();
      if (leave === null) return { kind: 'busy' };
      const started = performance.now();
      const deadline = started + query.waitMs;
      while (await changes.next(deadline - performance.now(), query.signal)) {
        sight = await this.look(query);
        while (changes.follow(streamsOf(sight.trace))) sight = await this.look(query);
        if (sight.settled) return this.waited(started, 'whole', sight.result);
      }
      if (query.signal?.aborted) return this.waited(started, 'abandoned', sight.result);
      // One last look: a batch that committed as the wait ran out is served rather than missed.
      return this.waited(started, 'timeout', (await this.look(query)).result);
    } finally {
      leave?.();
      changes.close();
    }
  }

  private async look(query: GetTransfer): Promise<Sight> {
    const trace = await this.reader.trace(query.transferId);
    const { transfer } = trace;
    if (transfer === null || !canSeeTransfer(query.caller, transfer)) return { trace, result: { kind: 'not-found' }, settled: false };
    const state = visibleTransferState(transfer.states, transfer.appliedLegs);
    const latest = Math.max(0, ...transfer.states.map((s) => s.version));
    const result: GetTransferResult = state === null ? { kind: 'not-found' } : { kind: 'found', transfer, state };
    return { trace, result, settled: state !== null && state.version === latest };
  }

  private waited(started: number, outcome: 'whole' | 'timeout' | 'abandoned', result: GetTransferResult): GetTransferResult {
    this.metrics.transferWait.observe({ outcome }, (performance.now() - started) / 1_000);
    return result;
  }
}

/** The streams whose changes can make more of the transfer whole: its accounts', as far as they are known. */
function streamsOf(trace: TransferTrace): string[] {
  const accounts = trace.transfer === null ? [] : [trace.transfer.fromAccountId, trace.transfer.toAccountId];
  return [...accounts, ...trace.legAccountIds];
}
