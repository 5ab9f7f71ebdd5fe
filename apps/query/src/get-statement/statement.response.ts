import { ApiProperty } from '@nestjs/swagger';
import { LARGE_INTEGER, SAFE_INTEGER, UUID, CURRENCY } from '../edge/open-api-shapes';
import { RFC_3339_MAX_LENGTH, RFC_3339_PATTERN } from '../edge/rfc3339';
import { TransactionItemResponse } from '../accounts/transaction.response';

const SUM = 'A JSON integer while it is at most 2^53 - 1; beyond that, the exact value as a decimal string.';
const PERIOD_END = { format: 'date-time', maxLength: RFC_3339_MAX_LENGTH, pattern: RFC_3339_PATTERN } as const;

export class StatementTotalsResponse {
  @ApiProperty({
    oneOf: [SAFE_INTEGER, LARGE_INTEGER],
    description: `Money in (deposits, transfers received, the opening deposit). ${SUM}`,
  })
  credits: number | string;

  @ApiProperty({ oneOf: [SAFE_INTEGER, LARGE_INTEGER], description: `Money out (withdrawals, transfers sent, posted holds). ${SUM}` })
  debits: number | string;

  @ApiProperty({ ...SAFE_INTEGER, description: 'Events that credited the account' }) creditCount: number;
  @ApiProperty({ ...SAFE_INTEGER, description: 'Events that debited the account' }) debitCount: number;
  @ApiProperty({ ...SAFE_INTEGER, description: 'Every item of the statement, holds and status changes included' }) count: number;
}

export class StatementResponse {
  @ApiProperty(UUID) accountId: string;
  @ApiProperty({ ...CURRENCY, example: 'EUR' }) currency: string;
  @ApiProperty({ ...PERIOD_END, description: 'Start of the period (inclusive), as sent' }) from: string;
  @ApiProperty({ ...PERIOD_END, description: 'End of the period (exclusive), as sent' }) to: string;

  @ApiProperty({
    ...SAFE_INTEGER,
    description: 'Balance before the first item: what the last event before `from` left (0 before the account existed)',
  })
  openingBalance: number;

  @ApiProperty({ ...SAFE_INTEGER, description: 'Balance after the last item: `openingBalance + credits - debits`' })
  closingBalance: number;

  @ApiProperty({ type: StatementTotalsResponse }) totals: StatementTotalsResponse;

  @ApiProperty({
    type: [TransactionItemResponse],
    // A period holds as many events as the account had: no bound but the integers'.
    maxItems: Number.MAX_SAFE_INTEGER,
    description:
      'Every event of the period, oldest first (version ascending), `totals.count` of them. Not paged: the body is streamed as it is read.',
  })
  items: TransactionItemResponse[];
}
