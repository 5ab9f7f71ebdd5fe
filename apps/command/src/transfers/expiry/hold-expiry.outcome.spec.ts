import type { AcceptedTransfer, TransferCommandOutcome } from '@ledger/account-commands';
import { holdExpiryOutcomeOf } from './hold-expiry.outcome';

const TRANSFER_ID = '0b6f5a3e-8c1e-4f7a-9a59-3c2b1f0d9e11';
const EXPIRES_AT = new Date('2026-03-01T10:00:00.000Z');
const accepted = { kind: 'accepted' } as AcceptedTransfer;
const rejected = (error: Extract<TransferCommandOutcome, { kind: 'rejected' }>['error']): TransferCommandOutcome => ({
  kind: 'rejected',
  error,
});

describe('holdExpiryOutcomeOf', () => {
  it('given the expiry appended, then the hold is expired', () => {
    expect(holdExpiryOutcomeOf(accepted)).toEqual({ kind: 'expired' });
  });

  it('given a hold posted, voided or expired meanwhile, or unknown, then it is already resolved', () => {
    for (const status of ['posted', 'voided', 'expired'] as const) {
      expect(holdExpiryOutcomeOf(rejected({ type: 'TransferNotPending', transferId: TRANSFER_ID, status }))).toEqual({
        kind: 'already-resolved',
      });
    }
    expect(holdExpiryOutcomeOf(rejected({ type: 'TransferNotFound', transferId: TRANSFER_ID }))).toEqual({ kind: 'already-resolved' });
    expect(holdExpiryOutcomeOf({ kind: 'replayed', outcome: accepted })).toEqual({ kind: 'already-resolved' });
  });

  it('given a deadline still ahead by this clock, then it is not yet due, with the deadline', () => {
    expect(holdExpiryOutcomeOf(rejected({ type: 'TransferNotExpired', transferId: TRANSFER_ID, expiresAt: EXPIRES_AT }))).toEqual({
      kind: 'not-yet-due',
      expiresAt: EXPIRES_AT,
    });
  });

  it('given any other answer, then it is a failure that names it', () => {
    expect(holdExpiryOutcomeOf({ kind: 'conflict', attempts: 10 })).toEqual({
      kind: 'failed',
      reason: 'still conflicting after 10 attempts',
    });
    expect(holdExpiryOutcomeOf({ kind: 'account-busy', accountId: 'a1' })).toEqual({
      kind: 'failed',
      reason: 'too many commands waiting on account a1',
    });
    expect(holdExpiryOutcomeOf({ kind: 'idempotency-key-reused', key: 'k' })).toEqual({
      kind: 'failed',
      reason: 'idempotency key k reused',
    });
    expect(holdExpiryOutcomeOf(rejected({ type: 'InvalidCommand', detail: 'wrong source' }))).toMatchObject({
      kind: 'failed',
      reason: 'refused: InvalidCommand',
    });
  });
});
