/** Why a Kafka message could not be turned into an event envelope. */
export type EnvelopeDecodeReason =
  | 'empty'
  | 'too-large'
  | 'not-json'
  | 'not-an-object'
  | 'invalid-field'
  | 'key-mismatch'
  | 'header-mismatch';

/**
 * Raised by the decoder for any message that is not a well-formed envelope. Consumers treat it as a
 * poison message (dead-letter it); it never means "retry later".
 */
export class EnvelopeDecodeError extends Error {
  override readonly name = 'EnvelopeDecodeError';

  constructor(
    readonly reason: EnvelopeDecodeReason,
    message: string,
    /** The offending field, when one field is to blame. */
    readonly field?: string,
  ) {
    super(message);
  }
}
