import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { sleep } from '@ledger/platform';

export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A child process of the chaos run, its output appended to a log file. */
export interface ManagedProcess {
  readonly pid: number;
  readonly exited: Promise<ProcessExit>;
  /** The exit, once it happened. */
  exit(): ProcessExit | undefined;
  signal(signal: NodeJS.Signals): void;
  /** Sends `signal`, waits up to `graceMs`, then SIGKILL. */
  stop(signal: NodeJS.Signals, graceMs: number): Promise<ProcessExit>;
}

export interface StartOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly logFile: string;
  readonly cwd?: string;
  readonly uid?: number;
  readonly gid?: number;
}

/** Every process started here and still running: killed if the run itself ends abruptly. */
const live = new Set<ManagedProcess>();
process.once('exit', () => {
  for (const child of live) child.signal('SIGKILL');
});

/**
 * Starts a child in the run's own process group (not detached), so that whoever started the run can
 * end everything it left behind with one group kill.
 */
export function startProcess(command: string, args: readonly string[], options: StartOptions): ManagedProcess {
  mkdirSync(dirname(options.logFile), { recursive: true });
  const fd = openSync(options.logFile, 'a');
  let exit: ProcessExit | undefined;
  try {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', fd, fd],
      ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.gid }),
    });
    const pid = child.pid;
    if (pid === undefined) throw new Error(`${command} did not start`);
    const exited = new Promise<ProcessExit>((resolve) => {
      child.once('exit', (code, signal) => {
        exit = { code, signal };
        live.delete(managed);
        resolve(exit);
      });
    });
    const signal = (name: NodeJS.Signals) => {
      if (exit === undefined) child.kill(name);
    };
    const managed: ManagedProcess = {
      pid,
      exited,
      exit: () => exit,
      signal,
      stop: async (name, graceMs) => {
        signal(name);
        // The grace timer is cancelled once the child exits: a pending one would hold the caller's process open.
        const graceOver = new AbortController();
        const outcome = await Promise.race([exited, sleep(graceMs, graceOver.signal).then(() => undefined)]);
        graceOver.abort();
        if (outcome !== undefined) return outcome;
        signal('SIGKILL');
        return exited;
      },
    };
    live.add(managed);
    return managed;
  } finally {
    closeSync(fd);
  }
}

/** Polls `check` every `intervalMs` until it is true; false when `timeoutMs` passed or `abort` says so. */
export async function waitFor(
  check: () => Promise<boolean>,
  options: { readonly timeoutMs: number; readonly intervalMs?: number; readonly abort?: () => boolean },
): Promise<boolean> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (options.abort?.()) return false;
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(options.intervalMs ?? 250);
  }
}
