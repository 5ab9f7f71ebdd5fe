import { randomUUID } from 'node:crypto';
import { DEFAULT_SNAPSHOT_EVERY, snapshotDue, type AppendRequest, type EventStore, type IdempotencyRecord } from '@ledger/event-store';
import type {
  Accepted,
  CommandHandlerObserver,
  CommandHandlerOptions,
  CommandOutcome,
  Decider,
  Decision,
  HandleOptions,
  Loaded,
  RecordedOutcome,
  RetryPolicy,
  StateCache,
  StreamCodec,
} from './command-handler.types';
import { CONFLICTED, retryConflicts } from './conflict-retry';
import { decodeAccepted, encodeOutcome, readOutcomeRecord } from './recorded-outcome';
import { StreamStateLoader } from './stream-state.loader';

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 10, backoff: { initialMs: 2, maxMs: 50 } };

/** The state a command was decided on and the decision, or the caller's refused access (nothing decided). */
type Decided<S, E, R> = { readonly loaded: Loaded<S>; readonly decision: Decision<E, R> } | { readonly refused: R };

/**
 * Runs a command against one stream: load (the cached state, or snapshot + tail), decide, append at the
 * loaded version, retry on conflict, and honour an idempotency key. Framework-free and generic over
 * command, state, event and rejection; it knows nothing of HTTP and returns every outcome as a value.
 *
 * - Without an expected version a conflict is retried up to `retry.maxAttempts` times (the second
 *   attempt at once: the conflict means a writer just committed; later ones after a jittered backoff).
 *   With one, the stream must be at that version and nothing is retried.
 * - A cached state may decide an append, because the append's version check catches a stale one; it
 *   never decides a refusal, which nothing would check: refusals come from the store's state only.
 * - `access` (may this caller act on the stream?) runs on the loaded state before anything else that
 *   could tell the caller about the stream: before the expected version is compared, before decide,
 *   and before an idempotent replay. A cached state may grant it but never refuse it: the check is about
 *   facts that never change (an owner), so a cached refusal would be true too, but one rule for every
 *   refusal is simpler to trust, and a refusal is rare enough that its extra read costs nothing.
 * - An idempotency key (within its scope) is looked up first, and records the command's outcome: an
 *   accepted one (events, version, state) with the events in the append's transaction, so of concurrent
 *   requests with one key exactly one appends and the others replay it; a rejection by the rules in a
 *   small transaction of its own, so a retry is refused again even once the rules would let it through
 *   (funds deposited meanwhile). A refused access is not recorded: it is checked before every replay.
 * - A snapshot that cannot be decoded is reported to the observer and ignored: the state is folded
 *   from every event, so one corrupt row never blocks the stream.
 */
export class CommandHandler<C, S, E, R> {
  private readonly store: EventStore;
  private readonly decider: Decider<C, S, E, R>;
  private readonly codec: StreamCodec<S, E, R>;
  private readonly snapshotEvery: number;
  private readonly retry: RetryPolicy;
  private readonly cache: StateCache<S> | undefined;
  private readonly newEventId: () => string;
  private readonly observer: CommandHandlerObserver<C>;
  private readonly loader: StreamStateLoader<S, E>;

  constructor(options: CommandHandlerOptions<C, S, E, R>) {
    this.store = options.store;
    this.decider = options.decider;
    this.codec = options.codec;
    this.snapshotEvery = options.snapshotEvery ?? DEFAULT_SNAPSHOT_EVERY;
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.cache = options.cache;
    this.newEventId = options.newEventId ?? randomUUID;
    this.observer = options.observer ?? {};
    this.loader = new StreamStateLoader(this.store, this.decider, this.codec, this.observer);
    if (!Number.isSafeInteger(this.retry.maxAttempts) || this.retry.maxAttempts < 1) {
      throw new Error(`command handler: retry.maxAttempts must be a positive integer, got ${this.retry.maxAttempts}`);
    }
  }

  async handle(streamId: string, command: C, options: HandleOptions<S, R>): Promise<CommandOutcome<S, E, R>> {
    if (options.idempotency !== undefined) {
      const recorded = await this.store.findIdempotencyRecord(options.idempotency);
      if (recorded !== null) {
        const refused = await this.refusedAccess(streamId, options);
        return refused === undefined ? this.replay(streamId, recorded, options.idempotency) : { kind: 'rejected', error: refused };
      }
    }
    const { expectedVersion } = options;
    const attempts = expectedVersion === undefined ? this.retry.maxAttempts : 1;
    const outcome = await retryConflicts(
      attempts,
      this.retry.backoff,
      () => this.attempt(streamId, command, options),
      (attempt, willRetry) => this.observer.conflicted?.({ streamId, command, attempt, willRetry }),
    );
    if (outcome !== CONFLICTED) return outcome;
    if (expectedVersion !== undefined) {
      // The stream moved on between our read and our append: the caller's version is no longer current.
      const { version } = await this.load(streamId);
      if (version !== expectedVersion) return { kind: 'version-mismatch', expectedVersion, actualVersion: version };
    }
    return { kind: 'conflict', attempts };
  }

  /** The stream's current state from the store: snapshot + tail, or every event when the snapshot is unreadable. */
  async load(streamId: string): Promise<Loaded<S>> {
    return this.loader.load(streamId);
  }

  /** The access check for a replay: a cached state may grant it; only the store's state refuses. */
  private async refusedAccess(streamId: string, options: HandleOptions<S, R>): Promise<R | undefined> {
    const { access } = options;
    if (access === undefined) return undefined;
    const cached = this.cache?.get(streamId);
    if (cached !== undefined && access(cached.state) === undefined) return undefined;
    return access((await this.load(streamId)).state);
  }

