import { seededRandom, type SeededRandom } from '@ledger/tooling';

/** The apps that get killed: query only reads, so killing it proves nothing about the ledger. */
export const KILLED_ROLES = ['command', 'relay', 'projector'] as const;
export type KilledRole = (typeof KILLED_ROLES)[number];

/** Relays and projectors run as one or two replicas; the command service as one. */
export type Replica = 1 | 2;

export type Fault =
  | { readonly kind: 'kill'; readonly atMs: number; readonly role: KilledRole; readonly replica: Replica; readonly downMs: number }
  /** A second relay and a second projector join. */
  | { readonly kind: 'scale-out'; readonly atMs: number }
  /** The second relay and projector are stopped (SIGTERM), as a scale-down does. */
  | { readonly kind: 'scale-in'; readonly atMs: number }
  | { readonly kind: 'restart-kafka'; readonly atMs: number; readonly downMs: number }
  | { readonly kind: 'restart-postgres'; readonly atMs: number; readonly downMs: number };

export interface PlanOptions {
  readonly seed: number;
  /** How long the load runs; every fault starts inside it. */
  readonly durationMs: number;
  /** App kills, at least one per killed role. */
  readonly kills: number;
}

export const MIN_KILLS = KILLED_ROLES.length;

/** Faults start between these fractions of the load's duration, leaving time to recover under load. */
const WINDOW_START = 0.1;
const WINDOW_END = 0.75;

type Disruption =
  | { readonly kind: 'kill'; readonly role: KilledRole }
  | { readonly kind: 'restart-kafka' }
  | { readonly kind: 'restart-postgres' };
type Step = Disruption | { readonly kind: 'scale-out' } | { readonly kind: 'scale-in' };

/**
 * The seeded order and times of every fault: each role killed at least once, the broker and the
 * database restarted once each, and a middle phase with two relays and two projectors in which at
 * least one of them is killed. The same options always give the same plan.
 */
export function planFaults(options: PlanOptions): Fault[] {
  if (!Number.isInteger(options.kills) || options.kills < MIN_KILLS) throw new Error(`kills must be an integer >= ${MIN_KILLS}`);
  const random = seededRandom(options.seed);
  const steps = stepsOf(disruptionsOf(options.kills, random));
  const start = options.durationMs * WINDOW_START;
  const slot = (options.durationMs * (WINDOW_END - WINDOW_START)) / steps.length;
  let inScaledPhase = false;
  return steps.map((step, index) => {
    const atMs = Math.round(start + index * slot + random.next() * slot * 0.5);
    if (step.kind === 'scale-out' || step.kind === 'scale-in') {
      inScaledPhase = step.kind === 'scale-out';
      return { kind: step.kind, atMs };
    }
    if (step.kind === 'restart-kafka') return { kind: step.kind, atMs, downMs: random.between(1_000, 5_000) };
    if (step.kind === 'restart-postgres') return { kind: step.kind, atMs, downMs: random.between(1_000, 4_000) };
    const replica: Replica = inScaledPhase && step.role !== 'command' ? (random.between(1, 2) as Replica) : 1;
    return { kind: 'kill', atMs, role: step.role, replica, downMs: random.between(300, 3_000) };
  });
}

function disruptionsOf(kills: number, random: SeededRandom): Disruption[] {
  const extra = Array.from({ length: kills - KILLED_ROLES.length }, () => random.pick(KILLED_ROLES));
  const killSteps = [...KILLED_ROLES, ...extra].map((role): Disruption => ({ kind: 'kill', role }));
  return random.shuffled<Disruption>([...killSteps, { kind: 'restart-kafka' }, { kind: 'restart-postgres' }]);
}

const killsAReplicated = (step: Disruption): boolean => step.kind === 'kill' && step.role !== 'command';

/** Puts the middle third between scale-out and scale-in, with a relay or projector kill inside it. */
function stepsOf(disruptions: Disruption[]): Step[] {
  const from = Math.floor(disruptions.length / 3);
  const to = Math.max(from + 2, Math.ceil((2 * disruptions.length) / 3));
  const middle = disruptions.slice(from, to);
  if (!middle.some(killsAReplicated)) {
    // disruptions always hold a relay and a projector kill, and the middle none of them: one is outside.
    const outside = disruptions.findIndex((step, index) => (index < from || index >= to) && killsAReplicated(step));
    const swapped = disruptions[outside] as Disruption;
    disruptions[outside] = middle[0] as Disruption;
    middle[0] = swapped;
  }
  return [...disruptions.slice(0, from), { kind: 'scale-out' }, ...middle, { kind: 'scale-in' }, ...disruptions.slice(to)];
}

/**
 * What a fault acts on. Faults run at their planned times and may overlap, except that one waits
 * for the previous fault on any of the same targets (a replica is not killed while it restarts).
 */
export function faultTargets(fault: Fault): readonly string[] {
  switch (fault.kind) {
    case 'kill':
      return [`${fault.role}-${fault.replica}`];
    case 'scale-out':
    case 'scale-in':
      return ['relay-2', 'projector-2'];
    case 'restart-kafka':
      return ['kafka'];
    case 'restart-postgres':
      return ['postgres'];
  }
}
