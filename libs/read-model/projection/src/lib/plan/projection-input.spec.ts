import type { Message } from 'kafkajs';
import { TransferLedger } from '../../testing/transfer-story.fixture';
import { decodeForProjection, rawFromKafka } from './projection-input';

function decoded(message: Message) {
  return decodeForProjection(
    rawFromKafka('account-events', 0, {
      offset: '0',
      key: message.key === undefined || message.key === null ? null : Buffer.from(message.key),
      value: message.value === null ? null : Buffer.from(message.value as Buffer),
      headers: message.headers,
    }),
  );
}

describe('decodeForProjection by stream category', () => {
  const ledger = new TransferLedger();
  const from = ledger.open(100n);
  const to = ledger.open(0n);
  const moved = ledger.transfer(from.accountId, to.accountId, 40n);

  it("given a transfer stream's event, then it is routed to the transfer, naming no account", () => {
    expect(decoded(moved.transfer)).toMatchObject({
      kind: 'transfer-event',
      accountId: null,
      transferId: moved.transferId,
      event: { version: 1, event: { type: 'TransferCompleted' } },
    });
  });

  it("given an account's leg, then it is routed to the account, naming no transfer", () => {
    expect(decoded(moved.debit)).toMatchObject({ kind: 'event', accountId: from.accountId, transferId: null });
  });

  it('given an undecodable value keyed by a transfer stream, then it is poison that names the transfer', () => {
    expect(decoded({ key: `transfer-${moved.transferId}`, value: Buffer.from('{not json') })).toMatchObject({
      kind: 'poison',
      accountId: null,
      transferId: moved.transferId,
    });
  });

  it('given an event of a transfer stream that names another transfer, then it is poison naming the stream', () => {
    const other = ledger.transfer(from.accountId, to.accountId, 1n);
    const envelope = JSON.parse(String(other.transfer.value)) as Record<string, unknown>;
    const forged = { ...envelope, streamId: `transfer-${moved.transferId}` };
    expect(decoded({ key: `transfer-${moved.transferId}`, value: Buffer.from(JSON.stringify(forged)) })).toMatchObject({
      kind: 'poison',
      transferId: moved.transferId,
      version: 1,
      error: expect.stringContaining(`names transfer ${other.transferId}`),
    });
  });

  it('given a stream id that is neither an account nor a transfer, then it is poison naming no stream', () => {
    const envelope = JSON.parse(String(moved.transfer.value)) as Record<string, unknown>;
    const forged = { ...envelope, streamId: 'transfer-not-a-uuid' };
    expect(decoded({ key: 'transfer-not-a-uuid', value: Buffer.from(JSON.stringify(forged)) })).toMatchObject({
      kind: 'poison',
      accountId: null,
      transferId: null,
    });
  });
});
