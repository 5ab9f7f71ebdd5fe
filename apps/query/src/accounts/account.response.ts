import { ApiProperty } from '@nestjs/swagger';
import type { AccountEntity } from '@ledger/read-model';
import { exactInteger, safeInteger } from '../edge/json-integer';

const TOTAL_DESCRIPTION =
  'Sum in minor units. A JSON integer while it is at most 2^53 - 1 (9007199254740991); beyond that, the exact ' +
  'value as a decimal string (a sum of safe amounts can pass the range a JSON number holds exactly).';

export class AccountSummaryResponse {
  @ApiProperty({
    oneOf: [
      { type: 'integer', minimum: 0 },
      { type: 'string', pattern: '^[0-9]+$' },
    ],
    description: `Deposits, the opening deposit included. ${TOTAL_DESCRIPTION}`,
    example: 1500,
  })
  totalDeposited: number | string;

  @ApiProperty({
    oneOf: [
      { type: 'integer', minimum: 0 },
      { type: 'string', pattern: '^[0-9]+$' },
    ],
    description: `Withdrawals. ${TOTAL_DESCRIPTION}`,
    example: 250,
  })
  totalWithdrawn: number | string;

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    description: 'Money movements: deposits, withdrawals, and the opening deposit when above zero. Status changes do not count.',
    example: 3,
  })
  transactionCount: number;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: "When the account's latest event (of any kind) occurred.",
  })
  lastActivityAt: string | null;
}

export class AccountResponse {
  @ApiProperty({ format: 'uuid' }) accountId: string;
  @ApiProperty({ example: 'Ada Lovelace' }) owner: string;
  @ApiProperty({ example: 'EUR' }) currency: string;
  @ApiProperty({ type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'Balance in minor units', example: 1250 })
  balance: number;
  @ApiProperty({ enum: ['ACTIVE', 'FROZEN', 'CLOSED'] }) status: string;
  @ApiProperty({ type: 'integer', minimum: 1, description: 'Version of the last event the read model applied', example: 3 })
  version: number;
  @ApiProperty({ format: 'date-time' }) openedAt: string;
  @ApiProperty({ format: 'date-time', description: "When the account's latest event occurred" }) updatedAt: string;
  @ApiProperty({ type: AccountSummaryResponse }) summary: AccountSummaryResponse;
}

export class AccountPageResponse {
  @ApiProperty({ type: [AccountResponse] }) items: AccountResponse[];
  @ApiProperty({ required: false, description: 'Opaque; pass it as `cursor` for the next page. Absent on the last page.' })
  nextCursor?: string;
}

export function toAccountResponse(account: AccountEntity): AccountResponse {
  return {
    accountId: account.accountId,
    owner: account.owner,
    currency: account.currency,
    balance: safeInteger(account.balance),
    status: account.status,
    version: safeInteger(account.version),
    openedAt: account.openedAt.toISOString(),
    updatedAt: account.updatedAt.toISOString(),
    summary: {
      totalDeposited: exactInteger(account.totalDeposited),
      totalWithdrawn: exactInteger(account.totalWithdrawn),
      transactionCount: safeInteger(account.transactionCount),
      lastActivityAt: account.lastActivityAt?.toISOString() ?? null,
    },
  };
}
