import { integerOption, parseOptions, type IntegerRange } from '@ledger/tooling';
import { MIN_KILLS } from './chaos.plan';

export interface ChaosOptions {
  /** Seconds of load; every fault starts inside it. */
  readonly durationSeconds: number;
  /** Commands per second the load generator schedules. */
  readonly rate: number;
  readonly seed: number;
  readonly kills: number;
  readonly accounts: number;
  /** Seconds to wait, after the load, for the pipeline to be quiet. */
  readonly convergeTimeoutSeconds: number;
  /** Write the summary as JSON here too. */
  readonly json?: string;
  /** Keep the run's folder (databases, broker data, logs) even when the run passes. */
  readonly keep: boolean;
  /** The four apps are built already (`nx run-many -t build`). */
  readonly skipBuild: boolean;
}

export type ChaosInvocation =
  | { readonly kind: 'run'; readonly options: ChaosOptions }
  | { readonly kind: 'help'; readonly text: string }
  | { readonly kind: 'usage-error'; readonly message: string; readonly help: string };

export const CHAOS_HELP = `usage: npm run chaos -- [options]

Starts a PostgreSQL and a Kafka broker of its own, the four built apps, and the load generator;
kills the command, relay and projector processes (kill -9) at seeded moments and restarts them,
runs two relays and two projectors for part of the time, restarts the broker and the database
once each; then waits for the pipeline to be quiet and checks that nothing was lost, doubled or
reordered (ledger verify --acks, and the topic against the event store).

  --duration <s>          seconds of load (default 120; 20 to 86400)
  --rate <n>              commands per second (default 40; 1 to 5000)
  --seed <n>              seed of the fault plan and the load (default: random, printed)
  --kills <n>             app kills (default 6; at least ${MIN_KILLS}: one per killed app)
  --accounts <n>          accounts the load spreads over (default 200)
  --converge-timeout <s>  seconds to wait for a quiet pipeline after the load (default 300)
  --json <file>           also write the summary as JSON
  --keep                  keep tools/.local/chaos/<run> even when the run passes
  --skip-build            the apps are built already (dist/apps/*)
  -h, --help              this text

Exit status: 0 every check passed, 1 a check failed, 2 bad arguments, 3 the run could not be carried out.`;

const BOUNDS = {
  duration: { min: 20, max: 86_400 },
  rate: { min: 1, max: 5_000 },
  seed: { min: 0, max: 2 ** 32 - 1 },
  kills: { min: MIN_KILLS, max: 1_000 },
  accounts: { min: 1, max: 1_000_000 },
  'converge-timeout': { min: 10, max: 86_400 },
} as const satisfies Record<string, IntegerRange>;

type Bounded = keyof typeof BOUNDS;

function integer(values: Record<string, unknown>, name: Bounded, fallback: number): number | string {
  return integerOption(name, values[name], BOUNDS[name], fallback);
}

export function parseChaosArguments(argv: readonly string[], randomSeed: () => number): ChaosInvocation {
  const values = parseOptions(argv, {
    duration: { type: 'string' },
    rate: { type: 'string' },
    seed: { type: 'string' },
    kills: { type: 'string' },
    accounts: { type: 'string' },
    'converge-timeout': { type: 'string' },
    json: { type: 'string' },
    keep: { type: 'boolean', default: false },
    'skip-build': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (typeof values === 'string') return { kind: 'usage-error', message: values, help: CHAOS_HELP };
  if (values['help'] === true) return { kind: 'help', text: CHAOS_HELP };
  const parsed = {
    durationSeconds: integer(values, 'duration', 120),
    rate: integer(values, 'rate', 40),
    seed: integer(values, 'seed', randomSeed()),
    kills: integer(values, 'kills', 6),
    accounts: integer(values, 'accounts', 200),
    convergeTimeoutSeconds: integer(values, 'converge-timeout', 300),
  };
  const wrong = Object.values(parsed).find((value): value is string => typeof value === 'string');
  if (wrong !== undefined) return { kind: 'usage-error', message: wrong, help: CHAOS_HELP };
  const json = values['json'];
  if (json !== undefined && (typeof json !== 'string' || json.trim() === ''))
    return { kind: 'usage-error', message: '--json needs a file name', help: CHAOS_HELP };
  return {
    kind: 'run',
    options: {
      ...(parsed as { [K in keyof typeof parsed]: number }),
      ...(typeof json === 'string' ? { json } : {}),
      keep: values['keep'] === true,
      skipBuild: values['skip-build'] === true,
    },
  };
}
