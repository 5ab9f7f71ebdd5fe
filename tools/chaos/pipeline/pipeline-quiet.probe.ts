import type { Admin } from 'kafkajs';
import { metricValue } from '@ledger/tooling';
import type { AppReplica } from './app-replica';

export interface PipelineLag {
  /** The relay leader's committed events not yet acknowledged by Kafka; undefined when no leader answers. */
  readonly relayLag: number | undefined;
  readonly relayLeader: string | undefined;
  /** Messages on the topic beyond the projector group's committed offsets; undefined when Kafka does not answer. */
  readonly consumerLag: number | undefined;
}

export const isQuiet = (lag: PipelineLag): boolean => lag.relayLag === 0 && lag.consumerLag === 0;

/**
 * Where the pipeline stands: the relay leader's own lag gauges, and the projector group's committed
 * offsets against the topic's end. The projector commits an offset only after the read-model
 * transaction of its batch, so a group at the end of the topic has applied everything relayed.
 */
export async function samplePipelineLag(options: {
  readonly relays: readonly AppReplica[];
  readonly admin: Admin;
  readonly topic: string;
  readonly groupId: string;
}): Promise<PipelineLag> {
  const [relay, consumerLag] = await Promise.all([relayLag(options.relays), consumerGroupLag(options)]);
  return { ...relay, consumerLag };
}

async function relayLag(relays: readonly AppReplica[]): Promise<Pick<PipelineLag, 'relayLag' | 'relayLeader'>> {
  for (const relay of relays) {
    if (relay.pid === undefined) continue;
    const text = await relay.metrics();
    if (text === undefined || metricValue(text, 'ledger_relay_leader') !== 1) continue;
    const pending = metricValue(text, 'ledger_relay_lag_events');
    const oldest = metricValue(text, 'ledger_relay_oldest_unrelayed_event_age_seconds');
    if (pending === undefined || oldest === undefined) continue;
    return { relayLag: oldest > 0 ? Math.max(pending, 1) : pending, relayLeader: relay.name };
  }
  return { relayLag: undefined, relayLeader: undefined };
}

async function consumerGroupLag(options: {
  readonly admin: Admin;
  readonly topic: string;
  readonly groupId: string;
}): Promise<number | undefined> {
  try {
    const [ends, groups] = await Promise.all([
      options.admin.fetchTopicOffsets(options.topic),
      options.admin.fetchOffsets({ groupId: options.groupId, topics: [options.topic] }),
    ]);
    const committed = new Map((groups[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
    return ends.reduce((sum, end) => {
      const from = Math.max(committed.get(end.partition) ?? -1, Number(end.low));
      return sum + Math.max(0, Number(end.high) - from);
    }, 0);
  } catch {
    return undefined;
  }
}
