import { LOAD_KINDS, type LoadKind } from './load.plan';
import type { OpenLoopResult } from './rate.scheduler';

/** Where a command ended up: its last answer decides (a retry can resolve an unknown outcome). */
export type CommandOutcome = 'acknowledged' | 'refused' | 'failed' | 'unknown';

export interface OutcomeCounts {
  sent: number;
  acknowledged: number;
  refused: number;
  failed: number;
  unknown: number;
}

export interface LatencySummary {
  /** Answers timed (every attempt that got one, retries included). */
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

export interface LoadSummary extends OutcomeCounts {
  readonly seed: number;
  readonly rate: number;
  readonly durationSeconds: number;
  readonly accounts: number;
  readonly elapsedSeconds: number;
  /** Stopped before its duration (SIGINT). */
  readonly interrupted: boolean;
  readonly byKind: Readonly<Record<LoadKind, OutcomeCounts>>;
  /** Refusals (4xx) by problem type. */
  readonly refusedByProblem: Readonly<Record<string, number>>;
  /** Failures by cause: `http-503`, `connection-refused`. */
  readonly failedByCause: Readonly<Record<string, number>>;
  /** Unknown outcomes by cause: `timeout`, `connection-reset`. */
  readonly unknownByCause: Readonly<Record<string, number>>;
  /** Answers that were not what the plan's domain fold expected (a fault, or a bug). */
  readonly unexpectedAnswers: number;
  readonly idempotentRetries: {
    readonly sent: number;
    /** Same status and body as the first (2xx) answer. */
    readonly replayed: number;
    /** A first 2xx answer the retry, answered below 500, did not repeat. */
    readonly mismatched: number;
    /** A first 2xx answer, the retry not answered or answered 5xx (the service down or failing). */
    readonly unanswered: number;
    /** A first answer lost, the retry answered 2xx. */
    readonly resolved: number;
  };
  readonly ifMatch: { readonly current: number; readonly stale: number; readonly staleRefused412: number };
  readonly latencyMs: LatencySummary;
  /** Requests that started after their time because the in-flight cap was reached. */
  readonly lateStarts: number;
  readonly maxStartDelayMs: number;
  /** Requests never sent: due while the cap was still reached when the time was up. */
  readonly dropped: number;
}

/** What an idempotent retry showed of the first answer. */
export type RetryResult = 'replayed' | 'mismatched' | 'unanswered' | 'resolved' | 'other';

export interface LoadParameters {
  readonly seed: number;
  readonly rate: number;
  readonly durationSeconds: number;
  readonly accounts: number;
}

const zero = (): OutcomeCounts => ({ sent: 0, acknowledged: 0, refused: 0, failed: 0, unknown: 0 });

/** Counts as the run goes; `summary` once it is over. */
export class LoadTally {
  private readonly totals = zero();
  private readonly byKind = Object.fromEntries(LOAD_KINDS.map((kind) => [kind, zero()])) as Record<LoadKind, OutcomeCounts>;
  private readonly refused = new Map<string, number>();
  private readonly failed = new Map<string, number>();
  private readonly unknown = new Map<string, number>();
  private readonly latencies: number[] = [];
  private unexpected = 0;
  private readonly retries = { sent: 0, replayed: 0, mismatched: 0, unanswered: 0, resolved: 0 };
  private readonly ifMatch = { current: 0, stale: 0, staleRefused412: 0 };

  /** A command's final outcome; `cause` is its problem type or failure cause. */
  command(kind: LoadKind, outcome: CommandOutcome, cause: string | null, expectedAnswer: boolean): void {
    for (const counts of [this.totals, this.byKind[kind]]) {
      counts.sent++;
      counts[outcome]++;
    }
    const by = outcome === 'refused' ? this.refused : outcome === 'failed' ? this.failed : outcome === 'unknown' ? this.unknown : null;
    if (by !== null) by.set(cause ?? 'unspecified', (by.get(cause ?? 'unspecified') ?? 0) + 1);
    if (!expectedAnswer) this.unexpected++;
  }

