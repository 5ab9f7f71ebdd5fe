import { sleep } from '@ledger/platform';
import type { ChildProcess } from 'node:child_process';

/**
 * Slows a running process for real, as an overloaded or descheduled host does: stopped (SIGSTOP), it
 * keeps its connections, its consumer group membership and whatever it had in flight (a commit already
 * sent still lands), and goes on from there when continued (SIGCONT). Nothing in the process is told.
 */
export class ProcessBrake {
  private stopped = false;

  constructor(
    private readonly child: ChildProcess,
    private readonly name: string,
  ) {}

  stop(): void {
    this.signal('SIGSTOP');
    this.stopped = true;
  }

  /** Lets the stopped process run for `ms`, then stops it again where it is. */
  async runFor(ms: number): Promise<void> {
    this.signal('SIGCONT');
    try {
      await sleep(ms);
    } finally {
      this.signal('SIGSTOP');
    }
  }

  /** Lets it run on; a no-op when it is not stopped (called from `finally`). */
  release(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.signal('SIGCONT');
  }

  private signal(signal: NodeJS.Signals): void {
    if (!this.child.kill(signal)) throw new Error(`${this.name} (pid ${this.child.pid}) could not be sent ${signal}: it has exited`);
  }
}
