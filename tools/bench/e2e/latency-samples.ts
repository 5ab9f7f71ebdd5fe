import { performance } from 'node:perf_hooks';
import { percentile } from '../lib/closed-loop';
import type { StageTimes } from './stage-timestamps';

/** One accepted command, as the load generator saw it (epoch milliseconds, sub-millisecond). */
export interface CommandSample {
  readonly accountId: string;
  readonly version: number;
  readonly eventId: string;
  readonly sentAt: number;
  readonly acceptedAt: number;
  /** The minVersion read issued right after the 201 answered 200 at this time. */
  readOkAt?: number;
  /** The account's SSE stream delivered this version at this time. */
  streamedAt?: number;
  /** The projector's NOTIFY naming this version (or a later one) reached a listener at this time. */
  announcedAt?: number;
}

/** Epoch milliseconds with performance.now()'s resolution: comparable with the database's and Kafka's clocks. */
export const epochNow = (): number => performance.timeOrigin + performance.now();

/** The read a person waits for: from the command's 201 until a `minVersion` read answers. */
export const READ_ANSWERED = '201 -> minVersion read answered';

export interface Distribution {
  readonly measure: string;
  readonly samples: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly meanMs: number;
}

export function distribution(measure: string, values: readonly number[]): Distribution {
  const sorted = Float64Array.from(values).sort();
  const round = (n: number) => Math.round(n * 100) / 100;
  const mean = sorted.length === 0 ? Number.NaN : sorted.reduce((sum, v) => sum + v, 0) / sorted.length;
  return {
    measure,
    samples: sorted.length,
    p50Ms: round(percentile(sorted, 50)),
    p95Ms: round(percentile(sorted, 95)),
    p99Ms: round(percentile(sorted, 99)),
    maxMs: round(sorted[sorted.length - 1] ?? Number.NaN),
    meanMs: round(mean),
  };
}

const defined = (values: ReadonlyArray<number | undefined>): number[] => values.filter((v): v is number => v !== undefined);

interface Staged {
  readonly s: CommandSample;
  readonly appended: number;
  readonly relayed: number;
  readonly projected: number;
  readonly streamed: number;
  readonly announced: number | undefined;
}

/** Each stage of an event's path through the apps, and the whole of it. */
const STAGES: readonly (readonly [measure: string, time: (x: Staged) => number | undefined])[] = [
  ['stage: append tx start -> 201', (x) => x.s.acceptedAt - x.appended],
  ['stage: append tx start -> relayed', (x) => x.relayed - x.appended],
  ['stage: relayed -> projector tx start', (x) => x.projected - x.relayed],
  ['stage: projector tx start -> SSE seen', (x) => x.streamed - x.projected],
  // The same, split where the projector's NOTIFY reaches a listener: its transaction, commit and
  // announcement before; the query service's wake-up, read and stream write after.
  ['  of which: projector tx start -> NOTIFY received', (x) => (x.announced === undefined ? undefined : x.announced - x.projected)],
  ['  of which: NOTIFY received -> SSE seen', (x) => (x.announced === undefined ? undefined : x.streamed - x.announced)],
  ['append tx start -> SSE seen (sum)', (x) => x.streamed - x.appended],
];

/**
 * The end-to-end figures and each stage's: client 201 -> visible (read, stream), and the path of the
 * event through the apps: append -> relayed (Kafka CreateTime) -> projected (read-model transaction)
 * -> seen on the stream. Stages are taken over the samples that have every timestamp.
 */
export function summarise(samples: readonly CommandSample[], stages: ReadonlyMap<string, StageTimes>): Distribution[] {
  const staged = samples.flatMap((s): Staged[] => {
    const t = stages.get(s.eventId);
    return t?.relayedAt !== undefined && t.projectedAt !== undefined && s.streamedAt !== undefined
      ? [{ s, appended: t.appendedAt, relayed: t.relayedAt, projected: t.projectedAt, streamed: s.streamedAt, announced: s.announcedAt }]
      : [];
  });
  return [
    distribution(READ_ANSWERED, defined(samples.map((s) => (s.readOkAt === undefined ? undefined : s.readOkAt - s.acceptedAt)))),
    distribution(
      '201 -> SSE message received',
      defined(samples.map((s) => (s.streamedAt === undefined ? undefined : s.streamedAt - s.acceptedAt))),
    ),
    distribution(
      'command: sent -> 201',
      samples.map((s) => s.acceptedAt - s.sentAt),
    ),
    ...STAGES.map(([measure, time]) => distribution(measure, defined(staged.map(time)))),
  ];
}
