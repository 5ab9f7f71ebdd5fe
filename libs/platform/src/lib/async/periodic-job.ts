import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';

/**
 * A provider that does a round of background work (pruning, sampling) every `intervalMs` while the
 * app runs. A round still running when the next is due makes that one skip, and the timer never keeps
 * the process alive. On shutdown `stopSignal` is aborted, for a round to cut its work short, and the
 * running round is awaited.
 */
export abstract class PeriodicJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly stopping = new AbortController();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  protected constructor(private readonly intervalMs: number) {}

  protected abstract round(): Promise<void>;

  protected get stopSignal(): AbortSignal {
    return this.stopping.signal;
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.round().finally(() => {
        this.running = null;
      });
    }, this.intervalMs);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    if (this.timer !== null) clearInterval(this.timer);
    await this.running;
  }
}
