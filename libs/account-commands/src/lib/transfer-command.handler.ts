import { createHash, randomUUID } from 'node:crypto';
import {
  ACCOUNT_SNAPSHOT_SCHEMA_VERSION,
  AccountEvent,
  AccountState,
  Actor,
  CreatedTransferState,
  PlacePendingTransfer,
  TransferCommand,
  TransferError,
  TransferEvent,
  TransferMoney,
  TransferState,
  decideTransfer,
  transferAccess,
  transferStreamId,
  validateTransferCommand,
} from '@ledger/domain';
import {
  CONFLICTED,
  CommandHandlerObserver,
  Conflicted,
  DEFAULT_RETRY,
  KeyedSerialQueue,
  Loaded,
  RetryPolicy,
  StateCache,
  StreamStateLoader,
  retryConflicts,
} from '@ledger/command-handling';
import {
  DEFAULT_SNAPSHOT_EVERY,
  EventMetadata,
  EventStore,
  IdempotencyClaim,
  IdempotencyRecord,
  MultiStreamAppendRequest,
  NewEvent,
  StreamAppend,
  StreamDeadline,
  snapshotDue,
} from '@ledger/event-store';
import { SharedAccountStreams, sharedAccountStreams } from './account-command.handler';
import { accountCodec } from './account.codec';
import { accountDecider } from './account.decider';
import { CommandContext, eventMetadataOf } from './command-context';
import { AcceptedTransfer, TransferCommandOutcome } from './transfer-command.outcome';
import { decodeTransferOutcome, encodeTransferOutcome } from './transfer-outcome.record';
import { transferFold, transferStreamCodec } from './transfer.codec';

/** A new transfer's stream as decided on before its append: not there yet. */
const NOT_CREATED: Loaded<TransferState> = { state: transferFold.initialState, version: 0 };

/** How many times a resolution is decided when the transfer keeps moving on under its reads. */
const TORN_READ_ATTEMPTS = 3;

/** Who expires holds: the system itself, with an operator's reach (expiry is refused to anyone else). */
export const HOLD_EXPIRY_ACTOR: Actor = { subject: 'ledger-hold-expiry', clientId: null, operator: true };

export interface TransferCommandHandlerOptions {
  readonly store: EventStore;
  /** A snapshot every N events of an account, as for account commands. */
  readonly snapshotEvery?: number;
  readonly retry?: RetryPolicy;
  readonly observer?: CommandHandlerObserver<TransferCommand>;
  readonly newEventId?: () => string;
  /**
   * The account handler's queue and cache (`sharedAccountStreams`), so that a transfer waits behind the
   * account commands of this process on either account, and each handler decides on the state the other
   * wrote. Default: a queue and cache of its own.
   */
  readonly accountStreams?: SharedAccountStreams;
}

type NewTransferCommand = TransferMoney | PlacePendingTransfer;
type Resolution = Exclude<TransferCommand, NewTransferCommand>;

/** The request an idempotency record is claimed for: its key, whose it is, and what was asked. */
type Claim = IdempotencyClaim & { readonly requestHash: string };

/** The states a command was decided on and its events, or why not. */
type Decided =
  | {
      readonly transfer: Loaded<TransferState>;
      readonly from: Loaded<AccountState>;
      readonly to: Loaded<AccountState>;
      readonly decision: {
        readonly transfer: readonly TransferEvent[];
        readonly from: readonly AccountEvent[];
        readonly to: readonly AccountEvent[];
      };
    }
  | { readonly refused: TransferError; readonly transferVersion: number };

