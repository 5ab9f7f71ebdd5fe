import type { UnpublishedDeadLetter } from '@ledger/read-model-projection';
import { DEAD_LETTER_HEADERS, deadLetterMessage } from './dead-letter.message';

const deadLetter: UnpublishedDeadLetter = {
  id: '17',
  accountId: '0b7e4f1c-8d4e-4c3a-9f6e-2a1b3c4d5e6f',
  eventId: null,
  version: 3,
  topic: 'account-events',
  partition: 4,
  offset: '1234',
  key: Buffer.from('0b7e4f1c-8d4e-4c3a-9f6e-2a1b3c4d5e6f'),
  value: Buffer.from([0xff, 0x00, 0x7b]),
  headers: { 'event-type': 'MoneyDeposited', 'correlation-id': 'c-1' },
  error: 'version gap: expected version 2, got 3',
  attempts: 2,
  createdAt: new Date('2026-03-01T10:00:00.000Z'),
};

describe('deadLetterMessage', () => {
  it('keeps the key, value and headers byte for byte and names the error and the source', () => {
    const message = deadLetterMessage(deadLetter);
    expect(message.key).toEqual(deadLetter.key);
    expect(message.value).toEqual(deadLetter.value);
    expect(message.headers).toEqual({
      'event-type': 'MoneyDeposited',
      'correlation-id': 'c-1',
      [DEAD_LETTER_HEADERS.error]: 'version gap: expected version 2, got 3',
      [DEAD_LETTER_HEADERS.id]: '17',
      [DEAD_LETTER_HEADERS.accountId]: deadLetter.accountId,
      [DEAD_LETTER_HEADERS.attempts]: '2',
      [DEAD_LETTER_HEADERS.sourceTopic]: 'account-events',
      [DEAD_LETTER_HEADERS.sourcePartition]: '4',
      [DEAD_LETTER_HEADERS.sourceOffset]: '1234',
      [DEAD_LETTER_HEADERS.createdAt]: '2026-03-01T10:00:00.000Z',
    });
  });

  it('names no account when the message named none, and keeps a null key and value', () => {
    const message = deadLetterMessage({ ...deadLetter, accountId: null, key: null, value: null, headers: {} });
    expect(message.key).toBeNull();
    expect(message.value).toBeNull();
    expect(message.headers).not.toHaveProperty(DEAD_LETTER_HEADERS.accountId);
  });

  it('does not let the original headers impersonate the dead-letter ones', () => {
    const message = deadLetterMessage({ ...deadLetter, headers: { [DEAD_LETTER_HEADERS.error]: 'forged' } });
    expect(message.headers?.[DEAD_LETTER_HEADERS.error]).toBe(deadLetter.error);
  });
});
