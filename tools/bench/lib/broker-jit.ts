import { readFileSync } from 'node:fs';
import { listenerProcess } from './process-cpu';

/**
 * Which HotSpot compilers a JVM runs, from its command line: `quick` with the optimising compiler
 * turned off (`-XX:TieredStopAtLevel` below 4, as the local broker's LEDGER_KAFKA_JIT=quick starts
 * it), else `full`.
 */
export function jitOfCommandLine(args: readonly string[]): 'quick' | 'full' {
  const level = args
    .map((arg) => /^-XX:TieredStopAtLevel=(\d)$/.exec(arg)?.[1])
    .filter((found) => found !== undefined)
    .pop();
  return level !== undefined && Number(level) < 4 ? 'quick' : 'full';
}

/**
 * The compilers of the broker listening on the first of `brokers` (host:port,...), when it is a process
 * of this machine that can be read; null otherwise (a remote broker, or not a JVM).
 */
export function brokerJit(brokers: string): 'quick' | 'full' | null {
  const port = Number(brokers.split(',')[0]?.split(':').pop());
  const pid = Number.isInteger(port) ? listenerProcess(port) : null;
  if (pid === null) return null;
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return args[0]?.endsWith('java') ? jitOfCommandLine(args) : null;
  } catch {
    return null;
  }
}
