import { requiredLegs, visibleTransferState, type TransferStateRow } from './transfer.row';

const at = new Date('2026-01-01T00:00:00Z');
const pending: TransferStateRow = { version: 1, status: 'pending', postedAmount: 0n, updatedAt: at };
const posted: TransferStateRow = { version: 2, status: 'posted', postedAmount: 40n, updatedAt: at };

describe('visibleTransferState', () => {
  it('shows nothing until the first state has all its legs', () => {
    expect(visibleTransferState([pending], new Set())).toBeNull();
  });

  it('shows the older whole state while the newer one misses a leg', () => {
    expect(visibleTransferState([pending, posted], new Set(['HoldPlaced', 'HoldPosted']))).toBe(pending);
  });

  it('shows the newest state once all of its legs are in, whatever the order of the rows', () => {
    expect(visibleTransferState([posted, pending], new Set(['HoldPlaced', 'HoldPosted', 'TransferCredited']))).toBe(posted);
  });

  it('needs both legs of an immediate transfer', () => {
    const completed: TransferStateRow = { version: 1, status: 'completed', postedAmount: 10n, updatedAt: at };
    expect(visibleTransferState([completed], new Set(['TransferDebited']))).toBeNull();
    expect(requiredLegs('completed')).toEqual(['TransferDebited', 'TransferCredited']);
  });

  it('needs the release for a voided or expired hold', () => {
    expect(requiredLegs('voided')).toEqual(['HoldPlaced', 'HoldReleased']);
    expect(requiredLegs('expired')).toEqual(['HoldPlaced', 'HoldReleased']);
  });
});
