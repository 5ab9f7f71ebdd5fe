import { acknowledgedTransfers, conservationFinding } from './checks/money-conservation.finding';
import type { RelayedOrderReport } from './checks/relayed-order.audit';
import type { Fault, KilledRole } from './chaos.plan';
import type { Crash } from './pipeline/app-replica';

/** One fault as it happened. */
export interface FaultRecord {
  readonly kind: Fault['kind'];
  /** What was hit: `relay-2`, `kafka`, `postgres`, `relay-2 + projector-2`. */
  readonly target: string;
  /** The app role of a kill. */
  readonly role?: KilledRole;
  readonly plannedAtSeconds: number;
  readonly atSeconds: number;
  /** The process stopped, how it ended, and whether the operating system no longer knows its pid. */
  readonly stoppedPid?: number;
  readonly exit?: string;
  readonly stoppedPidGone?: boolean;
  readonly downMs?: number;
  /** The process started in its place, and when it answered ready. */
  readonly newPid?: number;
  readonly readyAtSeconds?: number;
  readonly note?: string;
  readonly error?: string;
}

export interface LoadOutcome {
  readonly exitCode: number | null;
  /** What the load generator's --json summary holds, as it wrote it. */
  readonly summary: unknown;
  /** Lines of the acknowledgement log by outcome. */
  readonly acknowledged: number;
  readonly unknownOutcome: number;
  readonly unreadableLines: number;
}

export interface Convergence {
  readonly quiet: boolean;
  readonly loadEndedAtSeconds: number;
  readonly lastFaultAtSeconds: number;
  readonly quietAtSeconds?: number;
  readonly lastSample: { readonly relayLag?: number; readonly consumerLag?: number };
}

export interface VerifyOutcome {
  readonly exitCode: number | null;
  readonly output: string;
}

export interface ChaosReport {
  readonly seed: number;
  readonly durationSeconds: number;
  readonly rate: number;
  readonly runDir: string;
  readonly load?: LoadOutcome;
  readonly faults: readonly FaultRecord[];
  readonly crashes: readonly Crash[];
  readonly convergence?: Convergence;
  readonly relayed?: RelayedOrderReport | { readonly error: string };
  readonly verify?: VerifyOutcome;
  /** Set when the run stopped early: the setup failed or a fault could not be carried out. */
  readonly aborted?: string;
}

const REQUIRED: readonly { readonly what: string; readonly matches: (fault: FaultRecord) => boolean }[] = [
  { what: 'a kill -9 of the command service', matches: (f) => f.kind === 'kill' && f.role === 'command' },
  { what: 'a kill -9 of a relay', matches: (f) => f.kind === 'kill' && f.role === 'relay' },
  { what: 'a kill -9 of a projector', matches: (f) => f.kind === 'kill' && f.role === 'projector' },
  { what: 'a Kafka broker restart', matches: (f) => f.kind === 'restart-kafka' },
  { what: 'a PostgreSQL restart', matches: (f) => f.kind === 'restart-postgres' },
];

const stops = (fault: FaultRecord): boolean => fault.kind === 'kill' || fault.kind === 'restart-kafka' || fault.kind === 'restart-postgres';

/** A fault counts once its process really died and its successor answered. */
export function faultConfirmed(fault: FaultRecord): boolean {
  if (fault.error !== undefined) return false;
  if (!stops(fault)) return true;
  return (
    fault.stoppedPidGone === true && fault.newPid !== undefined && fault.newPid !== fault.stoppedPid && fault.readyAtSeconds !== undefined
  );
}

