import { decodeKafkaMessage } from '@ledger/messaging';
import type { CommittedEvent } from '@ledger/event-store';
import { prepareBatch } from './relay.batch';

function event(n: number, overrides: Partial<CommittedEvent> = {}): CommittedEvent {
  return {
    transactionId: String(1000 + Math.floor(n / 2)),
    globalPosition: String(n),
    streamId: `0000000${n % 3}-0000-4000-8000-000000000000`,
    version: n,
    eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    type: 'MoneyDeposited',
    schemaVersion: 1,
    data: { amount: n },
    metadata: { correlationId: `c-${n}`, causationId: null },
    occurredAt: new Date('2025-01-01T00:00:00Z'),
    recordedAt: new Date('2025-01-01T00:00:01Z'),
    ...overrides,
  };
}

describe('prepareBatch', () => {
  it('given nothing read, when prepared, then there is no batch', () => {
    expect(prepareBatch([], 1_000_000)).toBeNull();
  });

  it('given events in commit order, when prepared, then messages keep that order and the checkpoint is the last event', () => {
    const read = [event(1), event(2), event(3)];

    const batch = prepareBatch(read, 1_000_000);

    expect(batch?.messages.map((m) => decodeKafkaMessage({ key: m.key, value: m.value, headers: m.headers }).envelope.version)).toEqual([
      1, 2, 3,
    ]);
    expect(batch?.messages.map((m) => m.key)).toEqual(read.map((e) => e.streamId));
    expect(batch?.checkpoint).toEqual({ transactionId: '1001', globalPosition: '3' });
  });

  it("given a transfer's three streams committed together, when prepared, then each message is keyed by its own stream id", () => {
    const transferStream = 'transfer-5b7e2c4a-1d3f-4e6a-9b8c-7d6e5f4a3b2c';
    const read = [
      event(1, { streamId: '00000001-0000-4000-8000-000000000000', type: 'TransferDebited' }),
      event(2, { streamId: '00000002-0000-4000-8000-000000000000', type: 'TransferCredited' }),
      event(3, { streamId: transferStream, type: 'TransferCompleted', version: 1 }),
    ];

    const batch = prepareBatch(read, 1_000_000);

    expect(batch?.messages.map((m) => m.key)).toEqual(read.map((e) => e.streamId));
    const envelopes = (batch?.messages ?? []).map((m) => decodeKafkaMessage({ key: m.key, value: m.value, headers: m.headers }).envelope);
    expect(envelopes.map((e) => [e.streamId, e.accountId])).toEqual([
      ['00000001-0000-4000-8000-000000000000', '00000001-0000-4000-8000-000000000000'],
      ['00000002-0000-4000-8000-000000000000', '00000002-0000-4000-8000-000000000000'],
      [transferStream, undefined],
    ]);
  });

  it('given more bytes than allowed, when prepared, then the batch is cut to a prefix and checkpoints its last event', () => {
    const read = Array.from({ length: 10 }, (_, i) => event(i + 1));
    const one = prepareBatch([read[0] as CommittedEvent], 1_000_000);
    const limit = (one?.bytes ?? 0) * 3 + 10;

    const batch = prepareBatch(read, limit);

    expect(batch?.events).toEqual(read.slice(0, 3));
    expect(batch?.checkpoint.globalPosition).toBe('3');
    expect(batch?.bytes).toBeLessThanOrEqual(limit);
  });

  it('given a single event larger than the limit, when prepared, then it still goes alone rather than stalling the relay', () => {
    const big = event(1, { data: { blob: 'x'.repeat(5_000) } });

    const batch = prepareBatch([big, event(2)], 100);

    expect(batch?.events).toEqual([big]);
  });

  it("given a stored event whose metadata names its actor, when prepared, then the message's headers and envelope carry it", () => {
    const audited = event(1, { metadata: { correlationId: 'c-1', causationId: null, actor: { sub: 'user-ada', clientId: 'web' } } });

    const [message] = prepareBatch([audited, event(2)], 1_000_000)?.messages ?? [];

    expect(message?.headers).toMatchObject({ 'actor-sub': 'user-ada', 'actor-client-id': 'web' });
    expect(decodeKafkaMessage({ key: message?.key, value: message?.value, headers: message?.headers }).envelope.metadata.actor).toEqual({
      sub: 'user-ada',
      clientId: 'web',
    });
  });
});
