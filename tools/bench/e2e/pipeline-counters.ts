import type { Pipeline } from '@ledger/testing';
import { metricValue } from '@ledger/tooling';

/** The apps' own counters that say how much each round carried: batches, transactions, requests. */
const COUNTERS = {
  relay: ['ledger_relay_events_relayed_total', 'ledger_relay_batches_relayed_total'],
  projector: ['ledger_projector_transaction_size_messages_sum', 'ledger_projector_transaction_size_messages_count'],
} as const;

export interface PipelineRounds {
  readonly relayBatches: number;
  readonly eventsPerRelayBatch: number;
  readonly projectorTransactions: number;
  readonly messagesPerProjectorTransaction: number;
}

type Readings = Record<string, number>;

/** Reads the counters at the window's start and end, from each app's `/metrics`. */
export class PipelineCounters {
  private start: Readings = {};

  private constructor(private readonly pipeline: Pipeline) {}

  static async begin(pipeline: Pipeline): Promise<PipelineCounters> {
    const counters = new PipelineCounters(pipeline);
    counters.start = await counters.read();
    return counters;
  }

  async end(): Promise<PipelineRounds> {
    const end = await this.read();
    const delta = (name: string) => (end[name] ?? 0) - (this.start[name] ?? 0);
    const relayBatches = delta('ledger_relay_batches_relayed_total');
    const projectorTransactions = delta('ledger_projector_transaction_size_messages_count');
    return {
      relayBatches,
      eventsPerRelayBatch: delta('ledger_relay_events_relayed_total') / relayBatches,
      projectorTransactions,
      messagesPerProjectorTransaction: delta('ledger_projector_transaction_size_messages_sum') / projectorTransactions,
    };
  }

  private async read(): Promise<Readings> {
    const readings: Readings = {};
    for (const [app, names] of Object.entries(COUNTERS) as [keyof typeof COUNTERS, readonly string[]][]) {
      const text = await (await fetch(`${this.pipeline[app].managementUrl}/metrics`)).text();
      for (const name of names) readings[name] = metricValue(text, name) ?? 0;
    }
    return readings;
  }
}