/** Every way the run fell short of the guarantees, or of proving them; empty when it passed. */
export function violationsOf(report: ChaosReport): string[] {
  const violations: string[] = [];
  if (report.aborted !== undefined) violations.push(`the run stopped early: ${report.aborted}`);
  for (const fault of report.faults) {
    if (!faultConfirmed(fault))
      violations.push(`${fault.kind} ${fault.target} at ${fault.atSeconds} s not confirmed: ${fault.error ?? describeUnconfirmed(fault)}`);
  }
  for (const required of REQUIRED) {
    if (!report.faults.some((fault) => required.matches(fault) && faultConfirmed(fault))) violations.push(`missing: ${required.what}`);
  }
  if (report.load === undefined) violations.push('the load did not run');
  else {
    if (report.load.exitCode !== 0) violations.push(`the load generator exited with code ${report.load.exitCode}`);
    if (report.load.acknowledged === 0) violations.push('no command was acknowledged');
    if (report.load.unreadableLines > 0) violations.push(`${report.load.unreadableLines} unreadable lines in the acknowledgement log`);
  }
  const convergence = report.convergence;
  for (const fault of report.faults) {
    if (convergence !== undefined && stops(fault) && fault.atSeconds > convergence.loadEndedAtSeconds) {
      violations.push(
        `${fault.kind} ${fault.target} at ${fault.atSeconds} s came after the load ended (${convergence.loadEndedAtSeconds} s)`,
      );
    }
  }
  if (convergence !== undefined && !convergence.quiet) {
    violations.push(
      `the pipeline never became quiet (relay lag ${convergence.lastSample.relayLag ?? 'unknown'}, consumer lag ${convergence.lastSample.consumerLag ?? 'unknown'})`,
    );
  }
  const relayed = report.relayed;
  if (relayed !== undefined) {
    if ('error' in relayed) violations.push(`the topic could not be checked: ${relayed.error}`);
    else violations.push(...relayed.violations.map((violation) => `topic: ${violation}`));
  }
  const transfers = report.load === undefined ? null : acknowledgedTransfers(report.load.summary);
  if (transfers !== null) {
    if (transfers.transfer === 0) violations.push('no transfer was acknowledged');
    if (transfers.hold === 0) violations.push('no hold was acknowledged');
  }
  if (report.verify !== undefined && report.verify.exitCode !== 0)
    violations.push(`ledger verify --acks exited with code ${report.verify.exitCode}`);
  if (report.verify !== undefined) violations.push(...conservationViolations(report.verify.output));
  if (report.aborted === undefined && (report.relayed === undefined || report.verify === undefined))
    violations.push('the checks did not run');
  return violations;
}

/** The run must end with verify's conservation check clean: it ran (its sums are printed) and found nothing. */
function conservationViolations(output: string): string[] {
  const finding = conservationFinding(output);
  if (finding.money === null) return ['ledger verify did not check that money is conserved (no sums per currency)'];
  if (finding.conservation + finding.transfer === 0) return [];
  return [`money not conserved: ${finding.conservation} conservation and ${finding.transfer} transfer differences`];
}

function describeUnconfirmed(fault: FaultRecord): string {
  if (fault.stoppedPidGone !== true) return `pid ${fault.stoppedPid ?? '?'} did not die`;
  return 'no new process answered ready';
}

const seconds = (value: number): string => `${value.toFixed(1)} s`;

/** The load generator's own counts, where its summary has them. */
function loadCounts(summary: unknown): string | undefined {
  if (typeof summary !== 'object' || summary === null) return undefined;
  const record = summary as Record<string, unknown>;
  const counts = ['sent', 'acknowledged', 'refused', 'failed', 'unknown']
    .filter((key) => typeof record[key] === 'number')
    .map((key) => `${key} ${record[key] as number}`);
  return counts.length > 0 ? counts.join(', ') : undefined;
}

/** The load generator's idempotent retries (same key, same body), where its summary has them. */
function retryCounts(summary: unknown): string | undefined {
  if (typeof summary !== 'object' || summary === null) return undefined;
  const retries = (summary as Record<string, unknown>)['idempotentRetries'];
  if (typeof retries !== 'object' || retries === null) return undefined;
  const counts = Object.entries(retries as Record<string, unknown>).filter(
    (entry): entry is [string, number] => typeof entry[1] === 'number',
  );
  return counts.length > 0 ? counts.map(([key, value]) => `${key} ${value}`).join(', ') : undefined;
}

