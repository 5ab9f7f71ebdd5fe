import { FROM, TO, TRANSFER_ID } from './testing/transfer.fixtures';
import { TransferEvent, TransferEventType } from './transfer.events';
import { evolveTransfer } from './transfer.evolve';
import { CreatedTransferState, TransferState, initialTransferState } from './transfer.state';

const AT = new Date('2024-05-01T10:30:00.000Z');
const LATER = new Date('2024-05-01T10:45:00.000Z');
const DEADLINE = new Date('2024-05-01T11:30:00.000Z');

const terms = { transferId: TRANSFER_ID, fromAccountId: FROM, toAccountId: TO, amount: 300n, currency: 'EUR', reference: 'rent' };
const completed: TransferEvent = { type: 'TransferCompleted', data: { ...terms, completedAt: AT } };
const placed: TransferEvent = {
  type: 'PendingTransferPlaced',
  data: { ...terms, timeoutSeconds: 3600, expiresAt: DEADLINE, placedAt: AT },
};
const posted: TransferEvent = {
  type: 'PendingTransferPosted',
  data: { transferId: TRANSFER_ID, amount: 120n, releasedAmount: 180n, postedAt: LATER },
};
const voided: TransferEvent = { type: 'PendingTransferVoided', data: { transferId: TRANSFER_ID, amount: 300n, voidedAt: LATER } };
const expired: TransferEvent = { type: 'PendingTransferExpired', data: { transferId: TRANSFER_ID, amount: 300n, expiredAt: LATER } };

const pending: CreatedTransferState = Object.freeze({
  status: 'pending',
  ...terms,
  postedAmount: 0n,
  expiresAt: DEADLINE,
  createdAt: AT,
  updatedAt: AT,
});

describe('evolveTransfer', () => {
  // Typed by TransferEventType, so a new event does not compile until it has a case here.
  const oneCasePerEvent: Record<TransferEventType, [TransferState, TransferEvent, TransferState]> = {
    TransferCompleted: [initialTransferState, completed, { ...pending, status: 'completed', postedAmount: 300n, expiresAt: null }],
    PendingTransferPlaced: [initialTransferState, placed, pending],
    PendingTransferPosted: [pending, posted, { ...pending, status: 'posted', postedAmount: 120n, updatedAt: LATER }],
    PendingTransferVoided: [pending, voided, { ...pending, status: 'voided', updatedAt: LATER }],
    PendingTransferExpired: [pending, expired, { ...pending, status: 'expired', updatedAt: LATER }],
  };

  it.each(Object.entries(oneCasePerEvent))(
    'given its state, when %s is applied, then the expected state',
    (_type, [given, event, expected]) => {
      expect(evolveTransfer(given, event)).toEqual(expected);
    },
  );

  it.each([posted, voided, expired])(
    'given no transfer, when $type is applied, then the state stays NOT_CREATED (evolve never throws)',
    (event) => {
      expect(evolveTransfer(initialTransferState, event)).toEqual(initialTransferState);
    },
  );

  it('given a whole hold history, when folded, then the final state; the frozen input is not mutated', () => {
    const after = [placed, posted].reduce(evolveTransfer, initialTransferState);

    expect(after).toEqual({ ...pending, status: 'posted', postedAmount: 120n, updatedAt: LATER });
    expect(pending.status).toBe('pending');
  });
});
