import { ApiProperty } from '@nestjs/swagger';
import type { HistoryRecord } from '../accounts/account.record';
import { TransactionItemResponse, toTransactionItem } from '../accounts/transaction.response';
import { safeInteger } from '../edge/json-integer';
import { SAFE_INTEGER } from '../edge/open-api-shapes';

/** The `data` of a stream message: the history item, plus the account as it stood right after it. */
export class StreamEventData extends TransactionItemResponse {
  @ApiProperty({ ...SAFE_INTEGER, description: 'Balance after the event, in minor units (for every event)', example: 1250 })
  balance: number;

  @ApiProperty({ enum: ['ACTIVE', 'FROZEN', 'CLOSED'], description: 'Status after the event' })
  status: string;
}

/** One SSE message: `id` is the account version, `event` the event type, `data` one line of JSON. */
export function formatStreamEvent(row: HistoryRecord): string {
  const data: StreamEventData = { ...toTransactionItem(row), balance: safeInteger(row.balanceAfter), status: row.statusAfter };
  return `id: ${row.version}\nevent: ${row.type}\ndata: ${JSON.stringify(data)}\n\n`;
}

export const HEARTBEAT = ': heartbeat\n\n';
