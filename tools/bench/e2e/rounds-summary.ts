import { spread, type Spread } from '../lib/median';
import type { CpuAccount } from './cpu-table';
import { READ_ANSWERED, type Distribution } from './latency-samples';

/** One variant's run, in the figures that rounds compare. */
export interface RoundFigures {
  readonly variant: string;
  readonly readP50Ms: number;
  readonly readP99Ms: number;
  /** Every process serving the run, per command; null when unreadable. */
  readonly cpuMsPerCommand: number | null;
  readonly machineBusyPercent: number | null;
}

/** A variant over its rounds: each figure's median and range. */
export interface RoundsSummary {
  readonly variant: string;
  readonly rounds: number;
  readonly readP50Ms: Spread;
  readonly readP99Ms: Spread;
  readonly cpuMsPerCommand: Spread | null;
  readonly machineBusyPercent: Spread | null;
}

export function roundFigures(variant: string, distributions: readonly Distribution[], cpu: CpuAccount): RoundFigures {
  const read = distributions.find((d) => d.measure === READ_ANSWERED);
  const row = (name: string) => cpu.rows.find((r) => r.process === name);
  return {
    variant,
    readP50Ms: read?.p50Ms ?? Number.NaN,
    readP99Ms: read?.p99Ms ?? Number.NaN,
    cpuMsPerCommand: row('total of processes')?.msPerCommand ?? null,
    machineBusyPercent: row('machine busy')?.machinePercent ?? null,
  };
}

/** A figure unreadable in any round has no spread: a median of the rest would hide that. */
function spreadOrNull(values: readonly (number | null)[]): Spread | null {
  return values.some((v) => v === null) ? null : spread(values as number[]);
}

/**
 * Each variant's rounds as one row, in the order the variants first ran. On a shared machine one
 * variant's window can land on a busy moment and another's on a quiet one; rounds run the variants in
 * turn, so medians compare like with like and the range shows how far one run can stray.
 */
export function summariseRounds(runs: readonly RoundFigures[]): RoundsSummary[] {
  const variants = [...new Set(runs.map((r) => r.variant))];
  return variants.map((variant) => {
    const mine = runs.filter((r) => r.variant === variant);
    return {
      variant,
      rounds: mine.length,
      readP50Ms: spread(mine.map((r) => r.readP50Ms)),
      readP99Ms: spread(mine.map((r) => r.readP99Ms)),
      cpuMsPerCommand: spreadOrNull(mine.map((r) => r.cpuMsPerCommand)),
      machineBusyPercent: spreadOrNull(mine.map((r) => r.machineBusyPercent)),
    };
  });
}

const spreadCell = (s: Spread | null, digits: number) =>
  s === null ? 'n/a' : `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}-${s.max.toFixed(digits)})`;

export const ROUNDS_TABLE_HEADER = ['variant', 'rounds', 'read p50 ms', 'read p99 ms', 'CPU ms/command', 'machine busy %'];

/** Median (range) per figure. */
export function roundsTableRows(summaries: readonly RoundsSummary[]): string[][] {
  return summaries.map((s) => [
    s.variant,
    String(s.rounds),
    spreadCell(s.readP50Ms, 1),
    spreadCell(s.readP99Ms, 1),
    spreadCell(s.cpuMsPerCommand, 3),
    spreadCell(s.machineBusyPercent, 1),
  ]);
}
