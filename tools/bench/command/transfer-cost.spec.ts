import type { ContenderResult } from './contenders';
import { transferCostRatios } from './transfer-cost';

function result(contender: string, opsPerSecond: number, cpuMsPerOp: number | null, pgCpuMsPerOp: number | null): ContenderResult {
  return { contender, description: '', ops: opsPerSecond, seconds: 1, opsPerSecond, p50Ms: 1, p99Ms: 2, cpuMsPerOp, pgCpuMsPerOp };
}

describe('transferCostRatios', () => {
  it('sets each transfer beside its deposit: time per op from throughput, CPU per op of the process, of Postgres, and of both', () => {
    const ratios = transferCostRatios(
      [result('deposit', 1000, 0.1, 0.3), result('transfer', 500, 0.3, 0.5)],
      [{ deposit: 'deposit', transfer: 'transfer' }],
    );
    expect(ratios).toHaveLength(1);
    const [only] = ratios;
    expect(only?.deposit).toBe('deposit');
    expect(only?.transfer).toBe('transfer');
    expect(only?.timePerOp).toBeCloseTo(2);
    expect(only?.nodeCpuPerOp).toBeCloseTo(3);
    expect(only?.pgCpuPerOp).toBeCloseTo(5 / 3);
    expect(only?.cpuPerOp).toBeCloseTo(2);
  });

  it('leaves out a pair one of whose contenders did not run, and reports CPU not measured as null', () => {
    const ratios = transferCostRatios(
      [result('deposit', 1000, 0.1, null), result('transfer', 800, 0.2, 0.4)],
      [
        { deposit: 'deposit', transfer: 'transfer' },
        { deposit: 'deposit', transfer: 'transfer, hot source' },
      ],
    );
    expect(ratios.map((r) => r.transfer)).toEqual(['transfer']);
    expect(ratios[0]?.nodeCpuPerOp).toBeCloseTo(2);
    expect(ratios[0]?.pgCpuPerOp).toBeNull();
    expect(ratios[0]?.cpuPerOp).toBeNull();
  });
});
