import { ApiProperty } from '@nestjs/swagger';
import { FREEZE_REASON_MAX_LENGTH } from '@ledger/domain';
import { CURSOR_SHAPE } from '../cursors/cursor.codec';
import { safeInteger } from '../edge/json-integer';
import { PRINTABLE_PATTERN, SAFE_INTEGER, TIMESTAMP, UUID } from '../edge/open-api-shapes';
import { MAX_PAGE_SIZE } from '../edge/page-query.dto';
import { ACCOUNT_EVENT_TYPES, balanceEffectOf } from './account-event.types';
import type { HistoryRecord } from './account.record';

export class TransactionItemResponse {
  @ApiProperty(UUID) eventId: string;
  @ApiProperty({ ...SAFE_INTEGER, minimum: 1, example: 2 }) version: number;
  @ApiProperty({ enum: ACCOUNT_EVENT_TYPES }) type: string;

  @ApiProperty({
    ...SAFE_INTEGER,
    nullable: true,
    description:
      'Minor units (the opening deposit for AccountOpened; what was posted for HoldPosted; what was held or released for ' +
      'HoldPlaced and HoldReleased, which leave the balance as it was); null for status changes',
    example: 250,
  })
  amount: number | null;

  @ApiProperty({
    ...SAFE_INTEGER,
    nullable: true,
    description: 'Balance right after a money event or a hold; null for status changes',
    example: 1250,
  })
  balanceAfter: number | null;

  @ApiProperty({
    type: String,
    ...UUID,
    nullable: true,
    description: 'The transfer a transfer or hold leg belongs to; null for any other event',
  })
  transferId: string | null;

  @ApiProperty({
    type: String,
    ...UUID,
    nullable: true,
    description: "The account on the transfer's other side, for a transfer or hold leg; null for any other event",
  })
  counterpartyAccountId: string | null;

  @ApiProperty({
    type: String,
    maxLength: FREEZE_REASON_MAX_LENGTH,
    pattern: PRINTABLE_PATTERN,
    nullable: true,
    description: 'The reason given for a freeze; null otherwise',
  })
  reason: string | null;

  @ApiProperty(TIMESTAMP) occurredAt: string;
}

export class TransactionPageResponse {
  @ApiProperty({ type: [TransactionItemResponse], maxItems: MAX_PAGE_SIZE, description: 'Newest first (version descending)' })
  items: TransactionItemResponse[];
  @ApiProperty({ ...CURSOR_SHAPE, required: false, description: 'Opaque; pass it as `cursor` for the next page. Absent on the last page.' })
  nextCursor?: string;
}

export function toTransactionItem(row: HistoryRecord): TransactionItemResponse {
  const money = balanceEffectOf(row.type) !== 'status';
  return {
    eventId: row.eventId,
    version: safeInteger(row.version),
    type: row.type,
    amount: money && row.amount !== null ? safeInteger(row.amount) : null,
    balanceAfter: money ? safeInteger(row.balanceAfter) : null,
    reason: row.reason,
    occurredAt: row.occurredAt.toISOString(),
    transferId: row.transferId,
    counterpartyAccountId: row.counterpartyAccountId,
  };
}
