import { portRangeBelow } from './ports';

describe('portRangeBelow', () => {
  it("given Linux's ephemeral range, then ports are drawn between the well-known ones and its first port", () => {
    expect(portRangeBelow('32768\t60999\n')).toEqual({ low: 10_000, high: 32_768 });
    expect(portRangeBelow('49152 65535')).toEqual({ low: 10_000, high: 49_152 });
  });

  it('given no range to read (not Linux), then below the first port Linux would assign', () => {
    expect(portRangeBelow(undefined)).toEqual({ low: 10_000, high: 32_768 });
    expect(portRangeBelow('')).toEqual({ low: 10_000, high: 32_768 });
  });

  it('given an ephemeral range that leaves too few ports below it, then none: the kernel picks', () => {
    expect(portRangeBelow('1024 65535')).toBeNull();
    expect(portRangeBelow('10500 65535')).toBeNull();
  });
});
