import { ApiProperty } from '@nestjs/swagger';
import { FREEZE_REASON_MAX_LENGTH } from '@ledger/domain';
import type { AccountTransactionEntity } from '@ledger/read-model-schema';
import { CURSOR_SHAPE } from '../cursors/cursor.codec';
import { safeInteger } from '../edge/json-integer';
import { PRINTABLE_PATTERN, SAFE_INTEGER, TIMESTAMP, UUID } from '../edge/open-api-shapes';
import { MAX_PAGE_SIZE } from '../edge/page-query.dto';

/** Events that move money (or set the opening balance); the others only change the status. */
const MONEY_EVENTS: ReadonlySet<string> = new Set(['AccountOpened', 'MoneyDeposited', 'MoneyWithdrawn']);

const EVENT_TYPES = ['AccountOpened', 'MoneyDeposited', 'MoneyWithdrawn', 'AccountFrozen', 'AccountUnfrozen', 'AccountClosed'];

export class TransactionItemResponse {
  @ApiProperty(UUID) eventId: string;
  @ApiProperty({ ...SAFE_INTEGER, minimum: 1, example: 2 }) version: number;
  @ApiProperty({ enum: EVENT_TYPES }) type: string;

  @ApiProperty({
    ...SAFE_INTEGER,
    nullable: true,
    description: 'Minor units (the opening deposit for AccountOpened); null for status changes',
    example: 250,
  })
  amount: number | null;

  @ApiProperty({
    ...SAFE_INTEGER,
    nullable: true,
    description: 'Balance right after a money event; null for status changes',
    example: 1250,
  })
  balanceAfter: number | null;

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

export function toTransactionItem(row: AccountTransactionEntity): TransactionItemResponse {
  const money = MONEY_EVENTS.has(row.type);
  return {
    eventId: row.eventId,
    version: safeInteger(row.version),
    type: row.type,
    amount: money && row.amount !== null ? safeInteger(row.amount) : null,
    balanceAfter: money ? safeInteger(row.balanceAfter) : null,
    reason: row.reason,
    occurredAt: row.occurredAt.toISOString(),
  };
}
