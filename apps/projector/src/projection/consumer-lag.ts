/** The offset after `offset`: what a consumer group commits once `offset` is done. */
export function offsetAfter(offset: string): string {
  return (BigInt(offset) + 1n).toString();
}

/**
 * Messages of a partition not yet done: its high watermark (the offset the next produced message
 * gets) minus the next offset to consume. A group that committed nothing yet starts at the low
 * watermark (`fromBeginning`), so an unknown next offset counts from there. Never negative: a
 * watermark fetched a moment before a commit can trail it.
 */
export function consumerLag(highWatermark: string, nextOffset: string | null, lowWatermark = '0'): number {
  const next = nextOffset === null || BigInt(nextOffset) < 0n ? BigInt(lowWatermark) : BigInt(nextOffset);
  const lag = BigInt(highWatermark) - next;
  return lag > 0n ? Number(lag) : 0;
}