/**
 * Transfer commands: a new transfer (immediate or a hold), and a hold's post, void and expiry. Each
 * loads the transfer's stream and both accounts, checks the caller's reach (`transferAccess`), decides
 * (`decideTransfer`), and appends to every stream with events in ONE `appendStreams`: the transfer's
 * stream and each account at the version it was decided on. Framework-free; outcomes are values.
 *
 * - **Effectively once.** The transfer id is the exactly-once key: the transfer's stream must not exist
 *   yet (expected version 0), and the accepted outcome is recorded, in the same transaction, under a key
 *   derived from the id in the caller's scope with a hash of the transfer's terms. The same transfer
 *   again from the same caller replays that outcome; other terms, another caller, or an id taken any
 *   other way is `TransferIdReused`. The key holds a space, which no Idempotency-Key header can, so a
 *   header never collides with a transfer.
 * - **Refusals are not recorded.** A refused transfer never existed: nothing was written, so its id may
 *   be used again (once funds arrive, say). Likewise for post and void.
 * - **Conflicts.** An account that moved on between read and append is retried like any command
 *   (`retry`); the transfer's own stream conflicting at version 0 means the id was just taken.
 * - **Queue and cache.** Shared with the account handler: a command waits for the accounts it names in
 *   this process, both locked in one order (by id) so two opposite transfers cannot wait on each other.
 *   A cached account state may decide an append (the append's version check catches a stale one), never
 *   a refusal: refusals are decided on the store's states. A resolution reads the transfer's stream from
 *   the store (a transfer is touched once or twice; caching it would buy little). A new transfer does
 *   not read it at all unless refused: it is decided as not created yet, and the append's "must not
 *   exist" tells when its id is taken; then its record, if any, answers.
 * - **Post and void** take an optional Idempotency-Key (the context's), recorded with the accepted
 *   outcome as a new transfer's is; a refusal is not recorded under it, as above.
 */
export class TransferCommandHandler {
  private readonly store: EventStore;
  private readonly snapshotEvery: number;
  private readonly retry: RetryPolicy;
  private readonly observer: CommandHandlerObserver<TransferCommand>;
  private readonly newEventId: () => string;
  private readonly queue: KeyedSerialQueue | null;
  private readonly cache: StateCache<AccountState> | undefined;
  private readonly accounts: StreamStateLoader<AccountState, AccountEvent>;
  private readonly transfers: StreamStateLoader<TransferState, TransferEvent>;

  constructor(options: TransferCommandHandlerOptions) {
    this.store = options.store;
    this.snapshotEvery = options.snapshotEvery ?? DEFAULT_SNAPSHOT_EVERY;
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.observer = options.observer ?? {};
    this.newEventId = options.newEventId ?? randomUUID;
    const { queue, cache } = options.accountStreams ?? sharedAccountStreams();
    this.queue = queue;
    this.cache = cache;
    this.accounts = new StreamStateLoader(this.store, accountDecider, accountCodec, this.observer);
    this.transfers = new StreamStateLoader(this.store, transferFold, transferStreamCodec, this.observer);
  }

  handle(command: TransferCommand, context: CommandContext): Promise<TransferCommandOutcome> {
    const malformed = validateTransferCommand(command);
    if (malformed !== null) return Promise.resolve({ kind: 'rejected', error: malformed });
    switch (command.type) {
      case 'TransferMoney':
      case 'PlacePendingTransfer':
        return this.create(command, context);
      case 'PostPendingTransfer':
      case 'VoidPendingTransfer':
      case 'ExpirePendingTransfer':
        return this.resolve(command, context);
      default: {
        const _exhaustive: never = command;
        throw new Error(`transfer command handler: unhandled command ${JSON.stringify(_exhaustive)}`);
      }
    }
  }

  /**
   * Releases a hold whose deadline has passed (at `now`), as the system: what the expiry worker calls.
   * `TransferNotExpired`, `TransferNotPending` (posted or voided meanwhile) and `TransferNotFound` come
   * back as rejections; nothing is written then.
   */
  expire(transferId: string, now: Date, correlationId: string = randomUUID()): Promise<TransferCommandOutcome> {
    return this.handle(
      { type: 'ExpirePendingTransfer', data: { transferId, now } },
      { actor: HOLD_EXPIRY_ACTOR, correlationId, causationId: `expiry ${transferId}` },
    );
  }

  /** The transfer as the store has it now (for tests and tools). */
  loadTransfer(transferId: string): Promise<Loaded<TransferState>> {
    return this.transfers.load(transferStreamId(transferId));
  }

  private create(command: NewTransferCommand, context: CommandContext): Promise<TransferCommandOutcome> {
    const { transferId, fromAccountId, toAccountId } = command.data;
    const claim: Claim = { scope: context.actor.subject, key: transferKey(transferId), requestHash: requestHashOf(command) };
    // Decided as a transfer not created yet, without reading its stream: the append's "must not exist"
    // checks that. A transfer whose id is taken (a replay, say) learns it from the append, or, when it
    // was refused, from a read of its stream then (see `attempt`), and is answered from its record.
    return this.serialized([fromAccountId, toAccountId], () =>
      this.retried(command, this.attempt(command, context, fromAccountId, toAccountId, claim)),
    );
  }

