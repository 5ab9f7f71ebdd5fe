import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import {
  listeningInodes,
  parseMachineStat,
  parseProcessStat,
  socketInode,
  TICKS_PER_SECOND,
  type MachineTicks,
  type ProcessStat,
} from './proc-stat';

/**
 * CPU seconds (user + system) a process has used so far, from /proc; null off Linux. Per-operation
 * CPU is steadier than throughput when other work shares the machine.
 */
export function processCpuSeconds(pid: number): number | null {
  const stat = processStat(pid);
  return stat === null ? null : stat.ticks / TICKS_PER_SECOND;
}

function processStat(pid: number): ProcessStat | null {
  try {
    return parseProcessStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null;
  }
}

function processIds(): number[] {
  try {
    return readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .map(Number);
  } catch {
    return [];
  }
}

/** CPU seconds of every process visible on the machine, by pid. */
export function everyProcessCpuSeconds(): Map<number, number> {
  const cpu = new Map<number, number>();
  for (const pid of processIds()) {
    const stat = processStat(pid);
    if (stat !== null) cpu.set(pid, stat.ticks / TICKS_PER_SECOND);
  }
  return cpu;
}

/** The live children of a process (by their parent link, so whatever started them). */
export function childProcesses(ppid: number): number[] {
  return processIds().filter((pid) => processStat(pid)?.ppid === ppid);
}

/** The whole machine's CPU time so far (every CPU); null off Linux. */
export function machineTicks(): MachineTicks | null {
  try {
    return parseMachineStat(readFileSync('/proc/stat', 'utf8'));
  } catch {
    return null;
  }
}

/**
 * The process listening on a local TCP port, however it was started; null if none is visible
 * (another user's process without privileges, or a server off this machine).
 */
export function listenerProcess(port: number): number | null {
  const inodes = new Set(
    ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((table) => {
      try {
        return listeningInodes(readFileSync(table, 'utf8'), port);
      } catch {
        return [];
      }
    }),
  );
  if (inodes.size === 0) return null;
  return processIds().find((pid) => socketsOf(pid).some((inode) => inodes.has(inode))) ?? null;
}

function socketsOf(pid: number): string[] {
  try {
    return readdirSync(`/proc/${pid}/fd`).flatMap((fd) => {
      try {
        return [socketInode(readlinkSync(`/proc/${pid}/fd/${fd}`))].filter((inode): inode is string => inode !== null);
      } catch {
        return [];
      }
    });
  } catch {
    return [];
  }
}

/** A process's parent and command name, or null if it is not visible here. */
export function processIdentity(pid: number): { readonly ppid: number; readonly command: string } | null {
  const stat = processStat(pid);
  if (stat === null) return null;
  try {
    return { ppid: stat.ppid, command: readFileSync(`/proc/${pid}/comm`, 'utf8').trim() };
  } catch {
    return null;
  }
}
