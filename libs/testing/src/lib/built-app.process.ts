import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { sleep } from '@ledger/platform';
import { freePort } from '@ledger/tooling';
import { trackChild } from './tracked-children';

/** A built app (`node dist/apps/<app>/main.js`) running as a child process. */
export interface ChildApp {
  readonly baseUrl: string;
  /** The management listener (MANAGEMENT_PORT): `/metrics`, readiness details. */
  readonly managementUrl: string;
  readonly process: ChildProcess;
  /** The process the app's output goes through, when `outputThrough` named one. */
  readonly outputProcess?: ChildProcess;
  /** SIGTERM, then SIGKILL after a grace period; resolves once the process has exited. */
  stop(): Promise<void>;
}

export interface ChildAppOptions {
  readonly main: string;
  readonly port: number;
  /** MANAGEMENT_PORT; a free port by default, so children never collide on the apps' fixed defaults. */
  readonly managementPort?: number;
  readonly env: NodeJS.ProcessEnv;
  /** Node's own flags, before the main file (e.g. `--cpu-prof`). */
  readonly nodeArgs?: readonly string[];
  readonly args?: readonly string[];
  readonly readyPath: string;
  readonly timeoutMs?: number;
  /** stdout and stderr go to this file; without it stdout is dropped and stderr passed through. */
  readonly logFile?: string;
  /**
   * A command (`[file, ...args]`) whose stdin gets the app's stdout and stderr, run as a process of its
   * own (e.g. `npm start`'s handling of the apps' logs, tools/app-output.mjs); instead of `logFile`.
   */
  readonly outputThrough?: readonly string[];
}

/**
 * Node's flags for every app, as the image runs them (docker/Dockerfile's CMD; tools/stack.mjs for
 * `npm start`). A young generation of 2 × 8 MiB instead of V8's 2 × 16 MiB: under 300 commands/s
 * each app's resident memory fell by 15–80 MB (the command app's from 223 to 145 MB) at no measurable CPU cost.
 * The collector on the main thread alone: an app is one event loop on a small share of a machine (the
 * chart requests a tenth of a core), and V8's four helper threads woke on every scavenge to compete
 * with the loop and with the pipeline's other processes for the same cores (README, Benchmarks).
 */
export const APP_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=8', '--single-threaded-gc'];

const STOP_GRACE_MS = 10_000;
const READY_POLL_MS = 200;

function outputOf(logFile: string | undefined): ['ignore', 'ignore' | 'pipe', 'inherit' | 'pipe'] {
  return logFile === undefined ? ['ignore', 'ignore', 'inherit'] : ['ignore', 'pipe', 'pipe'];
}

/**
 * Starts a built app (`node <main> ...`) and resolves once `readyPath` answers 200. An exit before
 * that rejects, naming the log file when there is one.
 */
export async function startChildApp(options: ChildAppOptions): Promise<ChildApp> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const managementPort = options.managementPort ?? (await freePort());
  const output = options.outputThrough === undefined ? undefined : startOutputProcess(options.outputThrough);
  const child = spawn(process.execPath, [...APP_NODE_FLAGS, ...(options.nodeArgs ?? []), options.main, ...(options.args ?? [])], {
    env: { ...options.env, MANAGEMENT_PORT: String(managementPort) },
    stdio: output === undefined ? outputOf(options.logFile) : ['ignore', output.stdin, output.stdin],
  });
  trackChild(child);
  // The app holds its own copy of the pipe: once it exits, the output process reads to the end and exits too.
  output?.stdin?.destroy();
  if (options.logFile !== undefined) {
    const log = createWriteStream(options.logFile, { flags: 'w' });
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    child.once('close', () => log.end());
  }
  let exited: string | null = null;
  child.once('exit', (code, signal) => (exited = `exited with ${code ?? signal}`));
  const where = options.logFile === undefined ? '' : ` (log ${options.logFile})`;
  const baseUrl = `http://127.0.0.1:${options.port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited !== null) throw new Error(`${options.main} ${exited} before it was ready${where}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${options.main} not ready within ${timeoutMs} ms${where}`);
    }
    try {
      const response = await fetch(`${baseUrl}${options.readyPath}`, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    await sleep(READY_POLL_MS);
  }
  return {
    baseUrl,
    managementUrl: `http://127.0.0.1:${managementPort}`,
    process: child,
    outputProcess: output,
    stop: async () => {
      await stopChild(child);
      if (output !== undefined) await stopChild(output);
    },
  };
}

function startOutputProcess([file, ...args]: readonly string[]): ChildProcess {
  if (file === undefined) throw new Error('outputThrough names no command');
  const output = spawn(file, args, { stdio: ['pipe', 'ignore', 'inherit'] });
  trackChild(output);
  return output;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exit = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exit;
  clearTimeout(timer);
}
