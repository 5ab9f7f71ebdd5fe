import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

const repoRoot = resolve(__dirname, '../../../..');

/** The loader that runs an app's main.ts from sources (see app-process.ts). */
export const APP_PROCESS_LOADER = join(repoRoot, 'libs/testing/src/lib/app-process.ts');

export interface AppProcessOptions {
  /** The app's main file, relative to the repository root, e.g. `apps/projector/src/main.ts`. */
  readonly main: string;
  /** The app's tsconfig, relative to the repository root, e.g. `apps/projector/tsconfig.app.json`. */
  readonly tsconfig: string;
  /** The app's whole environment besides PATH and the like: its config variables. */
  readonly env: Record<string, string>;
  readonly args?: readonly string[];
}

export interface AppProcess {
  readonly pid: number;
  /** Every line the process wrote to stdout and stderr so far. */
  readonly output: string[];
  /** Resolves once a line contains `text` (or matches it), whether it was written before or after the call. */
  waitForOutput(text: string | RegExp, timeoutMs: number): Promise<string>;
  kill(signal: NodeJS.Signals): void;
  /** The exit code, or null when a signal ended it. */
  readonly exited: Promise<number | null>;
}

/** An app's real main.ts as a child process, so a test can kill -9 it. */
export function spawnAppProcess(options: AppProcessOptions): AppProcess {
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', APP_PROCESS_LOADER, join(repoRoot, options.main), ...(options.args ?? [])],
    {
      cwd: repoRoot,
      // A free management port unless the test names one: processes side by side never collide on the apps' defaults.
      env: { PATH: process.env['PATH'] ?? '', TS_NODE_PROJECT: join(repoRoot, options.tsconfig), MANAGEMENT_PORT: '0', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output: string[] = [];
  let waiters: Array<() => void> = [];
  const collect = (chunk: Buffer) => {
    output.push(
      ...chunk
        .toString('utf8')
        .split('\n')
        .filter((line) => line.length > 0),
    );
    for (const waiter of [...waiters]) waiter();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  const matches = (text: string | RegExp) => (line: string) => (typeof text === 'string' ? line.includes(text) : text.test(line));
  return {
    pid: child.pid ?? -1,
    output,
    exited,
    kill: (signal) => {
      child.kill(signal);
    },
    waitForOutput: (text, timeoutMs) =>
      new Promise<string>((resolveWait, reject) => {
        const check = () => {
          const line = output.find(matches(text));
          if (line !== undefined) {
            done();
            resolveWait(line);
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`process ${child.pid} did not print ${String(text)} within ${timeoutMs} ms:\n${output.slice(-20).join('\n')}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters = waiters.filter((w) => w !== check);
        };
        waiters.push(check);
        check();
      }),
  };
}
