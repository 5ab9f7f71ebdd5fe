/** `load`: the bulk fold; `index`: building the fresh tables' indexes; `catch-up`, then `swap` under the lock. */
export type RebuildPhase = 'load' | 'index' | 'catch-up' | 'swap' | 'done';

export interface RebuildProgress {
  readonly phase: RebuildPhase;
  /** Events read from the store and applied to the fresh tables so far. */
  readonly events: number;
  /** The store's event count when the rebuild started (null when the source cannot count). */
  readonly totalEstimate: number | null;
  readonly eventsPerSecond: number;
  /** Until the store's count is reached at the current rate; null when unknown. */
  readonly etaSeconds: number | null;
  readonly elapsedSeconds: number;
}

/** Turns counts into rate and ETA for the caller's display; the rate is the whole run's average. */
export class RebuildProgressMeter {
  private readonly startedAt: number;
  private phase: RebuildPhase = 'load';
  private events = 0;

  constructor(
    private readonly totalEstimate: number | null,
    private readonly report: (progress: RebuildProgress) => void = () => undefined,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.startedAt = now();
  }

  enter(phase: RebuildPhase): void {
    this.phase = phase;
    this.emit();
  }

  add(events: number): void {
    this.events += events;
    this.emit();
  }

  get elapsedSeconds(): number {
    return (this.now() - this.startedAt) / 1000;
  }

  /** A display that fails must not fail the rebuild (or, after the swap, make it look failed). */
  private emit(): void {
    try {
      this.report(this.snapshot());
    } catch {
      // nothing to do: progress is only for show
    }
  }

  snapshot(): RebuildProgress {
    const elapsedSeconds = this.elapsedSeconds;
    const eventsPerSecond = elapsedSeconds > 0 ? this.events / elapsedSeconds : 0;
    const remaining = this.totalEstimate === null ? null : Math.max(0, this.totalEstimate - this.events);
    const etaSeconds = this.phase === 'done' ? 0 : remaining === null || eventsPerSecond === 0 ? null : remaining / eventsPerSecond;
    return { phase: this.phase, events: this.events, totalEstimate: this.totalEstimate, eventsPerSecond, etaSeconds, elapsedSeconds };
  }
}
