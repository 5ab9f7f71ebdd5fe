/**
 * Decoding failures mean corrupt or foreign storage, not a broken business rule, so they are thrown
 * (unlike `AccountError`, which `decide` returns).
 */
export class EventDecodeError extends Error {
  override readonly name = 'EventDecodeError';

  constructor(
    readonly eventType: string,
    readonly reason: string,
  ) {
    super(`cannot decode event ${eventType}: ${reason}`);
  }
}

/** A snapshot that does not decode can be ignored and the stream replayed from the start. */
export class SnapshotDecodeError extends Error {
  override readonly name = 'SnapshotDecodeError';

  constructor(readonly reason: string) {
    super(`cannot decode account snapshot: ${reason}`);
  }
}
