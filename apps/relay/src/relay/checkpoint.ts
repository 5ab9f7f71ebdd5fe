/**
 * Where the relay is in the commit order: the (transaction id, global position) of the last event
 * Kafka acknowledged. Both as decimal strings: xid8 and bigint exceed 2^53.
 */
export interface Checkpoint {
  readonly transactionId: string;
  readonly globalPosition: string;
}

export const ORIGIN: Checkpoint = { transactionId: '0', globalPosition: '0' };

export function compareCheckpoints(a: Checkpoint, b: Checkpoint): number {
  const byTransaction = compareDecimal(a.transactionId, b.transactionId);
  return byTransaction !== 0 ? byTransaction : compareDecimal(a.globalPosition, b.globalPosition);
}

function compareDecimal(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
