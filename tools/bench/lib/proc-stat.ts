/**
 * Parsers for the kernel's process and CPU accounting under /proc, apart from the reads so they can
 * be tested. Times are in clock ticks: USER_HZ is 100 on every Linux Node supports.
 */
export const TICKS_PER_SECOND = 100;

export interface ProcessStat {
  readonly ppid: number;
  /** utime + stime: the process itself, all its threads. */
  readonly ticks: number;
}

/** One /proc/<pid>/stat line; null if it is not one. */
export function parseProcessStat(line: string): ProcessStat | null {
  // The command name is parenthesised and may itself hold spaces or parentheses.
  const close = line.lastIndexOf(')');
  if (close < 0) return null;
  // After the name: state, ppid, ... utime and stime are the 12th and 13th (of these, from 1).
  const fields = line.slice(close + 2).split(' ');
  const ppid = Number(fields[1]);
  const ticks = Number(fields[11]) + Number(fields[12]);
  return Number.isInteger(ppid) && Number.isFinite(ticks) ? { ppid, ticks } : null;
}

export interface MachineTicks {
  readonly busy: number;
  readonly total: number;
}

/** The aggregate "cpu" line of /proc/stat (every CPU); idle and iowait count as not busy. */
export function parseMachineStat(text: string): MachineTicks | null {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (line === undefined) return null;
  // user nice system idle iowait irq softirq steal; guest time is already inside user and nice.
  const parts = line.trim().split(/\s+/).slice(1, 9).map(Number);
  if (parts.length < 5 || parts.some((n) => !Number.isFinite(n))) return null;
  const total = parts.reduce((sum, n) => sum + n, 0);
  return { busy: total - (parts[3] ?? 0) - (parts[4] ?? 0), total };
}

/** Share of the machine's CPU time that was busy between two readings; null if no time passed. */
export function busyShare(before: MachineTicks, after: MachineTicks): number | null {
  const total = after.total - before.total;
  return total > 0 ? (after.busy - before.busy) / total : null;
}

/** Inodes of the sockets listening on a TCP port, from /proc/net/tcp or tcp6. */
export function listeningInodes(table: string, port: number): string[] {
  const LISTEN = '0A';
  return table
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f[1] !== undefined && parseInt(f[1].split(':')[1] ?? '', 16) === port && f[3] === LISTEN)
    .map((f) => f[9] ?? '')
    .filter((inode) => inode !== '' && inode !== '0');
}

/** The inode a /proc/<pid>/fd link names when it is a socket ("socket:[123]"), else null. */
export function socketInode(link: string): string | null {
  return /^socket:\[(\d+)\]$/.exec(link)?.[1] ?? null;
}

/**
 * CPU used between two readings of several processes (by pid): a process first seen in the second
 * counts from zero, one gone by then is lost (its time is no longer readable).
 */
export function usedSince(before: ReadonlyMap<number, number>, after: ReadonlyMap<number, number>): number {
  let used = 0;
  for (const [pid, cpu] of after) used += cpu - (before.get(pid) ?? 0);
  return used;
}
