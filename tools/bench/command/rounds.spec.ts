import type { ContenderResult } from './contenders';
import { median } from '../lib/median';
import { mergeRounds, ratioOverRounds } from './rounds';
import type { TransferCostRatio } from './transfer-cost';

function result(contender: string, opsPerSecond: number, cpuMsPerOp: number | null, extra: Partial<ContenderResult> = {}): ContenderResult {
  return {
    contender,
    description: `${contender} described`,
    ops: opsPerSecond,
    seconds: 1,
    opsPerSecond,
    p50Ms: 1,
    p99Ms: 2,
    cpuMsPerOp,
    pgCpuMsPerOp: 0.1,
    ...extra,
  };
}

function ratio(transfer: string, cpuPerOp: number | null): TransferCostRatio {
  return { transfer, deposit: 'deposit', timePerOp: 1, nodeCpuPerOp: null, pgCpuPerOp: null, cpuPerOp };
}

describe('bench rounds', () => {
  it('given odd and even counts, then the median is the middle value or the mean of the two middle ones', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('given three rounds, then each contender is one result: summed operations, the median of every figure', () => {
    const merged = mergeRounds([
      [result('a', 100, 0.5, { meanBatch: 30 }), result('b', 10, 2)],
      [result('a', 300, 0.1, { meanBatch: 32 }), result('b', 30, 1, { refusals: { '503 unavailable': 2 } })],
      [result('a', 200, 0.3, { meanBatch: 31 }), result('b', 20, 3, { refusals: { '503 unavailable': 1, '500': 1 } })],
    ]);

    expect(merged.map((r) => [r.contender, r.ops, r.seconds, r.opsPerSecond, r.cpuMsPerOp, r.meanBatch])).toEqual([
      ['a', 600, 3, 200, 0.3, 31],
      ['b', 60, 3, 20, 2, undefined],
    ]);
    expect(merged[1]?.refusals).toEqual({ '503 unavailable': 3, '500': 1 });
    expect(merged[0]?.refusals).toBeUndefined();
  });

  it('given a figure one round could not measure, then that figure is unknown rather than a median of the rest', () => {
    expect(mergeRounds([[result('a', 1, 0.2)], [result('a', 1, null)]])[0]?.cpuMsPerOp).toBeNull();
  });

  it("given each round's ratios, then a pair's CPU ratio is their median, with the range", () => {
    expect(ratioOverRounds([[ratio('t', 1.9)], [ratio('t', 1.3)], [ratio('t', 1.4)]])).toEqual([
      { transfer: 't', deposit: 'deposit', cpuPerOp: { median: 1.4, min: 1.3, max: 1.9 } },
    ]);
    expect(ratioOverRounds([[ratio('t', null)]])).toEqual([{ transfer: 't', deposit: 'deposit', cpuPerOp: null }]);
  });
});