  private async resolve(command: Resolution, context: CommandContext): Promise<TransferCommandOutcome> {
    const { transferId } = command.data;
    const claim: Claim | undefined =
      command.type !== 'ExpirePendingTransfer' && context.idempotency
        ? { ...context.idempotency, scope: context.actor.subject }
        : undefined;
    // The accounts to wait for are the transfer's: read it once to learn them (they never change).
    // Read beside the key's record, which is answered first when there is one.
    const [recorded, { state }] = await Promise.all([
      claim === undefined ? null : this.store.findIdempotencyRecord(claim),
      this.loadTransfer(transferId),
    ]);
    // The key is the caller's own, so they reached the transfer when it was recorded, and who may
    // reach it never changes (its source's owner): no access check is owed before the replay.
    if (recorded !== null && claim !== undefined) return this.replayKeyed(recorded, claim);
    if (state.status === 'NOT_CREATED') return { kind: 'rejected', error: { type: 'TransferNotFound', transferId } };
    const { fromAccountId, toAccountId } = state;
    return this.serialized([fromAccountId, toAccountId], () =>
      this.retried(command, this.attempt(command, context, fromAccountId, toAccountId, claim)),
    );
  }

  /** Runs `task` once this process runs nothing else on the accounts, taken one at a time in id order. */
  private serialized(accountIds: readonly string[], task: () => Promise<TransferCommandOutcome>): Promise<TransferCommandOutcome> {
    const queue = this.queue;
    if (queue === null) return task();
    const [first, ...rest] = [...new Set(accountIds)].sort();
    if (first === undefined) return task();
    const run = queue.tryRun(first, () => (rest.length > 0 ? this.serialized(rest, task) : task()));
    return run ?? Promise.resolve({ kind: 'account-busy', accountId: first });
  }

  private async retried(
    command: TransferCommand,
    attempt: (onConflict: (streamId: string) => void) => Promise<TransferCommandOutcome | Conflicted>,
  ): Promise<TransferCommandOutcome> {
    let lost = '';
    const outcome = await retryConflicts(
      this.retry.maxAttempts,
      this.retry.backoff,
      () => attempt((streamId) => (lost = streamId)),
      (n, willRetry) => this.observer.conflicted?.({ streamId: lost, command, attempt: n, willRetry }),
    );
    return outcome === CONFLICTED ? { kind: 'conflict', attempts: this.retry.maxAttempts } : outcome;
  }

  private attempt(
    command: TransferCommand,
    context: CommandContext,
    fromAccountId: string,
    toAccountId: string,
    claim: Claim | undefined,
  ): (onConflict: (streamId: string) => void) => Promise<TransferCommandOutcome | Conflicted> {
    return async (onConflict) => {
      const transferId = command.data.transferId;
      const transferRead = isNew(command) ? NOT_CREATED : undefined;
      const decided = await this.decide(command, context.actor, fromAccountId, toAccountId, transferRead);
      if ('refused' in decided) {
        // The id may be taken by this very transfer (a replay): it must be answered from its record, not
        // refused on the balances it left behind. Only a transfer whose stream exists can have one: the
        // outcome is recorded in the transaction that creates the stream, and refusals are not recorded.
        if (isNew(command) && claim !== undefined && (await this.loadTransfer(transferId)).version > 0)
          return this.idTaken(claim, transferId);
        return { kind: 'rejected', error: decided.refused };
      }
      const accepted = this.accepted(decided, fromAccountId, toAccountId);
      const request = this.appendRequest(command, context, decided, accepted, claim);
      this.cache?.forget(fromAccountId);
      this.cache?.forget(toAccountId);
      const result = await this.store.appendStreams(request);
      switch (result.kind) {
        case 'appended':
          this.remember(decided, accepted);
          return accepted;
        case 'conflict':
          onConflict(result.streamId);
          // A new transfer's stream exists after all: its id was taken between our read and our append.
          if (isNew(command) && result.streamId === transferStreamId(transferId) && claim !== undefined)
            return this.idTaken(claim, transferId);
          return CONFLICTED;
        case 'idempotency-key-used':
          // Another request with this key committed between our lookup and our append.
          if (claim === undefined) throw new Error('transfer command handler: the store reports a key used, but none was given');
          return isNew(command) ? this.replayTransfer(result.record, claim, transferId) : this.replayKeyed(result.record, claim);
        default: {
          const _exhaustive: never = result;
          throw new Error(`transfer command handler: unhandled append result ${JSON.stringify(_exhaustive)}`);
        }
      }
    };
  }

