/**
 * The projector's NOTIFY after each committed batch: which accounts moved and to which version, so a
 * waiting reader can answer without another query. Payloads are cut below Postgres' 8000-byte limit.
 */
export const READ_MODEL_CHANGED_CHANNEL = 'read_model_changed';

/** Sent when every account may have changed at once (a rebuild swapped the tables in). */
export const EVERYTHING_CHANGED = '*';

const MAX_PAYLOAD_BYTES = 7_900;

export interface AccountMoved {
  readonly accountId: string;
  readonly version: number;
}

/** `id:version,id:version`, split into payloads that each fit one NOTIFY. */
export function encodeChangePayloads(moved: readonly AccountMoved[]): string[] {
  const payloads: string[] = [];
  let current = '';
  for (const { accountId, version } of moved) {
    const item = `${accountId}:${version}`;
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
    const separator = item.lastIndexOf(':');
    const version = Number(item.slice(separator + 1));
    if (separator > 0 && Number.isSafeInteger(version) && version > 0) {
      moved.push({ accountId: item.slice(0, separator), version });
    }
  }
  return moved;
}
