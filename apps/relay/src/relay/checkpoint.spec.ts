import { compareCheckpoints, ORIGIN } from './checkpoint';

describe('compareCheckpoints', () => {
  it('given different transactions, when compared, then the transaction id decides, whatever the positions', () => {
    expect(compareCheckpoints({ transactionId: '9', globalPosition: '100' }, { transactionId: '10', globalPosition: '1' })).toBe(-1);
  });

  it('given the same transaction, when compared, then the position decides', () => {
    expect(compareCheckpoints({ transactionId: '10', globalPosition: '7' }, { transactionId: '10', globalPosition: '5' })).toBe(1);
  });

  it('given values beyond 2^53, when compared, then they compare exactly', () => {
    const a = { transactionId: '9007199254740993', globalPosition: '1' };
    const b = { transactionId: '9007199254740992', globalPosition: '1' };
    expect(compareCheckpoints(a, b)).toBe(1);
    expect(compareCheckpoints(a, a)).toBe(0);
    expect(compareCheckpoints(ORIGIN, b)).toBe(-1);
  });
});