  /**
   * Loads and decides. The transfer comes from the store; an account from the cache when it has it. A
   * refusal decided on a cached state is decided again on the store's, since nothing would check it.
   */
  private async decide(
    command: TransferCommand,
    actor: Actor,
    fromAccountId: string,
    toAccountId: string,
    transferRead: Loaded<TransferState> | undefined,
  ): Promise<Decided> {
    let decided = await this.decideOnce(command, actor, fromAccountId, toAccountId, transferRead);
    // The streams are read one by one: a hold posted, voided or expired by another replica between the
    // transfer's read and the source's leaves them disagreeing. A resolution refused on a transfer that
    // has moved on since is decided again on fresh reads, so a torn read never answers.
    for (let n = 1; n < TORN_READ_ATTEMPTS && 'refused' in decided && !isNew(command); n++) {
      const current = await this.loadTransfer(command.data.transferId);
      if (current.version === decided.transferVersion) break;
      decided = await this.decideOnce(command, actor, fromAccountId, toAccountId, current);
    }
    return decided;
  }

  private async decideOnce(
    command: TransferCommand,
    actor: Actor,
    fromAccountId: string,
    toAccountId: string,
    transferRead: Loaded<TransferState> | undefined,
  ): Promise<Decided> {
    const transferLoad = transferRead ?? this.transfers.load(transferStreamId(command.data.transferId));
    const cachedFrom = this.cache?.get(fromAccountId);
    const cachedTo = this.cache?.get(toAccountId);
    const [transfer, from, to] = await Promise.all([
      transferLoad,
      cachedFrom ?? this.accounts.load(fromAccountId),
      cachedTo ?? this.accounts.load(toAccountId),
    ]);
    const decided = decideOn(command, actor, transfer, from, to);
    if (!('refused' in decided) || (cachedFrom === undefined && cachedTo === undefined)) return decided;
    this.cache?.forget(fromAccountId);
    this.cache?.forget(toAccountId);
    const [storedFrom, storedTo] = await Promise.all([this.accounts.load(fromAccountId), this.accounts.load(toAccountId)]);
    return decideOn(command, actor, transfer, storedFrom, storedTo);
  }

  private accepted(decided: Exclude<Decided, { refused: TransferError }>, fromAccountId: string, toAccountId: string): AcceptedTransfer {
    const { transfer, from, to, decision } = decided;
    const transferState = decision.transfer.reduce(transferFold.evolve, transfer.state);
    const fromState = decision.from.reduce(accountDecider.evolve, from.state);
    if (transferState.status === 'NOT_CREATED' || fromState.status === 'NOT_OPENED') {
      throw new Error('transfer command handler: an accepted command leaves an existing transfer and source');
    }
    return {
      kind: 'accepted',
      transfer: { version: transfer.version + decision.transfer.length, state: transferState },
      from: { accountId: fromAccountId, version: from.version + decision.from.length, state: fromState },
      to: { accountId: toAccountId, version: to.version + decision.to.length },
    };
  }

  private appendRequest(
    command: TransferCommand,
    context: CommandContext,
    decided: Exclude<Decided, { refused: TransferError }>,
    accepted: AcceptedTransfer,
    claim: Claim | undefined,
  ): MultiStreamAppendRequest {
    const { transfer, from, to, decision } = decided;
    const metadata = eventMetadataOf(context);
    const occurredAt = command.data.now;
    const transferStream = transferStreamId(command.data.transferId);
    const streams: StreamAppend[] = [
      {
        streamId: transferStream,
        expectedVersion: transfer.version,
        events: decision.transfer.map((event) => this.newEvent(transferStreamCodec.encodeEvent(event), metadata, occurredAt)),
      },
    ];
    const fromAppend = this.accountAppend(accepted.from.accountId, from, decision.from, metadata, occurredAt);
    const toAppend = this.accountAppend(accepted.to.accountId, to, decision.to, metadata, occurredAt);
    if (fromAppend) streams.push(fromAppend);
    if (toAppend) streams.push(toAppend);
    return {
      streams,
      deadlines: deadlinesOf(command, transferStream, accepted.transfer.state),
      ...(claim ? { idempotency: { ...claim, result: encodeTransferOutcome(accepted) } } : {}),
    };
  }

