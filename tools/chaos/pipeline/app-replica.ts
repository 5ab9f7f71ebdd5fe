import { join } from 'node:path';
import { backoffDelay, messageOf, sleep } from '@ledger/platform';
import { startProcess, waitFor, type ManagedProcess, type ProcessExit } from '@ledger/tooling';
import { repoRoot } from '../infra/repo-paths';
import type { RunJournal } from './run-journal';

export const APP_NAMES = ['command', 'relay', 'projector', 'query'] as const;
export type AppName = (typeof APP_NAMES)[number];

export const PORT_VARIABLES: Readonly<Record<AppName, string>> = {
  command: 'COMMAND_PORT',
  relay: 'RELAY_PORT',
  projector: 'PROJECTOR_PORT',
  query: 'QUERY_PORT',
};

/**
 * Generous: an app waits for the broker and the database to be back before it is ready, and on a
 * busy two-core machine a broker restart alone has taken five minutes.
 */
const READY_TIMEOUT_MS = 600_000;
const CRASH_BACKOFF = { initialMs: 500, maxMs: 5_000 };

export const builtMain = (app: AppName): string => join(repoRoot, 'dist', 'apps', app, 'main.js');

/** An exit of a replica that the run did not cause. */
export interface Crash {
  readonly replica: string;
  readonly pid: number;
  readonly atSeconds: number;
  readonly exit: string;
}

export const describeExit = (exit: ProcessExit): string => (exit.signal === null ? `exit code ${exit.code}` : `signal ${exit.signal}`);

/**
 * One process of a built app on a fixed port, as `npm start` runs it. It is restarted on the same
 * port (clients keep their URL), and an exit the run did not cause is recorded as a crash and
 * followed by a restart, as an orchestrator would.
 */
export class AppReplica {
  private process: ManagedProcess | undefined;
  private intended = false;
  private starting: Promise<number> | undefined;
  readonly crashes: Crash[] = [];

  constructor(
    readonly app: AppName,
    readonly name: string,
    readonly port: number,
    /** MANAGEMENT_PORT: where /metrics is served. */
    readonly managementPort: number,
    private readonly env: NodeJS.ProcessEnv,
    private readonly logsDir: string,
    private readonly journal: RunJournal,
  ) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.process?.exit() === undefined ? this.process?.pid : undefined;
  }

  /** Starts the process and resolves with its pid once /health/ready answers 200; retries a start that crashes. */
  start(): Promise<number> {
    this.intended = false;
    this.starting ??= this.startUntilReady().finally(() => (this.starting = undefined));
    return this.starting;
  }

  /** Resolves once the replica runs and answered ready (at once when it does). */
  async running(): Promise<number> {
    const pid = this.pid;
    return this.starting ?? (pid === undefined ? this.start() : pid);
  }

  /** kill -9, and the exit as the operating system reported it. */
  async kill(): Promise<{ readonly pid: number; readonly exit: ProcessExit }> {
    const pid = await this.running();
    const process = this.process as ManagedProcess;
    this.intended = true;
    process.signal('SIGKILL');
    return { pid, exit: await process.exited };
  }

  /** A graceful stop (SIGTERM), as a scale-down or the end of the run does. */
  async stop(): Promise<ProcessExit | undefined> {
    this.intended = true;
    const exit = await this.process?.stop('SIGTERM', 15_000);
    // A start in progress sees its process gone and gives up.
    await this.starting?.catch(() => undefined);
    return exit;
  }

  /** The text of /metrics (management port), or undefined while the replica does not answer. */
  async metrics(): Promise<string | undefined> {
    try {
      const response = await fetch(`http://127.0.0.1:${this.managementPort}/metrics`, { signal: AbortSignal.timeout(3_000) });
      return response.ok ? await response.text() : undefined;
    } catch {
      return undefined;
    }
  }

  private async startUntilReady(): Promise<number> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (let attempt = 0; ; attempt++) {
      if (this.intended) throw new Error(`${this.name} was stopped while starting`);
      const process = this.spawn();
      const ready = await waitFor(() => this.answersReady(), {
        timeoutMs: Math.max(0, deadline - Date.now()),
        abort: () => process.exit() !== undefined,
      });
      if (ready) {
        this.watch(process);
        return process.pid;
      }
      const exit = process.exit();
      if (exit === undefined) {
        // Left running and watched: it may yet get ready, and a later fault can still kill it.
        this.watch(process);
        throw new Error(`${this.name} (pid ${process.pid}) not ready within ${READY_TIMEOUT_MS / 1000} s, see ${this.logFile}`);
      }
      if (this.intended) throw new Error(`${this.name} was stopped while starting`);
      this.recordCrash(process.pid, exit, 'before it was ready');
      if (Date.now() >= deadline) throw new Error(`${this.name} keeps exiting before it is ready, see ${this.logFile}`);
      await sleep(backoffDelay(attempt, CRASH_BACKOFF));
    }
  }

  private get logFile(): string {
    return join(this.logsDir, `${this.name}.log`);
  }

  private spawn(): ManagedProcess {
    const process = startProcess(global.process.execPath, [builtMain(this.app)], {
      env: { ...this.env, [PORT_VARIABLES[this.app]]: String(this.port), MANAGEMENT_PORT: String(this.managementPort) },
      logFile: this.logFile,
      cwd: repoRoot,
    });
    this.process = process;
    return process;
  }

  /** A crash while running: recorded, then the replica is started again. */
  private watch(process: ManagedProcess): void {
    void process.exited.then((exit) => {
      if (this.intended || this.process !== process) return;
      this.recordCrash(process.pid, exit, 'while running');
      this.start().then(
        (pid) => this.journal.note(`${this.name} restarted after its crash (pid ${pid})`),
        (error: unknown) => this.journal.note(`${this.name} could not be restarted: ${messageOf(error)}`),
      );
    });
  }

  private recordCrash(pid: number, exit: ProcessExit, when: string): void {
    this.crashes.push({ replica: this.name, pid, atSeconds: this.journal.seconds(), exit: describeExit(exit) });
    this.journal.note(`${this.name} (pid ${pid}) exited by itself ${when} (${describeExit(exit)}), see ${this.logFile}`);
  }

  private async answersReady(): Promise<boolean> {
    try {
      const response = await fetch(`${this.baseUrl}/health/ready`, { signal: AbortSignal.timeout(2_000) });
      return response.status === 200;
    } catch {
      return false;
    }
  }
}
