import { acknowledgedTransfers, conservationFinding } from './money-conservation.finding';

describe('conservationFinding', () => {
  it('given a clean verify, then its money line and no difference', () => {
    const output = [
      'Checked 25 accounts: 25 streams (300 events) against 25 account rows and 300 history rows; 40 transfer streams against 40 transfer rows.',
      'Money in the event store: EUR balances 910 (deposits 1,010 - withdrawals 100).',
      'No differences: the read model agrees with the event store, and money is conserved.',
    ].join('\n');

    expect(conservationFinding(output)).toEqual({
      money: 'Money in the event store: EUR balances 910 (deposits 1,010 - withdrawals 100).',
      conservation: 0,
      transfer: 0,
    });
  });

  it('given differences, then those that say money was not conserved are counted, others not', () => {
    const output = [
      'abc  balance: expected 5, actual 4',
      'Money in the event store: EUR balances 909 (deposits 1,010 - withdrawals 100).',
      '1,204 differences: 1 account-field, 1,200 conservation, 3 transfer.',
    ].join('\n');

    expect(conservationFinding(output)).toMatchObject({ conservation: 1200, transfer: 3 });
  });

  it('given a verify that checks no money, then no money line', () => {
    expect(conservationFinding('No differences.')).toEqual({ money: null, conservation: 0, transfer: 0 });
  });
});

describe('acknowledgedTransfers', () => {
  it('given the load summary, then the acknowledged transfers, holds, posts and voids', () => {
    const summary = {
      byKind: {
        deposit: { acknowledged: 9 },
        transfer: { acknowledged: 4 },
        hold: { acknowledged: 3 },
        post: { acknowledged: 2 },
        void: { acknowledged: 1 },
      },
    };
    expect(acknowledgedTransfers(summary)).toEqual({ transfer: 4, hold: 3, post: 2, void: 1 });
  });

  it('given no summary or one without counts by kind, then null; a kind it lacks counts 0', () => {
    expect(acknowledgedTransfers(undefined)).toBeNull();
    expect(acknowledgedTransfers({ sent: 3 })).toBeNull();
    expect(acknowledgedTransfers({ byKind: { transfer: { acknowledged: 'x' } } })).toEqual({ transfer: 0, hold: 0, post: 0, void: 0 });
  });
});
