import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { MetricsRegistry } from '@ledger/platform';

@Injectable()
export class QueryMetrics {
  readonly sseClients: Gauge;
  readonly sseRefused: Counter;
  readonly sseDropped: Counter;
  readonly readYourWritesWaits: Counter;
  readonly readYourWritesTimeouts: Counter;
  readonly readYourWritesWait: Histogram<'outcome'>;
  readonly readYourWritesWaiters: Gauge;
  readonly readYourWritesRefused: Counter;
  readonly transferWait: Histogram<'outcome'>;
  readonly listening: Gauge;
  readonly accountReads: Counter;
  readonly accountReadStatements: Counter;

  constructor(registry: MetricsRegistry) {
    const registers = [registry];
    this.accountReads = new Counter({
      name: 'ledger_query_account_change_reads_total',
      help: 'Reads of an account for the readers that follow it (waits with minVersion, streams), one serving all asking for it at once; several accounts share a statement.',
      registers,
    });
    this.accountReadStatements = new Counter({
      name: 'ledger_query_account_change_read_statements_total',
      help: 'Statements behind those reads: the accounts asked for in the same turn share one, up to a bound per statement.',
      registers,
    });
    this.sseClients = new Gauge({ name: 'ledger_query_sse_clients', help: 'Open account streams (SSE).', registers });
    this.sseRefused = new Counter({
      name: 'ledger_query_sse_refused_total',
      help: 'Streams refused with 503 because every slot was taken.',
      registers,
    });
    this.sseDropped = new Counter({
      name: 'ledger_query_sse_dropped_total',
      help: 'Streams dropped because the client stopped reading (its unsent bytes passed the bound, or it did not drain in time).',
      registers,
    });
    this.readYourWritesWaits = new Counter({
      name: 'ledger_query_read_your_writes_waits_total',
      help: 'Reads with minVersion that found the read model behind and waited for it.',
      registers,
    });
    this.readYourWritesTimeouts = new Counter({
      name: 'ledger_query_read_your_writes_timeouts_total',
      help: 'Read-your-writes waits that ran out (answered 504).',
      registers,
    });
    this.readYourWritesWait = new Histogram({
      name: 'ledger_query_read_your_writes_wait_seconds',
      help: 'How long reads with minVersion waited for the read model, by outcome (reached, timeout, abandoned by the client).',
      labelNames: ['outcome'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.readYourWritesWaiters = new Gauge({
      name: 'ledger_query_read_your_writes_waiters',
      help: 'Reads with minVersion waiting for the read model right now.',
      registers,
    });
    this.readYourWritesRefused = new Counter({
      name: 'ledger_query_read_your_writes_refused_total',
      help: 'Reads with minVersion refused with 503 because QUERY_MAX_WAITERS were waiting already.',
      registers,
    });
    this.transferWait = new Histogram({
      name: 'ledger_query_transfer_wait_seconds',
      help: 'How long transfer reads with waitMs waited for its latest state to be whole, by outcome (whole, timeout, abandoned by the client).',
      labelNames: ['outcome'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.listening = new Gauge({
      name: 'ledger_query_change_listener_connected',
      help: '1 while the LISTEN session for read-model changes is up.',
      registers,
    });
  }
}
