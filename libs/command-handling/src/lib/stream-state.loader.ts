import type { EventStore, StreamRead } from '@ledger/event-store';
import type { CommandHandlerObserver, Loaded, StreamCodec } from './command-handler.types';

/** How a stream's events fold into its state: the part of a decider loading needs. */
export interface StreamFold<S, E> {
  readonly initialState: S;
  evolve(state: S, event: E): S;
}

/**
 * Reads a stream's current state from the store: its snapshot and the events after it, or every event
 * when the snapshot cannot be decoded (reported to the observer, so one corrupt row never blocks the
 * stream). Shared by every handler that decides on a stream, whatever it appends to.
 */
export class StreamStateLoader<S, E> {
  constructor(
    private readonly store: EventStore,
    private readonly fold: StreamFold<S, E>,
    private readonly codec: Pick<StreamCodec<S, E, unknown>, 'snapshotSchemaVersion' | 'decodeState' | 'decodeEvent'>,
    private readonly observer: Pick<CommandHandlerObserver<unknown>, 'snapshotUndecodable'> = {},
  ) {}

  async load(streamId: string): Promise<Loaded<S>> {
    const { snapshotSchemaVersion } = this.codec;
    const read = await this.store.readStream(streamId, { snapshotSchemaVersion });
    if (read.snapshot === null) return this.foldFrom(read, this.fold.initialState);
    let from: S;
    try {
      from = this.codec.decodeState(read.snapshot.state);
    } catch (error: unknown) {
      this.observer.snapshotUndecodable?.({ streamId, snapshotVersion: read.snapshot.version, error });
      const full = await this.store.readStream(streamId, { snapshotSchemaVersion, ignoreSnapshot: true });
      return this.foldFrom(full, this.fold.initialState);
    }
    return this.foldFrom(read, from);
  }

  /** `read`'s events applied to `from`, at `read`'s version. */
  foldFrom(read: StreamRead, from: S): Loaded<S> {
    const state = read.events.reduce((s, stored) => this.fold.evolve(s, this.codec.decodeEvent(stored)), from);
    return { state, version: read.version };
  }
}