  private async decideOn(streamId: string, command: C, options: HandleOptions<S, R>): Promise<Decided<S, E, R>> {
    const { access, expectedVersion } = options;
    const cached = this.cache?.get(streamId, expectedVersion);
    // A cached state the caller may not reach is not forgotten: it is still the stream's, only not theirs.
    if (cached !== undefined && access?.(cached.state) === undefined) {
      const decision = this.decider.decide(command, cached.state);
      if (decision.ok) return { loaded: cached, decision };
      this.cache?.forget(streamId);
    }
    const loaded = await this.load(streamId);
    const refused = access?.(loaded.state);
    if (refused !== undefined) return { refused };
    return { loaded, decision: this.decider.decide(command, loaded.state) };
  }

  private async attempt(streamId: string, command: C, options: HandleOptions<S, R>): Promise<CommandOutcome<S, E, R> | typeof CONFLICTED> {
    const decided = await this.decideOn(streamId, command, options);
    if ('refused' in decided) return { kind: 'rejected', error: decided.refused };
    const { loaded, decision } = decided;
    if (options.expectedVersion !== undefined && loaded.version !== options.expectedVersion) {
      return { kind: 'version-mismatch', expectedVersion: options.expectedVersion, actualVersion: loaded.version };
    }
    if (!decision.ok) return this.rejected(streamId, decision.error, options);
    const accepted = this.accepted(streamId, loaded, decision.events);
    // Nothing to write: the command changed nothing, and there is no transaction to hold a key.
    if (accepted.events.length === 0) return accepted;

    // Whatever happens next the cached state is no longer known to be current; a success puts it back.
    this.cache?.forget(streamId);
    const result = await this.store.append(this.appendRequest(accepted, loaded.version, options));
    switch (result.kind) {
      case 'appended':
        this.cache?.remember(streamId, { state: accepted.state, version: accepted.version });
        return accepted;
      case 'conflict':
        return CONFLICTED;
      case 'idempotency-key-used':
        // Another request with this key committed between our lookup and our append.
        return this.replay(streamId, result.record, options.idempotency ?? { key: '', requestHash: '' });
      default: {
        const _exhaustive: never = result;
        throw new Error(`command handler: unhandled append result ${JSON.stringify(_exhaustive)}`);
      }
    }
  }

  /** Event ids are fresh per attempt, so a retried command never reuses one. */
  private accepted(streamId: string, loaded: Loaded<S>, events: readonly E[]): Accepted<S, E> {
    const recorded = events.map((event, index) => ({ eventId: this.newEventId(), version: loaded.version + index + 1, event }));
    const state = events.reduce((s, event) => this.decider.evolve(s, event), loaded.state);
    return { kind: 'accepted', streamId, version: loaded.version + events.length, state, events: recorded };
  }

  private appendRequest(accepted: Accepted<S, E>, expectedVersion: number, options: HandleOptions<S, R>): AppendRequest {
    const { streamId, version, state } = accepted;
    return {
      streamId,
      expectedVersion,
      events: accepted.events.map(({ eventId, event }) => ({
        eventId,
        ...this.codec.encodeEvent(event),
        metadata: options.metadata,
        occurredAt: options.occurredAt,
      })),
      snapshot: snapshotDue(expectedVersion, version, this.snapshotEvery)
        ? { version, schemaVersion: this.codec.snapshotSchemaVersion, state: this.codec.encodeState(state) }
        : undefined,
      idempotency: options.idempotency && { ...options.idempotency, result: encodeOutcome(accepted, this.codec, options.occurredAt) },
    };
  }

  /** A rejection by the rules, recorded under the key so that a retry gets it again (decided on the store's state). */
  private async rejected(streamId: string, error: R, options: HandleOptions<S, R>): Promise<CommandOutcome<S, E, R>> {
    const rejection: CommandOutcome<S, E, R> = { kind: 'rejected', error };
    const { idempotency } = options;
    if (idempotency === undefined) return rejection;
    const result = encodeOutcome<S, E, R>(rejection, this.codec, options.occurredAt);
    const recorded = await this.store.recordIdempotencyResult({ ...idempotency, streamId, result });
    // Another request with this key recorded its outcome between our lookup and now: that one stands.
    return recorded.kind === 'recorded' ? rejection : this.replay(streamId, recorded.record, idempotency);
  }

  private async replay(
    streamId: string,
    record: IdempotencyRecord,
    request: { key: string; requestHash: string },
  ): Promise<CommandOutcome<S, E, R>> {
    if (record.requestHash !== request.requestHash) return { kind: 'idempotency-key-reused', key: request.key };
    return { kind: 'replayed', outcome: await this.recordedOutcome(streamId, record) };
  }

  private async recordedOutcome(streamId: string, record: IdempotencyRecord): Promise<RecordedOutcome<S, E, R>> {
    const recorded = readOutcomeRecord(record.result);
    if (recorded.outcome === 'rejected') return { kind: 'rejected', error: this.codec.decodeRejection(recorded.rejection) };
    if ('state' in recorded) return decodeAccepted(streamId, recorded, this.codec);
    // Recorded before outcomes were: the stream holds what the command appended and the state it left.
    const { snapshotSchemaVersion } = this.codec;
    const read = await this.store.readStream(streamId, { snapshotSchemaVersion, ignoreSnapshot: true });
    const upTo = read.events.filter((stored) => stored.version <= recorded.version);
    const loaded = this.loader.foldFrom({ ...read, events: upTo }, this.decider.initialState);
    const events = upTo
      .filter((stored) => stored.version > recorded.version - recorded.eventCount)
      .map((stored) => ({ eventId: stored.eventId, version: stored.version, event: this.codec.decodeEvent(stored) }));
    return { kind: 'accepted', streamId, version: recorded.version, state: loaded.state, events };
  }
}
