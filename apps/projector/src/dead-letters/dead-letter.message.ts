import type { UnpublishedDeadLetter } from '@ledger/read-model-projection';
import type { IHeaders, Message } from 'kafkajs';

/** Headers added to the original message's own on its dead-letter copy. */
export const DEAD_LETTER_HEADERS = {
  error: 'dead-letter-error',
  id: 'dead-letter-id',
  accountId: 'dead-letter-account-id',
  attempts: 'dead-letter-attempts',
  sourceTopic: 'dead-letter-source-topic',
  sourcePartition: 'dead-letter-source-partition',
  sourceOffset: 'dead-letter-source-offset',
  createdAt: 'dead-letter-created-at',
} as const;

/**
 * The copy of a dead letter for the dead-letter topic: the original key, value and headers byte for
 * byte, plus headers saying what went wrong and where the message came from. `dead-letter-id` lets a
 * reader drop the rare second copy (the outbox publishes at least once).
 */
export function deadLetterMessage(deadLetter: UnpublishedDeadLetter): Message {
  const headers: IHeaders = {
    ...deadLetter.headers,
    [DEAD_LETTER_HEADERS.error]: deadLetter.error,
    [DEAD_LETTER_HEADERS.id]: deadLetter.id,
    [DEAD_LETTER_HEADERS.attempts]: String(deadLetter.attempts),
    [DEAD_LETTER_HEADERS.sourceTopic]: deadLetter.topic,
    [DEAD_LETTER_HEADERS.sourcePartition]: String(deadLetter.partition),
    [DEAD_LETTER_HEADERS.sourceOffset]: deadLetter.offset,
    [DEAD_LETTER_HEADERS.createdAt]: deadLetter.createdAt.toISOString(),
  };
  if (deadLetter.accountId !== null) headers[DEAD_LETTER_HEADERS.accountId] = deadLetter.accountId;
  return { key: deadLetter.key, value: deadLetter.value, headers };
}
