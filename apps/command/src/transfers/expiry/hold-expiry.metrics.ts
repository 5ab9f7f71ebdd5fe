import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { MetricsRegistry } from '@ledger/platform';

@Injectable()
export class HoldExpiryMetrics {
  readonly expired: Counter;
  readonly failures: Counter;
  readonly lag: Histogram;
  readonly leader: Gauge;

  constructor(registry: MetricsRegistry) {
    this.expired = new Counter({
      name: 'ledger_holds_expired_total',
      help: 'Holds this replica released because their deadline passed',
      registers: [registry],
    });
    this.failures = new Counter({
      name: 'ledger_hold_expiry_failures_total',
      help: 'Due holds this replica could not expire (each is tried again on the next sweep), and failed sweeps',
      registers: [registry],
    });
    this.lag = new Histogram({
      name: 'ledger_hold_expiry_lag_seconds',
      help: "From a hold's deadline to its release",
      buckets: [0.05, 0.1, 0.25, 0.5, 0.75, 1, 2, 5, 10, 60],
      registers: [registry],
    });
    this.leader = new Gauge({
      name: 'ledger_hold_expiry_leader',
      help: '1 while this replica holds the hold-expiry lock and expires holds, 0 on standby',
      registers: [registry],
    });
  }
}
