/*
 * Several rounds of the same contenders, run one after another, read as one result each: the median
 * round per figure. On a shared machine one contender's window can land on a busy moment and another's
 * on a quiet one; rounds interleave them, so a ratio of medians compares like with like.
 */
import { median, spread, type Spread } from '../lib/median';
import type { ContenderResult } from './contenders';
import type { Refusals } from './refusals';
import type { TransferCostRatio } from './transfer-cost';

function medianOrNull(values: readonly (number | null)[]): number | null {
  return values.some((v) => v === null) ? null : median(values as number[]);
}

function sumRefusals(all: readonly Refusals[]): Refusals {
  const total: Record<string, number> = {};
  for (const refusals of all) for (const [kind, count] of Object.entries(refusals)) total[kind] = (total[kind] ?? 0) + count;
  return total;
}

/** Each contender of the rounds as one result: operations and seconds summed, every other figure the rounds' median. */
export function mergeRounds(rounds: readonly (readonly ContenderResult[])[]): ContenderResult[] {
  const names = [...new Set(rounds.flatMap((round) => round.map((r) => r.contender)))];
  return names.map((name) => {
    const runs = rounds.flatMap((round) => round.filter((r) => r.contender === name));
    const first = runs[0] as ContenderResult;
    const batches = runs.map((r) => r.meanBatch).filter((b): b is number => b !== undefined);
    const refusals = runs.map((r) => r.refusals).filter((r): r is Refusals => r !== undefined);
    return {
      contender: name,
      description: first.description,
      ops: runs.reduce((n, r) => n + r.ops, 0),
      seconds: runs.reduce((n, r) => n + r.seconds, 0),
      opsPerSecond: median(runs.map((r) => r.opsPerSecond)),
      p50Ms: median(runs.map((r) => r.p50Ms)),
      p99Ms: median(runs.map((r) => r.p99Ms)),
      cpuMsPerOp: medianOrNull(runs.map((r) => r.cpuMsPerOp)),
      pgCpuMsPerOp: medianOrNull(runs.map((r) => r.pgCpuMsPerOp)),
      ...(batches.length > 0 ? { meanBatch: median(batches) } : {}),
      ...(refusals.length > 0 ? { refusals: sumRefusals(refusals) } : {}),
    };
  });
}

/** A transfer/deposit ratio over rounds: each round's own ratio, then their median and range. */
export interface RoundRatio {
  readonly transfer: string;
  readonly deposit: string;
  readonly cpuPerOp: Spread | null;
}

/** Per pair, the CPU ratio (node + Postgres) of each round that measured both sides, as median and range. */
export function ratioOverRounds(perRound: readonly (readonly TransferCostRatio[])[]): RoundRatio[] {
  const pairs = new Map<string, { transfer: string; deposit: string; values: number[] }>();
  for (const round of perRound) {
    for (const r of round) {
      const key = `${r.transfer}\u0000${r.deposit}`;
      const entry = pairs.get(key) ?? { transfer: r.transfer, deposit: r.deposit, values: [] };
      if (r.cpuPerOp !== null) entry.values.push(r.cpuPerOp);
      pairs.set(key, entry);
    }
  }
  return [...pairs.values()].map(({ transfer, deposit, values }) => ({
    transfer,
    deposit,
    cpuPerOp: values.length === 0 ? null : spread(values),
  }));
}