function faultLine(fault: FaultRecord): string {
  const what = fault.kind === 'kill' ? `kill -9 ${fault.target}` : `${fault.kind} ${fault.target}`;
  const parts = [`${seconds(fault.atSeconds).padStart(8)}  ${what}${fault.note === undefined ? '' : ` (${fault.note})`}`];
  if (fault.stoppedPid !== undefined)
    parts.push(`pid ${fault.stoppedPid} ended by ${fault.exit ?? '?'}${fault.stoppedPidGone === true ? '' : ' (STILL ALIVE)'}`);
  if (fault.downMs !== undefined) parts.push(`down ${seconds(fault.downMs / 1000)}`);
  if (fault.newPid !== undefined)
    parts.push(`pid ${fault.newPid} ready at ${fault.readyAtSeconds === undefined ? '?' : seconds(fault.readyAtSeconds)}`);
  if (fault.error !== undefined) parts.push(`FAILED: ${fault.error}`);
  return parts.join(', ');
}

export function formatReport(report: ChaosReport, violations: readonly string[]): string {
  const lines = [`chaos run, seed ${report.seed}: ${report.durationSeconds} s of load at ${report.rate} commands/s (${report.runDir})`];
  if (report.load !== undefined) {
    const counts = loadCounts(report.load.summary);
    if (counts !== undefined) lines.push(`commands: ${counts}`);
    const retries = retryCounts(report.load.summary);
    if (retries !== undefined) lines.push(`idempotent retries: ${retries}`);
    lines.push(`acknowledgement log: ${report.load.acknowledged} acknowledged, ${report.load.unknownOutcome} with an unknown outcome`);
  }
  const relayed = report.relayed;
  if (relayed !== undefined && !('error' in relayed)) {
    lines.push(
      `events: ${relayed.storedEvents} stored over ${relayed.streams} accounts; topic: ${relayed.messages} messages, ${relayed.duplicates} duplicates, ${relayed.missing} missing`,
    );
  }
  lines.push('faults:', ...(report.faults.length > 0 ? report.faults.map(faultLine) : ['  none']));
  lines.push(
    'crashes (exits the run did not cause):',
    ...(report.crashes.length > 0
      ? report.crashes.map((c) => `${seconds(c.atSeconds).padStart(8)}  ${c.replica} pid ${c.pid}: ${c.exit}`)
      : ['  none']),
  );
  const convergence = report.convergence;
  if (convergence !== undefined) {
    lines.push(
      convergence.quiet && convergence.quietAtSeconds !== undefined
        ? `converged: quiet at ${seconds(convergence.quietAtSeconds)}, ${seconds(convergence.quietAtSeconds - convergence.loadEndedAtSeconds)} after the load stopped, ${seconds(convergence.quietAtSeconds - convergence.lastFaultAtSeconds)} after the last fault`
        : `NOT converged: relay lag ${convergence.lastSample.relayLag ?? 'unknown'}, consumer lag ${convergence.lastSample.consumerLag ?? 'unknown'}`,
    );
  }
  const transfers = report.load === undefined ? null : acknowledgedTransfers(report.load.summary);
  if (transfers !== null)
    lines.push(
      `transfers acknowledged: ${transfers.transfer} immediate, ${transfers.hold} holds, ${transfers.post} posts, ${transfers.void} voids`,
    );
  if (report.verify !== undefined)
    lines.push(`verify --acks: exit code ${report.verify.exitCode}`, ...report.verify.output.split('\n').map((line) => `  | ${line}`));
  lines.push(violations.length === 0 ? 'result: PASS' : `result: FAIL\n${violations.map((v) => `  - ${v}`).join('\n')}`);
  return lines.join('\n');
}
