import { Provider } from '@nestjs/common';
import { TransferCommandHandler } from '@ledger/account-commands';
import { EVENT_STORE, EventStore } from '@ledger/event-store';
import { HOLD_EXPIRY_LOCK_KEY, LeaderElection } from '@ledger/platform';
import { CLOCK, Clock } from '../../accounts/clock';
import { CommandConfig } from '../../command.config';
import { HoldExpiryMetrics } from './hold-expiry.metrics';
import { HoldExpiryReporter } from './hold-expiry.observer';
import { expireThrough } from './hold-expiry.outcome';
import { DueHolds, HoldExpiryObserver, HoldExpirySweep } from './hold-expiry.sweep';
import { HoldExpiryWorker } from './hold-expiry.worker';

/** Due holds asked for at once: a backlog drains in batches of this many, one after the other. */
export const HOLD_EXPIRY_BATCH_SIZE = 100;

export interface HoldExpiryParts {
  readonly config: Pick<CommandConfig, 'DATABASE_URL' | 'HOLD_EXPIRY_ENABLED' | 'HOLD_EXPIRY_INTERVAL_MS'>;
  readonly store: DueHolds;
  readonly transfers: Pick<TransferCommandHandler, 'expire'>;
  readonly clock: Clock;
  readonly metrics: HoldExpiryMetrics;
  /** Default: metrics and log lines. */
  readonly observer?: HoldExpiryObserver;
  /** How the lock's session shows in `pg_stat_activity`. */
  readonly applicationName?: string;
}

/** The worker assembled from its parts. */
export function holdExpiryWorker(parts: HoldExpiryParts): HoldExpiryWorker {
  const { config, metrics } = parts;
  return new HoldExpiryWorker({
    election: new LeaderElection({
      connectionString: config.DATABASE_URL,
      lockKey: HOLD_EXPIRY_LOCK_KEY,
      // A standby tries as often as the leader sweeps, so a takeover costs at most one interval more.
      retryIntervalMs: config.HOLD_EXPIRY_INTERVAL_MS,
      applicationName: parts.applicationName ?? 'command-hold-expiry',
    }),
    sweep: new HoldExpirySweep({
      due: parts.store,
      expire: expireThrough(parts.transfers),
      clock: parts.clock,
      batchSize: HOLD_EXPIRY_BATCH_SIZE,
      observer: parts.observer ?? new HoldExpiryReporter(metrics),
    }),
    intervalMs: config.HOLD_EXPIRY_INTERVAL_MS,
    enabled: config.HOLD_EXPIRY_ENABLED,
    metrics,
  });
}

export const holdExpiryWorkerProvider: Provider = {
  provide: HoldExpiryWorker,
  inject: [CommandConfig, EVENT_STORE, TransferCommandHandler, CLOCK, HoldExpiryMetrics],
  useFactory: (config: CommandConfig, store: EventStore, transfers: TransferCommandHandler, clock: Clock, metrics: HoldExpiryMetrics) =>
    holdExpiryWorker({ config, store, transfers, clock, metrics }),
};
