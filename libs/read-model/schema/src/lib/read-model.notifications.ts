/**
 * The projector's NOTIFY after each committed batch: which accounts moved and to which version, so a
 * waiting reader can answer without another query, and which transfers' read rows changed (their own
 * stream, or a leg applied on either account). Payloads are cut below Postgres' 8000-byte limit.
 */
export const READ_MODEL_CHANGED_CHANNEL = 'read_model_changed';

/** Sent when every account may have changed at once (a rebuild swapped the tables in). */
export const EVERYTHING_CHANGED = '*';

const MAX_PAYLOAD_BYTES = 7_900;

export interface AccountMoved {
  readonly accountId: string;
  readonly version: number;
}

/**
 * A transfer's item: `transfer-<id>`, without a version. Whether a transfer may be shown depends on its
 * legs as well as on its stream, so a reader waiting on a transfer re-reads it on every such item. An
 * older reader skips it (it has no `:version`).
 */
const TRANSFER_ITEM_PREFIX = 'transfer-';

/**
 * `id:version,...` for accounts then `transfer-<id>,...` for transfers, split into payloads that each
 * fit one NOTIFY.
 */
export function encodeChangePayloads(moved: readonly AccountMoved[], transfersChanged: readonly string[] = []): string[] {
  const items = [
    ...moved.map(({ accountId, version }) => `${accountId}:${version}`),
    ...transfersChanged.map((transferId) => `${TRANSFER_ITEM_PREFIX}${transferId}`),
  ];
  const payloads: string[] = [];
  let current = '';
  for (const item of items) {
    if (current.length > 0 && current.length + 1 + item.length > MAX_PAYLOAD_BYTES) {
      payloads.push(current);
      current = '';
    }
    current = current.length === 0 ? item : `${current},${item}`;
  }
  if (current.length > 0) payloads.push(current);
  return payloads;
}

/** `'everything'` for a rebuild's swap; malformed items are ignored (a reader then re-reads on timeout). */
export function decodeChangePayload(payload: string): AccountMoved[] | 'everything' {
  if (payload === EVERYTHING_CHANGED) return 'everything';
  const moved: AccountMoved[] = [];
  for (const item of payload.split(',')) {
    if (item.startsWith(TRANSFER_ITEM_PREFIX)) continue;
    const separator = item.lastIndexOf(':');
    const version = Number(item.slice(separator + 1));
    if (separator > 0 && Number.isSafeInteger(version) && version > 0) {
      moved.push({ accountId: item.slice(0, separator), version });
    }
  }
  return moved;
}

/** The transfers a payload names, or `'everything'` for a rebuild's swap. */
export function decodeChangedTransfers(payload: string): string[] | 'everything' {
  if (payload === EVERYTHING_CHANGED) return 'everything';
  return payload
    .split(',')
    .filter((item) => item.startsWith(TRANSFER_ITEM_PREFIX) && item.length > TRANSFER_ITEM_PREFIX.length)
    .map((item) => item.slice(TRANSFER_ITEM_PREFIX.length));
}