  private accountAppend(
    accountId: string,
    loaded: Loaded<AccountState>,
    events: readonly AccountEvent[],
    metadata: EventMetadata,
    occurredAt: Date,
  ): StreamAppend | undefined {
    if (events.length === 0) return undefined;
    const version = loaded.version + events.length;
    const state = events.reduce(accountDecider.evolve, loaded.state);
    return {
      streamId: accountId,
      expectedVersion: loaded.version,
      events: events.map((event) => this.newEvent(accountCodec.encodeEvent(event), metadata, occurredAt)),
      ...(snapshotDue(loaded.version, version, this.snapshotEvery)
        ? { snapshot: { version, schemaVersion: ACCOUNT_SNAPSHOT_SCHEMA_VERSION, state: accountCodec.encodeState(state) } }
        : {}),
    };
  }

  /** Event ids are fresh per attempt, so a retried command never reuses one. */
  private newEvent(encoded: Pick<NewEvent, 'type' | 'schemaVersion' | 'data'>, metadata: EventMetadata, occurredAt: Date): NewEvent {
    return { eventId: this.newEventId(), ...encoded, metadata, occurredAt };
  }

  /** The accounts' states as the append left them, for the next command on them in this process. */
  private remember(decided: Exclude<Decided, { refused: TransferError }>, accepted: AcceptedTransfer): void {
    const { from, to, decision } = decided;
    if (decision.from.length > 0)
      this.cache?.remember(accepted.from.accountId, { state: accepted.from.state, version: accepted.from.version });
    else this.cache?.remember(accepted.from.accountId, from);
    const toState = decision.to.reduce(accountDecider.evolve, to.state);
    this.cache?.remember(accepted.to.accountId, { state: toState, version: accepted.to.version });
  }

  /** The transfer id is taken: by this very transfer from this caller (replayed), or otherwise (reused). */
  private async idTaken(claim: Claim, transferId: string): Promise<TransferCommandOutcome> {
    const recorded = await this.store.findIdempotencyRecord(claim);
    if (recorded === null) return { kind: 'rejected', error: { type: 'TransferIdReused', transferId } };
    return this.replayTransfer(recorded, claim, transferId);
  }

  private replayTransfer(record: IdempotencyRecord, claim: Claim, transferId: string): TransferCommandOutcome {
    if (record.requestHash !== claim.requestHash) return { kind: 'rejected', error: { type: 'TransferIdReused', transferId } };
    return { kind: 'replayed', outcome: decodeTransferOutcome(record.result) };
  }

  private replayKeyed(record: IdempotencyRecord, claim: Claim): TransferCommandOutcome {
    if (record.requestHash !== claim.requestHash) return { kind: 'idempotency-key-reused', key: claim.key };
    return { kind: 'replayed', outcome: decodeTransferOutcome(record.result) };
  }
}

function isNew(command: TransferCommand): command is NewTransferCommand {
  return command.type === 'TransferMoney' || command.type === 'PlacePendingTransfer';
}

function decideOn(
  command: TransferCommand,
  actor: Actor,
  transfer: Loaded<TransferState>,
  from: Loaded<AccountState>,
  to: Loaded<AccountState>,
): Decided {
  // Checked against the write model, never the eventually consistent read model.
  const refused = transferAccess(actor, command, transfer.state, from.state);
  if (refused !== null) return { refused, transferVersion: transfer.version };
  const decision = decideTransfer(command, transfer.state, from.state, to.state);
  if (!decision.ok) return { refused: decision.error, transferVersion: transfer.version };
  return { transfer, from, to, decision };
}

/** A new hold is due at its deadline (for the expiry worker); a resolved one is due no more. */
function deadlinesOf(command: TransferCommand, streamId: string, state: CreatedTransferState): StreamDeadline[] {
  if (command.type === 'TransferMoney') return [];
  return [{ streamId, dueAt: state.status === 'pending' ? state.expiresAt : null }];
}

/** The key a transfer's outcome is recorded under; the space keeps it apart from every Idempotency-Key header. */
export function transferKey(transferId: string): string {
  return `transfer ${transferId}`;
}

/** What tells the same transfer from another with the same id: every term of it, in one fixed order. */
export function requestHashOf(command: NewTransferCommand): string {
  const { transferId, fromAccountId, toAccountId, amount, currency, reference } = command.data;
  const terms = [
    command.type,
    transferId,
    fromAccountId,
    toAccountId,
    amount.toString(),
    currency,
    reference,
    command.type === 'PlacePendingTransfer' ? command.data.timeoutSeconds : null,
  ];
  return createHash('sha256').update(JSON.stringify(terms)).digest('hex');
}
