/**
 * A round of work every `intervalMs` in the background (pruning, sampling): a round still running when
 * the next is due makes that one skip, and the timer never keeps the process alive. `stop()` aborts
 * `signal`, for a round to cut its work short, and waits for the running round to end.
 */
export class PeriodicJob {
  private readonly stopping = new AbortController();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly intervalMs: number,
    private readonly round: () => Promise<void>,
  ) {}

  get signal(): AbortSignal {
    return this.stopping.signal;
  }

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.round().finally(() => {
        this.running = null;
      });
    }, this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    if (this.timer !== null) clearInterval(this.timer);
    await this.running;
  }
}
