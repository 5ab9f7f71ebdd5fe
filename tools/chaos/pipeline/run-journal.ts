/** What happened during a run and when, in seconds since its start; printed as it happens. */
export interface JournalEntry {
  readonly atSeconds: number;
  readonly text: string;
}

export class RunJournal {
  private readonly started = Date.now();
  readonly entries: JournalEntry[] = [];

  constructor(private readonly print: (line: string) => void) {}

  elapsedMs(): number {
    return Date.now() - this.started;
  }

  seconds(): number {
    return Math.round(this.elapsedMs() / 100) / 10;
  }

  note(text: string): void {
    const entry = { atSeconds: this.seconds(), text };
    this.entries.push(entry);
    this.print(`[chaos ${entry.atSeconds.toFixed(1).padStart(6)}s] ${text}`);
  }
}
