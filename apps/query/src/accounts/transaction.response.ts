import { ApiProperty } from '@nestjs/swagger';
import type { AccountTransactionEntity } from '@ledger/read-model';
import { safeInteger } from '../edge/json-integer';

/** Events that move money (or set the opening balance); the others only change the status. */
const MONEY_EVENTS: ReadonlySet<string> = new Set(['AccountOpened', 'MoneyDeposited', 'MoneyWithdrawn']);

const EVENT_TYPES = ['AccountOpened', 'MoneyDeposited', 'MoneyWithdrawn', 'AccountFrozen', 'AccountUnfrozen', 'AccountClosed'];

export class TransactionItemResponse {
  @ApiProperty({ format: 'uuid' }) eventId: string;
  @ApiProperty({ type: 'integer', minimum: 1, example: 2 }) version: number;
  @ApiProperty({ enum: EVENT_TYPES }) type: string;

  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'Minor units (the opening deposit for AccountOpened); null for status changes',
    example: 250,
  })
  amount: number | null;

  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'Balance right after a money event; null for status changes',
    example: 1250,
  })
  balanceAfter: number | null;

  @ApiProperty({ type: String, nullable: true, description: 'The reason given for a freeze; null otherwise' })
  reason: string | null;

  @ApiProperty({ format: 'date-time' }) occurredAt: string;
}

export class TransactionPageResponse {
  @ApiProperty({ type: [TransactionItemResponse], description: 'Newest first (version descending)' }) items: TransactionItemResponse[];
  @ApiProperty({ required: false, description: 'Opaque; pass it as `cursor` for the next page. Absent on the last page.' })
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
