import type { CommitPosition, RelayCheckpoint, RelayDestination } from '@ledger/event-store';

export type DestinationChange = 'cluster' | 'topic';

export type DestinationVerdict =
  /** Publishing where the checkpoint says: carry on. */
  | { readonly kind: 'unchanged' }
  /** Nothing to compare against, or nothing lost: remember the destination and carry on. */
  | { readonly kind: 'record'; readonly reason: string }
  /** Another cluster or topic than the checkpoint's: it lacks what the checkpoint counts as sent. */
  | { readonly kind: 'changed'; readonly changes: readonly DestinationChange[] };

/**
 * Compares where the relay is about to publish with where its checkpoint says it published. A topic
 * differs when its name differs (the relay was pointed at another topic) or, when the broker reports
 * topic ids, its id (deleted and created again under the same name).
 */
export function checkDestination(checkpoint: RelayCheckpoint, current: RelayDestination): DestinationVerdict {
  const recorded = checkpoint.destination;
  if (recorded === null) return { kind: 'record', reason: 'no destination recorded yet' };
  const changes: DestinationChange[] = [];
  if (recorded.clusterId !== current.clusterId) changes.push('cluster');
  if (recorded.topic !== current.topic || (recorded.topicId !== null && current.topicId !== null && recorded.topicId !== current.topicId)) {
    changes.push('topic');
  }
  if (changes.length > 0) {
    return isOrigin(checkpoint.position) ? { kind: 'record', reason: 'nothing was published before' } : { kind: 'changed', changes };
  }
  if (recorded.topicId === null && current.topicId !== null) return { kind: 'record', reason: 'the broker now reports topic ids' };
  return { kind: 'unchanged' };
}

/** As an operator reads it in the log: the ids are what `kafka-topics.sh --describe` and `kafka-cluster.sh cluster-id` show. */
export function describeDestination(destination: RelayDestination): string {
  return `cluster ${destination.clusterId}, topic ${destination.topic} (id ${destination.topicId ?? 'unknown'})`;
}

export function describeChange(from: RelayDestination, to: RelayDestination): string {
  return `from ${describeDestination(from)} to ${describeDestination(to)}`;
}

function isOrigin({ transactionId, globalPosition }: CommitPosition): boolean {
  return BigInt(transactionId) === BigInt(0) && BigInt(globalPosition) === BigInt(0);
}
