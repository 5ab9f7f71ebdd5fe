import { CreatedTransferState } from '../transfer.state';

/** Ids and times the transfer specs share, so that one transfer reads the same in each of them. */
export const TRANSFER_ID = '5a1e0c3d-8b7f-4a2e-9c6d-3f4e5a6b7c8d';
export const FROM = '0b5f7c4e-3d2a-4f1b-9a8e-2c6d1e0f9a7b';
export const TO = '9d3e1a2b-7c4f-4e8d-b6a5-1f0e2d3c4b5a';
export const NOW = new Date('2024-05-01T10:30:00.000Z');
export const DEADLINE = new Date('2024-05-01T11:30:00.000Z');

/** What a transfer of 300 records of its request, in its command, its events and its state. */
export const recorded = {
  transferId: TRANSFER_ID,
  fromAccountId: FROM,
  toAccountId: TO,
  amount: 300n,
  currency: 'EUR',
  reference: 'invoice 42',
};

/** A hold of 300 placed at `NOW` for an hour, nothing posted yet. */
export const pendingTransfer = (state: Partial<CreatedTransferState> = {}): CreatedTransferState => ({
  status: 'pending',
  ...recorded,
  postedAmount: 0n,
  expiresAt: DEADLINE,
  createdAt: NOW,
  updatedAt: NOW,
  ...state,
});
