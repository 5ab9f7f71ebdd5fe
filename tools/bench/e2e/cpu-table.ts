/** CPU seconds one process (or group of processes) used in the measured window; null if unreadable. */
export interface ProcessCpu {
  readonly process: string;
  readonly cpuSeconds: number | null;
}

export interface CpuRow {
  readonly process: string;
  readonly cpuSeconds: number | null;
  /** Cores kept busy on average over the window. */
  readonly cores: number | null;
  readonly msPerCommand: number | null;
  /** Percent of the machine's CPU capacity (all CPUs) over the window. */
  readonly machinePercent: number | null;
}

export interface CpuWindowFigures {
  readonly seconds: number;
  readonly commands: number;
  readonly cpus: number;
  /** 1 − idle/total over every CPU, from /proc/stat; null off Linux. */
  readonly machineBusyShare: number | null;
  /** CPU of every process alive at the window's end, listed or not: what is left is other work's. */
  readonly everyProcessSeconds: number | null;
}

export interface CpuAccount {
  readonly windowSeconds: number;
  readonly commands: number;
  readonly cpus: number;
  /**
   * One row per process, then the total of those, the machine's busy time, what no process listed
   * explains, and how much of that other live processes used (the rest: processes that exited
   * during the window, and interrupts).
   */
  readonly rows: readonly CpuRow[];
}

const OTHER_PROCESSES = 'unaccounted: other processes';

const round = (n: number, digits: number) => Number(n.toFixed(digits));

function row(process: string, cpuSeconds: number | null, window: CpuWindowFigures): CpuRow {
  if (cpuSeconds === null) return { process, cpuSeconds: null, cores: null, msPerCommand: null, machinePercent: null };
  const cores = cpuSeconds / window.seconds;
  return {
    process,
    cpuSeconds: round(cpuSeconds, 2),
    cores: round(cores, 3),
    msPerCommand: window.commands > 0 ? round((cpuSeconds * 1000) / window.commands, 3) : null,
    machinePercent: round((cores / window.cpus) * 100, 1),
  };
}

/**
 * Where the machine's CPU went during the window: each process, their sum, and the machine's busy
 * time, so that a saturated machine cannot hide behind the processes one chose to look at
 * ("unaccounted" is other work, the kernel's own, and processes not listed).
 */
export function accountCpu(processes: readonly ProcessCpu[], window: CpuWindowFigures): CpuAccount {
  const total = processes.reduce((sum, p) => sum + (p.cpuSeconds ?? 0), 0);
  const busy = window.machineBusyShare === null ? null : window.machineBusyShare * window.seconds * window.cpus;
  return {
    windowSeconds: round(window.seconds, 2),
    commands: window.commands,
    cpus: window.cpus,
    rows: [
      ...processes.map((p) => row(p.process, p.cpuSeconds, window)),
      row('total of processes', total, window),
      row('machine busy', busy, window),
      row('unaccounted', busy === null ? null : busy - total, window),
      row(OTHER_PROCESSES, window.everyProcessSeconds === null ? null : window.everyProcessSeconds - total, window),
    ],
  };
}

const cell = (n: number | null, digits: number) => (n === null ? 'n/a' : n.toFixed(digits));

export const CPU_TABLE_HEADER = ['process', 'CPU s', 'cores', 'ms/command', '% of machine'];

export function cpuTableRows(account: CpuAccount): string[][] {
  return account.rows.map((r) => [r.process, cell(r.cpuSeconds, 2), cell(r.cores, 2), cell(r.msPerCommand, 3), cell(r.machinePercent, 1)]);
}