  latency(ms: number): void {
    this.latencies.push(ms);
  }

  retry(result: RetryResult): void {
    this.retries.sent++;
    if (result !== 'other') this.retries[result]++;
  }

  conditional(stale: boolean, status: number | null): void {
    if (!stale) this.ifMatch.current++;
    else {
      this.ifMatch.stale++;
      if (status === 412) this.ifMatch.staleRefused412++;
    }
  }

  summary(parameters: LoadParameters, elapsedSeconds: number, scheduling: OpenLoopResult, interrupted: boolean): LoadSummary {
    return {
      ...parameters,
      elapsedSeconds,
      interrupted,
      ...this.totals,
      byKind: this.byKind,
      refusedByProblem: Object.fromEntries(this.refused),
      failedByCause: Object.fromEntries(this.failed),
      unknownByCause: Object.fromEntries(this.unknown),
      unexpectedAnswers: this.unexpected,
      idempotentRetries: { ...this.retries },
      ifMatch: { ...this.ifMatch },
      latencyMs: latencySummary(this.latencies),
      lateStarts: scheduling.late,
      maxStartDelayMs: scheduling.maxDelayMs,
      dropped: scheduling.dropped,
    };
  }
}

/** Nearest-rank percentiles; zeros when nothing was timed. */
export function latencySummary(latencies: readonly number[]): LatencySummary {
  const sorted = Float64Array.from(latencies).sort();
  const at = (p: number) =>
    sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0);
  return { count: sorted.length, p50: at(50), p90: at(90), p99: at(99), max: sorted.length === 0 ? 0 : (sorted[sorted.length - 1] ?? 0) };
}

export function formatLoadReport(summary: LoadSummary): string {
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  const per = (counts: Readonly<Record<string, number>>) =>
    Object.entries(counts)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, n]) => `${name} ${n}`)
      .join(', ') || 'none';
  const row = (name: string, c: OutcomeCounts) =>
    `  ${name.padEnd(10)} ${[c.sent, c.acknowledged, c.refused, c.failed, c.unknown].map((n) => String(n).padStart(8)).join('')}`;
  const retries = summary.idempotentRetries;
  return [
    `Load: seed ${summary.seed}, ${summary.rate} commands/s for ${summary.durationSeconds} s over ${summary.accounts} accounts; ` +
      `ran ${summary.elapsedSeconds.toFixed(1)} s${summary.interrupted ? ' (interrupted)' : ''}.`,
    '',
    `  ${'command'.padEnd(10)} ${['sent', 'acked', 'refused', 'failed', 'unknown'].map((h) => h.padStart(8)).join('')}`,
    ...LOAD_KINDS.map((kind) => row(kind, summary.byKind[kind])),
    row('all', summary),
    '',
    `Acknowledged (2xx): ${summary.acknowledged}. Refused (4xx) by problem type: ${per(summary.refusedByProblem)}.`,
    `Failed (5xx or not sent): ${per(summary.failedByCause)}. Unknown outcome (sent, answer lost): ${per(summary.unknownByCause)}.`,
    `Answers other than the plan expected: ${summary.unexpectedAnswers}.`,
    `Idempotent retries: ${retries.sent} sent, ${retries.replayed} replayed the first answer, ${retries.mismatched} did not, ` +
      `${retries.unanswered} found the service down, ${retries.resolved} resolved a lost answer.`,
    `If-Match: ${summary.ifMatch.current} current, ${summary.ifMatch.stale} stale of which ${summary.ifMatch.staleRefused412} answered 412.`,
    `Latency (${summary.latencyMs.count} answers): p50 ${ms(summary.latencyMs.p50)}, p90 ${ms(summary.latencyMs.p90)}, ` +
      `p99 ${ms(summary.latencyMs.p99)}, max ${ms(summary.latencyMs.max)}.`,
    `Late starts (in-flight cap reached): ${summary.lateStarts}, at most ${ms(summary.maxStartDelayMs)} late; ` +
      `${summary.dropped} never sent (still at the cap when the time was up).`,
  ].join('\n');
}
