import { toEnvelope } from '@ledger/messaging';
import { checkDelivery, type ExpectedEvent, type ReceivedMessage } from './relay-delivery.checker';

const A = 'aaaaaaaa-0000-4000-8000-000000000000';
const B = 'bbbbbbbb-0000-4000-8000-000000000000';
const id = (stream: string, version: number) => `${stream.slice(0, 8)}-0000-4000-8000-${String(version).padStart(12, '0')}`;

const expected = (stream: string, versions: number): ExpectedEvent[] =>
  Array.from({ length: versions }, (_, i) => ({ eventId: id(stream, i + 1), streamId: stream, version: i + 1 }));

function messages(partition: number, stream: string, versions: number[]): ReceivedMessage[] {
  return versions.map((version, offset) => ({
    partition,
    offset,
    key: stream,
    envelope: toEnvelope({
      eventId: id(stream, version),
      streamId: stream,
      version,
      type: 'T',
      schemaVersion: 1,
      occurredAt: '2025-01-01T00:00:00.000Z',
      data: {},
      metadata: { correlationId: 'c', causationId: null },
      globalPosition: String(version),
    }),
  }));
}

describe('checkDelivery', () => {
  it('given every event once and in order, when checked, then there is no problem', () => {
    const report = checkDelivery([...expected(A, 3), ...expected(B, 2)], [...messages(0, A, [1, 2, 3]), ...messages(1, B, [1, 2])]);

    expect(report).toEqual({ problems: [], duplicates: 0, accounts: 2 });
  });

  it('given a resend after a crash, when checked, then repeats are counted, not reported', () => {
    const report = checkDelivery(expected(A, 4), messages(0, A, [1, 2, 3, 2, 3, 4]));

    expect(report.problems).toEqual([]);
    expect(report.duplicates).toBe(2);
  });

  it('given a later event before an earlier one, when checked, then the reorder is reported', () => {
    expect(checkDelivery(expected(A, 3), messages(0, A, [1, 3, 2])).problems).toEqual([
      expect.stringContaining('jumps from version 1 to 3'),
      expect.stringContaining('version 2 is a different event'),
    ]);
  });

  it('given a missing event, when checked, then it is reported', () => {
    expect(checkDelivery(expected(A, 3), messages(0, A, [1, 2])).problems).toEqual([expect.stringContaining('missing')]);
  });

  it('given an event that was never committed, when checked, then it is reported', () => {
    expect(checkDelivery(expected(A, 1), messages(0, A, [1, 2])).problems).toEqual([expect.stringContaining('unexpected')]);
  });

  it('given an account on two partitions, when checked, then it is reported', () => {
    const received = [...messages(0, A, [1]), ...messages(1, A, [2]).map((m) => ({ ...m, offset: 5 }))];

    expect(checkDelivery(expected(A, 2), received).problems).toEqual([expect.stringContaining('also on partition 0')]);
  });
});
