import { EventDecodeError } from './decode.errors';
import { CURRENT_TRANSFER_EVENT_SCHEMA_VERSIONS, TRANSFER_EVENT_TYPES, encodeTransferEvent } from './transfer.codec';
import { TransferEvent } from './transfer.events';
import { TRANSFER_EVENT_UPCASTERS, decodeStoredTransferEvent, upcastTransferEvent } from './transfer.upcasters';

const TRANSFER_ID = '5a1e0c3d-8b7f-4a2e-9c6d-3f4e5a6b7c8d';
const OCCURRED_AT = new Date('2024-05-01T10:30:00.000Z');

const voided: TransferEvent = { type: 'PendingTransferVoided', data: { transferId: TRANSFER_ID, amount: 300n, voidedAt: OCCURRED_AT } };

describe('upcastTransferEvent', () => {
  it('given an event at its current version, when upcast and decoded, then it passes through unchanged', () => {
    const encoded = encodeTransferEvent(voided);

    expect(upcastTransferEvent({ ...encoded, occurredAt: OCCURRED_AT })).toEqual(encoded);
    expect(decodeStoredTransferEvent({ ...encoded, occurredAt: OCCURRED_AT })).toEqual(voided);
  });

  it.each([
    ['a future version', 2, /newer than the known version 1/],
    ['version 0', 0, /invalid schema version/],
  ])('given %s, when upcast, then EventDecodeError', (_label, schemaVersion, message) => {
    const encoded = encodeTransferEvent(voided);

    expect(() => upcastTransferEvent({ ...encoded, schemaVersion, occurredAt: OCCURRED_AT })).toThrow(message);
  });

  it('given an account event type, when upcast as a transfer event, then EventDecodeError', () => {
    expect(() => upcastTransferEvent({ type: 'AccountOpened', schemaVersion: 1, data: {}, occurredAt: OCCURRED_AT })).toThrow(
      EventDecodeError,
    );
  });

  it('has an upcaster for every version below the current one of every event type', () => {
    for (const type of TRANSFER_EVENT_TYPES) {
      for (let version = 1; version < CURRENT_TRANSFER_EVENT_SCHEMA_VERSIONS[type]; version += 1) {
        expect(TRANSFER_EVENT_UPCASTERS[type].has(version)).toBe(true);
      }
    }
  });
});
