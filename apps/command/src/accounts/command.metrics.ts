import { Injectable } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import { MetricsRegistry } from '@ledger/platform';

@Injectable()
export class CommandMetrics {
  readonly commands: Counter<'command' | 'outcome'>;
  readonly duration: Histogram<'command'>;
  readonly conflicts: Counter<'command'>;
  readonly retries: Counter<'command'>;
  readonly snapshotDecodeFailures: Counter;

  constructor(registry: MetricsRegistry) {
    this.commands = new Counter({
      name: 'ledger_commands_total',
      help: 'Commands handled, by type and outcome (ok, replayed, or the problem type)',
      labelNames: ['command', 'outcome'],
      registers: [registry],
    });
    this.duration = new Histogram({
      name: 'ledger_command_duration_seconds',
      help: 'Command latency from load to append',
      labelNames: ['command'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    });
    this.conflicts = new Counter({
      name: 'ledger_command_conflicts_total',
      help: 'Appends refused because the account moved on (optimistic concurrency)',
      labelNames: ['command'],
      registers: [registry],
    });
    this.retries = new Counter({
      name: 'ledger_command_retries_total',
      help: 'Commands retried after a conflict',
      labelNames: ['command'],
      registers: [registry],
    });
    this.snapshotDecodeFailures = new Counter({
      name: 'ledger_command_snapshot_decode_failures_total',
      help: 'Account snapshots that could not be decoded and were ignored (the state was folded from every event)',
      registers: [registry],
    });
  }

  /** Runs one command, timed, and counts its outcome as `labelOf` names it (`error` when it throws). */
  async measure<O>(command: string, handle: () => Promise<O>, labelOf: (outcome: O) => string): Promise<O> {
    const end = this.duration.startTimer({ command });
    let outcome: O;
    try {
      outcome = await handle();
    } catch (error: unknown) {
      this.commands.inc({ command, outcome: 'error' });
      throw error;
    } finally {
      end();
    }
    this.commands.inc({ command, outcome: labelOf(outcome) });
    return outcome;
  }
}
