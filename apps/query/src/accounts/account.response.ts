import { ApiProperty } from '@nestjs/swagger';
import { OWNER_MAX_LENGTH } from '@ledger/domain';
import { exactInteger, safeInteger } from '../edge/json-integer';
import type { AccountRecord } from './account.record';
import { CURRENCY, LARGE_INTEGER, PRINTABLE_PATTERN, SAFE_INTEGER, TIMESTAMP, UUID } from '../edge/open-api-shapes';
import { MAX_PAGE_SIZE } from '../edge/page-query.dto';
import { CURSOR_SHAPE } from '../cursors/cursor.codec';

const TOTAL_DESCRIPTION =
  'Sum in minor units. A JSON integer while it is at most 2^53 - 1 (9007199254740991); beyond that, the exact ' +
  'value as a decimal string (a sum of safe amounts can pass the range a JSON number holds exactly).';

export class AccountSummaryResponse {
  @ApiProperty({
    oneOf: [SAFE_INTEGER, LARGE_INTEGER],
    description: `Deposits, the opening deposit included. ${TOTAL_DESCRIPTION}`,
    example: 1500,
  })
  totalDeposited: number | string;

  @ApiProperty({
    oneOf: [SAFE_INTEGER, LARGE_INTEGER],
    description: `Withdrawals. ${TOTAL_DESCRIPTION}`,
    example: 250,
  })
  totalWithdrawn: number | string;

  @ApiProperty({
    ...SAFE_INTEGER,
    description: 'Money movements: deposits, withdrawals, and the opening deposit when above zero. Status changes do not count.',
    example: 3,
  })
  transactionCount: number;

  @ApiProperty({
    type: String,
    ...TIMESTAMP,
    nullable: true,
    description: "When the account's latest event (of any kind) occurred.",
  })
  lastActivityAt: string | null;
}

export class AccountResponse {
  @ApiProperty(UUID) accountId: string;
  @ApiProperty({ maxLength: OWNER_MAX_LENGTH, pattern: PRINTABLE_PATTERN, example: 'Ada Lovelace' }) owner: string;
  @ApiProperty({ ...CURRENCY, example: 'EUR' }) currency: string;
  @ApiProperty({ ...SAFE_INTEGER, description: 'Balance in minor units', example: 1250 })
  balance: number;
  @ApiProperty({
    ...SAFE_INTEGER,
    description: 'What may be spent or transferred: `balance - reserved`, in minor units',
    example: 1000,
  })
  availableBalance: number;
  @ApiProperty({ ...SAFE_INTEGER, description: 'Held by pending transfers (holds), in minor units', example: 250 })
  reserved: number;
  @ApiProperty({ enum: ['ACTIVE', 'FROZEN', 'CLOSED'] }) status: string;
  @ApiProperty({ ...SAFE_INTEGER, minimum: 1, description: 'Version of the last event the read model applied', example: 3 })
  version: number;
  @ApiProperty(TIMESTAMP) openedAt: string;
  @ApiProperty({ ...TIMESTAMP, description: "When the account's latest event occurred" }) updatedAt: string;
  @ApiProperty({ type: AccountSummaryResponse }) summary: AccountSummaryResponse;
}

export class AccountPageResponse {
  @ApiProperty({ type: [AccountResponse], maxItems: MAX_PAGE_SIZE }) items: AccountResponse[];
  @ApiProperty({ ...CURSOR_SHAPE, required: false, description: 'Opaque; pass it as `cursor` for the next page. Absent on the last page.' })
  nextCursor?: string;
}

export function toAccountResponse(account: AccountRecord): AccountResponse {
  return {
    accountId: account.accountId,
    owner: account.owner,
    currency: account.currency,
    balance: safeInteger(account.balance),
    availableBalance: safeInteger(availableBalance(account.balance, account.reserved)),
    reserved: safeInteger(account.reserved),
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

/** `balance - reserved`, exactly (both decimal strings). */
export function availableBalance(balance: string, reserved: string): string {
  return (BigInt(balance) - BigInt(reserved)).toString();
}
