import { prepared } from './prepared-statement';

describe('prepared', () => {
  it('gives the same text the same name, and different texts different names', () => {
    const select = prepared('SELECT 1');
    expect(prepared('SELECT 1')).toEqual(select);
    expect(prepared('SELECT 2').name).not.toBe(select.name);
    expect(select.text).toBe('SELECT 1');
  });

  it('keeps names within the identifier length Postgres allows (63 bytes)', () => {
    expect(prepared('x'.repeat(10_000)).name.length).toBeLessThanOrEqual(63);
  });
});
