import type { TransferEvent } from '@ledger/domain';
import type { TransferView } from '@ledger/read-model-schema';
import { projectTransferEvent, type ProjectableTransferEvent } from './transfer-view';

const TRANSFER_ID = '7e1d2c3b-4a59-4687-a6b5-c4d3e2f1a0b9';
const FROM = '0b5f7c4e-3d2a-4f1b-9a8e-2c6d1e0f9a7b';
const TO = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const T0 = new Date('2026-03-01T10:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1_000);
const terms = { transferId: TRANSFER_ID, fromAccountId: FROM, toAccountId: TO, amount: 300n, currency: 'EUR', reference: 'rent' };

const completed: TransferEvent = { type: 'TransferCompleted', data: { ...terms, completedAt: at(1) } };
const placed: TransferEvent = {
  type: 'PendingTransferPlaced',
  data: { ...terms, timeoutSeconds: 3_600, expiresAt: at(3_601), placedAt: at(1) },
};
const posted: TransferEvent = {
  type: 'PendingTransferPosted',
  data: { transferId: TRANSFER_ID, amount: 200n, releasedAmount: 100n, postedAt: at(2) },
};
const voided: TransferEvent = { type: 'PendingTransferVoided', data: { transferId: TRANSFER_ID, amount: 300n, voidedAt: at(2) } };
const expired: TransferEvent = { type: 'PendingTransferExpired', data: { transferId: TRANSFER_ID, amount: 300n, expiredAt: at(3_601) } };

function projectable(version: number, event: TransferEvent): ProjectableTransferEvent {
  return { eventId: `e${version}`, transferId: TRANSFER_ID, version, occurredAt: at(version), correlationId: 'c', event };
}

function fold(events: readonly TransferEvent[]): TransferView {
  let view: TransferView | null = null;
  for (const [index, event] of events.entries()) {
    const step = projectTransferEvent(view, projectable(index + 1, event));
    if (!step.ok) throw new Error(step.reason);
    view = step.view;
  }
  if (view === null) throw new Error('no events to fold');
  return view;
}

describe('projectTransferEvent', () => {
  it('given nothing, when an immediate transfer completes, then the view holds its terms, completed with all of it posted', () => {
    expect(projectTransferEvent(null, projectable(1, completed))).toEqual({
      ok: true,
      view: {
        ...terms,
        createdAt: at(1),
        expiresAt: null,
        version: 1,
        status: 'completed',
        postedAmount: 300n,
        updatedAt: at(1),
      },
    });
  });

  it('given nothing, when a hold is placed, then it is pending with its deadline and nothing posted', () => {
    expect(fold([placed])).toMatchObject({ status: 'pending', expiresAt: at(3_601), postedAmount: 0n, version: 1 });
  });

  it('given a pending hold, when it is posted in part, then it is posted with the posted amount and the time of the post', () => {
    expect(fold([placed, posted])).toMatchObject({
      status: 'posted',
      postedAmount: 200n,
      amount: 300n,
      version: 2,
      updatedAt: at(2),
      createdAt: at(1),
    });
  });

  it.each([
    ['voided', voided, at(2)],
    ['expired', expired, at(3_601)],
  ] as const)('given a pending hold, when it is %s, then nothing is posted', (status, event, updatedAt) => {
    expect(fold([placed, event])).toMatchObject({ status, postedAmount: 0n, version: 2, updatedAt });
  });

  it('given nothing, when a hold is resolved, then it cannot attach', () => {
    expect(projectTransferEvent(null, projectable(1, posted))).toEqual({
      ok: false,
      reason: 'PendingTransferPosted before the transfer was created',
    });
  });

  it('given a transfer, when it is created again, then it cannot attach', () => {
    expect(projectTransferEvent(fold([completed]), projectable(2, placed))).toEqual({
      ok: false,
      reason: 'PendingTransferPlaced for a transfer that already exists',
    });
  });
});
