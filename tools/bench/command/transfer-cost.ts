import type { ContenderResult } from './contenders';

/** A transfer contender and the deposit contender it is measured against. */
export interface CostPair {
  readonly deposit: string;
  readonly transfer: string;
}

/** How many times a deposit's cost a transfer's is; null where either side was not measured. */
export interface TransferCostRatio extends CostPair {
  /** Deposits/s over transfers/s: the time one operation takes at the same concurrency. */
  readonly timePerOp: number;
  readonly nodeCpuPerOp: number | null;
  readonly pgCpuPerOp: number | null;
  /** Node and Postgres backends together: every process the operation ran in. */
  readonly cpuPerOp: number | null;
}

function ratio(transfer: number | null, deposit: number | null): number | null {
  return transfer === null || deposit === null || deposit === 0 ? null : transfer / deposit;
}

function sum(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : a + b;
}

/** The ratio for each pair whose two contenders both ran. */
export function transferCostRatios(results: readonly ContenderResult[], pairs: readonly CostPair[]): TransferCostRatio[] {
  const byName = new Map(results.map((r) => [r.contender, r]));
  return pairs.flatMap((pair) => {
    const deposit = byName.get(pair.deposit);
    const transfer = byName.get(pair.transfer);
    if (deposit === undefined || transfer === undefined) return [];
    return [
      {
        ...pair,
        timePerOp: deposit.opsPerSecond / transfer.opsPerSecond,
        nodeCpuPerOp: ratio(transfer.cpuMsPerOp, deposit.cpuMsPerOp),
        pgCpuPerOp: ratio(transfer.pgCpuMsPerOp, deposit.pgCpuMsPerOp),
        cpuPerOp: ratio(sum(transfer.cpuMsPerOp, transfer.pgCpuMsPerOp), sum(deposit.cpuMsPerOp, deposit.pgCpuMsPerOp)),
      },
    ];
  });
}
