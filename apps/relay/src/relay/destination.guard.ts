import { Logger } from '@nestjs/common';
import {
  COMMIT_ORIGIN,
  type CommitPosition,
  type RelayCheckpoint,
  type RelayCheckpoints,
  type RelayDestination,
} from '@ledger/event-store';
import { required } from '@ledger/platform';
import type { ClientBase } from 'pg';
import type { OnNewTopic } from '../relay.config';
import { checkDestination, describeChange, describeDestination, type DestinationChange } from './destination.check';
import type { RelayMetrics } from './relay.metrics';

/** Where the leader goes next: relay from a position, or halt (publish nothing) for the reason given. */
export type RelayStart = { readonly kind: 'relay'; readonly from: CommitPosition } | { readonly kind: 'halt'; readonly reason: string };

export interface DestinationGuardDeps {
  readonly checkpoints: RelayCheckpoints;
  /** Where the relay is about to publish (see KafkaDestinationProbe). */
  readonly destination: () => Promise<RelayDestination>;
  readonly metrics: RelayMetrics;
  readonly onNewTopic: OnNewTopic;
}

/**
 * Run by the leader before relaying, each time it starts from its checkpoint: at the start of its
 * term and after every failure (a broker outage, a lost topic). Kafka is not the store: when the
 * cluster or topic is not the one recorded with the checkpoint, the new one lacks events the
 * checkpoint counts as published, and resuming from the checkpoint would leave that hole forever.
 */
export class DestinationGuard {
  private readonly logger = new Logger('Relay');

  constructor(private readonly deps: DestinationGuardDeps) {}

  async prepare(session: ClientBase): Promise<RelayStart> {
    const { checkpoints } = this.deps;
    const current = await this.deps.destination();
    const checkpoint = await checkpoints.load(session);
    const verdict = checkDestination(checkpoint, current);
    switch (verdict.kind) {
      case 'unchanged':
        return { kind: 'relay', from: checkpoint.position };
      case 'record':
        this.logger.log(`publishing to ${describeDestination(current)}: recorded with the checkpoint (${verdict.reason})`);
        await checkpoints.recordDestination(session, current);
        return { kind: 'relay', from: checkpoint.position };
      case 'changed':
        return this.changed(session, checkpoint, current, verdict.changes);
    }
  }

  private async changed(
    session: ClientBase,
    checkpoint: RelayCheckpoint,
    current: RelayDestination,
    changes: readonly DestinationChange[],
  ): Promise<RelayStart> {
    const { onNewTopic, metrics, checkpoints } = this.deps;
    for (const change of changes) metrics.destinationChanges.inc({ change, action: onNewTopic });
    const { transactionId, globalPosition } = checkpoint.position;
    const what =
      `the Kafka ${changes.join(' and ')} changed ${describeChange(required(checkpoint.destination, 'the recorded destination'), current)}: ` +
      `it lacks the events the checkpoint (transaction ${transactionId}, position ${globalPosition}) counts as published`;
    if (onNewTopic === 'stop') {
      const reason = `${what}; RELAY_ON_NEW_TOPIC=stop: publishing nothing until an operator decides`;
      this.logger.error(reason);
      return { kind: 'halt', reason };
    }
    this.logger.error(`${what}; RELAY_ON_NEW_TOPIC=republish: publishing every stored event again from the start`);
    await checkpoints.restartAt(session, current);
    return { kind: 'relay', from: COMMIT_ORIGIN };
  }
}
