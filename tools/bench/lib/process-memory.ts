import { readFileSync } from 'node:fs';

/** A process's resident memory now and at its peak, in MiB (from /proc); null off Linux or once it exited. */
export interface ResidentMemory {
  readonly rssMiB: number;
  readonly peakMiB: number;
}

export function parseResidentMemory(status: string): ResidentMemory | null {
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  const rss = kib('VmRSS');
  const peak = kib('VmHWM');
  return Number.isNaN(rss) || Number.isNaN(peak) ? null : { rssMiB: rss / 1024, peakMiB: peak / 1024 };
}

export function residentMemory(pid: number): ResidentMemory | null {
  try {
    return parseResidentMemory(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return null;
  }
}
