/**
 * Which stream holds what. An account's stream is named by the account's id alone (as it always
 * was); a transfer's by `transfer-<id>`. The category routes a stream's events downstream.
 */
export type StreamCategory = 'account' | 'transfer';

const TRANSFER_PREFIX = 'transfer-';

export function transferStreamId(transferId: string): string {
  return `${TRANSFER_PREFIX}${transferId}`;
}

export function streamCategoryOf(streamId: string): StreamCategory {
  return streamId.startsWith(TRANSFER_PREFIX) ? 'transfer' : 'account';
}

/** The transfer id a transfer stream is named by; null for a stream of another category. */
export function transferIdOf(streamId: string): string | null {
  return streamCategoryOf(streamId) === 'transfer' ? streamId.slice(TRANSFER_PREFIX.length) : null;
}
